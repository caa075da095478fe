//! Min-p: keep the tokens at least a fixed fraction as likely as the most likely one.

use crate::{Logits, Result, SamplingError};

/// A min-p threshold in [0, 1]; 0 means off.
///
/// Keeps token i when pᵢ ≥ min_p · p_max (Nguyen et al. 2024, "Turning Up the Heat: Min-p Sampling for
/// Creative and Coherent LLM Outputs"). Since pᵢ / p_max = exp(ℓᵢ − ℓ_max), that is ℓᵢ ≥ ℓ_max + ln min_p:
/// the cut moves with the model's confidence, like top-p, but needs no sort. The most likely token is
/// always kept.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct MinP(f64);

impl MinP {
    /// Min-p switched off.
    pub const OFF: Self = Self(0.0);

    /// Checks min-p.
    ///
    /// # Errors
    /// [`SamplingError::InvalidMinP`] unless 0 ≤ min-p ≤ 1.
    pub fn new(min_p: f64) -> Result<Self> {
        if (0.0..=1.0).contains(&min_p) { Ok(Self(min_p)) } else { Err(SamplingError::InvalidMinP(min_p)) }
    }

    /// The threshold relative to the top token's probability, in [0, 1].
    pub fn get(self) -> f64 {
        self.0
    }

    /// Whether this setting changes nothing.
    pub fn is_off(self) -> bool {
        self.0 <= 0.0
    }

    /// Masks every token less likely than min-p times the most likely one.
    ///
    /// ```
    /// use sampling::{Logits, MinP};
    /// // Probabilities 0.5, 0.3, 0.15, 0.05: at min-p 0.2 the cut is 0.1, so three tokens stay.
    /// let logits = Logits::from_probs(&[0.5, 0.3, 0.15, 0.05])?;
    /// assert_eq!(MinP::new(0.2)?.apply(&logits).kept_count(), 3);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits) -> Logits {
        if self.is_off() {
            return logits.clone();
        }
        let values = logits.as_slice();
        let max = logits.max();
        // Compared as ratios of probabilities, exp(ℓ − max) ≥ min_p, exactly as the definition reads.
        logits.masked(logits.kept().filter(|&i| (values[i] - max).exp() >= self.0).chain([logits.argmax()]))
    }
}
