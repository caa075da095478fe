//! The fixed order: temperature → top-k → top-p → softmax → one draw.

use crate::fast::Survivors;
use crate::{Distribution, Logits, Temperature, TokenId, TopK, TopP};

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

impl Sampler {
    /// The settings, in pipeline order.
    pub fn new(temperature: Temperature, top_k: TopK, top_p: TopP) -> Self {
        Self { temperature, top_k, top_p }
    }

    /// The final distribution the draw is made from: the last stage's, computed without sorting the
    /// vocabulary.
    pub fn distribution(&self, logits: &Logits) -> Distribution {
        Survivors::new(self.temperature, self.top_k, self.top_p, logits).into_distribution(logits.len())
    }

    /// One draw from [`Sampler::distribution`], without building it: only the survivors are found, and
    /// the draw walks them in id order as [`Distribution::pick`] does.
    pub fn choose<R: rand::Rng + ?Sized>(&self, logits: &Logits, rng: &mut R) -> TokenId {
        Survivors::new(self.temperature, self.top_k, self.top_p, logits).pick(crate::uniform(rng))
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

    /// The distribution [`Strategy::choose`] draws from: the sampler's, or for greedy all the mass on the
    /// argmax.
    pub fn distribution(&self, logits: &Logits) -> Distribution {
        match self {
            Self::Greedy => {
                let mut probs = vec![0.0; logits.len()];
                probs[logits.argmax()] = 1.0;
                Distribution::from_checked(probs)
            }
            Self::Sample(sampler) => sampler.distribution(logits),
        }
    }
}

impl Default for Strategy {
    fn default() -> Self {
        Self::Sample(Sampler::default())
    }
}
