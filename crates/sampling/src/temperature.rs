//! Temperature: divide every logit by τ before anything else.

use crate::{Logits, Result, SamplingError};

/// A temperature τ, finite and greater than 0.
///
/// softmax_τ(ℓ)ᵢ = exp(ℓᵢ/τ) / Σⱼ exp(ℓⱼ/τ). τ = 1 is the model's own distribution, τ → 0⁺ approaches a
/// one-hot at the argmax (greedy), τ → ∞ approaches uniform. Dividing by a positive number keeps the
/// order of the logits, so τ never moves the argmax.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Temperature(f64);

impl Temperature {
    /// τ = 1: the model's distribution, unchanged.
    pub const ONE: Self = Self(1.0);

    /// Checks τ.
    ///
    /// # Errors
    /// [`SamplingError::InvalidTemperature`] unless τ is finite and greater than 0.
    ///
    /// ```
    /// use sampling::Temperature;
    /// assert!(Temperature::new(0.7).is_ok());
    /// assert!(Temperature::new(0.0).is_err());
    /// assert!(Temperature::new(f64::INFINITY).is_err());
    /// ```
    pub fn new(tau: f64) -> Result<Self> {
        if tau.is_finite() && tau > 0.0 { Ok(Self(tau)) } else { Err(SamplingError::InvalidTemperature(tau)) }
    }

    /// The value of τ.
    pub fn get(self) -> f64 {
        self.0
    }

    /// ℓᵢ / τ for every logit; masked tokens stay −∞.
    ///
    /// Softmax does not change when a constant is added to every logit. So when a quotient would overflow
    /// (huge logits over a tiny τ), the logits are first shifted so that the largest is 0; then nothing
    /// overflows and the distribution is the same. (A gap so large that exp of it is 0 may then become
    /// −∞: such a token had probability 0 in floating point anyway.)
    pub fn apply(self, logits: &Logits) -> Logits {
        let tau = self.0;
        let scaled: Vec<f64> = logits.as_slice().iter().map(|l| l / tau).collect();
        if !overflowed(logits, &scaled) {
            return Logits::from_checked(scaled);
        }
        let max = logits.max();
        Logits::from_checked(logits.as_slice().iter().map(|l| (l - max) / tau).collect())
    }
}

/// Whether dividing turned a finite logit into ±∞.
fn overflowed(logits: &Logits, scaled: &[f64]) -> bool {
    logits.as_slice().iter().zip(scaled).any(|(l, s)| l.is_finite() && !s.is_finite())
}

impl Default for Temperature {
    fn default() -> Self {
        Self::ONE
    }
}
