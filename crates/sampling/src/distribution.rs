//! A probability distribution over token ids, and fast repeated draws from it.

use crate::kernels::argmax;
use crate::rng::clamp_unit;
use crate::{Logits, Result, SamplingError, TokenId, uniform};

/// Probabilities, each finite and at least 0, summing to 1 (up to rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution(Vec<f64>);

impl Distribution {
    /// Checks `weights` and scales them to sum to 1.
    ///
    /// # Errors
    /// [`SamplingError::Empty`] for no weights, [`SamplingError::InvalidProbability`] for a negative or
    /// non-finite weight, [`SamplingError::InvalidMass`] when they sum to 0 or overflow.
    ///
    /// ```
    /// use sampling::Distribution;
    /// let dist = Distribution::from_probs(vec![2.0, 1.0, 1.0])?;
    /// assert_eq!(dist.probs(), &[0.5, 0.25, 0.25]);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn from_probs(mut weights: Vec<f64>) -> Result<Self> {
        if weights.is_empty() {
            return Err(SamplingError::Empty);
        }
        if let Some((index, &value)) = weights.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w >= 0.0)) {
            return Err(SamplingError::InvalidProbability { index, value });
        }
        let total: f64 = weights.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return Err(SamplingError::InvalidMass(total));
        }
        for w in &mut weights {
            *w = *w / total + 0.0;
        }
        Ok(Self(weights))
    }

    /// Wraps probabilities that already sum to 1 and are valid by construction.
    pub(crate) fn from_checked(probs: Vec<f64>) -> Self {
        debug_assert!(probs.iter().all(|p| p.is_finite() && *p >= 0.0));
        Self(probs)
    }

    /// The probabilities, indexed by token id.
    pub fn probs(&self) -> &[f64] {
        &self.0
    }

    /// The number of tokens, V.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a distribution has at least one token.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The most likely token, the lowest id on ties.
    pub fn argmax(&self) -> TokenId {
        argmax(&self.0)
    }

    /// The token at which the running sum of probabilities first exceeds `u` of the total: inverse
    /// transform sampling. `u` is clamped to [0, 1). A token of probability 0 is never returned, even at
    /// u = 0 or u just below 1.
    pub fn pick(&self, u: f64) -> TokenId {
        let target = clamp_unit(u) * self.positive_mass();
        let mut sum = 0.0;
        let mut last = 0;
        for (id, &p) in self.0.iter().enumerate().filter(|(_, p)| **p > 0.0) {
            sum += p;
            last = id;
            if sum > target {
                return id;
            }
        }
        last
    }

    /// One categorical draw. Linear in V; for many draws from one distribution use [`Categorical`].
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> TokenId {
        self.pick(uniform(rng))
    }

    /// A table for fast repeated draws from this distribution.
    pub fn categorical(&self) -> Categorical {
        Categorical::new(self)
    }

    /// The summed mass of positive probabilities, in the order [`Distribution::pick`] adds them.
    fn positive_mass(&self) -> f64 {
        self.0.iter().filter(|p| **p > 0.0).sum()
    }

    /// Total-variation distance ½ Σ |pᵢ − qᵢ| to another distribution over the same tokens.
    ///
    /// # Errors
    /// [`SamplingError::WrongLength`] when the two have different lengths.
    pub fn total_variation(&self, other: &Self) -> Result<f64> {
        if self.len() != other.len() {
            return Err(SamplingError::WrongLength { expected: self.len(), got: other.len() });
        }
        Ok(0.5 * self.0.iter().zip(&other.0).map(|(p, q)| (p - q).abs()).sum::<f64>())
    }
}

/// Repeated draws from one fixed distribution in O(log V) each: the running sums of the positive
/// probabilities and a binary search. Draws agree exactly with [`Distribution::pick`] for the same u.
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    /// Running sums over the tokens of positive probability, in id order.
    cumulative: Vec<f64>,
    /// The token id of each running sum.
    ids: Vec<TokenId>,
}

impl Categorical {
    /// The running sums of `dist`'s positive probabilities, in id order: O(V) once.
    pub fn new(dist: &Distribution) -> Self {
        let mut cumulative = Vec::new();
        let mut ids = Vec::new();
        let mut sum = 0.0;
        for (id, &p) in dist.probs().iter().enumerate().filter(|(_, p)| **p > 0.0) {
            sum += p;
            cumulative.push(sum);
            ids.push(id);
        }
        Self { cumulative, ids }
    }

    /// The token for a uniform `u` in [0, 1); see [`Distribution::pick`].
    pub fn pick(&self, u: f64) -> TokenId {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = clamp_unit(u) * total;
        let slot = self.cumulative.partition_point(|&c| c <= target);
        self.ids[slot.min(self.ids.len() - 1)]
    }

    /// One draw, from one uniform number of `rng`.
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> TokenId {
        self.pick(uniform(rng))
    }
}

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

// Here rather than in logits.rs: it validates through `Distribution`, and logits sit below distributions.
impl Logits {
    /// Logits whose softmax is `probs`: ℓᵢ = ln pᵢ, and a zero probability becomes a masked −∞.
    ///
    /// # Errors
    /// As [`Distribution::from_probs`] for invalid probabilities.
    pub fn from_probs(probs: &[f64]) -> Result<Self> {
        let dist = Distribution::from_probs(probs.to_vec())?;
        Self::new(dist.probs().iter().map(|p| p.ln()).collect())
    }
}
