//! The pipeline without copying or sorting the vocabulary: what [`crate::Sampler::choose`] runs.
//!
//! [`crate::Sampler::stages`] materializes every stage so the page can draw it. A model asking for its
//! next token needs none of that, only the survivors and their weights:
//!
//! * **Top-k** keeps a small buffer of candidates and a threshold: one pass over the logits that mostly
//!   compares eight values at a time against the threshold, and a selection in the buffer whenever it
//!   fills. Temperature is applied to the candidates only (dividing by τ > 0 keeps the order).
//! * **Top-p without top-k** needs every exponential once (that is the floor for an exact nucleus): one
//!   pass computes them, four at a time. The 64 heaviest tokens (found exactly) and a sample of the rest
//!   estimate where the nucleus ends; the pass also sums the mass above five thresholds around the
//!   estimate, which brackets the exact end; only the weights inside are ranked, by a weighted quickselect.
//! * **The draw** walks the survivors in id order, the same inverse transform as
//!   [`crate::Distribution::pick`].
//!
//! The results equal the plain pipeline's up to the order of floating-point additions; a test checks the
//! kept sets and probabilities against [`crate::reference`] on thousands of random cases.
//!
//! One file per stage ([`top_k`], [`top_p`], [`min_p`]) and [`weight`] for how a logit becomes its
//! weight; this file holds the survivors and the draw. The path takes the settings, not the
//! [`crate::Sampler`] that holds them, so it sits below the sampler.

mod min_p;
mod top_k;
mod top_p;
mod weight;

pub(crate) use min_p::min_p_kept;
pub(crate) use top_k::top_k_kept;

use wide::f64x4;

use self::top_k::{Blocks, at_least, candidates, candidates_and_blocks, ranked};
use self::top_p::{BLOCK, Weighed, bracketed, cut_at, heaviest, need, weigh, weighted_cut};
use self::weight::{Cut, Weight};
use crate::kernels::{max, positions};
use crate::temperature::Scale;
use crate::{Distribution, Logits, Temperature, TokenId, TopK, TopP};

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

impl<'a> Survivors<'a> {
    /// Runs temperature → top-k → top-p on `logits`.
    pub(crate) fn new(temperature: Temperature, top_k: TopK, top_p: TopP, logits: &'a Logits) -> Self {
        let values = logits.as_slice();
        match top_k.get().filter(|&k| k < values.len()) {
            Some(k) => Self::top_k(temperature, top_p, values, k),
            None => Self::dense(temperature, top_p, values),
        }
    }

    /// With top-k on: candidates from one pass, then everything on at most k values.
    fn top_k(temperature: Temperature, top_p: TopP, values: &[f64], k: usize) -> Self {
        // k + 1 candidates: if the k-th and the (k+1)-th stay apart after dividing by τ, the k best by raw
        // logit are exactly the k best by scaled logit (the plain pipeline ranks scaled logits).
        let (mut best, blocks) = candidates_and_blocks(values, k + 1);
        let max = best.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
        let scale = Scale::new(temperature, max);
        if best.len() > k {
            best.select_nth_unstable_by(k, ranked); // best[k] is the (k+1)-th, best[..k] the k best
            let kth = best[..k].iter().copied().max_by(ranked).unwrap_or(best[0]);
            if scale.apply(kth.0) == scale.apply(best[k].0) {
                // A tie at the boundary after dividing by τ (already equal, or made equal by rounding): a
                // token with a lower logit may have reached the tie with a lower id, and ties go to the
                // lower id. Rank by scaled logit every token that can reach it.
                return Self::tied_top_k(top_p, values, &blocks, scale, k, kth.0, max);
            }
            best.truncate(k);
        }
        let top = scale.apply(max);
        let items = best.into_iter().map(|(v, id)| ((scale.apply(v) - top).exp(), id)).collect();
        Self::listed(top_p, items, |id| scale.apply(values[id]))
    }

    /// Top-k by scaled logit when the k-th and the (k+1)-th best logits tie after dividing by τ (`kth` is
    /// the k-th best logit, `max` the largest). Only a logit within a few units in the last place of `kth`
    /// can divide to the same value, so the tokens at or above `kth` less a relative 10⁻⁹ hold the k best
    /// by scaled logit: at least k tokens reach `kth`, each dividing to at least kth / τ, and anything below
    /// the margin divides to strictly less. They are read from the few blocks of the candidates' pass whose
    /// maximum reaches the margin, so exact ties at the boundary (a low-precision model's) cost no pass of
    /// divisions over the vocabulary.
    fn tied_top_k(top_p: TopP, values: &[f64], blocks: &Blocks, scale: Scale, k: usize, kth: f64, max: f64) -> Self {
        let tame = scale.shift() == 0.0 && (1e-3..=1e3).contains(&scale.tau()) && kth.abs() > 1e-200;
        if !tame {
            return Self::dense_top_k(top_p, values, scale, k);
        }
        let from = kth - kth.abs() * 1e-9;
        let mut near: Vec<(f64, TokenId)> =
            at_least(values, blocks, from).into_iter().map(|(v, id)| (scale.apply(v), id)).collect();
        if near.len() > k {
            near.select_nth_unstable_by(k - 1, ranked);
            near.truncate(k);
        }
        let top = scale.apply(max);
        let items = near.into_iter().map(|(s, id)| ((s - top).exp(), id)).collect();
        Self::listed(top_p, items, |id| scale.apply(values[id]))
    }

    /// Top-k by scaled logit over the whole vocabulary: the slow fallback for ties made by division.
    fn dense_top_k(top_p: TopP, values: &[f64], scale: Scale, k: usize) -> Self {
        let scaled: Vec<f64> = values.iter().map(|&v| scale.apply(v)).collect();
        let best = candidates(&scaled, k); // at most k: candidates prunes to what it is asked for
        let top = best.iter().map(|x| x.0).fold(f64::NEG_INFINITY, f64::max);
        let items = best.into_iter().map(|(s, id)| ((s - top).exp(), id)).collect();
        Self::listed(top_p, items, |id| scaled[id])
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
    pub(super) fn dense(temperature: Temperature, p: TopP, values: &'a [f64]) -> Self {
        // For a nucleus over many tokens, the heaviest come first (they also give the maximum).
        let heavy = heaviest(values, p);
        let max = heavy.as_ref().and_then(|h| h.iter().map(|x| x.0).reduce(f64::max)).unwrap_or_else(|| max(values));
        let weight = Weight::new(Scale::new(temperature, max), max);
        let heavy = heavy.as_deref();
        // Two copies of the pass, so that the plain one carries no division and no branch.
        let Weighed { total, blocks, brackets } = if weight.plain {
            let top = f64x4::splat(weight.top);
            weigh(values, weight, p, heavy, |v| v - top)
        } else {
            let (shift, tau, top) =
                (f64x4::splat(weight.scale.shift()), f64x4::splat(weight.scale.tau()), f64x4::splat(weight.top));
            weigh(values, weight, p, heavy, |v| (v - shift) / tau - top)
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
        let u = crate::rng::clamp_unit(u);
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

/// The ids (ascending) of the nucleus of mass `p`: what [`crate::TopP`] keeps, from the sampler's
/// bracketed nucleus (every weight once, only the bracket ranked), then a comparison of logits against
/// the cut's logit widened by a margin, and the cut's own test on the few near it.
pub(crate) fn top_p_kept(logits: &Logits, p: TopP) -> Vec<TokenId> {
    let Survivors::Dense { values, weight, cut: Some(cut), .. } =
        Survivors::dense(Temperature::default(), p, logits.as_slice())
    else {
        return logits.kept().collect();
    };
    let (from, _) = weight.logits_between(cut.weight, f64::INFINITY);
    let scaled = weight.scaled(values);
    positions(values, from, f64::INFINITY, |id, v| v > f64::NEG_INFINITY && cut.keeps(weight.of(v), id, scaled))
}

#[cfg(test)]
mod tests {
    use super::Survivors;

    #[test]
    fn a_walk_left_short_by_rounding_ends_on_the_last_token_with_weight() {
        // The mass of a top-k list is summed in rank order and the draw walks in id order, so the two sums
        // can differ in the last bit. Here the mass exceeds the walked sum on purpose: a u near 1 walks
        // past every token without crossing, and the draw must land on the last token that has weight,
        // never on a zero-weight one (nor fall back to the first).
        let survivors = Survivors::Listed { ids: vec![3, 5, 9], weights: vec![0.5, 0.5, 0.0], mass: 1.0 + 1e-9 };
        assert_eq!(survivors.pick(1.0 - 1e-12), 5);
        assert_eq!(survivors.pick(0.25), 3);
        assert_eq!(survivors.pick(0.75), 5);
    }
}
