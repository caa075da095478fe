//! Reductions over a slice of `f64`, written so that the compiler emits vector instructions. They know
//! nothing of tokens or distributions: the layer every other module may use.

use wide::f64x4;

/// Values compared at once; a multiple of every SIMD width the compiler targets.
pub(crate) const LANES: usize = 8;

/// The largest value. Eight running maxima, so the loop compiles to vector instructions, folded pairwise.
pub(crate) fn max(values: &[f64]) -> f64 {
    let larger = |a: f64, b: f64| if b > a { b } else { a };
    let mut lanes = [f64::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = larger(*lane, v);
        }
    }
    let [a, b, c, d, e, f, g, h] = lanes;
    let folded = larger(larger(larger(a, e), larger(b, f)), larger(larger(c, g), larger(d, h)));
    rest.iter().fold(folded, |m, &v| larger(m, v))
}

/// Position of the largest value, the lowest position on ties. Values hold no NaN.
///
/// The maxima of blocks first (vector instructions, no branches), then a search in the first block that
/// holds the overall maximum only.
pub(crate) fn argmax(values: &[f64]) -> usize {
    const BLOCK: usize = 256;
    let maxima: Vec<f64> = values.chunks(BLOCK).map(max).collect();
    let best = max(&maxima);
    let block = maxima.iter().position(|&m| m == best).unwrap_or(0);
    let start = block * BLOCK;
    values[start..].iter().position(|&v| v == best).map_or(0, |j| start + j)
}

/// Σ exp(v − max) over every value, four at a time (the floor benchmark's exponentials are the fast
/// path's).
pub(crate) fn sum_exp(values: &[f64], max: f64) -> f64 {
    let (chunks, rest) = values.as_chunks::<4>();
    let top = f64x4::splat(max);
    let sums = chunks.iter().fold(f64x4::ZERO, |sum, &chunk| sum + (f64x4::from(chunk) - top).exp());
    rest.iter().fold(sums.reduce_add(), |sum, &v| sum + (f64x4::splat(v - max)).exp().to_array()[0])
}

/// The positions (ascending) of the values for which `keep` holds, among those in [`from`, `to`]: a
/// comparison of four values at a time screens, the exact test decides. `keep` is asked only of values in
/// the range.
///
/// The screen makes one mask of 64 bits for each run of 64 values and visits its set bits only: a branch
/// per run of values that may or may not hold one would be mispredicted whenever a few percent of them
/// pass, which cost more than all the comparisons (measured: the screen of top-p's bracket, 68 µs a
/// branch per eight values, 31 µs with masks, over 151,936 logits of which about 6,000 pass).
pub(crate) fn positions(values: &[f64], from: f64, to: f64, keep: impl Fn(usize, f64) -> bool) -> Vec<usize> {
    const RUN: usize = 64;
    let (low, high) = (f64x4::splat(from), f64x4::splat(to));
    let mut out = Vec::new();
    let mut visit = |at: usize, run: &[f64], mut mask: u64| {
        while mask != 0 {
            let j = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if keep(at + j, run[j]) {
                out.push(at + j);
            }
        }
    };
    let (runs, rest) = values.as_chunks::<RUN>();
    for (r, run) in runs.iter().enumerate() {
        let (quads, _) = run.as_chunks::<4>();
        let mut mask = 0u64;
        for (q, &quad) in quads.iter().enumerate() {
            let v = f64x4::from(quad);
            mask |= u64::from((v.simd_ge(low) & v.simd_le(high)).to_bitmask()) << (4 * q);
        }
        visit(r * RUN, run, mask);
    }
    let mask = rest.iter().enumerate().fold(0u64, |m, (j, &v)| m | (u64::from(v >= from && v <= to) << j));
    visit(values.len() - rest.len(), rest, mask);
    out
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::positions;

    /// The screen finds what a plain filter finds: both ends of the range included, −∞ and +∞ as values
    /// and as ends, at lengths around the runs of 64 (whole runs, a remainder, none), and `keep` asked
    /// only inside the range.
    #[test]
    fn positions_are_those_a_plain_filter_finds() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for len in [0, 1, 3, 63, 64, 65, 127, 128, 200, 1000] {
            let values: Vec<f64> = (0..len)
                .map(|_| match rng.random_range(0..10) {
                    0 => f64::NEG_INFINITY,
                    1 => 1.0,
                    2 => 2.0,
                    _ => rng.random_range(-1.0..4.0_f64).round() / 2.0,
                })
                .collect();
            for (from, to) in [(1.0, 2.0), (f64::NEG_INFINITY, 0.5), (1.5, f64::INFINITY), (3.0, 1.0)] {
                let even = |id: usize, v: f64| {
                    assert!(v >= from && v <= to, "asked of {v} outside [{from}, {to}]");
                    id.is_multiple_of(2)
                };
                let expected: Vec<usize> =
                    (0..len).filter(|&i| values[i] >= from && values[i] <= to && i.is_multiple_of(2)).collect();
                assert_eq!(positions(&values, from, to, even), expected, "length {len}, [{from}, {to}]");
            }
        }
    }
}
