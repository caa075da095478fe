//! The fixed order: temperature → top-k → top-p → softmax → one draw.

use crate::fast::Survivors;
use crate::{Distribution, Logits, Temperature, TokenId, TopK, TopP};

/// softmax(ℓ)ᵢ = exp(ℓᵢ − max ℓ) / Σⱼ exp(ℓⱼ − max ℓ); masked (−∞) tokens get exactly 0.
///
/// Subtracting the largest logit first changes nothing mathematically and keeps every exponent ≤ 0, so
/// nothing overflows; the largest term is exactly 1, so the sum is never 0.
pub fn softmax(logits: &Logits) -> Distribution {
    let max = logits.max();
    let mut probs: Vec<f64> =
        logits.as_slice().iter().map(|&l| if l.is_finite() { (l - max).exp() } else { 0.0 }).collect();
    let total: f64 = probs.iter().sum();
    for p in &mut probs {
        *p /= total;
    }
    Distribution::from_checked(probs)
}

/// The three sampler settings, applied in the fixed order temperature → top-k → top-p.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sampler {
    /// Divides the logits first.
    pub temperature: Temperature,
    /// Then keeps the k highest.
    pub top_k: TopK,
    /// Then keeps the nucleus of mass p among the survivors.
    pub top_p: TopP,
}

/// Every intermediate result of one pass through a [`Sampler`], for drawing each stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    /// The logits after temperature, ℓ/τ.
    pub scaled: Logits,
    /// After top-k: tokens outside the k highest masked to −∞.
    pub top_k: Logits,
    /// After top-p: tokens outside the nucleus of the top-k survivors masked too.
    pub top_p: Logits,
    /// The final distribution: softmax of what is left.
    pub probs: Distribution,
}

impl Stages {
    /// The distribution after temperature alone.
    pub fn after_temperature(&self) -> Distribution {
        softmax(&self.scaled)
    }

    /// The distribution after temperature and top-k, renormalized over the survivors.
    pub fn after_top_k(&self) -> Distribution {
        softmax(&self.top_k)
    }
}

impl Sampler {
    /// The settings, in pipeline order.
    pub fn new(temperature: Temperature, top_k: TopK, top_p: TopP) -> Self {
        Self { temperature, top_k, top_p }
    }

    /// Runs the pipeline and keeps every stage.
    pub fn stages(&self, logits: &Logits) -> Stages {
        let scaled = self.temperature.apply(logits); // 1. temperature
        let top_k = self.top_k.apply(&scaled); // 2. top-k
        let top_p = self.top_p.apply(&top_k); // 3. top-p, on the renormalized survivors
        let probs = softmax(&top_p); // 4. one softmax over what is left
        Stages { scaled, top_k, top_p, probs }
    }

    /// The final distribution the draw is made from: [`Stages::probs`] without the other stages, computed
    /// without sorting the vocabulary.
    pub fn distribution(&self, logits: &Logits) -> Distribution {
        Survivors::new(self, logits).into_distribution(logits.len())
    }

    /// One draw from [`Sampler::distribution`], without building it: only the survivors are found, and
    /// the draw walks them in id order as [`Distribution::pick`] does.
    pub fn choose<R: rand::Rng + ?Sized>(&self, logits: &Logits, rng: &mut R) -> TokenId {
        Survivors::new(self, logits).pick(crate::uniform(rng))
    }
}

/// How the next token is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Strategy {
    /// Always the highest logit, the lowest id on ties. Deterministic: no randomness is used.
    Greedy,
    /// One categorical draw from the sampler's distribution.
    Sample(Sampler),
}

impl Strategy {
    /// Picks the next token from `logits`. Greedy reads no randomness from `rng`.
    pub fn choose<R: rand::Rng + ?Sized>(&self, logits: &Logits, rng: &mut R) -> TokenId {
        match self {
            Self::Greedy => logits.argmax(),
            Self::Sample(sampler) => sampler.choose(logits, rng),
        }
    }
}

impl Default for Strategy {
    fn default() -> Self {
        Self::Sample(Sampler::default())
    }
}
