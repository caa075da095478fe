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
