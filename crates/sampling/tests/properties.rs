//! Properties over arbitrary inputs: invariants of the transforms, and no panic on anything.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::{Just, ProptestConfig, any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest};
use proptest::strategy::Strategy as _;
use sampling::{
    BeamSearch, Distribution, Logits, Nucleus, Sampler, Strategy as Decode, Temperature, TopK, TopP, seeded_rng,
    softmax,
};

/// Any f64 at all, the awkward ones over-represented.
fn any_value() -> impl proptest::strategy::Strategy<Value = f64> {
    prop_oneof![
        4 => -50.0..50.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => any::<f64>(),
    ]
}

/// Valid logits whose values are distinct integers scaled by a step, so that no two tie after division.
fn distinct_logits() -> impl proptest::strategy::Strategy<Value = Vec<f64>> {
    (1usize..40, 0.01..3.0f64).prop_flat_map(|(n, step)| {
        Just((0..n as i64).collect::<Vec<_>>())
            .prop_shuffle()
            .prop_map(move |v| v.into_iter().map(|i| i as f64 * step - 10.0).collect())
    })
}

fn settings() -> impl proptest::strategy::Strategy<Value = (f64, usize, f64)> {
    (0.05..5.0f64, 0usize..45, 0.01..=1.0f64)
}

fn assert_is_distribution(probs: &[f64]) {
    assert!(probs.iter().all(|p| p.is_finite() && *p >= 0.0), "{probs:?}");
    assert!((probs.iter().sum::<f64>() - 1.0).abs() <= 1e-6, "{probs:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_input_never_panics(
        values in prop::collection::vec(any_value(), 0..30),
        tau in any_value(),
        k in 0usize..40,
        p in any_value(),
        seed in any::<u64>(),
        u in any_value(),
    ) {
        let _ = Distribution::from_probs(values.clone()).map(|d| (d.pick(u), d.categorical().pick(u)));
        let (Ok(logits), Ok(tau), Ok(p)) = (Logits::new(values), Temperature::new(tau), TopP::new(p)) else {
            return Ok(());
        };
        let sampler = Sampler::new(tau, TopK::new(k), p);
        let stages = sampler.stages(&logits);
        let last = stages[2].probs();
        assert_is_distribution(last.probs());
        assert_is_distribution(stages[0].probs().probs());
        let token = Decode::Sample(sampler).choose(&logits, &mut seeded_rng(seed));
        prop_assert!(last.probs()[token] > 0.0, "drew a token of probability 0");
        prop_assert!(logits.is_kept(token));
        let nucleus = Nucleus::new(&last, p);
        prop_assert!(nucleus.size() >= 1 && nucleus.size() <= logits.len());
        let beams = BeamSearch::new(2, 3, Some(0)).unwrap().run(&[], |_: &[usize]| Ok::<_, sampling::SamplingError>(logits.clone()));
        prop_assert!(beams.is_ok());
    }

    #[test]
    fn temperature_never_moves_the_argmax(values in distinct_logits(), tau in 0.01..100.0f64) {
        let logits = Logits::new(values).unwrap();
        let scaled = Temperature::new(tau).unwrap().apply(&logits);
        prop_assert_eq!(scaled.argmax(), logits.argmax());
        prop_assert_eq!(softmax(&scaled).argmax(), logits.argmax());
    }

    #[test]
    fn every_stage_is_a_distribution_and_keeps_the_argmax(values in distinct_logits(), (tau, k, p) in settings()) {
        let logits = Logits::new(values).unwrap();
        let sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap());
        let stages = sampler.stages(&logits);
        for step in &stages {
            assert_is_distribution(step.probs().probs());
        }
        let [_, top_k, top_p] = &stages[..] else { unreachable!("three stages") };
        prop_assert!(top_p.logits.is_kept(logits.argmax()));
        if let Some(k) = TopK::new(k).get() {
            prop_assert_eq!(top_k.logits.kept_count(), k.min(logits.len()));
        }
        // Masks only ever shrink.
        prop_assert!(top_p.logits.kept().all(|i| top_k.logits.is_kept(i)));
    }

    #[test]
    fn adding_a_constant_changes_nothing(values in distinct_logits(), shift in -1e3..1e3f64, (tau, k, p) in settings()) {
        let logits = Logits::new(values.clone()).unwrap();
        let shifted = Logits::new(values.iter().map(|v| v + shift).collect()).unwrap();
        let sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap());
        let (a, b) = (sampler.distribution(&logits), sampler.distribution(&shifted));
        for (x, y) in a.probs().iter().zip(b.probs()) {
            prop_assert!((x - y).abs() < 1e-9, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn permuting_the_logits_permutes_the_result(values in distinct_logits(), (tau, k, p) in settings(), seed in any::<u64>()) {
        let n = values.len();
        let mut perm: Vec<usize> = (0..n).collect();
        // A seeded shuffle of the positions.
        let mut rng = seeded_rng(seed);
        for i in (1..n).rev() {
            let j = (sampling::uniform(&mut rng) * (i + 1) as f64) as usize;
            perm.swap(i, j);
        }
        let permuted: Vec<f64> = perm.iter().map(|&i| values[i]).collect();
        let sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap());
        let a = sampler.distribution(&Logits::new(values).unwrap());
        let b = sampler.distribution(&Logits::new(permuted).unwrap());
        for (position, &source) in perm.iter().enumerate() {
            prop_assert!((b.probs()[position] - a.probs()[source]).abs() < 1e-12);
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_tokens(values in distinct_logits(), (tau, k, p) in settings(), seed in any::<u64>()) {
        let logits = Logits::new(values).unwrap();
        let strategy = Decode::Sample(Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap()));
        let draw = |seed| { let mut rng = seeded_rng(seed); (0..50).map(|_| strategy.choose(&logits, &mut rng)).collect::<Vec<_>>() };
        prop_assert_eq!(draw(seed), draw(seed));
    }

    #[test]
    fn table_draws_equal_linear_draws(weights in prop::collection::vec(prop_oneof![3 => 0.0..1.0f64, 1 => Just(0.0)], 1..40), u in 0.0..1.0f64) {
        if let Ok(dist) = Distribution::from_probs(weights) {
            prop_assert_eq!(dist.categorical().pick(u), dist.pick(u));
            prop_assert!(dist.probs()[dist.pick(u)] > 0.0);
        }
    }
}
