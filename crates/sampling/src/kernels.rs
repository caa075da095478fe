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

/// The positions (ascending) of the values for which `keep` holds, reading each run of [`LANES`] values
/// further only when `maybe` holds for one of them: a cheap comparison screens, the exact test decides.
/// `keep` must imply `maybe`.
pub(crate) fn positions(values: &[f64], maybe: impl Fn(f64) -> bool, keep: impl Fn(usize, f64) -> bool) -> Vec<usize> {
    let mut out = Vec::new();
    let (chunks, rest) = values.as_chunks::<LANES>();
    for (c, chunk) in chunks.iter().enumerate() {
        if chunk.iter().fold(false, |any, &v| any | maybe(v)) {
            // Without a branch per value: write every position, advance past the kept ones only.
            let at = c * LANES;
            let mut kept = [0; LANES];
            let mut n = 0;
            for (j, &v) in chunk.iter().enumerate() {
                kept[n % LANES] = at + j;
                n += usize::from(keep(at + j, v));
            }
            out.extend_from_slice(&kept[..n]);
        }
    }
    let at = values.len() - rest.len();
    out.extend(rest.iter().enumerate().filter(|&(j, &v)| keep(at + j, v)).map(|(j, _)| at + j));
    out
}
