//! The page's demonstrations on the shipped models: what the page shows first is computed by these, at
//! build time, and the model worker runs them when the learner asks.

use model::demos::speculative::{Session, names};
use model::{Bigram, Gpt, START, device, next_logits};
use protocol::demos::beam::{beam_names, mean_symbols, sampled_names};
use protocol::demos::speculative::{Fate, GAMMA_MAX, strategy};
use protocol::demos::steps::{STEPS, record};
use sampling::Logits;

fn models() -> (Bigram, Gpt) {
    (Bigram::shipped(&device()).unwrap(), Gpt::shipped(&device()).unwrap())
}

#[test]
fn the_shipped_loop_ends_a_name_and_starts_the_next() {
    // The widget's try line asks the learner to step past a ·: the recorded run must contain one.
    let (_, gpt) = models();
    let steps = record(gpt.context(), |c| next_logits(&gpt, c)).unwrap();
    let end = steps.iter().position(|s| s.chosen == START).expect("a · is drawn");
    assert!(end + 1 < STEPS, "and a step follows it");
    assert_eq!(steps[end + 1].view_start, steps[end + 1].context.len() - 1, "the view starts over");
}

#[test]
fn wider_beams_find_likelier_names_than_sampling() {
    let (bigram, _) = models();
    let next = |c: &[usize]| next_logits(&bigram, c);
    let narrow = beam_names(next, 1, 0.0).unwrap();
    let wide = beam_names(next, 8, 0.0).unwrap();
    assert_eq!((narrow.len(), wide.len()), (1, 8));
    assert!(wide[0].log_prob >= narrow[0].log_prob - 1e-9);
    assert!(wide.windows(2).all(|w| w[0].log_prob >= w[1].log_prob));
    let sampled = sampled_names(next, 20, 1).unwrap();
    let mean = sampled.iter().map(|s| s.log_prob).sum::<f64>() / sampled.len() as f64;
    assert!(wide[0].log_prob > mean, "the search's best beats a typical sample");
    assert!(sampled.iter().all(|s| s.log_prob < 0.0 && s.symbols >= 1));
}

#[test]
fn normalizing_by_length_finds_longer_names_on_the_transformer() {
    let (_, gpt) = models();
    let next = |c: &[usize]| next_logits(&gpt, c);
    let plain = beam_names(next, 4, 0.0).unwrap();
    let normalized = beam_names(next, 4, 1.0).unwrap();
    assert!(mean_symbols(&normalized) > mean_symbols(&plain), "{plain:?} {normalized:?}");
    assert_ne!(
        plain.iter().map(|s| &s.name).collect::<Vec<_>>(),
        normalized.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    assert!(normalized.windows(2).all(|w| w[0].score >= w[1].score));
}

/// Rounds grow the text by their accepted drafts and one more symbol; the rows say which drafts were
/// kept (a prefix), which was rejected (at most one) and which were never checked (all after it); the
/// residual is shown exactly when one was rejected; the totals add up.
#[test]
fn each_round_appends_its_accepted_drafts_and_one_more() {
    let (bigram, gpt) = models();
    let mut session = Session::new(&bigram, &gpt).unwrap();
    let view = session.view(&gpt).unwrap();
    assert!(view.rows.is_empty() && view.residual.is_none() && view.context == [START]);
    let (mut rejected_rounds, mut before) = (0, view.tally);
    for _ in 0..40 {
        session.step(&gpt, 4).unwrap();
        let view = session.view(&gpt).unwrap();
        let rows = &view.rows;
        assert!(!rows.is_empty() && rows.len() <= 4);
        let accepted = rows.iter().take_while(|r| r.fate == Fate::Accepted).count();
        let rejected = rows.iter().filter(|r| r.fate == Fate::Rejected).count();
        assert!(rejected <= 1);
        assert!(rows[accepted..].iter().skip(rejected).all(|r| r.fate == Fate::Unchecked && r.u.is_none()));
        assert_eq!(view.residual.is_some(), rejected == 1);
        if let Some([_, _, r]) = &view.residual {
            assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        for r in rows {
            assert!((r.acceptance - (r.p / r.q).min(1.0)).abs() < 1e-12);
            if let Some(u) = r.u {
                assert_eq!(u < r.acceptance, r.fate == Fate::Accepted);
            }
        }
        let (settled, kept, next) = &view.parts;
        assert!(kept.chars().count() <= accepted && next.chars().count() <= 1);
        assert_eq!(kept.chars().count() + next.chars().count(), view.tally.tokens - before.tokens);
        assert!(settled.starts_with('·'));
        assert_eq!(view.tally.target_passes, before.target_passes + 1, "one pass of the transformer a round");
        assert_eq!(view.tally.accepted - before.accepted, accepted);
        // The draw mode's logits are both models' after the context.
        let p = next_logits(&gpt, &view.context).unwrap();
        assert_eq!(Logits::from_f32(&view.target).unwrap(), p);
        assert_eq!(view.draft.len(), 27);
        (rejected_rounds, before) = (rejected_rounds + rejected, view.tally);
    }
    let view = session.view(&gpt).unwrap();
    assert!(rejected_rounds > 3 && view.tally.acceptance_rate() > 0.3, "{:?}", view.tally);
    assert!(!view.names.is_empty(), "names were finished and new ones started");
    assert!(view.tally.passes_per_token() < 1.0);
}

#[test]
fn gamma_is_held_within_one_and_the_most_and_reset_repeats_the_run() {
    let (bigram, gpt) = models();
    let mut session = Session::new(&bigram, &gpt).unwrap();
    session.step(&gpt, 0).unwrap();
    assert_eq!(session.view(&gpt).unwrap().rows.len(), 1, "γ 0 drafts one");
    session.reset(&gpt).unwrap();
    for _ in 0..5 {
        session.step(&gpt, 99).unwrap();
        assert!(session.view(&gpt).unwrap().rows.len() <= GAMMA_MAX);
    }
    let first = session.view(&gpt).unwrap();
    session.reset(&gpt).unwrap();
    assert_eq!(session.view(&gpt).unwrap().tally.target_passes, 0);
    for _ in 0..5 {
        session.step(&gpt, 99).unwrap();
    }
    assert_eq!(session.view(&gpt).unwrap(), first, "same seed, same rounds");
}

/// Plain sampling makes one pass per symbol; four guesses a round make fewer, over the same seeds.
#[test]
fn the_measured_names_count_fewer_passes_with_guesses() {
    let (bigram, gpt) = models();
    let plain = names(&bigram, &gpt, 0, 10).unwrap();
    assert_eq!(plain.target_passes, plain.tokens);
    let guessed = names(&bigram, &gpt, 4, 10).unwrap();
    assert!(guessed.passes_per_token() < 0.8, "{guessed:?}");
    assert!(guessed.accepted > 0 && guessed.drafted >= guessed.accepted);
    let _ = strategy();
}
