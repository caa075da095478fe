//! The pipeline without copying or sorting the vocabulary: what [`crate::Sampler::choose`] runs.
//!
//! [`crate::Sampler::stages`] materializes every stage so the page can draw it. A model asking for its
//! next token needs none of that, only the survivors and their weights:
//!
//! * **Top-k** keeps a small buffer of candidates and a threshold: one pass over the logits that mostly
//!   compares eight values at a time against the threshold, and a selection in the buffer whenever it
//!   fills. Temperature is applied to the candidates only (dividing by τ > 0 keeps the order).
//! * **Top-p without top-k** needs every exponential once (that is the floor for an exact nucleus): one
//!   pass computes them, four at a time. A small sorted sample guesses where the nucleus ends; one pass
//!   sums the mass above seven thresholds around the guess, which brackets the exact end; only the
//!   weights inside the bracket are ranked, by a weighted quickselect.
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
pub(crate) enum Survivors<'a> {
    /// A short list (what top-k leaves), in id order.
    Listed { ids: Vec<TokenId>, weights: Vec<f64>, mass: f64 },
    /// Every token of `values`, weighed by `weight`; those ranked below `cut` (by weight, scaled logit, id)
    /// are out.
    /// `blocks` holds the kept mass of each run of [`BLOCK`] tokens, so that a draw skips whole blocks and
    /// weighs only the tokens of one. Weights are recomputed when needed, never stored: recomputing one
    /// block is cheaper than writing and reading back the whole vocabulary.
    Dense { values: &'a [f64], weight: Weight, cut: Option<Cut>, mass: f64, blocks: Vec<f64> },
}

/// How a logit becomes its weight: exp((ℓ − shift)/τ − top), or exp(ℓ − top) when τ = 1 and nothing is
/// shifted (dividing by 1 costs as much as the exponential). The same lane-wise vector operations every
/// time, so a weight recomputed is bit for bit the weight first computed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weight {
    scale: Scale,
    plain: bool,
    top: f64,
}

impl Weight {
    fn new(scale: Scale, max: f64) -> Self {
        let plain = scale.is_identity();
        Self { scale, plain, top: if plain { max } else { scale.apply(max) } }
    }

    /// The scaled logit of each token of `values`, for breaking ties between equal weights.
    fn scaled(self, values: &[f64]) -> impl Fn(TokenId) -> f64 + Copy + '_ {
        move |id| self.scale.apply(values[id])
    }

    /// The exponent of four logits.
    fn exponent(self, v: f64x4) -> f64x4 {
        if self.plain {
            v - f64x4::splat(self.top)
        } else {
            (v - f64x4::splat(self.scale.shift())) / f64x4::splat(self.scale.tau()) - f64x4::splat(self.top)
        }
    }

    /// The weights of four logits.
    fn of4(self, v: f64x4) -> f64x4 {
        self.exponent(v).exp()
    }

    /// The weight of one logit.
    fn of(self, v: f64) -> f64 {
        self.of4(f64x4::splat(v)).to_array()[0]
    }

    /// The weights of `values`, in order.
    fn all(self, values: &[f64]) -> Vec<f64> {
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
    fn logits_between(self, low: f64, high: f64) -> (f64, f64) {
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
    weight: f64,
    scaled: f64,
    id: TokenId,
}

impl Cut {
    /// Whether the token `id` of this weight is kept; `scaled` gives a token's scaled logit, asked only
    /// on a tie of weights.
    fn keeps(self, weight: f64, id: TokenId, scaled: impl Fn(TokenId) -> f64) -> bool {
        // total_cmp, as in the ranking: a scaled logit can underflow to −0, which ranks below +0.
        weight > self.weight
            || (weight == self.weight && scaled(id).total_cmp(&self.scaled).then(self.id.cmp(&id)).is_ge())
    }
}

/// Best first by weight, then by scaled logit, then the lower id: the order of the textbook pipeline.
fn by_weight(scaled: impl Fn(TokenId) -> f64) -> impl Fn(&(f64, TokenId), &(f64, TokenId)) -> std::cmp::Ordering {
    move |a, b| b.0.total_cmp(&a.0).then_with(|| scaled(b.1).total_cmp(&scaled(a.1))).then(a.1.cmp(&b.1))
}

impl<'a> Survivors<'a> {
    /// Runs temperature → top-k → top-p on `logits`.
    pub(crate) fn new(sampler: &Sampler, logits: &'a Logits) -> Self {
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
            if scale.apply(kth.0) == scale.apply(best[k].0) {
                // A tie at the boundary after dividing by τ (already equal, or made equal by rounding): a
                // token with a lower logit may have reached the tie with a lower id, and ties go to the
                // lower id. Rank by scaled logit over everything instead (rare).
                return Self::dense_top_k(sampler, values, scale, k);
            }
            best.truncate(k);
        }
        let top = scale.apply(max);
        let items = best.into_iter().map(|(v, id)| ((scale.apply(v) - top).exp(), id)).collect();
        Self::listed(sampler.top_p, items, |id| scale.apply(values[id]))
    }

    /// Top-k by scaled logit over the whole vocabulary: the slow fallback for ties made by division.
    fn dense_top_k(sampler: &Sampler, values: &[f64], scale: Scale, k: usize) -> Self {
        let scaled: Vec<f64> = values.iter().map(|&v| scale.apply(v)).collect();
        let best = candidates(&scaled, k); // at most k: candidates prunes to what it is asked for
        let top = best.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
        let items = best.into_iter().map(|(s, id)| ((s - top).exp(), id)).collect();
        Self::listed(sampler.top_p, items, |id| scaled[id])
    }

    /// Top-p over the top-k survivors, given as (weight, id).
    fn listed(p: TopP, mut items: Vec<(f64, TokenId)>, scaled: impl Fn(TokenId) -> f64 + Copy) -> Self {
        let total: f64 = items.iter().map(|x| x.0).sum();
        let mass = match cut_at(&mut items, p, total, scaled) {
            Some((cut, mass)) => {
                items.retain(|&(w, id)| cut.keeps(w, id, scaled));
                mass
            }
            None => total,
        };
        items.sort_unstable_by_key(|x| x.1);
        let (weights, ids) = items.into_iter().unzip();
        Self::Listed { ids, weights, mass }
    }

    /// Without top-k: every weight once, then the nucleus without sorting them.
    fn dense(sampler: &Sampler, values: &'a [f64]) -> Self {
        let max = max(values);
        let weight = Weight::new(Scale::new(sampler.temperature, max), max);
        let p = sampler.top_p;
        // Two copies of the pass, so that the plain one carries no division and no branch.
        let Weighed { total, blocks, brackets } = if weight.plain {
            let top = f64x4::splat(weight.top);
            weigh(values, weight, p, |v| v - top)
        } else {
            let (shift, tau, top) =
                (f64x4::splat(weight.scale.shift()), f64x4::splat(weight.scale.tau()), f64x4::splat(weight.top));
            weigh(values, weight, p, |v| (v - shift) / tau - top)
        };
        if p.is_off() {
            return Self::Dense { values, weight, cut: None, mass: total, blocks };
        }
        let need = need(p, total);
        let scaled = weight.scaled(values);
        let (cut, mass, blocks) =
            brackets.and_then(|b| bracketed(values, weight, need, total, &b)).unwrap_or_else(|| {
                let weights = weight.all(values);
                let mut items: Vec<(f64, TokenId)> =
                    weights.iter().enumerate().filter(|&(_, &w)| w > 0.0).map(|(i, &w)| (w, i)).collect();
                let (cut, mass) = weighted_cut(&mut items, 0.0, need, scaled);
                let blocks = weights
                    .chunks(BLOCK)
                    .enumerate()
                    .map(|(b, block)| {
                        let kept = |&(j, &w): &(usize, &f64)| cut.is_none_or(|c| c.keeps(w, b * BLOCK + j, scaled));
                        block.iter().enumerate().filter(kept).map(|(_, w)| w).sum()
                    })
                    .collect();
                (cut, mass, blocks)
            });
        Self::Dense { values, weight, cut, mass, blocks }
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
            Self::Dense { values, weight, cut, mass, blocks } => {
                let target = u * mass;
                let scaled = weight.scaled(values);
                let kept = |id: TokenId, w: f64| w > 0.0 && cut.is_none_or(|c| c.keeps(w, id, scaled));
                // Whole blocks while the running sum stays at or below the target, then token by token,
                // weighing only the tokens walked.
                let mut sum = 0.0;
                let first = blocks.iter().position(|&m| {
                    let crosses = sum + m > target;
                    if !crosses {
                        sum += m;
                    }
                    crosses
                });
                let mut last = None;
                if let Some(first) = first {
                    for block in (first..blocks.len()).map(|b| b * BLOCK) {
                        let end = (block + BLOCK).min(values.len());
                        for (j, w) in weight.all(&values[block..end]).into_iter().enumerate() {
                            if kept(block + j, w) {
                                sum += w;
                                last = Some(block + j);
                                if sum > target {
                                    return block + j;
                                }
                            }
                        }
                    }
                }
                // Rounding kept the sum at or below the target: the last kept token.
                last.or_else(|| {
                    let weights = weight.all(values);
                    (0..values.len()).rev().find(|&id| kept(id, weights[id]))
                })
                .unwrap_or(0)
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
            Self::Dense { values, weight, cut, mass, .. } => {
                let scaled = weight.scaled(values);
                for (id, w) in weight.all(values).into_iter().enumerate() {
                    if cut.is_none_or(|c| c.keeps(w, id, scaled)) {
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
fn cut_at(
    items: &mut [(f64, TokenId)],
    p: TopP,
    total: f64,
    scaled: impl Fn(TokenId) -> f64 + Copy,
) -> Option<(Cut, f64)> {
    if p.is_off() {
        return None;
    }
    let mut positive: Vec<(f64, TokenId)> = items.iter().copied().filter(|x| x.0 > 0.0).collect();
    let (cut, mass) = weighted_cut(&mut positive, 0.0, need(p, total), scaled);
    cut.map(|c| (c, mass))
}

/// Ranks `items` (weight descending, then scaled logit descending, then id ascending) just enough to find
/// the first at which `above` plus the running sum reaches `need`. Returns that item as the cut and the
/// mass up to and including it; the last item when rounding keeps the sum short of `need`.
///
/// Weights are never negative, so their bit patterns order as they do. Each round spreads the items over
/// 256 buckets of their bit patterns (heaviest first), sums the mass of each, and keeps only the bucket
/// where the running mass reaches `need`; equal weights, which no bucketing separates, go to a quickselect
/// by scaled logit and id. Linear time, a few passes over a shrinking list.
fn weighted_cut(
    mut items: &mut [(f64, TokenId)],
    mut above: f64,
    need: f64,
    scaled: impl Fn(TokenId) -> f64 + Copy,
) -> (Option<Cut>, f64) {
    const SMALL: usize = 32;
    loop {
        if items.len() <= SMALL {
            items.sort_unstable_by(by_weight(scaled));
            let mut last = None;
            for &(weight, id) in items.iter() {
                above += weight;
                last = Some(Cut { weight, scaled: scaled(id), id });
                if above >= need {
                    break;
                }
            }
            return (last, above);
        }
        let (low, high) =
            items.iter().fold((u64::MAX, 0), |(lo, hi), x| (lo.min(x.0.to_bits()), hi.max(x.0.to_bits())));
        if low == high {
            // All weights equal: the order is by scaled logit, then id.
            let half = items.len() / 2;
            items.select_nth_unstable_by(half, by_weight(scaled)); // items[..half] are the half best, unordered
            let upper: f64 = items[..half].iter().map(|x| x.0).sum();
            if above + upper >= need {
                items = &mut items[..half];
            } else {
                above += upper;
                items = &mut items[half..];
            }
            continue;
        }
        let shift = (64 - (high - low).leading_zeros()).saturating_sub(8);
        let bucket = |w: f64| ((high - w.to_bits()) >> shift) as usize;
        let mut mass = [0.0; 256];
        for x in items.iter() {
            mass[bucket(x.0)] += x.0;
        }
        let mut edge = None;
        for (b, &m) in mass.iter().enumerate() {
            if above + m >= need {
                edge = Some(b);
                break;
            }
            above += m;
        }
        // Rounding may keep the whole sum short of `need`: then the lightest bucket holds the cut.
        let edge = edge.unwrap_or_else(|| {
            let last = mass.iter().rposition(|&m| m > 0.0).unwrap_or(255);
            above -= mass[last];
            last
        });
        let mut kept = 0;
        for i in 0..items.len() {
            if bucket(items[i].0) == edge {
                items.swap(i, kept);
                kept += 1;
            }
        }
        items = &mut items[..kept];
    }
}

/// Tokens per block of the running sums a draw skips through.
const BLOCK: usize = 256;

/// What one pass of exponentials finds.
struct Weighed {
    /// The sum of all weights.
    total: f64,
    /// The sum of each block of [`BLOCK`] weights.
    blocks: Vec<f64>,
    /// For top-p over many weights: thresholds placed from a sample, and the mass above each, per block.
    brackets: Option<Brackets>,
}

/// Thresholds around the weight at which the nucleus probably ends, and the mass above each.
struct Brackets {
    /// From high to low: +∞ (nothing above), the guesses, 0 (everything above).
    thresholds: [f64; STEPS.len() + 2],
    /// The mass of each block strictly above each guess.
    by_block: Vec<[f64; STEPS.len()]>,
}

/// Below this many weights the plain weighted quickselect is as quick as bracketing.
const BRACKET_MIN: usize = 4096;
/// Weights sampled to place the brackets.
const SAMPLE: usize = 512;
/// Where the brackets go: the sample's share of mass p plus these steps.
const STEPS: [f64; 5] = [-0.06, -0.02, 0.0, 0.02, 0.06];

/// Every weight once, four at a time, without storing them: their sum and the sum of each block; for
/// top-p over many weights, also the mass above seven thresholds placed from a sorted sample of 512
/// weights (see [`bracketed`]). `exponent` is `weight`'s, written out so that each copy of the loop is
/// straight-line code.
fn weigh(values: &[f64], weight: Weight, p: TopP, exponent: impl Fn(f64x4) -> f64x4) -> Weighed {
    let thresholds = (!p.is_off() && values.len() >= BRACKET_MIN).then(|| {
        // Weights are never negative, so their bit patterns sort as they do: sort integers, largest first.
        let mut bits: Vec<u64> =
            values.iter().step_by(values.len() / SAMPLE).map(|&v| weight.of(v).to_bits()).collect();
        bits.sort_unstable_by(|a, b| b.cmp(a));
        let sample: Vec<f64> = bits.into_iter().map(f64::from_bits).collect();
        let sample_total: f64 = sample.iter().sum();
        let mut thresholds = [0.0; STEPS.len() + 2];
        thresholds[0] = f64::INFINITY;
        let (mut running, mut j) = (0.0, 0);
        for (t, step) in thresholds[1..=STEPS.len()].iter_mut().zip(STEPS) {
            let goal = (p.get() + step) * sample_total;
            while j < sample.len() && running + sample[j] < goal {
                running += sample[j];
                j += 1;
            }
            *t = if goal <= 0.0 { f64::INFINITY } else { sample.get(j).copied().unwrap_or(0.0) };
        }
        thresholds
    });
    let inner: [f64x4; STEPS.len()] = std::array::from_fn(|i| f64x4::splat(thresholds.map_or(0.0, |t| t[i + 1])));
    let mut blocks = Vec::with_capacity(values.len().div_ceil(BLOCK));
    let mut by_block = Vec::new();
    for block in values.chunks(BLOCK) {
        let (chunks, rest) = block.as_chunks::<4>();
        let mut sums = f64x4::ZERO;
        let mut above = [f64x4::ZERO; STEPS.len()];
        if thresholds.is_some() {
            for &chunk in chunks {
                let w = exponent(f64x4::from(chunk)).exp();
                sums += w;
                for (sum, &t) in above.iter_mut().zip(&inner) {
                    *sum += w.simd_gt(t).select(w, f64x4::ZERO);
                }
            }
        } else {
            for &chunk in chunks {
                sums += exponent(f64x4::from(chunk)).exp();
            }
        }
        let [a, b, c, d] = sums.to_array();
        let mut tail = [0.0; 4];
        for (w, &v) in tail.iter_mut().zip(rest) {
            *w = weight.of(v);
        }
        let tail = &tail[..rest.len()];
        blocks.push(tail.iter().fold((a + b) + (c + d), |s, &w| s + w));
        if let Some(t) = &thresholds {
            by_block.push(std::array::from_fn(|i| {
                let [a, b, c, d] = above[i].to_array();
                tail.iter().filter(|&&w| w > t[i + 1]).fold((a + b) + (c + d), |s, &w| s + w)
            }));
        }
    }
    let total = blocks.iter().sum();
    Weighed { total, blocks, brackets: thresholds.map(|thresholds| Brackets { thresholds, by_block }) }
}

/// Top-p over many weights without sorting them: the end of the nucleus, bracketed.
///
/// The mass above each threshold tells between which two neighbouring thresholds the exact end lies: the
/// mass above the higher one falls short of p, the mass above the lower one does not. Only the tokens
/// inside that bracket are gathered (found by their logits, then weighed exactly) and ranked, by
/// [`weighted_cut`]. `None` when `need` is not positive (the caller ranks all weights).
fn bracketed(
    values: &[f64],
    weight: Weight,
    need: f64,
    total: f64,
    brackets: &Brackets,
) -> Option<(Option<Cut>, f64, Vec<f64>)> {
    if need <= 0.0 {
        return None;
    }
    let Brackets { thresholds, by_block } = brackets;
    let mut above = [0.0; STEPS.len() + 2];
    above[STEPS.len() + 1] = total;
    for (i, mass) in above[1..=STEPS.len()].iter_mut().enumerate() {
        *mass = by_block.iter().map(|b| b[i]).sum();
    }
    let end = (1..above.len()).find(|&i| above[i] >= need)?;
    let (high, low, base) = (thresholds[end - 1], thresholds[end], above[end - 1]);
    // Logits that may weigh inside (low, high]: a comparison eight at a time, then the exact weight.
    let (from, to) = weight.logits_between(low, high);
    let maybe = |v: f64| v >= from && v <= to;
    let mut maybes: Vec<(f64, TokenId)> = Vec::new();
    let (chunks, rest) = values.as_chunks::<LANES>();
    for (c, chunk) in chunks.iter().enumerate() {
        if chunk.iter().fold(false, |any, &v| any | maybe(v)) {
            maybes.extend(chunk.iter().enumerate().filter(|&(_, &v)| maybe(v)).map(|(j, &v)| (v, c * LANES + j)));
        }
    }
    let at = values.len() - rest.len();
    maybes.extend(rest.iter().enumerate().filter(|&(_, &v)| maybe(v)).map(|(j, &v)| (v, at + j)));
    // Weigh them four at a time, exactly as the pass did, and keep those inside.
    let mut items = Vec::with_capacity(maybes.len());
    for group in maybes.chunks(4) {
        let mut v = [0.0; 4];
        for (v, &(logit, _)) in v.iter_mut().zip(group) {
            *v = logit;
        }
        let w = weight.of4(f64x4::from(v)).to_array();
        items.extend(group.iter().zip(w).filter(|&(_, w)| w > low && w <= high).map(|(&(_, id), w)| (w, id)));
    }
    let scaled = weight.scaled(values);
    let (cut, mass) = weighted_cut(&mut items, base, need, scaled);
    // Each block keeps its mass above `high` and its kept tokens of the bracket.
    let mut blocks: Vec<f64> =
        if end == 1 { vec![0.0; by_block.len()] } else { by_block.iter().map(|b| b[end - 2]).collect() };
    for &(w, id) in items.iter().filter(|&&(w, id)| cut.is_some_and(|c| c.keeps(w, id, scaled))) {
        blocks[id / BLOCK] += w;
    }
    Some((cut, mass, blocks))
}

/// exp of every value, four at a time (the floor benchmark's exponentials are the fast path's).
pub(crate) fn sum_exp(values: &[f64], max: f64) -> f64 {
    let (chunks, rest) = values.as_chunks::<4>();
    let top = f64x4::splat(max);
    let sums = chunks.iter().fold(f64x4::ZERO, |sum, &chunk| sum + (f64x4::from(chunk) - top).exp());
    rest.iter().fold(sums.reduce_add(), |sum, &v| sum + (f64x4::splat(v - max)).exp().to_array()[0])
}

/// The ids (ascending) of the `k` largest alive values, ties to the lower id: what [`crate::TopK`] keeps,
/// from [`candidates`] instead of a selection over every id.
pub(crate) fn top_k_kept(values: &[f64], k: usize) -> Vec<TokenId> {
    let mut ids: Vec<TokenId> = candidates(values, k).into_iter().map(|(_, id)| id).collect();
    ids.sort_unstable();
    ids
}

/// The ids (ascending) whose exp(ℓ − max) reaches `min_p`: what [`crate::MinP`] keeps, found by comparing
/// logits (eight at a time) against max + ln min_p widened by a margin far above rounding, then checking
/// the few near the line with the definition's own arithmetic.
pub(crate) fn min_p_kept(values: &[f64], min_p: f64) -> Vec<TokenId> {
    let max = max(values);
    // Below about 1e-300 the exponential's result is subnormal and the margin no longer safe: check all.
    let line = if min_p > 1e-300 { min_p.ln() - 1e-6 } else { f64::NEG_INFINITY };
    let maybe = |v: f64| v - max >= line;
    let keeps = |v: f64| (v - max).exp() >= min_p;
    let mut ids = Vec::new();
    let (chunks, rest) = values.as_chunks::<LANES>();
    for (c, chunk) in chunks.iter().enumerate() {
        if chunk.iter().fold(false, |any, &v| any | maybe(v)) {
            ids.extend(chunk.iter().enumerate().filter(|&(_, &v)| maybe(v) && keeps(v)).map(|(j, _)| c * LANES + j));
        }
    }
    let at = values.len() - rest.len();
    ids.extend(rest.iter().enumerate().filter(|&(_, &v)| maybe(v) && keeps(v)).map(|(j, _)| at + j));
    ids
}

/// The ids (ascending) of the nucleus of mass `p`: what [`crate::TopP`] keeps, from the sampler's
/// bracketed nucleus (every weight once, only the bracket ranked), then a comparison of logits against
/// the cut's logit widened by a margin, and the cut's own test on the few near it.
pub(crate) fn top_p_kept(logits: &Logits, p: TopP) -> Vec<TokenId> {
    let sampler = Sampler { top_p: p, ..Sampler::default() };
    let Survivors::Dense { values, weight, cut: Some(cut), .. } = Survivors::dense(&sampler, logits.as_slice()) else {
        return logits.kept().collect();
    };
    let (from, _) = weight.logits_between(cut.weight, f64::INFINITY);
    let scaled = weight.scaled(values);
    let keeps = |id: TokenId, v: f64| v >= from && v > f64::NEG_INFINITY && cut.keeps(weight.of(v), id, scaled);
    let mut ids = Vec::new();
    let (chunks, rest) = values.as_chunks::<LANES>();
    for (c, chunk) in chunks.iter().enumerate() {
        if chunk.iter().fold(false, |any, &v| any | (v >= from)) {
            ids.extend(
                chunk.iter().enumerate().map(|(j, &v)| (c * LANES + j, v)).filter(|&(id, v)| keeps(id, v)).map(|x| x.0),
            );
        }
    }
    let at = values.len() - rest.len();
    ids.extend(rest.iter().enumerate().map(|(j, &v)| (at + j, v)).filter(|&(id, v)| keeps(id, v)).map(|x| x.0));
    ids
}
