//! Top-p (nucleus): keep the most likely tokens until their mass reaches p; and the numbers behind the
//! nucleus picture (sorted masses, their running sum, where p cuts).

use crate::{Distribution, Logits, Result, SamplingError, TokenId, softmax};

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

/// A distribution sorted for top-p, with the cut at p.
///
/// πⱼ sorts the tokens by probability, largest first (ties to the lower id); Cⱼ = Σᵢ≤ⱼ p(πᵢ);
/// the nucleus size is n* = min { j : Cⱼ ≥ p }.
#[derive(Debug, Clone, PartialEq)]
pub struct Nucleus {
    order: Vec<TokenId>,
    sorted: Vec<f64>,
    cumulative: Vec<f64>,
    size: usize,
}

impl Nucleus {
    /// Sorts `dist` and cuts it at `p`.
    ///
    /// ```
    /// use sampling::{Distribution, Nucleus, TopP};
    /// let dist = Distribution::from_probs(vec![0.50, 0.20, 0.15, 0.08, 0.05, 0.02])?;
    /// let nucleus = Nucleus::new(&dist, TopP::new(0.9)?);
    /// assert_eq!(nucleus.size(), 4);
    /// assert!((nucleus.kept_mass() - 0.93).abs() < 1e-12);
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn new(dist: &Distribution, p: TopP) -> Self {
        let probs = dist.probs();
        // Only tokens with mass need sorting; the zero-mass rest follow in id order.
        let mut order = descending_order(probs, (0..probs.len()).filter(|&i| probs[i] > 0.0));
        order.extend((0..probs.len()).filter(|&i| probs[i] == 0.0));
        Self::in_order(probs, order, p)
    }

    /// The nucleus of softmax(`logits`), ranked by logit (largest first, ties to the lower id), not by
    /// the rounded probabilities: two logits a hair apart may round to one probability, and the larger
    /// must still come first. This is the order the sampler's top-p uses.
    pub fn of_logits(logits: &Logits, p: TopP) -> Self {
        let values = logits.as_slice();
        let mut order = descending_order(values, logits.kept());
        order.extend((0..values.len()).filter(|&i| !logits.is_kept(i)));
        Self::in_order(softmax(logits).probs(), order, p)
    }

    fn in_order(probs: &[f64], order: Vec<TokenId>, p: TopP) -> Self {
        let sorted: Vec<f64> = order.iter().map(|&i| probs[i]).collect();
        let cumulative: Vec<f64> = sorted
            .iter()
            .scan(0.0, |sum, q| {
                *sum += q;
                Some(*sum)
            })
            .collect();
        let size = cumulative.iter().position(|&c| p.is_reached_by(c)).map_or(order.len(), |j| j + 1);
        Self { order, sorted, cumulative, size }
    }

    /// Token ids, most likely first.
    pub fn order(&self) -> &[TokenId] {
        &self.order
    }

    /// Probabilities in that order.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// The running sum Cⱼ of the sorted probabilities; the last is 1 up to rounding.
    pub fn cumulative(&self) -> &[f64] {
        &self.cumulative
    }

    /// n*, how many tokens the nucleus keeps (at least 1).
    pub fn size(&self) -> usize {
        self.size
    }

    /// How many tokens there are in all (kept or not).
    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// The kept token ids, most likely first.
    pub fn kept(&self) -> &[TokenId] {
        &self.order[..self.size]
    }

    /// The mass of the kept tokens, C at n*.
    pub fn kept_mass(&self) -> f64 {
        self.cumulative[self.size - 1]
    }

    /// The distribution actually sampled from, in sorted order: kept masses divided by the kept mass,
    /// zero outside the nucleus.
    pub fn renormalized(&self) -> Vec<f64> {
        let mass = self.kept_mass();
        self.sorted.iter().enumerate().map(|(j, q)| if j < self.size { q / mass } else { 0.0 }).collect()
    }
}

/// Indices of `values` sorted by value, largest first; equal values keep the lower index first.
///
/// Uses [`f64::total_cmp`], so it is a total order even on unusual inputs.
fn descending_order(values: &[f64], candidates: impl Iterator<Item = TokenId>) -> Vec<TokenId> {
    let mut order: Vec<TokenId> = candidates.collect();
    order.sort_unstable_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order
}
