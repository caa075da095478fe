//! Beam search on small hand-made models.
#![cfg(not(target_arch = "wasm32"))]

use sampling::{BeamSearch, Logits, SamplingError, Strategy, TokenId, generate, log_softmax, seeded_rng};

/// A toy next-token model over 5 tokens whose preferences depend on the last two tokens.
fn toy(context: &[TokenId]) -> Result<Logits, SamplingError> {
    let a = context.last().copied().unwrap_or(0) as f64;
    let b = context.len().checked_sub(2).map_or(0, |i| context[i]) as f64;
    Logits::new((0..5).map(|t| ((t as f64 + 1.0) * (a + 2.0) * 0.37 + b * 0.91 * t as f64).sin() * 3.0).collect())
}

#[test]
fn width_one_is_greedy() {
    for prompt in [vec![], vec![0], vec![3, 1], vec![4, 4, 2]] {
        let beams = BeamSearch::new(1, 12, None).unwrap().run(&prompt, toy).unwrap();
        let greedy = generate(&prompt, 12, None, &Strategy::Greedy, &mut seeded_rng(0), toy).unwrap();
        assert_eq!(beams.len(), 1);
        assert_eq!(beams[0].tokens, greedy);
    }
}

#[test]
fn scores_are_summed_log_probabilities() {
    let prompt = [2];
    let beams = BeamSearch::new(4, 6, None).unwrap().run(&prompt, toy).unwrap();
    assert_eq!(beams.len(), 4);
    for beam in &beams {
        let mut context = prompt.to_vec();
        let mut total = 0.0;
        for &t in &beam.tokens {
            total += log_softmax(&toy(&context).unwrap())[t];
            context.push(t);
        }
        assert!((total - beam.log_prob).abs() < 1e-9);
    }
    assert!(beams.windows(2).all(|w| w[0].log_prob >= w[1].log_prob), "best first");
}

#[test]
fn a_wider_beam_never_finds_a_worse_best_sequence_here() {
    // Not true of beam search in general, but on this model widening the beam finds a likelier sequence
    // than greedy, which is the whole point of the method.
    let narrow = BeamSearch::new(1, 8, None).unwrap().run(&[1], toy).unwrap();
    let wide = BeamSearch::new(8, 8, None).unwrap().run(&[1], toy).unwrap();
    assert!(wide[0].log_prob >= narrow[0].log_prob);
}

#[test]
fn beams_stop_at_the_end_token() {
    // Token 0 is the end: likely from the start, so the best beam is just [0].
    let model = |context: &[TokenId]| Logits::new(vec![1.0, 0.5 + context.len() as f64 * 0.0, 0.2]);
    let beams = BeamSearch::new(3, 5, Some(0)).unwrap().run(&[], model).unwrap();
    assert_eq!(beams[0].tokens, vec![0]);
    assert!(beams[0].finished);
    assert!(beams.iter().all(|b| b.finished || b.tokens.len() == 5));
}

#[test]
fn zero_width_and_changing_lengths_are_errors() {
    assert_eq!(BeamSearch::new(0, 5, None), Err(SamplingError::ZeroBeamWidth));
    let shifty = |context: &[TokenId]| Logits::new(vec![0.0; 2 + context.len()]);
    assert_eq!(
        BeamSearch::new(2, 3, None).unwrap().run(&[], shifty),
        Err(SamplingError::WrongLength { expected: 2, got: 3 })
    );
}

#[test]
fn a_length_penalty_trades_the_short_ending_for_longer_likelier_steps() {
    // The end token 0 costs ln 2 at once; every other step is a sure thing after the first.
    // Σ log p: ending now = ln(1/2) ≈ −0.69; going on = ln(1/2) then 0 each step, then the end at −ln 2.
    let model = |context: &[TokenId]| match context.len() {
        0 => Logits::new(vec![0.0, 0.0, f64::NEG_INFINITY]),
        1..=3 => Logits::new(vec![f64::NEG_INFINITY, f64::NEG_INFINITY, 0.0]),
        _ => Logits::new(vec![0.0, f64::NEG_INFINITY, f64::NEG_INFINITY]),
    };
    let plain = BeamSearch::new(2, 10, Some(0)).unwrap();
    let beams = plain.run(&[], model).unwrap();
    // Both hypotheses score ln ½ in sum; the tie goes to the shorter by its tokens.
    assert_eq!(beams[0].tokens, vec![0]);
    // With α = 1 the long one's −ln 2 is spread over 5 tokens: it wins.
    let normalized = plain.with_length_penalty(1.0).unwrap();
    let beams = normalized.run(&[], model).unwrap();
    assert_eq!(beams[0].tokens, vec![1, 2, 2, 2, 0]);
    assert!((normalized.score(&beams[0]) - (-(2f64.ln()) / 5.0)).abs() < 1e-12);
    assert!((normalized.score(&beams[1]) - (-(2f64.ln()))).abs() < 1e-12);
    assert!(beams.windows(2).all(|w| normalized.score(&w[0]) >= normalized.score(&w[1])), "best first");
}

#[test]
fn alpha_zero_is_the_plain_sum_and_bad_alphas_are_errors() {
    let search = BeamSearch::new(3, 4, None).unwrap();
    assert_eq!(search.length_penalty(), 0.0);
    assert_eq!(search.with_length_penalty(0.0).unwrap().run(&[1], toy), search.run(&[1], toy));
    assert_eq!(search.score_of(-3.0, 4), -3.0);
    assert_eq!(search.with_length_penalty(0.5).unwrap().score_of(-3.0, 4), -1.5);
    for bad in [-0.1, f64::NAN, f64::INFINITY] {
        assert!(matches!(search.with_length_penalty(bad), Err(SamplingError::InvalidLengthPenalty(_))));
    }
}

#[test]
fn log_softmax_is_exact_away_from_zero_and_keeps_masked_tokens_out() {
    // Logits (5, 5 + ln 3, −∞): probabilities 1/4 and 3/4 whatever the shift, and the masked token stays −∞.
    let logits = Logits::new(vec![5.0, 5.0 + 3f64.ln(), f64::NEG_INFINITY]).unwrap();
    let logp = log_softmax(&logits);
    assert!((logp[0] - 0.25f64.ln()).abs() < 1e-12, "{logp:?}");
    assert!((logp[1] - 0.75f64.ln()).abs() < 1e-12, "{logp:?}");
    assert_eq!(logp[2], f64::NEG_INFINITY);
}

#[test]
fn the_length_penalty_reads_back_as_set() {
    let search = BeamSearch::new(2, 4, None).unwrap();
    assert_eq!(search.length_penalty(), 0.0);
    assert_eq!(search.with_length_penalty(0.7).unwrap().length_penalty(), 0.7);
}
