//! Top-n-σ: keep the logits within n standard deviations of the largest.

use crate::{Logits, Result, SamplingError};

/// Top-n-σ's n, finite and at least 0; `None` in [`TopNSigma::OFF`] means off.
///
/// Keeps token i when ℓᵢ ≥ ℓ_max − n·σ, where σ is the standard deviation of the logits still alive
/// (Tang et al. 2024, "Top-nσ: Not All Logits Are You Need"). It reads the logits themselves, not the
/// probabilities, so temperature does not move its cut: dividing every logit by τ divides the gap and σ
/// alike. The most likely token is always kept.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct TopNSigma(Option<f64>);

impl TopNSigma {
    /// Top-n-σ switched off.
    pub const OFF: Self = Self(None);

    /// Checks n.
    ///
    /// # Errors
    /// [`SamplingError::InvalidTopNSigma`] unless n is finite and at least 0.
    pub fn new(n: f64) -> Result<Self> {
        if n.is_finite() && n >= 0.0 { Ok(Self(Some(n))) } else { Err(SamplingError::InvalidTopNSigma(n)) }
    }

    /// n, or `None` when off.
    pub fn get(self) -> Option<f64> {
        self.0
    }

    /// Masks every logit more than n standard deviations below the largest.
    ///
    /// ```
    /// use sampling::{Logits, TopNSigma};
    /// // Mean 1, σ = √2.5 ≈ 1.58: at n = 1 the cut is 3 − 1.58 = 1.42, so only 3 and 2 stay.
    /// let logits = Logits::new(vec![3.0, 2.0, 0.0, -1.0])?;
    /// assert_eq!(TopNSigma::new(1.0)?.apply(&logits).kept_count(), 2);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits) -> Logits {
        let Some(n) = self.0 else { return logits.clone() };
        let values = logits.as_slice();
        let alive = logits.kept_count() as f64;
        let mean = logits.kept().map(|i| values[i]).sum::<f64>() / alive;
        let variance = logits.kept().map(|i| (values[i] - mean).powi(2)).sum::<f64>() / alive;
        let cut = logits.max() - n * variance.sqrt();
        logits.masked(logits.kept().filter(|&i| values[i] >= cut).chain([logits.argmax()]))
    }
}
