//! The autoregressive loop, one recorded step at a time: what the model sees, what it says, what the
//! sampler makes of it, and what is appended.

use sampling::{Logits, Sampler, SeededRng, Strategy, Temperature, TokenId, TopK, TopP, seeded_rng};

use crate::{ModelError, START};

/// How many steps the demonstration records.
pub const STEPS: usize = 12;
/// The seed of its draws.
pub const SEED: u64 = 5;

/// The demonstration's sampler: every stage does something.
pub fn sampler() -> Sampler {
    Sampler::new(Temperature::new(0.8).unwrap_or(Temperature::ONE), TopK::new(5), TopP::new(0.9).unwrap_or(TopP::OFF))
}

/// One turn of the loop.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopStep {
    /// Everything generated so far, before this step.
    pub context: Vec<TokenId>,
    /// Where the model's view starts: the current name, cropped to the window.
    pub view_start: usize,
    /// The last position's logits.
    pub logits: Logits,
    /// After each stage: temperature, top-k, what top-p keeps (the top-k distribution on the nucleus,
    /// not yet renormalized), final.
    pub stages: [Vec<f64>; 4],
    /// How many tokens each stage leaves alive.
    pub alive: [usize; 4],
    /// The uniform number the draw used.
    pub u: f64,
    /// The token drawn: the one whose stretch of the final distribution holds u.
    pub chosen: TokenId,
}

impl LoopStep {
    /// One turn of the loop: `sampler` makes a distribution of the `logits` the model gave after
    /// `context[view_start..]`, and one uniform number from `rng` draws from it.
    pub fn take(
        context: Vec<TokenId>,
        view_start: usize,
        logits: Logits,
        sampler: &Sampler,
        rng: &mut SeededRng,
    ) -> Self {
        let [tempered, top_k, top_p] = &sampler.stages(&logits)[..] else { unreachable!("three stages") };
        let after_top_k = top_k.probs();
        let nucleus: Vec<f64> = after_top_k
            .probs()
            .iter()
            .enumerate()
            .map(|(i, &q)| if top_p.logits.is_kept(i) { q } else { 0.0 })
            .collect();
        let stages =
            [tempered.probs().probs().to_vec(), after_top_k.probs().to_vec(), nucleus, top_p.probs().probs().to_vec()];
        let alive = [
            tempered.logits.kept_count(),
            top_k.logits.kept_count(),
            top_p.logits.kept_count(),
            top_p.logits.kept_count(),
        ];
        // The draw reads one uniform number; read it from a copy first, to show it.
        let u = sampling::uniform(&mut rng.clone());
        let chosen = Strategy::Sample(*sampler).choose(&logits, rng);
        Self { context, view_start, logits, stages, alive, u, chosen }
    }
}

/// Runs the loop for [`STEPS`] steps from `·` and records every step: `next` gives the model's logits
/// after what it reads, a model of `window` tokens.
///
/// The model's outputs are all a recording needs to keep: run again over the same logits (in the same
/// order), this gives the same steps, since the sampler and its seed are fixed.
///
/// # Errors
/// Whatever `next` returns.
pub fn record(
    window: usize,
    mut next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
) -> Result<Vec<LoopStep>, ModelError> {
    let sampler = sampler();
    let mut rng: SeededRng = seeded_rng(SEED);
    let mut context = vec![START];
    let mut steps = Vec::new();
    for _ in 0..STEPS {
        // The model was trained on one name at a time: it reads the current name, cropped to its window.
        let name_start = context.iter().rposition(|&t| t == START).unwrap_or(0);
        let view_start = name_start.max(context.len().saturating_sub(window));
        let logits = next(&context[view_start..])?;
        let step = LoopStep::take(context.clone(), view_start, logits, &sampler, &mut rng);
        let chosen = step.chosen;
        steps.push(step);
        context.push(chosen);
    }
    Ok(steps)
}

/// The same steps again from the model's outputs alone, each step's logits as `f32` (how a model gives
/// them): what the page receives, much smaller than the steps.
///
/// # Errors
/// [`ModelError::Sampling`] for values that are not logits, and [`ModelError::EmptyContext`] when
/// fewer than [`STEPS`] are given.
pub fn replay(window: usize, outputs: &[Vec<f32>]) -> Result<Vec<LoopStep>, ModelError> {
    let mut outputs = outputs.iter();
    record(window, |_| Ok(Logits::from_f32(outputs.next().ok_or(ModelError::EmptyContext)?)?))
}

/// The model's outputs of a recording, as `f32` (exact: the models compute in `f32`).
pub fn outputs(steps: &[LoopStep]) -> Vec<Vec<f32>> {
    steps.iter().map(|s| s.logits.as_slice().iter().map(|&l| l as f32).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that prefers the symbol after the last one (and `·` after z), with a spread.
    fn next(context: &[TokenId]) -> Result<Logits, ModelError> {
        let last = *context.last().unwrap_or(&0);
        Ok(Logits::new((0..27).map(|t| if t == (last + 1) % 27 { 2.0 } else { ((t * 7) % 5) as f64 / 4.0 }).collect())?)
    }

    #[test]
    fn every_step_appends_the_chosen_token_and_each_stage_narrows() {
        let steps = record(16, next).unwrap();
        assert_eq!(steps.len(), STEPS);
        for pair in steps.windows(2) {
            let mut expected = pair[0].context.clone();
            expected.push(pair[0].chosen);
            assert_eq!(pair[1].context, expected);
        }
        for step in &steps {
            assert!(step.stages[3][step.chosen] > 0.0, "the chosen token survived every stage");
            let last = sampling::Distribution::from_probs(step.stages[3].clone()).unwrap();
            assert_eq!(last.pick(step.u), step.chosen, "u lands on the chosen token");
            // Top-p's column keeps the top-k probabilities of the nucleus; the final one renormalizes them.
            let kept: f64 = step.stages[2].iter().sum();
            assert_eq!(step.stages[2].iter().filter(|p| **p > 0.0).count(), step.alive[2]);
            for (q, f) in step.stages[2].iter().zip(&step.stages[3]) {
                assert!((q / kept - f).abs() < 1e-9);
            }
            assert!(step.alive[1] <= 5 && step.alive[2] <= step.alive[1]);
            assert_eq!(step.alive[0], 27);
        }
    }

    #[test]
    fn the_view_is_the_current_name_cropped_to_the_window() {
        let steps = record(3, next).unwrap();
        for s in &steps {
            let name_start = s.context.iter().rposition(|&t| t == START).unwrap();
            assert_eq!(s.view_start, name_start.max(s.context.len().saturating_sub(3)));
        }
        assert!(steps.iter().any(|s| s.view_start > 0), "a long name is cropped");
    }

    #[test]
    fn a_replay_of_the_outputs_gives_the_same_steps() {
        let steps = record(16, next).unwrap();
        assert_eq!(replay(16, &outputs(&steps)).unwrap(), steps);
        assert_eq!(replay(16, &outputs(&steps)[..3]), Err(ModelError::EmptyContext));
        let mut bad = outputs(&steps);
        bad[0][0] = f32::NAN;
        assert!(matches!(replay(16, &bad), Err(ModelError::Sampling(_))));
    }
}
