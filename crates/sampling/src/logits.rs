//! A validated vector of logits.

use crate::{Result, SamplingError};

/// A token's position in the vocabulary.
pub type TokenId = usize;

/// A non-empty vector of logits, each finite or −∞ (a masked token), with at least one finite.
///
/// This is the type every transform takes and returns; building it is where bad input is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Logits(Vec<f64>);

impl Logits {
    /// Checks and wraps `values`.
    ///
    /// # Errors
    /// [`SamplingError::Empty`] for no values, [`SamplingError::NanLogit`] for a NaN,
    /// [`SamplingError::InfiniteLogit`] for +∞, and [`SamplingError::AllMasked`] when every value is −∞.
    ///
    /// ```
    /// use sampling::{Logits, SamplingError};
    /// assert!(Logits::new(vec![0.5, f64::NEG_INFINITY]).is_ok());
    /// assert_eq!(Logits::new(vec![1.0, f64::NAN]), Err(SamplingError::NanLogit { index: 1 }));
    /// ```
    pub fn new(mut values: Vec<f64>) -> Result<Self> {
        if values.is_empty() {
            return Err(SamplingError::Empty);
        }
        for (index, &value) in values.iter().enumerate() {
            if value.is_nan() {
                return Err(SamplingError::NanLogit { index });
            }
            if value == f64::INFINITY {
                return Err(SamplingError::InfiniteLogit { index });
            }
        }
        if !values.iter().any(|v| v.is_finite()) {
            return Err(SamplingError::AllMasked);
        }
        // −0 and +0 are the same logit; fold them so that "tied" means numerically equal everywhere.
        for v in &mut values {
            *v += 0.0;
        }
        Ok(Self(values))
    }

    /// Checks and widens the `f32` logits a model produces.
    ///
    /// # Errors
    /// As [`Logits::new`].
    pub fn from_f32(values: &[f32]) -> Result<Self> {
        Self::new(values.iter().map(|&v| f64::from(v)).collect())
    }

    /// Builds without checking; for transforms that provably keep the invariants.
    pub(crate) fn from_checked(values: Vec<f64>) -> Self {
        debug_assert!(Self::new(values.clone()).is_ok());
        Self(values)
    }

    /// The logits by token id, masked ones as −∞.
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// The vocabulary size V.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: logits are never empty. Present for API symmetry with slices.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The largest logit.
    pub fn max(&self) -> f64 {
        crate::kernels::max(&self.0)
    }

    /// The id of the largest logit, the lowest id on ties: the greedy choice.
    pub fn argmax(&self) -> TokenId {
        crate::kernels::argmax(&self.0)
    }

    /// Whether token `id` is still alive (its logit is not −∞).
    pub fn is_kept(&self, id: TokenId) -> bool {
        self.0.get(id).is_some_and(|v| v.is_finite())
    }

    /// How many tokens are alive (not masked to −∞).
    pub fn kept_count(&self) -> usize {
        self.0.iter().filter(|v| v.is_finite()).count()
    }

    /// The ids of the tokens still alive.
    pub fn kept(&self) -> impl Iterator<Item = crate::TokenId> + '_ {
        self.0.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, _)| i)
    }

    /// A copy in which every token not in `keep` is masked to −∞.
    pub(crate) fn masked(&self, keep: impl Iterator<Item = TokenId>) -> Self {
        let mut out = vec![f64::NEG_INFINITY; self.len()];
        for id in keep {
            out[id] = self.0[id];
        }
        Self::from_checked(out)
    }
}
