//! What the islands are built from: the opening data the page was sent with, the models in the
//! background, the learner's progress, and the state the bigram's widgets share.

use std::cell::OnceCell;
use std::rc::Rc;

use leptos::prelude::*;
use protocol::GptConfig;
use protocol::messages::{Opening, decode_text};
use sampling::Logits;

use crate::lesson::Progress;
use crate::models::Models;
use crate::state::bars::{Bars, interesting_context};
use crate::state::kv::CostModel;

/// The id of the element that carries the opening data in the sent page.
pub const OPENING_ID: &str = "opening";

/// What the islands are built from.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The quizzes answered so far.
    pub(crate) progress: Progress,
    /// The shipped transformer's shape.
    pub(crate) config: GptConfig,
    /// The cost model of the shipped shape, and of GPT-2 small's.
    pub(crate) costs: (CostModel, CostModel),
    /// Every widget's first state, computed when the page was built (or why it could not be read).
    pub(crate) opening: Rc<Result<Opening, String>>,
    /// The models, in the background.
    pub(crate) models: Models,
    /// The bars' state, shared by the bars, the nucleus and the stages, made when first asked for.
    bars: Rc<OnceCell<Option<RwSignal<Bars>>>>,
}

impl Parts {
    /// The parts for `opening` (or the reason it could not be read).
    pub fn new(opening: Result<Opening, String>) -> Self {
        let config = opening.as_ref().map(|o| o.config.clone()).unwrap_or_default();
        let progress = Progress::new(&config);
        Self {
            progress,
            costs: (CostModel::of(&config), CostModel::of(&GptConfig::gpt2_small())),
            config,
            opening: Rc::new(opening),
            models: Models::new(),
            bars: Rc::default(),
        }
    }

    /// The parts of the page the server sent: its opening data read from it.
    pub fn in_browser(document: &web_sys::Document) -> Self {
        let text = document.get_element_by_id(OPENING_ID).and_then(|e| e.text_content());
        let opening = match text {
            Some(text) => decode_text(&text).map_err(|e| e.to_string()),
            None => Err("the page came without it".to_string()),
        };
        Self::new(opening)
    }

    /// The opening data, or why this island cannot show: a sentence.
    pub(crate) fn opening(&self) -> Result<&Opening, String> {
        self.opening
            .as_ref()
            .as_ref()
            .map_err(|e| format!("The data this part of the page starts from could not be read: {e}."))
    }

    /// The transformer's logits after `·` and `prompt`, as the page was sent them.
    pub(crate) fn after(&self, prompt: &str) -> Result<Logits, String> {
        let opening = self.opening()?;
        let logits =
            opening.after(prompt).ok_or_else(|| format!("The page was not sent the logits after ·{prompt}."))?;
        Logits::from_f32(logits).map_err(|e| e.to_string())
    }

    /// The bars' state over the bigram's table (one for the page).
    pub(crate) fn bars(&self) -> Result<RwSignal<Bars>, String> {
        let opening = self.opening()?;
        let made = self.bars.get_or_init(|| {
            let table: Vec<Logits> = opening.bigram.iter().filter_map(|row| Logits::from_f32(row).ok()).collect();
            (table.len() == protocol::VOCAB_SIZE).then(|| {
                let context = interesting_context(&table);
                RwSignal::new(Bars::new(table, context))
            })
        });
        made.ok_or_else(|| "The bigram's table in the page's data is not 27 rows of logits.".to_string())
    }
}

/// A clear message in place of a part of the page that could not be built.
pub(crate) fn failed(message: String) -> AnyView {
    view! { <p class="error" role="alert">{message}</p> }.into_any()
}
