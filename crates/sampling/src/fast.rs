//! The pipeline without copying or sorting the vocabulary: what [`crate::Sampler::choose`] runs.
//!
//! [`crate::Sampler::stages`] materializes every stage so the page can draw it. A model asking for its
//! next token needs none of that, only the survivors and their weights:
//!
//! * **Top-k** keeps a small buffer of candidates and a threshold: one pass over the logits that mostly
//!   compares eight values at a time against the threshold, and a selection in the buffer whenever it
//!   fills. Temperature is applied to the candidates only (dividing by τ > 0 keeps the order).
//! * **Top-p without top-k** needs every exponential once (that is the floor for an exact nucleus): one
//!   pass computes them and, alongside, the mass in each of 1,024 buckets of the weight's binary exponent
//!   and top four mantissa bits. The bucket where the running mass crosses p is the only one that needs
//!   ordering, and a weighted quickselect orders just enough of it.
//! * **The draw** walks the survivors in id order, the same inverse transform as
//!   [`crate::Distribution::pick`].
//!
//! The results equal the plain pipeline's up to the order of floating-point additions; a test checks the
//! kept sets and probabilities against [`crate::reference`] on thousands of random cases.

use wide::f64x4;

use crate::temperature::Scale;
use crate::{Distribution, Logits, Sampler, TokenId, TopP};

/// Values compared at once; a multiple of every SIMD width the compiler targets.
const LANES: usize = 8;

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
pub(crate) fn argmax(values: &[f64]) -> TokenId {
    const BLOCK: usize = 256;
    let maxima: Vec<f64> = values.chunks(BLOCK).map(max).collect();
    let best = max(&maxima);
    let block = maxima.iter().position(|&m| m == best).unwrap_or(0);
    let start = block * BLOCK;
    values[start..].iter().position(|&v| v == best).map_or(0, |j| start + j)
}

/// The tokens that survive the pipeline, with unnormalized weights exp(sᵢ − max s).
#[derive(Debug)]
pub(crate) enum Survivors {
    /// A short list (what top-k leaves), in id order.
    Listed { ids: Vec<TokenId>, weights: Vec<f64>, mass: f64 },
    /// A weight for every token; those ranked below `cut` (by weight, then id) are out.
    Dense { weights: Vec<f64>, cut: Option<Cut>, mass: f64 },
}

/// The last token kept by top-p in the order weight descending, id ascending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    weight: f64,
    id: TokenId,
}

impl Cut {
    fn keeps(self, weight: f64, id: TokenId) -> bool {
        weight > self.weight || (weight == self.weight && id <= self.id)
    }
}

impl Survivors {
    /// Runs temperature → top-k → top-p on `logits`.
    pub(crate) fn new(sampler: &Sampler, logits: &Logits) -> Self {
        let values = logits.as_slice();
        match sampler.top_k.get().filter(|&k| k < values.len()) {
            Some(k) => Self::top_k(sampler, values, k),
            None => Self::dense(sampler, values),
        }
    }

    /// With top-k on: candidates from one pass, then everything on at most k values.
    fn top_k(sampler: &Sampler, values: &[f64], k: usize) -> Self {
        // k + 1 candidates: if the k-th and the (k+1)-th stay apart after dividing by τ, the k best by raw
        // logit are exactly the k best by scaled logit (the plain pipeline ranks scaled logits).
        let mut best = candidates(values, k + 1);
        let max = best.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
        let scale = Scale::new(sampler.temperature, max);
        if best.len() > k {
            best.select_nth_unstable_by(k, ranked); // best[k] is the (k+1)-th, best[..k] the k best
            let kth = best[..k].iter().copied().max_by(ranked).unwrap_or(best[0]);
            if kth.0 != best[k].0 && scale.apply(kth.0) == scale.apply(best[k].0) {
                // Two logits that division by τ made equal: rank by scaled logit instead (rare).
                return Self::dense_top_k(sampler, values, scale, k);
            }
            best.truncate(k);
        }
        let top = scale.apply(max);
        Self::listed(sampler.top_p, best.into_iter().map(|(v, id)| ((scale.apply(v) - top).exp(), id)).collect())
    }

    /// Top-k by scaled logit over the whole vocabulary: the slow fallback for ties made by division.
    fn dense_top_k(sampler: &Sampler, values: &[f64], scale: Scale, k: usize) -> Self {
        let scaled: Vec<f64> = values.iter().map(|&v| scale.apply(v)).collect();
        let mut best = candidates(&scaled, k);
        best.truncate(k);
        let top = best.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
        Self::listed(sampler.top_p, best.into_iter().map(|(s, id)| ((s - top).exp(), id)).collect())
    }

    /// Top-p over the top-k survivors, given as (weight, id).
    fn listed(p: TopP, mut items: Vec<(f64, TokenId)>) -> Self {
        let total: f64 = items.iter().map(|x| x.0).sum();
        let mass = match cut_at(&mut items, p, total) {
            Some((cut, mass)) => {
                items.retain(|&(w, id)| cut.keeps(w, id));
                mass
            }
            None => total,
        };
        items.sort_unstable_by_key(|x| x.1);
        let (weights, ids) = items.into_iter().unzip();
        Self::Listed { ids, weights, mass }
    }

    /// Without top-k: every weight once, and the nucleus from a histogram of them.
    fn dense(sampler: &Sampler, values: &[f64]) -> Self {
        let max = max(values);
        let scale = Scale::new(sampler.temperature, max);
        let top = scale.apply(max);
        let histogram = !sampler.top_p.is_off();
        // τ = 1 with no shift divides by 1: skip the division, which costs as much as the exponential.
        let (weights, total, mass_in) = if scale.is_identity() {
            let max = f64x4::splat(max);
            weigh(values, |v| v - max, histogram)
        } else {
            let (shift, tau, top) = (f64x4::splat(scale.shift()), f64x4::splat(scale.tau()), f64x4::splat(top));
            weigh(values, |v| (v - shift) / tau - top, histogram)
        };
        if !histogram {
            return Self::Dense { weights, cut: None, mass: total };
        }
        let need = need(sampler.top_p, total);
        let mut above = 0.0;
        let mut edge = BUCKETS - 1;
        for (b, &m) in mass_in.iter().enumerate() {
            if above + m >= need {
                edge = b;
                break;
            }
            above += m;
        }
        let mut items: Vec<(f64, TokenId)> =
            weights.iter().enumerate().filter(|&(_, &w)| bucket(w) == edge && w > 0.0).map(|(i, &w)| (w, i)).collect();
        let (cut, mass) = weighted_cut(&mut items, above, need);
        Self::Dense { weights, cut, mass }
    }

    /// The token for a uniform `u` in [0, 1): the first survivor, in id order, at which the running sum of
    /// weights exceeds u times their total.
    pub(crate) fn pick(&self, u: f64) -> TokenId {
        let u = crate::distribution::clamp_unit(u);
        match self {
            Self::Listed { ids, weights, mass } => {
                let target = u * mass;
                let mut sum = 0.0;
                for (&id, &w) in ids.iter().zip(weights) {
                    sum += w;
                    if sum > target && w > 0.0 {
                        return id;
                    }
                }
                ids.iter()
                    .zip(weights)
                    .rev()
                    .find(|(_, w)| **w > 0.0)
                    .or(ids.iter().zip(weights).next())
                    .map_or(0, |(&id, _)| id)
            }
            Self::Dense { weights, cut, mass } => {
                let target = u * mass;
                let mut sum = 0.0;
                let mut last = None;
                for (id, &w) in weights.iter().enumerate() {
                    if w > 0.0 && cut.is_none_or(|c| c.keeps(w, id)) {
                        sum += w;
                        last = Some(id);
                        if sum > target {
                            return id;
                        }
                    }
                }
                last.unwrap_or(0)
            }
        }
    }

    /// The survivors as a distribution over the whole vocabulary.
    pub(crate) fn into_distribution(self, vocab: usize) -> Distribution {
        let mut probs = vec![0.0; vocab];
        match self {
            Self::Listed { ids, weights, mass } => {
                for (id, w) in ids.into_iter().zip(weights) {
                    probs[id] = w / mass;
                }
            }
            Self::Dense { weights, cut, mass } => {
                for (id, w) in weights.into_iter().enumerate() {
                    if cut.is_none_or(|c| c.keeps(w, id)) {
                        probs[id] = w / mass;
                    }
                }
            }
        }
        Distribution::from_checked(probs)
    }
}

/// The `want` best alive values without sorting, in about one pass of vector instructions.
///
/// The maxima of blocks come first. The `want`-th largest block maximum t is a value that at least `want`
/// logits reach (each block's maximum is a different logit), so every one of the `want` best is at least t
/// and lies in a block whose maximum is at least t: only those blocks are read again, about `want` of them.
fn candidates(values: &[f64], want: usize) -> Vec<(f64, TokenId)> {
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
fn ranked(a: &(f64, TokenId), b: &(f64, TokenId)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The mass the nucleus must reach, in units of the unnormalized weights that sum to `total`.
fn need(p: TopP, total: f64) -> f64 {
    (p.get() - crate::MASS_TOLERANCE) * total
}

/// Top-p over a short list of (weight, id): the cut and the kept mass, or `None` when p is off.
fn cut_at(items: &mut [(f64, TokenId)], p: TopP, total: f64) -> Option<(Cut, f64)> {
    if p.is_off() {
        return None;
    }
    let mut positive: Vec<(f64, TokenId)> = items.iter().copied().filter(|x| x.0 > 0.0).collect();
    let (cut, mass) = weighted_cut(&mut positive, 0.0, need(p, total));
    cut.map(|c| (c, mass))
}

/// Ranks `items` (weight descending, id ascending) just enough to find the first at which `above` plus
/// the running sum reaches `need`: expected linear time, like quickselect. Returns that item as the cut and
/// the mass up to and including it; the last item when rounding keeps the sum short of `need`.
fn weighted_cut(mut items: &mut [(f64, TokenId)], mut above: f64, need: f64) -> (Option<Cut>, f64) {
    const SMALL: usize = 32;
    loop {
        if items.len() <= SMALL {
            items.sort_unstable_by(ranked);
            let mut last = None;
            for &(weight, id) in items.iter() {
                above += weight;
                last = Some(Cut { weight, id });
                if above >= need {
                    break;
                }
            }
            return (last, above);
        }
        let half = items.len() / 2;
        items.select_nth_unstable_by(half, ranked); // items[..half] are the half best, unordered
        let upper: f64 = items[..half].iter().map(|x| x.0).sum();
        if above + upper >= need {
            items = &mut items[..half];
        } else {
            above += upper;
            items = &mut items[half..];
        }
    }
}

/// The weight exp(`exponent`(ℓ)) of every logit, four at a time, their sum, and (when asked) the mass in
/// each bucket.
fn weigh(values: &[f64], exponent: impl Fn(f64x4) -> f64x4, histogram: bool) -> (Vec<f64>, f64, Box<[f64; BUCKETS]>) {
    let mut weights = vec![0.0; values.len()];
    let mut mass_in = Box::new([0.0; BUCKETS]);
    let mut sums = f64x4::ZERO;
    let (chunks, rest) = values.as_chunks::<4>();
    let (out, out_rest) = weights.as_chunks_mut::<4>();
    for (out, &chunk) in out.iter_mut().zip(chunks) {
        let w = exponent(f64x4::from(chunk)).exp();
        sums += w;
        *out = w.to_array();
        if histogram {
            for &x in out.iter() {
                mass_in[bucket(x)] += x;
            }
        }
    }
    let mut total = sums.reduce_add();
    for (out, &v) in out_rest.iter_mut().zip(rest) {
        *out = exponent(f64x4::splat(v)).exp().to_array()[0];
        total += *out;
        if histogram {
            mass_in[bucket(*out)] += *out;
        }
    }
    (weights, total, mass_in)
}

/// exp of every value, four at a time (the floor benchmark's exponentials are the fast path's).
pub(crate) fn sum_exp(values: &[f64], max: f64) -> f64 {
    let (chunks, rest) = values.as_chunks::<4>();
    let top = f64x4::splat(max);
    let sums = chunks.iter().fold(f64x4::ZERO, |sum, &chunk| sum + (f64x4::from(chunk) - top).exp());
    rest.iter().fold(sums.reduce_add(), |sum, &v| sum + (f64x4::splat(v - max)).exp().to_array()[0])
}

/// Buckets of weights in [0, 1]: sixteen per power of two, the heaviest first.
const BUCKETS: usize = 1024;

/// The bucket of a weight in [0, 1]: how far its bit pattern (exponent and top four mantissa bits) lies
/// below that of 1.0. Larger weights land in lower buckets; tiny weights and 0 share the last.
fn bucket(weight: f64) -> usize {
    const ONE: u64 = 0x3FF0_0000_0000_0000;
    let steps = ONE.saturating_sub(weight.to_bits()) >> 48;
    (steps as usize).min(BUCKETS - 1)
}
