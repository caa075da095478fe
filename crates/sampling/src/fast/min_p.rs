//! Min-p's kept set without a softmax.

use crate::TokenId;
use crate::kernels::{max, positions};

/// The ids (ascending) whose exp(ℓ − max) reaches `min_p`: what [`crate::MinP`] keeps, found by comparing
/// logits (four at a time) against max + ln min_p widened by a margin far above rounding, then checking
/// the few near the line with the definition's own arithmetic.
pub(crate) fn min_p_kept(values: &[f64], min_p: f64) -> Vec<TokenId> {
    let max = max(values);
    // Below about 1e-300 the exponential's result is subnormal and the margin no longer safe: check all.
    let line = if min_p > 1e-300 { min_p.ln() - 1e-6 } else { f64::NEG_INFINITY };
    // v − max ≥ line as a bound on v, lowered by far more than the rounding of either side; the test
    // itself decides.
    let from = if line.is_finite() { (max + line) - 1e-9 * (max.abs() + line.abs() + 1.0) } else { f64::NEG_INFINITY };
    positions(values, from, f64::INFINITY, |_, v| v - max >= line && (v - max).exp() >= min_p)
}

#[cfg(test)]
mod tests {
    use super::min_p_kept;

    #[test]
    fn a_token_a_hair_above_the_line_is_kept_and_one_a_hair_below_is_not() {
        // exp(ℓ − max) against 0.1, for logits within a millionth of ln 0.1 + max: the screen in front of
        // the definition must let both through to it.
        let line = 0.1f64.ln();
        let values = [0.0, line + 5e-7, line - 5e-7, -30.0, line + 2e-7, -1.0, line - 2e-7, -0.5, line + 1e-9];
        let expected: Vec<usize> = (0..values.len()).filter(|&i| values[i].exp() >= 0.1).collect();
        assert_eq!(expected, vec![0, 1, 4, 5, 7, 8]);
        assert_eq!(min_p_kept(&values, 0.1), expected);
        // The same far from zero, where the screen's bound on the logit is a sum of large numbers: its
        // margin must lower it, not raise it.
        let shifted: Vec<f64> = values.iter().map(|v| v + 1e4).collect();
        let expected: Vec<usize> = (0..shifted.len()).filter(|&i| (shifted[i] - 1e4).exp() >= 0.1).collect();
        assert_eq!(expected, vec![0, 1, 4, 5, 7, 8]);
        assert_eq!(min_p_kept(&shifted, 0.1), expected);
    }
}
