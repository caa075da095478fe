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
    /// Softmax does not change when a constant is added to every logit. So when the largest quotient
    /// would overflow (huge logits over a tiny τ), the logits are first shifted so that the largest is 0;
    /// then nothing overflows upward and the distribution is the same. A quotient that overflows downward
    /// becomes −∞: exp of it is 0 in floating point anyway, so that token had no mass to lose.
    pub fn apply(self, logits: &Logits) -> Logits {
        let scale = Scale::new(self, logits.max());
        Logits::from_checked(logits.as_slice().iter().map(|&l| scale.apply(l)).collect())
    }
}

/// ℓ ↦ (ℓ − shift)/τ, where the shift is the largest logit when ℓ/τ would overflow for it, and 0 otherwise.
/// The one rule both [`Temperature::apply`] and the fast path follow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    tau: f64,
    shift: f64,
}

impl Scale {
    /// The rule for logits whose largest value is `max`.
    pub(crate) fn new(tau: Temperature, max: f64) -> Self {
        let tau = tau.0;
        Self { tau, shift: if (max / tau).is_infinite() { max } else { 0.0 } }
    }

    /// Whether every logit stays as it is (τ = 1, no shift).
    pub(crate) fn is_identity(self) -> bool {
        self.tau == 1.0 && self.shift == 0.0
    }

    /// The shift subtracted before dividing.
    pub(crate) fn shift(self) -> f64 {
        self.shift
    }

    /// τ.
    pub(crate) fn tau(self) -> f64 {
        self.tau
    }

    /// One scaled logit.
    pub(crate) fn apply(self, logit: f64) -> f64 {
        (logit - self.shift) / self.tau
    }
}

impl Default for Temperature {
    fn default() -> Self {
        Self::ONE
    }
}
