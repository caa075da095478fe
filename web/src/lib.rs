//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

pub mod lesson;
mod perf;
pub mod sections;
pub mod state;
pub mod widgets;

use std::rc::Rc;

use leptos::prelude::*;
use model::{Bigram, Gpt, GptCard, GptConfig, ModelError, device};

use crate::lesson::Progress;
use crate::state::bars::{Bars, interesting_context};
use crate::state::kv::{CostModel, KvDemo};

/// Everything the page computes from the shipped models when it starts.
struct Loaded {
    bars: RwSignal<Bars>,
    gpt: Rc<Gpt>,
    card: GptCard,
    kv: RwSignal<KvDemo>,
    steps: Vec<crate::state::steps::LoopStep>,
}

fn load() -> Result<Loaded, ModelError> {
    let table = Bigram::shipped(&device())?.table()?;
    let context = interesting_context(&table);
    let card = GptCard::shipped()?;
    let gpt = Gpt::shipped(&device())?;
    let kv = KvDemo::record(&gpt, card.config.clone())?;
    let steps = crate::state::steps::record(&gpt)?;
    Ok(Loaded { steps, bars: RwSignal::new(Bars::new(table, context)), gpt: Rc::new(gpt), card, kv: RwSignal::new(kv) })
}

/// What the sections are built from: the page's progress, the models' shape, and everything computed
/// from the shipped models when the page starts (or why it could not be).
#[derive(Debug, Clone)]
pub struct Parts {
    progress: Progress,
    config: GptConfig,
    /// The cost model of the shipped shape, and of GPT-2 small's.
    costs: (CostModel, CostModel),
    bars: Result<RwSignal<Bars>, ModelError>,
    gpt: Result<Rc<Gpt>, ModelError>,
    kv: Result<RwSignal<KvDemo>, ModelError>,
    loop_steps: Result<Vec<crate::state::steps::LoopStep>, ModelError>,
    beam_argument: String,
}

impl Parts {
    /// A view of the transformer, or the reason it is missing.
    fn with_gpt(&self, f: &dyn Fn(Rc<Gpt>) -> AnyView) -> AnyView {
        match &self.gpt {
            Ok(model) => f(Rc::clone(model)),
            Err(e) => failed("The transformer", e),
        }
    }

    /// A view of the bars, or the reason the bigram is missing.
    fn with_bars(&self, f: &dyn Fn(RwSignal<Bars>) -> AnyView) -> AnyView {
        match &self.bars {
            Ok(b) => f(*b),
            Err(e) => failed("The bigram", e),
        }
    }

    /// A view of a value computed at load, or the reason it is missing.
    fn with<T: Clone>(what: &Result<T, ModelError>, f: impl FnOnce(T) -> AnyView) -> AnyView {
        match what {
            Ok(value) => f(value.clone()),
            Err(e) => failed("The transformer", e),
        }
    }
}

/// A clear message in place of a part of the page that could not be built.
fn failed(what: &str, error: &ModelError) -> AnyView {
    view! { <p class="error" role="alert">{format!("{what} could not be loaded: {error}")}</p> }.into_any()
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let loaded = load();
    let config = loaded.as_ref().map(|l| l.card.config.clone()).unwrap_or_else(|_| GptConfig::new());
    let progress = Progress::new(&config);
    let beam_argument = match (&loaded, crate::state::beam::shipped_table()) {
        (Ok(l), Ok(table)) => crate::state::beam::why_not_beam(&table, l.card.validation_loss),
        _ => String::new(),
    };
    let error = |e: &ModelError| e.clone();
    let parts = Parts {
        progress,
        costs: (CostModel::of(&config), CostModel::of(&GptConfig::gpt2_small())),
        config,
        bars: loaded.as_ref().map(|l| l.bars).map_err(error),
        gpt: loaded.as_ref().map(|l| Rc::clone(&l.gpt)).map_err(error),
        kv: loaded.as_ref().map(|l| l.kv).map_err(error),
        loop_steps: loaded.as_ref().map(|l| l.steps.clone()).map_err(error),
        beam_argument,
    };
    // The reading time, counted from the page's own words once it has rendered.
    let reading = RwSignal::new(None::<usize>);
    request_animation_frame(move || {
        let words = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("main").ok().flatten())
            .and_then(|m| m.text_content())
            .map_or(0, |t| t.split_whitespace().count());
        reading.set(Some(crate::state::quiz::reading_minutes(words)));
    });

    view! {
        <main class="lesson">
            <header>
                <p class="kicker">"Tokenization, training and sampling"</p>
                <h1>"How distributions become text"</h1>
                <p class="lede">
                    "A language model does not write. For every token it knows it hands back a score, a logit, and "
                    "a small separate procedure turns those scores into one choice. Repeat the choice and text "
                    "appears. This page is about that procedure: greedy choice and why it loops, temperature, "
                    "top-k and top-p as edits of the logits in a fixed order, why engines that use another order "
                    "disagree, the newer stages (min-p, top-n-σ, typical sampling, penalties), why beam search is "
                    "left out, and the key/value cache, which spares every step from recomputing the past."
                </p>
                <p class="meta">
                    <span data-testid="reading-time">{move || reading.get().map(|m| format!("About {m} min read"))}</span>
                </p>
                <nav aria-label="On this page" class="toc">
                    <ol>
                        {sections::SECTIONS
                            .iter()
                            .map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> })
                            .collect_view()}
                    </ol>
                </nav>
                <p class="progress">
                    "Questions answered: "<span data-testid="progress">{move || progress.readout()}</span>
                    <span class="complete" data-testid="complete">
                        {move || progress.is_complete().then_some(" · Lesson complete: every question answered.")}
                    </span>
                </p>
                <p class="notice" role="status" data-testid="progress-notice">{progress.notice()}</p>
            </header>

            <sections::Sections parts />
        </main>
    }
}
