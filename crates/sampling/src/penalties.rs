//! Penalties on tokens the context already holds: repetition, presence and frequency.

use crate::{Logits, Result, SamplingError, TokenId};

/// The three penalties on repeated tokens. They read the context; the caller decides how much of it
/// (llama.cpp looks at the last 64 tokens by default, Hugging Face at all of them).
///
/// * **Repetition** θ > 0 (Keskar et al. 2019, CTRL): a token seen at least once has its logit divided
///   by θ when positive and multiplied by θ when negative, so θ > 1 always makes it less likely. 1 is off.
/// * **Presence** α: subtracted once from the logit of every token seen at least once.
/// * **Frequency** β: subtracted once per time the token was seen.
///
/// So ℓᵢ′ = rep_θ(ℓᵢ) − α·[cᵢ > 0] − β·cᵢ with cᵢ the count of token i in the context (as vLLM and
/// OpenAI's API define presence and frequency). Masked tokens stay masked.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Penalties {
    repetition: f64,
    presence: f64,
    frequency: f64,
}

impl Penalties {
    /// Every penalty off.
    pub const OFF: Self = Self { repetition: 1.0, presence: 0.0, frequency: 0.0 };

    /// Checks the three penalties.
    ///
    /// # Errors
    /// [`SamplingError::InvalidPenalty`] for a repetition penalty that is not finite and above 0, or a
    /// presence or frequency penalty that is not finite.
    pub fn new(repetition: f64, presence: f64, frequency: f64) -> Result<Self> {
        let bad = |name, range, value| Err(SamplingError::InvalidPenalty { name, range, value });
        if !(repetition.is_finite() && repetition > 0.0) {
            return bad("repetition", "finite and greater than 0", repetition);
        }
        if !presence.is_finite() {
            return bad("presence", "finite", presence);
        }
        if !frequency.is_finite() {
            return bad("frequency", "finite", frequency);
        }
        Ok(Self { repetition, presence, frequency })
    }

    /// θ, α and β.
    pub fn get(self) -> (f64, f64, f64) {
        (self.repetition, self.presence, self.frequency)
    }

    /// Whether these settings change nothing.
    pub fn is_off(self) -> bool {
        self == Self::OFF
    }

    /// Penalizes the tokens of `context`. Ids outside the vocabulary are ignored.
    ///
    /// ```
    /// use sampling::{Logits, Penalties};
    /// let logits = Logits::new(vec![2.0, -1.0, 0.5])?;
    /// // θ = 2, α = 0.5, β = 0.25; token 0 seen twice, token 1 once.
    /// let out = Penalties::new(2.0, 0.5, 0.25)?.apply(&logits, &[0, 1, 0]);
    /// assert_eq!(out.as_slice(), &[2.0 / 2.0 - 0.5 - 0.5, -1.0 * 2.0 - 0.5 - 0.25, 0.5]);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits, context: &[TokenId]) -> Logits {
        if self.is_off() {
            return logits.clone();
        }
        let mut counts = vec![0u32; logits.len()];
        for &t in context.iter().filter(|&&t| t < logits.len()) {
            counts[t] = counts[t].saturating_add(1);
        }
        let values = logits
            .as_slice()
            .iter()
            .zip(&counts)
            .map(|(&l, &c)| {
                if c == 0 || !l.is_finite() {
                    return l;
                }
                // Each part clamped to the finite range, so that extreme settings cannot push a live token
                // to ±∞ or NaN.
                let finite = |v: f64| v.clamp(f64::MIN, f64::MAX);
                let repeated = finite(if l > 0.0 { l / self.repetition } else { l * self.repetition });
                finite(repeated - finite(self.presence + self.frequency * f64::from(c)))
            })
            .collect();
        Logits::from_checked(values)
    }
}

impl Default for Penalties {
    fn default() -> Self {
        Self::OFF
    }
}
