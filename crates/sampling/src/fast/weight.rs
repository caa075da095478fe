//! How a logit becomes its weight, and where top-p's cut falls in the ranking of weights.

use wide::f64x4;

use crate::TokenId;
use crate::temperature::Scale;

/// How a logit becomes its weight: exp((ℓ − shift)/τ − top), or exp(ℓ − top) when τ = 1 and nothing is
/// shifted (dividing by 1 costs as much as the exponential). The same lane-wise vector operations every
/// time, so a weight recomputed is bit for bit the weight first computed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weight {
    pub(super) scale: Scale,
    pub(super) plain: bool,
    pub(super) top: f64,
}

impl Weight {
    pub(super) fn new(scale: Scale, max: f64) -> Self {
        let plain = scale.is_identity();
        Self { scale, plain, top: if plain { max } else { scale.apply(max) } }
    }

    /// The scaled logit of each token of `values`, for breaking ties between equal weights.
    pub(super) fn scaled(self, values: &[f64]) -> impl Fn(TokenId) -> f64 + Copy + '_ {
        move |id| self.scale.apply(values[id])
    }

    /// The exponent of four logits.
    pub(super) fn exponent(self, v: f64x4) -> f64x4 {
        if self.plain {
            v - f64x4::splat(self.top)
        } else {
            (v - f64x4::splat(self.scale.shift())) / f64x4::splat(self.scale.tau()) - f64x4::splat(self.top)
        }
    }

    /// The weights of four logits.
    pub(super) fn of4(self, v: f64x4) -> f64x4 {
        self.exponent(v).exp()
    }

    /// The weight of one logit.
    pub(super) fn of(self, v: f64) -> f64 {
        self.of4(f64x4::splat(v)).to_array()[0]
    }

    /// The weights of `values`, in order.
    pub(super) fn all(self, values: &[f64]) -> Vec<f64> {
        let (chunks, rest) = values.as_chunks::<4>();
        let mut out = Vec::with_capacity(values.len());
        for &chunk in chunks {
            out.extend_from_slice(&self.of4(f64x4::from(chunk)).to_array());
        }
        out.extend(rest.iter().map(|&v| self.of(v)));
        out
    }

    /// The logits that may weigh inside (`low`, `high`]: the exact inverses, widened by a margin far above
    /// rounding. Everything, when the logits are too large for the margin to be safe.
    pub(super) fn logits_between(self, low: f64, high: f64) -> (f64, f64) {
        const MARGIN: f64 = 1e-6;
        let (shift, tau) = (self.scale.shift(), self.scale.tau());
        let tame = self.top.abs() < 1e6 && shift == 0.0 && (1e-3..=1e3).contains(&tau);
        if !tame {
            return (f64::NEG_INFINITY, f64::INFINITY);
        }
        let logit = |e: f64| if self.plain { e + self.top } else { (e + self.top) * tau };
        let from = if low > 0.0 { logit(low.ln() - MARGIN) } else { f64::NEG_INFINITY };
        let to = if high.is_finite() { logit(high.ln() + MARGIN) } else { f64::INFINITY };
        (from, to)
    }
}

/// The last token kept by top-p in the order weight descending, then scaled logit descending (two logits
/// a hair apart can share a rounded weight, and the pipeline ranks logits), then id ascending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    pub(super) weight: f64,
    pub(super) scaled: f64,
    pub(super) id: TokenId,
}

impl Cut {
    /// Whether the token `id` of this weight is kept; `scaled` gives a token's scaled logit, asked only
    /// on a tie of weights.
    pub(super) fn keeps(self, weight: f64, id: TokenId, scaled: impl Fn(TokenId) -> f64) -> bool {
        // total_cmp, as in the ranking: a scaled logit can underflow to −0, which ranks below +0.
        weight > self.weight
            || (weight == self.weight && scaled(id).total_cmp(&self.scaled).then(self.id.cmp(&id)).is_ge())
    }
}

/// Best first by weight, then by scaled logit, then the lower id: the order of the textbook pipeline.
pub(super) fn by_weight(
    scaled: impl Fn(TokenId) -> f64,
) -> impl Fn(&(f64, TokenId), &(f64, TokenId)) -> std::cmp::Ordering {
    move |a, b| b.0.total_cmp(&a.0).then_with(|| scaled(b.1).total_cmp(&scaled(a.1))).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::Weight;
    use crate::Temperature;
    use crate::temperature::Scale;

    /// The screen's two promises. Containment, always: a logit whose weight lies in (low, high] is inside
    /// [from, to]. Narrowness, wherever the inverse is computed: a logit weighing under half of `low` is
    /// below `from`, and one weighing over twice `high` above `to`. Brackets end at tokens' own weights,
    /// and each logit has a twin a hair above it, so an end moved inward by the margin loses a token.
    #[test]
    fn the_screen_holds_what_weighs_inside_the_bracket_and_little_else() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        // (spread of the logits, τ): ordinary; τ at both ends of the computed range and outside it; large
        // logits (|top| below and above the bound); huge ones, which need a shift.
        let cases =
            [(3.0, 1.0), (3.0, 0.7), (0.05, 1e-3), (300.0, 1e3), (3.0, 1e-4), (3.0, 1e4), (1e5, 1.0), (1e12, 0.9)];
        for (spread, tau) in cases.into_iter().chain([(1e306, 1e-3)]) {
            let mut values: Vec<f64> = (0..300).map(|_| spread * rng.random_range(-1.0..1.0)).collect();
            let twins: Vec<f64> = values.iter().map(|v| v + 1e-9 * v.abs().max(1.0)).collect();
            values.extend(twins);
            if spread > 1e300 {
                values.extend([1.5e306; 3]);
            }
            let max = crate::kernels::max(&values);
            let weight = Weight::new(Scale::new(Temperature::new(tau).unwrap(), max), max);
            assert_eq!(weight.scale.shift() != 0.0, spread > 1e300, "only the huge logits are shifted");
            let weights = weight.all(&values);
            let tame = weight.scale.shift() == 0.0 && weight.top.abs() < 1e6 && (1e-3..=1e3).contains(&tau);
            let mut ends: Vec<f64> = weights.iter().step_by(23).copied().chain([0.0, 1.0, f64::INFINITY]).collect();
            ends.sort_by(f64::total_cmp);
            ends.dedup();
            for (i, &low) in ends.iter().enumerate() {
                for &high in &ends[i + 1..] {
                    let (from, to) = weight.logits_between(low, high);
                    for (&v, &w) in values.iter().zip(&weights) {
                        let at = format!("τ {tau}, logit {v} of weight {w}, bracket ({low}, {high}] → [{from}, {to}]");
                        if w > low && w <= high {
                            assert!(from <= v && v <= to, "left out: {at}");
                        }
                        if tame && w < low / 2.0 {
                            assert!(v < from, "let in from below: {at}");
                        }
                        if tame && w > 2.0 * high {
                            assert!(v > to, "let in from above: {at}");
                        }
                    }
                }
            }
        }
    }
}
