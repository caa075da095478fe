//! What the page is built from: the models, loaded and computed the first time an island asks, and the
//! parts of the page that show them.

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
use crate::state::speculative::SpecDemo;
use crate::state::steps::LoopStep;

/// The models and what is computed from them, each made the first time a part of the page asks for it
/// (an island coming alive), under the page's owner so that it lives as long as the page.
#[derive(Debug, Clone)]
pub(crate) struct Models {
    owner: Owner,
    card: Result<GptCard, ModelError>,
    bars: Rc<OnceCell<Result<RwSignal<Bars>, ModelError>>>,
    gpt: Rc<OnceCell<Result<Rc<Gpt>, ModelError>>>,
    kv: Rc<OnceCell<Result<RwSignal<KvDemo>, ModelError>>>,
    speculative: Rc<OnceCell<Result<RwSignal<SpecDemo, LocalStorage>, ModelError>>>,
    steps: Rc<OnceCell<Result<Vec<LoopStep>, ModelError>>>,
    beam: Rc<OnceCell<Result<Vec<Scored>, ModelError>>>,
    sampled: Rc<OnceCell<Result<Vec<Scored>, ModelError>>>,
}

impl Models {
    pub(crate) fn new() -> Self {
        Self {
            owner: Owner::current().unwrap_or_default(),
            card: GptCard::shipped(),
            bars: Rc::default(),
            gpt: Rc::default(),
            kv: Rc::default(),
            speculative: Rc::default(),
            steps: Rc::default(),
            beam: Rc::default(),
            sampled: Rc::default(),
        }
    }

    /// The shipped transformer's shape, from its card (the default shape, which is the same, if the card
    /// could not be read).
    pub(crate) fn config(&self) -> GptConfig {
        self.card.as_ref().map(|c| c.config.clone()).unwrap_or_else(|_| GptConfig::new())
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
    pub(crate) fn gpt(&self) -> Result<Rc<Gpt>, ModelError> {
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

    /// The speculative-sampling step-through, before its first round.
    fn speculative(&self) -> Result<RwSignal<SpecDemo, LocalStorage>, ModelError> {
        let make = || {
            let demo = SpecDemo::new(&Bigram::shipped(&device())?, self.gpt()?.as_ref())?;
            Ok(self.owner.with(|| RwSignal::new_local(demo)))
        };
        self.speculative.get_or_init(make).clone()
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
            Need::Speculative => drop(self.speculative()),
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
    Speculative,
    Beam,
    Sampled,
}

/// What the sections are built from: the page's progress, the models' shape, and the models with what
/// is computed from them, made when first asked for.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The quizzes answered so far.
    pub(crate) progress: Progress,
    /// The shipped transformer's shape.
    pub(crate) config: GptConfig,
    /// The cost model of the shipped shape, and of GPT-2 small's.
    pub(crate) costs: (CostModel, CostModel),
    /// The models, loaded on first use.
    pub(crate) models: Models,
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
    pub(crate) fn with_gpt(&self, name: &'static str, show: impl Fn(Rc<Gpt>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The transformer", &[Need::Gpt], Models::gpt, show)
    }

    /// An island showing the bars over the bigram, which can also show the transformer.
    pub(crate) fn with_bars(&self, name: &'static str, show: impl Fn(RwSignal<Bars>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The bigram", &[Need::Bars, Need::Gpt], Models::bars, show)
    }

    /// An island showing the transformer's recorded loop.
    pub(crate) fn with_steps(&self, name: &'static str, show: impl Fn(Vec<LoopStep>) -> AnyView + 'static) -> AnyView {
        self.island_of(name, "The transformer", &[Need::Gpt, Need::Steps], Models::steps, show)
    }

    /// An island showing the recorded KV-cache run on the transformer.
    pub(crate) fn with_kv(
        &self,
        name: &'static str,
        show: impl Fn((Rc<Gpt>, RwSignal<KvDemo>)) -> AnyView + 'static,
    ) -> AnyView {
        let get = |m: &Models| Ok((m.gpt()?, m.kv()?));
        self.island_of(name, "The transformer", &[Need::Gpt, Need::Kv], get, show)
    }

    /// The island of speculative sampling: the transformer and the step-through.
    pub(crate) fn with_speculative(
        &self,
        show: impl Fn((Rc<Gpt>, RwSignal<SpecDemo, LocalStorage>)) -> AnyView + 'static,
    ) -> AnyView {
        let get = |m: &Models| Ok((m.gpt()?, m.speculative()?));
        self.island_of("speculative", "The two models", &[Need::Gpt, Need::Speculative], get, show)
    }

    /// The beam-search island: the transformer, the beams at the first settings, the sampled names.
    pub(crate) fn with_beams(
        &self,
        show: impl Fn((Rc<Gpt>, Vec<Scored>, Vec<Scored>)) -> AnyView + 'static,
    ) -> AnyView {
        let get = |m: &Models| Ok((m.gpt()?, m.beam()?, m.sampled()?));
        self.island_of("beam", "The transformer", &[Need::Gpt, Need::Beam, Need::Sampled], get, show)
    }

    /// An island with the argument against beam search, computed from the bigram and the transformer's
    /// validation loss.
    pub(crate) fn beam_argument(&self) -> AnyView {
        let models = self.models.clone();
        island("beam-argument", Vec::new(), move || {
            let text = match (&models.card, model::shipped_table()) {
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
