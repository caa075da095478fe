//! The autoregressive loop, one recorded step at a time: what the model sees, what it says, what the
//! sampler makes of it, and what is appended.

use model::{LanguageModel, ModelError, START, next_logits};
use sampling::{Logits, Sampler, SeededRng, Strategy, Temperature, TokenId, TopK, TopP, seeded_rng};

/// How many steps the demonstration records.
pub const STEPS: usize = 12;
/// The seed of its draws.
pub const SEED: u64 = 5;

/// The demonstration's sampler: every stage does something.
pub fn sampler() -> Sampler {
    Sampler::new(Temperature::new(0.8).unwrap_or(Temperature::ONE), TopK::new(5), TopP::new(0.9).unwrap_or(TopP::OFF))
}

/// The five most likely tokens of a distribution (or logits), with their values, most likely first.
pub fn top(values: &[f64], n: usize) -> Vec<(TokenId, f64)> {
    let mut order: Vec<TokenId> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order.into_iter().take(n).map(|i| (i, values[i])).collect()
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

/// Runs the loop for [`STEPS`] steps from `·` and records every step.
///
/// # Errors
/// Whatever the model returns.
pub fn record<M: LanguageModel>(model: &M) -> Result<Vec<LoopStep>, ModelError> {
    let sampler = sampler();
    let mut rng: SeededRng = seeded_rng(SEED);
    let mut context = vec![START];
    let mut steps = Vec::new();
    for _ in 0..STEPS {
        // The model was trained on one name at a time: it reads the current name, cropped to its window.
        let name_start = context.iter().rposition(|&t| t == START).unwrap_or(0);
        let view_start = name_start.max(context.len().saturating_sub(model.context_window()));
        let logits = next_logits(model, &context[view_start..])?;
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
        let chosen = Strategy::Sample(sampler).choose(&logits, &mut rng);
        steps.push(LoopStep { context: context.clone(), view_start, logits, stages, alive, u, chosen });
        context.push(chosen);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Bigram, device};

    #[test]
    fn every_step_appends_the_chosen_token() {
        let steps = record(&Bigram::shipped(&device()).unwrap()).unwrap();
        assert_eq!(steps.len(), STEPS);
        for pair in steps.windows(2) {
            let mut expected = pair[0].context.clone();
            expected.push(pair[0].chosen);
            assert_eq!(pair[1].context, expected);
        }
        for step in &steps {
            assert!(step.stages[3][step.chosen] > 0.0, "the chosen token survived every stage");
            let last = sampling::Distribution::from_probs(step.stages[3].clone()).unwrap();
            let strip = crate::state::strip::intervals(&last);
            assert_eq!(crate::state::strip::landing(&strip, step.u).map(|i| i.token), Some(step.chosen));
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
    fn the_shipped_run_ends_a_name_and_starts_the_next() {
        // The widget's try line asks the learner to step past a ·: the recorded run must contain one.
        let steps = record(&model::Gpt::shipped(&device()).unwrap()).unwrap();
        let end = steps.iter().position(|s| s.chosen == START).expect("a · is drawn");
        assert!(end + 1 < STEPS, "and a step follows it");
        assert_eq!(steps[end + 1].view_start, steps[end + 1].context.len() - 1, "the view starts over");
    }

    #[test]
    fn top_lists_the_largest_first() {
        assert_eq!(top(&[0.1, 0.5, 0.2, 0.5], 3), vec![(1, 0.5), (3, 0.5), (2, 0.2)]);
    }
}
