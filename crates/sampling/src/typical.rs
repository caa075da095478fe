//! Typical sampling: keep the tokens whose surprisal is closest to the distribution's entropy.

use crate::{Logits, MASS_TOLERANCE, Result, SamplingError, TokenId, softmax};

/// The mass of typical sampling, in (0, 1]; 1 means off.
///
/// With H = −Σ pⱼ ln pⱼ the entropy of the distribution, the tokens are ranked by how far their
/// surprisal −ln pᵢ lies from H, closest first, and the shortest run of that ranking whose mass reaches
/// the threshold is kept (Meister et al. 2023, "Locally Typical Sampling"). The most likely token can be
/// cut: when one token is far likelier than the entropy suggests, it is atypical.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Typical(f64);

impl Typical {
    /// Typical sampling switched off.
    pub const OFF: Self = Self(1.0);

    /// Checks the mass.
    ///
    /// # Errors
    /// [`SamplingError::InvalidTypicalP`] unless 0 < mass ≤ 1.
    pub fn new(mass: f64) -> Result<Self> {
        if mass > 0.0 && mass <= 1.0 { Ok(Self(mass)) } else { Err(SamplingError::InvalidTypicalP(mass)) }
    }

    /// The share of the probability mass typical sampling keeps, in (0, 1].
    pub fn get(self) -> f64 {
        self.0
    }

    /// Whether this setting changes nothing.
    pub fn is_off(self) -> bool {
        self.0 >= 1.0
    }

    /// Masks every token outside the typical set.
    ///
    /// ```
    /// use sampling::{Logits, Typical};
    /// // H ≈ 1.063 nats; surprisals 0.511, 1.609, 1.897, 2.996; distances from H 0.552, 0.546, 0.834,
    /// // 1.933. Closest first: the second token, then the first; their mass 0.2 + 0.6 reaches 0.7.
    /// let logits = Logits::from_probs(&[0.6, 0.2, 0.15, 0.05])?;
    /// assert_eq!(Typical::new(0.7)?.apply(&logits).kept_count(), 2);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits) -> Logits {
        if self.is_off() {
            return logits.clone();
        }
        let probs = softmax(logits);
        let p = probs.probs();
        let entropy: f64 = logits.kept().filter(|&i| p[i] > 0.0).map(|i| -p[i] * p[i].ln()).sum();
        // Each distance once (a logarithm), not once per comparison of the sort.
        let distance = |i: TokenId| if p[i] > 0.0 { (-p[i].ln() - entropy).abs() } else { f64::INFINITY };
        let mut ranked: Vec<(f64, TokenId)> = logits.kept().map(|i| (distance(i), i)).collect();
        ranked.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let order: Vec<TokenId> = ranked.into_iter().map(|(_, i)| i).collect();
        let mut mass = 0.0;
        let size = order
            .iter()
            .position(|&i| {
                mass += p[i];
                mass >= self.0 - MASS_TOLERANCE
            })
            .map_or(order.len(), |j| j + 1);
        logits.masked(order[..size].iter().copied())
    }
}

impl Default for Typical {
    fn default() -> Self {
        Self::OFF
    }
}
