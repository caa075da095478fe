//! Min-p's kept set without a softmax.

use crate::TokenId;
use crate::kernels::{max, positions};

/// The ids (ascending) whose exp(ℓ − max) reaches `min_p`: what [`crate::MinP`] keeps, found by comparing
/// logits (eight at a time) against max + ln min_p widened by a margin far above rounding, then checking
/// the few near the line with the definition's own arithmetic.
pub(crate) fn min_p_kept(values: &[f64], min_p: f64) -> Vec<TokenId> {
    let max = max(values);
    // Below about 1e-300 the exponential's result is subnormal and the margin no longer safe: check all.
    let line = if min_p > 1e-300 { min_p.ln() - 1e-6 } else { f64::NEG_INFINITY };
    let maybe = |v: f64| v - max >= line;
    let keeps = |v: f64| (v - max).exp() >= min_p;
    positions(values, maybe, |_, v| maybe(v) && keeps(v))
}
