//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

// Rendering the whole page to HTML (the `ssr` feature) nests view types deeper than the default allows.
#![recursion_limit = "256"]

pub mod browser;
pub mod island;
pub mod lesson;
mod perf;
pub mod sections;
pub mod state;
pub mod widgets;

use std::cell::OnceCell;
use std::rc::Rc;

use leptos::prelude::*;
use model::{Bigram, Gpt, GptCard, GptConfig, ModelError, device};

use crate::island::island;
use crate::lesson::Progress;
use crate::state::bars::{Bars, interesting_context};
use crate::state::beam::{BEAM_SEED, SAMPLED_NAMES, Scored, beam_names, sampled_names};
use crate::state::kv::{CostModel, KvDemo};
use crate::state::sliders::{beam_width, length_penalty};
use crate::state::steps::LoopStep;

/// The models and what is computed from them, each made the first time a part of the page asks for it
/// (an island coming alive), under the page's owner so that it lives as long as the page.
#[derive(Debug, Clone)]
struct Models {
    owner: Owner,
    card: Result<GptCard, ModelError>,
    bars: Rc<OnceCell<Result<RwSignal<Bars>, ModelError>>>,
    gpt: Rc<OnceCell<Result<Rc<Gpt>, ModelError>>>,
    kv: Rc<OnceCell<Result<RwSignal<KvDemo>, ModelError>>>,
    steps: Rc<OnceCell<Result<Vec<LoopStep>, ModelError>>>,
    beam: Rc<OnceCell<Result<Vec<Scored>, ModelError>>>,
    sampled: Rc<OnceCell<Result<Vec<Scored>, ModelError>>>,
}

impl Models {
    fn new() -> Self {
        Self {
            owner: Owner::current().unwrap_or_default(),
            card: GptCard::shipped(),
            bars: Rc::default(),
            gpt: Rc::default(),
            kv: Rc::default(),
            steps: Rc::default(),
            beam: Rc::default(),
            sampled: Rc::default(),
        }
    }

    /// The bigram's table, as the bars' state.
    fn bars(&self) -> Result<RwSignal<Bars>, ModelError> {
        let make = || {
            let table = Bigram::shipped(&device())?.table()?;
            let context = interesting_context(&table);
            Ok(self.owner.with(|| RwSignal::new(Bars::new(table, context))))
        };
        self.bars.get_or_init(make).clone()
    }

    /// The transformer.
    fn gpt(&self) -> Result<Rc<Gpt>, ModelError> {
        self.gpt.get_or_init(|| Gpt::shipped(&device()).map(Rc::new)).clone()
    }

    /// The recorded KV-cache run.
    fn kv(&self) -> Result<RwSignal<KvDemo>, ModelError> {
        let make = || {
            let (gpt, card) = (self.gpt()?, self.card.clone()?);
            let demo = KvDemo::record(&gpt, card.config)?;
            Ok(self.owner.with(|| RwSignal::new(demo)))
        };
        self.kv.get_or_init(make).clone()
    }

    /// The recorded steps of the loop.
    fn steps(&self) -> Result<Vec<LoopStep>, ModelError> {
        self.steps.get_or_init(|| crate::state::steps::record(self.gpt()?.as_ref())).clone()
    }

    /// The names beam search finds at the sliders' first settings.
    fn beam(&self) -> Result<Vec<Scored>, ModelError> {
        let search = || beam_names(self.gpt()?.as_ref(), beam_width().default() as usize, length_penalty().default());
        self.beam.get_or_init(search).clone()
    }

    /// The sampled names shown beside the beams.
    fn sampled(&self) -> Result<Vec<Scored>, ModelError> {
        self.sampled.get_or_init(|| sampled_names(self.gpt()?.as_ref(), SAMPLED_NAMES, BEAM_SEED)).clone()
    }

    /// Loads what `need` names (an error is kept, and shown by the island that asked).
    fn load(&self, need: Need) {
        match need {
            Need::Bars => drop(self.bars()),
            Need::Gpt => drop(self.gpt()),
            Need::Steps => drop(self.steps()),
            Need::Kv => drop(self.kv()),
            Need::Beam => drop(self.beam()),
            Need::Sampled => drop(self.sampled()),
        }
    }
}

/// What an island needs loaded before it renders, each one step of the start-up.
#[derive(Debug, Clone, Copy)]
enum Need {
    Bars,
    Gpt,
    Steps,
    Kv,
    Beam,
    Sampled,
}

/// What the sections are built from: the page's progress, the models' shape, and the models with what
/// is computed from them, made when first asked for.
#[derive(Debug, Clone)]
pub struct Parts {
    progress: Progress,
    config: GptConfig,
    /// The cost model of the shipped shape, and of GPT-2 small's.
    costs: (CostModel, CostModel),
    models: Models,
}

impl Parts {
    /// An island showing what `get` makes from the models, or why `what` could not be loaded; `needs`
    /// is loaded first, one step per task.
    fn island_of<T>(
        &self,
        name: &'static str,
        what: &'static str,
        needs: &[Need],
        get: impl Fn(&Models) -> Result<T, ModelError> + 'static,
        show: impl Fn(T) -> AnyView + 'static,
    ) -> AnyView {
        let prepare = needs
            .iter()
            .map(|&need| {
                let models = self.models.clone();
                Box::new(move || models.load(need)) as Box<dyn Fn()>
            })
            .collect();
        let models = self.models.clone();
        island(name, prepare, move || match get(&models) {
            Ok(value) => show(value),
            Err(e) => failed(what, &e),
        })
    }

    /// An island showing the transformer.
    fn with_gpt(&self, name: &'static str, show: impl Fn(Rc<Gpt>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The transformer", &[Need::Gpt], Models::gpt, show)
    }

    /// An island showing the bars over the bigram, which can also show the transformer.
    fn with_bars(&self, name: &'static str, show: impl Fn(RwSignal<Bars>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The bigram", &[Need::Bars, Need::Gpt], Models::bars, show)
    }

    /// An island showing the transformer's recorded loop.
    fn with_steps(&self, name: &'static str, show: impl Fn(Vec<LoopStep>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The transformer", &[Need::Gpt, Need::Steps], Models::steps, show)
    }

    /// An island showing the recorded KV-cache run on the transformer.
    fn with_kv(&self, name: &'static str, show: impl Fn((Rc<Gpt>, RwSignal<KvDemo>)) -> AnyView + 'static) -> AnyView {
        let get = |m: &Models| Ok((m.gpt()?, m.kv()?));
        self.island_of(name, "The transformer", &[Need::Gpt, Need::Kv], get, show)
    }

    /// The beam-search island: the transformer, the beams at the first settings, the sampled names.
    fn with_beams(&self, show: impl Fn((Rc<Gpt>, Vec<Scored>, Vec<Scored>)) -> AnyView + 'static) -> AnyView {
        let get = |m: &Models| Ok((m.gpt()?, m.beam()?, m.sampled()?));
        self.island_of("beam", "The transformer", &[Need::Gpt, Need::Beam, Need::Sampled], get, show)
    }

    /// An island with the argument against beam search, computed from the bigram and the transformer's
    /// validation loss.
    fn beam_argument(&self) -> AnyView {
        let models = self.models.clone();
        island("beam-argument", Vec::new(), move || {
            let text = match (&models.card, crate::state::beam::shipped_table()) {
                (Ok(card), Ok(table)) => crate::state::beam::why_not_beam(&table, card.validation_loss),
                _ => String::new(),
            };
            view! { <p>{text}</p> }.into_any()
        })
    }
}

/// A clear message in place of a part of the page that could not be built.
fn failed(what: &str, error: &ModelError) -> AnyView {
    view! { <p class="error" role="alert">{format!("{what} could not be loaded: {error}")}</p> }.into_any()
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let models = Models::new();
    let config = models.card.as_ref().map(|c| c.config.clone()).unwrap_or_else(|_| GptConfig::new());
    let progress = Progress::new(&config);
    let parts =
        Parts { progress, costs: (CostModel::of(&config), CostModel::of(&GptConfig::gpt2_small())), config, models };
    // The reading time, counted from the page's own words once it has rendered.
    let reading = RwSignal::new(None::<usize>);
    crate::browser::after_redraw(move || {
        let words = crate::browser::document()
            .and_then(|d| d.query_selector("main").ok().flatten())
            .and_then(|m| m.text_content())
            .map_or(0, |t| t.split_whitespace().count());
        reading.set(Some(crate::state::quiz::reading_minutes(words)));
    });

    view! {
        <main class="lesson">
            <header>
                <p class="kicker" data-keep="kicker">"Tokenization, training and sampling"</p>
                <h1 data-keep="title">"How distributions become text"</h1>
                <p class="lede" data-keep="lede">
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
