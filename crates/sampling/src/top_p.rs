//! Top-p (nucleus): keep the most likely tokens until their mass reaches p.

use crate::{Logits, Nucleus, Result, SamplingError};

/// How far below p a cumulative mass may fall and still count as reaching p.
///
/// Probabilities that come through logarithms, exponentials and a renormalization carry rounding of
/// about 1e-16 per term; without this slack a boundary that is exact on paper (p = 0.85 over masses
/// 0.5, 0.2, 0.15) could land on either side of it.
pub const MASS_TOLERANCE: f64 = 1e-9;

/// A top-p threshold, finite and in (0, 1]. `p = 1` means off.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct TopP(f64);

impl TopP {
    /// Top-p switched off.
    pub const OFF: Self = Self(1.0);

    /// Checks p.
    ///
    /// # Errors
    /// [`SamplingError::InvalidTopP`] unless 0 < p ≤ 1.
    pub fn new(p: f64) -> Result<Self> {
        if p > 0.0 && p <= 1.0 { Ok(Self(p)) } else { Err(SamplingError::InvalidTopP(p)) }
    }

    /// The value of p.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Whether this setting changes nothing.
    pub fn is_off(self) -> bool {
        self.0 >= 1.0
    }

    /// Whether a cumulative mass counts as having reached p.
    pub(crate) fn is_reached_by(self, cumulative: f64) -> bool {
        cumulative >= self.0 - MASS_TOLERANCE
    }

    /// Masks every token outside the nucleus to −∞.
    ///
    /// The nucleus is computed on softmax of the given logits, that is on the renormalized survivors of
    /// whatever was masked before: the shortest run of the most likely tokens whose mass is at least p.
    ///
    /// ```
    /// use sampling::{Logits, TopP};
    /// let logits = Logits::from_probs(&[0.50, 0.20, 0.15, 0.08, 0.05, 0.02])?;
    /// assert_eq!(TopP::new(0.9)?.apply(&logits).kept_count(), 4);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits) -> Logits {
        if self.is_off() {
            return logits.clone();
        }
        let nucleus = Nucleus::of_logits(logits, self);
        logits.masked(nucleus.kept().iter().copied())
    }
}

impl Default for TopP {
    fn default() -> Self {
        Self::OFF
    }
}
