//! Top-p without sorting: one pass of exponentials that also brackets the end of the nucleus, then a
//! weighted selection inside the bracket.

use wide::f64x4;

use super::weight::{Cut, Weight, by_weight};
use crate::kernels::positions;
use crate::{TokenId, TopP};

/// Tokens per block of the running sums the pass records and a draw skips through.
pub(super) const BLOCK: usize = 256;

/// The mass the nucleus must reach, in units of the unnormalized weights that sum to `total`.
pub(super) fn need(p: TopP, total: f64) -> f64 {
    (p.get() - crate::MASS_TOLERANCE) * total
}

/// Top-p over a short list of (weight, id): the cut and the kept mass, or `None` when p is off.
pub(super) fn cut_at(
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
pub(super) fn weighted_cut(
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

/// What one pass of exponentials finds.
pub(super) struct Weighed {
    /// The sum of all weights.
    pub(super) total: f64,
    /// The sum of each block of [`BLOCK`] weights.
    pub(super) blocks: Vec<f64>,
    /// For top-p over many weights: thresholds placed from a sample, and the mass above each, per block.
    pub(super) brackets: Option<Brackets>,
}

/// Thresholds around the weight at which the nucleus probably ends, and the mass above each.
pub(super) struct Brackets {
    /// From high to low: +∞ (nothing above), the guesses, 0 (everything above).
    thresholds: [f64; STEPS.len() + 2],
    /// The mass of each block strictly above each guess.
    by_block: Vec<[f64; STEPS.len()]>,
}

/// Below this many weights the plain weighted quickselect is as quick as bracketing.
const BRACKET_MIN: usize = 4096;
/// The heaviest tokens, found exactly, that place the brackets together with the sample.
const HEAVY: usize = 64;
/// Weights sampled (one every V / SAMPLE tokens) to place the brackets.
const SAMPLE: usize = 512;
/// Where the brackets go: the estimated share of mass p plus these steps of mass, each at most so many
/// sampled weights from the estimate's own end. Mass alone would make wide brackets where the mass near
/// the end is spread thin (a hot temperature), sampled weights alone where it is concentrated.
const STEPS: [(f64, usize); 5] = [(-0.06, 32), (-0.02, 8), (0.0, 0), (0.02, 8), (0.06, 32)];

/// For top-p over many weights: the [`HEAVY`] largest alive logits, (logit, id), unordered, which
/// [`weigh`] needs to place its brackets; `None` when nothing is bracketed.
pub(super) fn heaviest(values: &[f64], p: TopP) -> Option<Vec<(f64, TokenId)>> {
    (!p.is_off() && values.len() >= BRACKET_MIN).then(|| super::top_k::candidates(values, HEAVY))
}

/// Thresholds from high to low (+∞, one per step, 0) around the weight at which the nucleus probably
/// ends, from an estimate of the mass above each weight: the `heavy` tokens exactly, and a stride sample of
/// the others, each sampled token standing for its share of them. The heaviest tokens are never left to
/// chance: a few of them can hold most of the mass (a confident step), and a sample would miss them.
fn thresholds(values: &[f64], weight: Weight, p: TopP, heavy: &[(f64, TokenId)]) -> [f64; STEPS.len() + 2] {
    let mut ids: Vec<TokenId> = heavy.iter().map(|x| x.1).collect();
    ids.sort_unstable();
    let picked: Vec<f64> = (0..values.len())
        .step_by(values.len() / SAMPLE)
        .filter(|i| ids.binary_search(i).is_err())
        .map(|i| values[i])
        .collect();
    let each = (values.len() - heavy.len()) as f64 / picked.len().max(1) as f64;
    // Weights are never negative, so their bit patterns sort as they do: sort integers, largest first. No
    // sampled weight exceeds a heavy one (a larger logit never weighs less), so the heavy come first.
    let descending = |mut bits: Vec<u64>| {
        bits.sort_unstable_by(|a, b| b.cmp(a));
        bits
    };
    let heavy_bits = descending(heavy.iter().map(|&(v, _)| weight.of(v).to_bits()).collect());
    let sample: Vec<u64> =
        heavy_bits.into_iter().chain(descending(weight.all(&picked).into_iter().map(f64::to_bits).collect())).collect();
    // The estimated mass down to and including each sampled weight: a heavy token counts once, a sampled
    // one for its share of the others.
    let mut running = 0.0;
    let reached: Vec<f64> = sample
        .iter()
        .enumerate()
        .map(|(i, &bits)| {
            running += f64::from_bits(bits) * if i < heavy.len() { 1.0 } else { each };
            running
        })
        .collect();
    let estimate = running;
    let mut thresholds = [0.0; STEPS.len() + 2];
    thresholds[0] = f64::INFINITY;
    // The sampled weight at which the running estimate first reaches each step's goal.
    let reach = |goal: f64| Some(reached.partition_point(|&r| r < goal)).filter(|&i| i < reached.len());
    let end = reach(p.get() * estimate).unwrap_or(sample.len());
    // Each threshold is the weight just below the one reaching its goal, so that the mass above it reaches
    // the goal; each lies at least one sampled weight below the one before, so that no two coincide where
    // a few tokens hold the mass.
    let mut next = 0;
    for (t, (step, most)) in thresholds[1..=STEPS.len()].iter_mut().zip(STEPS) {
        let goal = (p.get() + step) * estimate;
        let at = reach(goal).unwrap_or(sample.len()).clamp(end.saturating_sub(most), end + most);
        next = (at + 1).max(next + 1);
        *t = if goal <= 0.0 { f64::INFINITY } else { sample.get(next).map_or(0.0, |&bits| f64::from_bits(bits)) };
    }
    thresholds
}

/// Every weight once, four at a time, without storing them: their sum and the sum of each block; for
/// top-p over many weights (`heavy` given, see [`heaviest`]), also the mass above five thresholds (see
/// [`thresholds`] and [`bracketed`]). `exponent` is `weight`'s, written out so that each copy of the loop
/// is straight-line code.
pub(super) fn weigh(
    values: &[f64],
    weight: Weight,
    p: TopP,
    heavy: Option<&[(f64, TokenId)]>,
    exponent: impl Fn(f64x4) -> f64x4,
) -> Weighed {
    let thresholds = heavy.map(|heavy| thresholds(values, weight, p, heavy));
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
                    *sum += w & w.simd_gt(t);
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
pub(super) fn bracketed(
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
    // Logits that may weigh inside (low, high]: a comparison four at a time, then the exact weight.
    let (from, to) = weight.logits_between(low, high);
    let maybes = positions(values, from, to, |_, _| true);
    // Weigh them together, four at a time exactly as the pass did, and keep those inside.
    let gathered: Vec<f64> = maybes.iter().map(|&id| values[id]).collect();
    let mut items: Vec<(f64, TokenId)> =
        weight.all(&gathered).into_iter().zip(maybes).filter(|&(w, _)| w > low && w <= high).collect();
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

#[cfg(test)]
mod tests {
    use super::{BLOCK, STEPS, bracketed, heaviest, need, weigh, weighted_cut};
    use crate::fast::weight::Weight;
    use crate::reference::{Shape, bench_shape_settings};
    use crate::temperature::Scale;
    use crate::{Logits, Strategy};

    /// How many tokens the bracket holds that [`super::bracketed`] ranks: those weighing more than the
    /// highest threshold the nucleus's mass reaches and at most the one above it.
    fn bracket(values: &[f64], sampler: crate::Sampler) -> usize {
        let (tau, p) = (sampler.temperature, sampler.top_p);
        let heavy = heaviest(values, p).expect("top-p over many tokens is bracketed");
        let max = crate::kernels::max(values);
        let weight = Weight::new(Scale::new(tau, max), max);
        let weighed = weigh(values, weight, p, Some(&heavy), |v| weight.exponent(v));
        let brackets = weighed.brackets.expect("thresholds");
        let need = need(p, weighed.total);
        let mut above = vec![0.0; STEPS.len() + 2];
        above[STEPS.len() + 1] = weighed.total;
        for (i, mass) in above[1..=STEPS.len()].iter_mut().enumerate() {
            *mass = brackets.by_block.iter().map(|b| b[i]).sum();
        }
        let end = (1..above.len()).find(|&i| above[i] >= need).expect("the total reaches p");
        let (high, low) = (brackets.thresholds[end - 1], brackets.thresholds[end]);
        weight.all(values).into_iter().filter(|&w| w > low && w <= high).count()
    }

    /// What the thresholds are for: the exact end of the nucleus lies in a bracket of few tokens on every
    /// shape, so that ranking it costs little beside the pass. A confident step's heavy tokens are bracketed
    /// on their own (measured: 1 to 5 tokens); elsewhere the bracket holds at most a twelfth of the
    /// vocabulary (measured: 187 to 3,239 of 50,257 and 947 to 7,756 of 151,936).
    #[test]
    fn the_bracket_stays_narrow_on_every_shape() {
        for vocab in [50_257, 151_936] {
            for shape in Shape::ALL {
                let logits = Logits::from_f32(&shape.logits(vocab, 42)).unwrap();
                for case in bench_shape_settings() {
                    let Strategy::Sample(sampler) = case.run else { continue };
                    if sampler.top_k.get().is_some() {
                        continue;
                    }
                    let size = bracket(logits.as_slice(), sampler);
                    let heavy = shape == Shape::Confident && sampler.temperature.get() <= 1.0;
                    let most = if heavy { 8 } else { vocab / 12 };
                    assert!(size <= most, "{shape:?} {} V = {vocab}: {size} tokens in the bracket", case.id);
                }
            }
        }
    }

    /// When rounding leaves the whole sum short of `need`, the cut is the last item in the ranking (the
    /// lightest, the lowest scaled logit among equal weights, then the highest id) and the mass is
    /// everything: on the bucketed path (more than 32 items), with weights spread over many buckets and a
    /// tie at the bottom.
    #[test]
    fn a_sum_short_of_the_need_cuts_at_the_last_item_with_all_the_mass() {
        let mut items: Vec<(f64, crate::TokenId)> = (0..200).map(|i| (1.0 / f64::from(i + 1), i as usize)).collect();
        items.push((1.0 / 200.0, 500));
        let sum: f64 = items.iter().map(|x| x.0).sum();
        let scaled = |id: crate::TokenId| -(id as f64);
        let (cut, mass) = weighted_cut(&mut items.clone(), 0.0, sum * (1.0 + 1e-9), scaled);
        let cut = cut.expect("a cut");
        assert_eq!((cut.weight, cut.id), (1.0 / 200.0, 500), "the tie goes to the lower scaled logit");
        assert!((mass - sum).abs() <= 1e-12 * sum, "{mass} against {sum}");
        // Reached exactly at the second item: the cut is there, with the mass of the first two.
        let (cut, mass) = weighted_cut(&mut items, 0.0, 1.5, scaled);
        assert_eq!(cut.map(|c| c.id), Some(1));
        assert_eq!(mass, 1.5);
    }

    /// The bracket's answer is the answer of ranking every weight: the same cut, the same kept mass, the
    /// same kept mass per block, on every shape, both where the nucleus ends (p) and at the very bottom
    /// of the ranking (a need a hair below the total, which only the last bracket, down to 0, holds).
    #[test]
    fn the_bracket_finds_the_cut_that_ranking_everything_finds() {
        let vocab = 50_257;
        let mut in_the_last_bracket = 0;
        for shape in Shape::ALL {
            let logits = Logits::from_f32(&shape.logits(vocab, 42)).unwrap();
            let values = logits.as_slice();
            for case in bench_shape_settings() {
                let Strategy::Sample(sampler) = case.run else { continue };
                if sampler.top_k.get().is_some() {
                    continue;
                }
                let heavy = heaviest(values, sampler.top_p).expect("top-p over many tokens is bracketed");
                let max = crate::kernels::max(values);
                let weight = Weight::new(Scale::new(sampler.temperature, max), max);
                let weighed = weigh(values, weight, sampler.top_p, Some(&heavy), |v| weight.exponent(v));
                let brackets = weighed.brackets.as_ref().expect("thresholds");
                let scaled = weight.scaled(values);
                let weights = weight.all(values);
                let at = format!("{shape:?} {}", case.id);
                assert!(bracketed(values, weight, 0.0, weighed.total, brackets).is_none(), "{at}: no need, no bracket");
                let lowest: f64 = brackets.by_block.iter().map(|b| b[STEPS.len() - 1]).sum();
                for need in [need(sampler.top_p, weighed.total), weighed.total * (1.0 - 1e-12)] {
                    in_the_last_bracket += usize::from(lowest < need);
                    let (cut, mass, blocks) =
                        bracketed(values, weight, need, weighed.total, brackets).expect("a bracket holds the end");
                    let mut items: Vec<(f64, crate::TokenId)> =
                        weights.iter().enumerate().filter(|&(_, &w)| w > 0.0).map(|(i, &w)| (w, i)).collect();
                    let (all_cut, all_mass) = weighted_cut(&mut items, 0.0, need, scaled);
                    let (cut, all_cut) = (cut.expect("a cut"), all_cut.expect("a cut"));
                    assert_eq!((cut.id, cut.weight), (all_cut.id, all_cut.weight), "{at}, need {need}");
                    assert!((mass - all_mass).abs() <= 1e-12 * weighed.total, "{at}: mass {mass} against {all_mass}");
                    assert_eq!(blocks.len(), vocab.div_ceil(BLOCK));
                    for (b, (&kept, block)) in blocks.iter().zip(weights.chunks(BLOCK)).enumerate() {
                        let expected: f64 = block
                            .iter()
                            .enumerate()
                            .filter(|&(j, &w)| cut.keeps(w, b * BLOCK + j, scaled))
                            .map(|(_, w)| w)
                            .sum();
                        assert!(
                            (kept - expected).abs() <= 1e-12 * weighed.total,
                            "{at}: block {b}: {kept} against {expected}"
                        );
                    }
                }
            }
        }
        assert!(in_the_last_bracket >= 4, "the last bracket was reached {in_the_last_bracket} times");
    }
}
