//! A sampling pipeline as an ordered list of stages, and the orders three engines use by default.
//!
//! Engines agree on what each stage does but not on the order, and the order changes the result:
//! temperature before top-p changes which tokens top-p keeps, temperature after it only reshapes the
//! ones it kept. A [`Pipeline`] is a list, so any order can be built, and [`Engine`] holds the three
//! defaults this page compares.

use crate::{
    Distribution, Logits, MinP, Penalties, Sampler, Temperature, TokenId, TopK, TopNSigma, TopP, Typical, softmax,
};

/// What a stage is, without its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StageKind {
    /// Repetition, presence and frequency penalties.
    Penalties,
    /// Divide by τ.
    Temperature,
    /// Keep the k largest.
    TopK,
    /// Keep the nucleus of mass p.
    TopP,
    /// Keep what is at least min-p times as likely as the most likely.
    MinP,
    /// Keep the tokens whose surprisal is closest to the entropy.
    Typical,
    /// Keep the logits within n standard deviations of the largest.
    TopNSigma,
}

impl StageKind {
    /// Every kind.
    pub const ALL: [Self; 7] =
        [Self::Penalties, Self::Temperature, Self::TopK, Self::TopP, Self::MinP, Self::Typical, Self::TopNSigma];

    /// The name the page shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::Penalties => "penalties",
            Self::Temperature => "temperature",
            Self::TopK => "top-k",
            Self::TopP => "top-p",
            Self::MinP => "min-p",
            Self::Typical => "typical",
            Self::TopNSigma => "top-n-σ",
        }
    }
}

/// One stage with its setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// See [`Penalties`].
    Penalties(Penalties),
    /// See [`Temperature`].
    Temperature(Temperature),
    /// See [`TopK`].
    TopK(TopK),
    /// See [`TopP`].
    TopP(TopP),
    /// See [`MinP`].
    MinP(MinP),
    /// See [`Typical`].
    Typical(Typical),
    /// See [`TopNSigma`].
    TopNSigma(TopNSigma),
}

impl Stage {
    /// What it is.
    pub fn kind(&self) -> StageKind {
        match self {
            Self::Penalties(_) => StageKind::Penalties,
            Self::Temperature(_) => StageKind::Temperature,
            Self::TopK(_) => StageKind::TopK,
            Self::TopP(_) => StageKind::TopP,
            Self::MinP(_) => StageKind::MinP,
            Self::Typical(_) => StageKind::Typical,
            Self::TopNSigma(_) => StageKind::TopNSigma,
        }
    }

    /// Whether it changes nothing for a vocabulary of `vocab` tokens.
    pub fn is_off(&self, vocab: usize) -> bool {
        match self {
            Self::Penalties(s) => s.is_off(),
            Self::Temperature(t) => t.get() == 1.0,
            Self::TopK(k) => k.is_off_for(vocab),
            Self::TopP(p) => p.is_off(),
            Self::MinP(m) => m.is_off(),
            Self::Typical(t) => t.is_off(),
            Self::TopNSigma(n) => n.get().is_none(),
        }
    }

    /// The logits after this stage. Only the penalties read `context`.
    pub fn apply(&self, logits: &Logits, context: &[TokenId]) -> Logits {
        match self {
            Self::Penalties(s) => s.apply(logits, context),
            Self::Temperature(t) => t.apply(logits),
            Self::TopK(k) => k.apply(logits),
            Self::TopP(p) => p.apply(logits),
            Self::MinP(m) => m.apply(logits),
            Self::Typical(t) => t.apply(logits),
            Self::TopNSigma(n) => n.apply(logits),
        }
    }
}

impl Stage {
    /// The ids (ascending) an active truncating stage keeps, found without sorting the vocabulary: the
    /// same set as [`Stage::apply`] keeps (held equal by the tests and the fuzzer). Top-n-σ is two passes
    /// of its own; any other stage is applied and read off.
    fn survivors(&self, logits: &Logits) -> Vec<TokenId> {
        match self {
            Self::TopK(k) => match k.get().filter(|&k| k < logits.len()) {
                Some(k) => crate::fast::top_k_kept(logits.as_slice(), k),
                None => logits.kept().collect(),
            },
            Self::MinP(m) if !m.is_off() => crate::fast::min_p_kept(logits.as_slice(), m.get()),
            Self::TopP(p) if !p.is_off() => crate::fast::top_p_kept(logits, *p),
            _ => self.apply(logits, &[]).kept().collect(),
        }
    }
}

/// A setting for every kind of stage: what [`Pipeline::from_order`] puts in each place. Every setting
/// defaults to off.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Knobs {
    /// θ, α and β.
    pub penalties: Penalties,
    /// τ.
    pub temperature: Temperature,
    /// k.
    pub top_k: TopK,
    /// p.
    pub top_p: TopP,
    /// min-p.
    pub min_p: MinP,
    /// The typical mass.
    pub typical: Typical,
    /// n.
    pub top_n_sigma: TopNSigma,
}

impl Knobs {
    /// The stage of `kind` with its setting.
    pub fn stage(&self, kind: StageKind) -> Stage {
        match kind {
            StageKind::Penalties => Stage::Penalties(self.penalties),
            StageKind::Temperature => Stage::Temperature(self.temperature),
            StageKind::TopK => Stage::TopK(self.top_k),
            StageKind::TopP => Stage::TopP(self.top_p),
            StageKind::MinP => Stage::MinP(self.min_p),
            StageKind::Typical => Stage::Typical(self.typical),
            StageKind::TopNSigma => Stage::TopNSigma(self.top_n_sigma),
        }
    }
}

/// The logits after one stage of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Traced {
    /// The stage that ran, with its setting.
    pub stage: Stage,
    /// The logits after it; a token is kept while its logit is finite.
    pub logits: Logits,
}

impl Traced {
    /// The distribution after this stage, renormalized over what is kept.
    pub fn probs(&self) -> Distribution {
        softmax(&self.logits)
    }
}

/// Stages applied first to last, then one softmax and one draw. Empty, it samples the model's own
/// distribution.
///
/// ```
/// use sampling::{Engine, Knobs, Logits, Pipeline, Stage, Temperature, TopP};
/// let logits = Logits::new(vec![2.0, 1.0, 0.0])?;
/// let knobs = Knobs { temperature: Temperature::new(0.5)?, top_p: TopP::new(0.8)?, ..Knobs::default() };
/// // Temperature first sharpens the distribution, so top-p 0.8 keeps one token; temperature last keeps two.
/// let first = Pipeline::from_order(Engine::HuggingFace.order(), &knobs);
/// let last = Pipeline::from_order(Engine::LlamaCpp.order(), &knobs);
/// assert_eq!(first.distribution(&logits, &[]).probs().iter().filter(|p| **p > 0.0).count(), 1);
/// assert_eq!(last.distribution(&logits, &[]).probs().iter().filter(|p| **p > 0.0).count(), 2);
/// // Built by hand, stage by stage:
/// let mine = Pipeline::new().then(Stage::TopP(TopP::new(0.8)?)).then(Stage::Temperature(Temperature::new(0.5)?));
/// assert_eq!(mine.distribution(&logits, &[]), last.distribution(&logits, &[]));
/// # Ok::<(), sampling::SamplingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pipeline(Vec<Stage>);

impl Pipeline {
    /// No stage at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same pipeline with `stage` appended.
    #[must_use]
    pub fn then(mut self, stage: Stage) -> Self {
        self.0.push(stage);
        self
    }

    /// The stages of `order`, each with its setting from `knobs`.
    pub fn from_order(order: &[StageKind], knobs: &Knobs) -> Self {
        Self(order.iter().map(|&kind| knobs.stage(kind)).collect())
    }

    /// The stages, first to last.
    pub fn stages(&self) -> &[Stage] {
        &self.0
    }

    /// The stages, to add, remove or reorder.
    pub fn stages_mut(&mut self) -> &mut Vec<Stage> {
        &mut self.0
    }

    /// Every stage's result, first to last. `context` is what the penalties read.
    pub fn trace(&self, logits: &Logits, context: &[TokenId]) -> Vec<Traced> {
        let mut current = logits.clone();
        self.0
            .iter()
            .map(|&stage| {
                current = stage.apply(&current, context);
                Traced { stage, logits: current.clone() }
            })
            .collect()
    }

    /// The logits after the last stage.
    pub fn apply(&self, logits: &Logits, context: &[TokenId]) -> Logits {
        self.0.iter().fold(logits.clone(), |current, stage| stage.apply(&current, context))
    }

    /// The distribution the draw is made from.
    pub fn distribution(&self, logits: &Logits, context: &[TokenId]) -> Distribution {
        match self.path(logits, context) {
            Path::Sampler(penalties, sampler) => sampler.distribution(&penalized(penalties, logits, context)),
            Path::Reduced { ids, probs } => {
                let mut full = vec![0.0; logits.len()];
                for (&id, &p) in ids.iter().zip(probs.probs()) {
                    full[id] = p;
                }
                Distribution::from_checked(full)
            }
            Path::Staged => softmax(&self.apply(logits, context)),
        }
    }

    /// One draw from [`Pipeline::distribution`], without sorting the vocabulary where the order allows:
    ///
    /// * active stages that are the penalties then temperature, top-k and top-p in that order take the
    ///   sampler's fast path;
    /// * otherwise, at the first active stage that truncates (top-k, min-p, top-n-σ, top-p) when only
    ///   the penalties and temperature come before it: those run on the whole vocabulary (a pass each),
    ///   the truncating stage finds its survivors without sorting (top-k by a linear selection, min-p
    ///   and top-n-σ by comparing logits with a line, top-p by the sampler's bracketed nucleus), and
    ///   the rest of the chain runs on the survivors alone (every engine's default chain goes this
    ///   way, llama.cpp's at its top-k);
    /// * anything else (typical-p first over the whole vocabulary) runs stage by stage.
    ///
    /// All three draw with the same inverse transform over the kept tokens in id order, so a seed picks
    /// the same token whichever path runs.
    pub fn choose<R: rand::Rng + ?Sized>(&self, logits: &Logits, context: &[TokenId], rng: &mut R) -> TokenId {
        match self.path(logits, context) {
            Path::Sampler(penalties, sampler) => sampler.choose(&penalized(penalties, logits, context), rng),
            Path::Reduced { ids, probs } => ids[probs.pick(crate::uniform(rng))],
            Path::Staged => softmax(&self.apply(logits, context)).pick(crate::uniform(rng)),
        }
    }

    /// Which way [`Pipeline::choose`] goes, with the reduced chain already run when it goes that way.
    fn path(&self, logits: &Logits, context: &[TokenId]) -> Path {
        let vocab = logits.len();
        if let Some((penalties, sampler)) = self.as_sampler(vocab) {
            return Path::Sampler(penalties, sampler);
        }
        let Some(at) = self.reducible_at(vocab) else { return Path::Staged };
        // Stages that are off change nothing: skipping them saves a copy of the vocabulary each.
        let active = |stages: &[Stage]| stages.iter().filter(|s| !s.is_off(vocab)).copied().collect::<Vec<_>>();
        let before = active(&self.0[..at]);
        let mapped;
        let before = if before.is_empty() {
            logits
        } else {
            mapped = before.iter().fold(logits.clone(), |current, stage| stage.apply(&current, context));
            &mapped
        };
        let ids = self.0[at].survivors(before);
        let reduced = Logits::from_checked(ids.iter().map(|&i| before.as_slice()[i]).collect());
        // The penalties further on read the context through the survivors' new positions.
        let local: Vec<TokenId> = context.iter().filter_map(|t| ids.binary_search(t).ok()).collect();
        let rest = active(&self.0[at + 1..]).iter().fold(reduced, |current, stage| stage.apply(&current, &local));
        Path::Reduced { probs: softmax(&rest), ids }
    }

    /// The place of the first active stage that keeps a subset without sorting (top-k, min-p, top-n-σ,
    /// or top-p by its bracketed nucleus), when every active stage before it maps each logit on its own
    /// (the penalties, temperature). A typical-p stage before it sorts the vocabulary: no place then.
    pub fn reducible_at(&self, vocab: usize) -> Option<usize> {
        for (i, stage) in self.0.iter().enumerate().filter(|(_, s)| !s.is_off(vocab)) {
            match stage {
                Stage::Penalties(_) | Stage::Temperature(_) => {}
                Stage::Typical(_) => return None,
                Stage::TopK(_) | Stage::TopP(_) | Stage::MinP(_) | Stage::TopNSigma(_) => return Some(i),
            }
        }
        None
    }

    /// The same pipeline as penalties then a [`Sampler`], when its active stages allow it: at most one
    /// of each, the penalties first, then temperature, top-k and top-p in that order.
    pub fn as_sampler(&self, vocab: usize) -> Option<(Penalties, Sampler)> {
        const ORDER: [StageKind; 4] = [StageKind::Penalties, StageKind::Temperature, StageKind::TopK, StageKind::TopP];
        let mut next = 0;
        let (mut penalties, mut sampler) = (Penalties::OFF, Sampler::default());
        for stage in self.0.iter().filter(|s| !s.is_off(vocab)) {
            let place = ORDER[next..].iter().position(|&k| k == stage.kind())?;
            next += place + 1;
            match *stage {
                Stage::Penalties(p) => penalties = p,
                Stage::Temperature(t) => sampler.temperature = t,
                Stage::TopK(k) => sampler.top_k = k,
                Stage::TopP(p) => sampler.top_p = p,
                _ => return None,
            }
        }
        Some((penalties, sampler))
    }
}

/// The logits after `penalties`; borrowed when they are off, which would only copy the vocabulary.
fn penalized<'a>(penalties: Penalties, logits: &'a Logits, context: &[TokenId]) -> std::borrow::Cow<'a, Logits> {
    if penalties.is_off() {
        std::borrow::Cow::Borrowed(logits)
    } else {
        std::borrow::Cow::Owned(penalties.apply(logits, context))
    }
}

/// How a pipeline is run.
enum Path {
    /// As penalties then the sampler's fast path.
    Sampler(Penalties, Sampler),
    /// Reduced to the survivors of a top-k: their ids (ascending) and the distribution over them.
    Reduced { ids: Vec<TokenId>, probs: Distribution },
    /// Stage by stage over the whole vocabulary.
    Staged,
}

impl From<Sampler> for Pipeline {
    fn from(s: Sampler) -> Self {
        Self::new().then(Stage::Temperature(s.temperature)).then(Stage::TopK(s.top_k)).then(Stage::TopP(s.top_p))
    }
}

/// Engines whose default stage orders this page compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// Hugging Face transformers' `generate`: its logits processors run the repetition penalty, then the
    /// warpers temperature, top-k, top-p, min-p and typical, in that order.
    HuggingFace,
    /// llama.cpp's default sampler chain (`common_params_sampling::samplers`): penalties, DRY, top-n-σ,
    /// top-k, typical, top-p, min-p, XTC, then temperature last. DRY and XTC are not on this page.
    LlamaCpp,
    /// vLLM's sampler: penalties, temperature, min-p, then top-k and top-p together.
    Vllm,
}

impl Engine {
    /// Every engine.
    pub const ALL: [Self; 3] = [Self::HuggingFace, Self::LlamaCpp, Self::Vllm];

    /// The name the page shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::HuggingFace => "Hugging Face transformers",
            Self::LlamaCpp => "llama.cpp",
            Self::Vllm => "vLLM",
        }
    }

    /// Its default order of the stages this page has.
    pub fn order(self) -> &'static [StageKind] {
        use StageKind::*;
        match self {
            Self::HuggingFace => &[Penalties, Temperature, TopK, TopP, MinP, Typical],
            Self::LlamaCpp => &[Penalties, TopNSigma, TopK, Typical, TopP, MinP, Temperature],
            Self::Vllm => &[Penalties, Temperature, MinP, TopK, TopP],
        }
    }
}

// Here rather than in pipeline.rs: a sampler's stages are a pipeline's, and the sampler sits below it.
impl Sampler {
    /// Runs the three stages and keeps each one's result, in order: temperature, then top-k, then top-p
    /// on the renormalized survivors. The distribution drawn from is the last one's
    /// ([`Traced::probs`]): one softmax over what is left.
    pub fn stages(&self, logits: &Logits) -> Vec<Traced> {
        Pipeline::from(*self).trace(logits, &[])
    }
}
