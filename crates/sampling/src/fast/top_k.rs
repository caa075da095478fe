//! Top-k's candidates from one pass of comparisons.

use crate::TokenId;
use crate::kernels::{LANES, max};

/// The maxima of runs of `block` values: what [`candidates`] reads first and [`at_least`] reuses.
#[derive(Debug)]
pub(super) struct Blocks {
    block: usize,
    maxima: Vec<f64>,
}

impl Blocks {
    /// Blocks sized for finding the `want` best of `values`.
    fn new(values: &[f64], want: usize) -> Self {
        // Small blocks make the second read short (about want × block values); large blocks make the
        // maxima few. The sum of the two costs is least near √(V · 64 / want).
        let block = ((values.len() * 32 / want).isqrt().clamp(LANES, 1024)).next_multiple_of(LANES);
        Self { block, maxima: values.chunks(block).map(max).collect() }
    }
}

/// The `want` best alive values without sorting, in about one pass of vector instructions, and the
/// blocks it read.
///
/// The maxima of blocks come first. The `want`-th largest block maximum t is a value that at least `want`
/// logits reach (each block's maximum is a different logit), so every one of the `want` best is at least t
/// and lies in a block whose maximum is at least t: only those blocks are read again, about `want` of them.
pub(super) fn candidates_and_blocks(values: &[f64], want: usize) -> (Vec<(f64, TokenId)>, Blocks) {
    let blocks = Blocks::new(values, want);
    let threshold = if blocks.maxima.len() > want {
        let mut order = blocks.maxima.clone();
        *order.select_nth_unstable_by(want - 1, |a, b| b.total_cmp(a)).1
    } else {
        f64::NEG_INFINITY
    };
    let mut best = at_least(values, &blocks, threshold);
    if best.len() > want {
        best.select_nth_unstable_by(want - 1, ranked);
        best.truncate(want);
    }
    (best, blocks)
}

/// The `want` best alive values, unordered: see [`candidates_and_blocks`].
pub(super) fn candidates(values: &[f64], want: usize) -> Vec<(f64, TokenId)> {
    candidates_and_blocks(values, want).0
}

/// Every alive value at least `threshold`, with its id, reading only the blocks whose maximum reaches it.
pub(super) fn at_least(values: &[f64], blocks: &Blocks, threshold: f64) -> Vec<(f64, TokenId)> {
    let block = blocks.block;
    let mut best = Vec::new();
    for (b, _) in blocks.maxima.iter().enumerate().filter(|&(_, &m)| m >= threshold && m > f64::NEG_INFINITY) {
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

#[cfg(test)]
mod tests {
    use super::{candidates, top_k_kept};

    /// The k best alive ids by sorting every one of them: larger value first, the lower id on ties.
    fn sorted_top_k(values: &[f64], k: usize) -> Vec<usize> {
        let mut alive: Vec<usize> = (0..values.len()).filter(|&i| values[i] > f64::NEG_INFINITY).collect();
        alive.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        alive.truncate(k);
        alive.sort_unstable();
        alive
    }

    #[test]
    fn masked_tokens_are_never_candidates_even_when_fewer_than_k_are_alive() {
        // Lengths below, at and past one run of eight, and past several blocks; every third token masked,
        // and a run of masked blocks; k from 1 to past the number alive (the threshold is then −∞).
        for len in [3, 8, 16, 37, 300, 5000] {
            let values: Vec<f64> = (0..len)
                .map(|i| {
                    if i % 3 == 1 || (len > 1000 && (1000..3000).contains(&i)) {
                        f64::NEG_INFINITY
                    } else {
                        ((i * 7919) % 101) as f64 / 10.0
                    }
                })
                .collect();
            for k in [1, 2, 5, len / 2, len - 1, len].into_iter().filter(|&k| k > 0) {
                assert_eq!(top_k_kept(&values, k), sorted_top_k(&values, k), "len {len}, k {k}");
                assert!(candidates(&values, k).iter().all(|&(v, id)| v > f64::NEG_INFINITY && values[id] == v));
            }
        }
    }
}
