//! Top-k's candidates from one pass of comparisons.

use crate::TokenId;
use crate::kernels::{LANES, max};

/// The `want` best alive values without sorting, in about one pass of vector instructions.
///
/// The maxima of blocks come first. The `want`-th largest block maximum t is a value that at least `want`
/// logits reach (each block's maximum is a different logit), so every one of the `want` best is at least t
/// and lies in a block whose maximum is at least t: only those blocks are read again, about `want` of them.
pub(super) fn candidates(values: &[f64], want: usize) -> Vec<(f64, TokenId)> {
    // Small blocks make the second read short (about want × block values); large blocks make the maxima
    // few. The sum of the two costs is least near √(V · 64 / want).
    let block = ((values.len() * 32 / want).isqrt().clamp(LANES, 1024)).next_multiple_of(LANES);
    let blocks = values.len().div_ceil(block);
    let maxima: Vec<f64> = values.chunks(block).map(max).collect();
    let threshold = if blocks > want {
        let mut order = maxima.clone();
        *order.select_nth_unstable_by(want - 1, |a, b| b.total_cmp(a)).1
    } else {
        f64::NEG_INFINITY
    };
    let mut best = Vec::new();
    for (b, _) in maxima.iter().enumerate().filter(|&(_, &m)| m >= threshold && m > f64::NEG_INFINITY) {
        let start = b * block;
        let end = (start + block).min(values.len());
        let chunks = values[start..end].chunks_exact(LANES);
        let rest = chunks.remainder();
        for (c, chunk) in chunks.enumerate() {
            if chunk.iter().fold(false, |any, &v| any | (v >= threshold)) {
                let at = start + c * LANES;
                best.extend(
                    chunk
                        .iter()
                        .enumerate()
                        .filter(|&(_, &v)| v >= threshold && v > f64::NEG_INFINITY)
                        .map(|(j, &v)| (v, at + j)),
                );
            }
        }
        let at = end - rest.len();
        best.extend(
            rest.iter()
                .enumerate()
                .filter(|&(_, &v)| v >= threshold && v > f64::NEG_INFINITY)
                .map(|(j, &v)| (v, at + j)),
        );
    }
    if best.len() > want {
        best.select_nth_unstable_by(want - 1, ranked);
        best.truncate(want);
    }
    best
}

/// Best first: the larger value, then the lower id.
pub(super) fn ranked(a: &(f64, TokenId), b: &(f64, TokenId)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The ids (ascending) of the `k` largest alive values, ties to the lower id: what [`crate::TopK`] keeps,
/// from [`candidates`] instead of a selection over every id.
pub(crate) fn top_k_kept(values: &[f64], k: usize) -> Vec<TokenId> {
    let mut ids: Vec<TokenId> = candidates(values, k).into_iter().map(|(_, id)| id).collect();
    ids.sort_unstable();
    ids
}
