//! Behaviour of each transform at its edges, and of the pipeline.
#![cfg(not(target_arch = "wasm32"))]

use sampling::{
    Distribution, Logits, MASS_TOLERANCE, Nucleus, Sampler, SamplingError, Strategy, Temperature, TopK, TopP,
    seeded_rng, softmax,
};

fn logits(v: &[f64]) -> Logits {
    Logits::new(v.to_vec()).unwrap()
}

use sampling::examples::SIX_TOKENS as SIX;

/// Cumulative masses of SIX: 0.50, 0.70, 0.85, 0.93, 0.98, 1.00.
fn nucleus_size(p: f64) -> usize {
    let dist = Distribution::from_probs(SIX.to_vec()).unwrap();
    Nucleus::new(&dist, TopP::new(p).unwrap()).size()
}

#[test]
fn invalid_inputs_are_typed_errors() {
    assert_eq!(Logits::new(vec![]), Err(SamplingError::Empty));
    assert_eq!(Logits::new(vec![0.0, f64::NAN]), Err(SamplingError::NanLogit { index: 1 }));
    assert_eq!(Logits::new(vec![f64::INFINITY]), Err(SamplingError::InfiniteLogit { index: 0 }));
    assert_eq!(Logits::new(vec![f64::NEG_INFINITY; 3]), Err(SamplingError::AllMasked));
    for tau in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(Temperature::new(tau), Err(SamplingError::InvalidTemperature(_))), "τ = {tau}");
    }
    for p in [0.0, -0.1, 1.0 + 1e-9, f64::NAN, f64::INFINITY] {
        assert!(matches!(TopP::new(p), Err(SamplingError::InvalidTopP(_))), "p = {p}");
    }
    assert_eq!(Distribution::from_probs(vec![0.0, 0.0]), Err(SamplingError::InvalidMass(0.0)));
    assert!(matches!(
        Distribution::from_probs(vec![0.5, -0.1]),
        Err(SamplingError::InvalidProbability { index: 1, .. })
    ));
    assert!(matches!(Distribution::from_probs(vec![f64::MAX, f64::MAX]), Err(SamplingError::InvalidMass(_))));
    // Errors explain themselves.
    assert_eq!(TopP::new(1.5).unwrap_err().to_string(), "top-p must be in (0, 1], got 1.5");
}

#[test]
fn top_k_keeps_exactly_k_with_ties_to_the_lower_id() {
    let l = logits(&[1.0, 3.0, 2.0, 3.0, 2.0, 0.0]);
    let kept = |k| TopK::new(k).apply(&l).kept().collect::<Vec<_>>();
    assert_eq!(kept(1), vec![1]);
    assert_eq!(kept(2), vec![1, 3]);
    assert_eq!(kept(3), vec![1, 2, 3]);
    assert_eq!(kept(4), vec![1, 2, 3, 4]);
    assert_eq!(kept(5), vec![0, 1, 2, 3, 4]);
    // Off: 0, V and beyond.
    for k in [0, 6, 7, 1000] {
        assert_eq!(TopK::new(k).apply(&l), l);
    }
}

#[test]
fn top_k_never_revives_masked_tokens() {
    let l = logits(&[f64::NEG_INFINITY, 1.0, f64::NEG_INFINITY, 0.5]);
    assert_eq!(TopK::new(3).apply(&l).kept_count(), 2);
    assert_eq!(TopK::new(1).apply(&l).kept().collect::<Vec<_>>(), vec![1]);
}

#[test]
fn top_p_at_and_around_every_boundary() {
    let cumulative = [0.50, 0.70, 0.85, 0.93, 0.98, 1.00];
    for (j, &c) in cumulative.iter().enumerate() {
        // Exactly at Cⱼ the j-th token is the one that reaches p.
        assert_eq!(nucleus_size(c), j + 1, "p = {c}");
        // Just below it, still the same token crosses p.
        assert_eq!(nucleus_size(c - 1e-3), j + 1, "p = {c} - 1e-3");
        // Just above, one more is needed.
        if j + 1 < cumulative.len() {
            assert_eq!(nucleus_size(c + 1e-3), j + 2, "p = {c} + 1e-3");
        }
    }
    assert_eq!(nucleus_size(1e-9), 1, "at least one token is kept");
    assert_eq!(nucleus_size(0.5 + 2.0 * MASS_TOLERANCE), 2);
}

#[test]
fn top_p_works_on_the_renormalized_survivors_of_top_k() {
    // After top-k = 2, the survivors 0.5 and 0.2 renormalize to 0.714 and 0.286. p = 0.7 then keeps only the
    // first (0.714 ≥ 0.7); on the raw masses it would need both (0.5 < 0.7).
    let l = Logits::from_probs(&SIX).unwrap();
    let sampler = Sampler::new(Temperature::ONE, TopK::new(2), TopP::new(0.7).unwrap());
    assert_eq!(sampler.stages(&l)[2].logits.kept().collect::<Vec<_>>(), vec![0]);
}

#[test]
fn off_settings_are_the_identity() {
    let l = logits(&[0.3, -1.2, 2.5, 0.0, f64::NEG_INFINITY]);
    assert_eq!(Temperature::ONE.apply(&l), l);
    assert_eq!(TopK::OFF.apply(&l), l);
    assert_eq!(TopP::OFF.apply(&l), l);
    let stages = Sampler::default().stages(&l);
    assert_eq!(stages[2].logits, l);
    assert_eq!(stages[2].probs(), softmax(&l));
}

#[test]
fn top_k_of_one_is_greedy() {
    let mut rng = seeded_rng(3);
    let sampler = Sampler::new(Temperature::new(1.7).unwrap(), TopK::new(1), TopP::OFF);
    for l in [vec![0.1, 0.9, 0.9, -2.0], vec![5.0, 4.0, 5.0], vec![-1.0, -3.0, -0.5]] {
        let l = logits(&l);
        for _ in 0..20 {
            assert_eq!(Strategy::Sample(sampler).choose(&l, &mut rng), Strategy::Greedy.choose(&l, &mut rng));
        }
    }
}

#[test]
fn a_tiny_temperature_approaches_greedy() {
    let l = logits(&[0.2, 1.0, 0.999, -3.0]);
    let probs = softmax(&Temperature::new(1e-5).unwrap().apply(&l));
    assert!(probs.probs()[1] > 1.0 - 1e-12);
    let mut rng = seeded_rng(11);
    let sampler = Strategy::Sample(Sampler::new(Temperature::new(1e-5).unwrap(), TopK::OFF, TopP::OFF));
    assert!((0..1000).all(|_| sampler.choose(&l, &mut rng) == 1));
}

#[test]
fn a_huge_temperature_approaches_uniform() {
    let l = logits(&[3.0, 1.0, -2.0, 0.0]);
    let probs = softmax(&Temperature::new(1e9).unwrap().apply(&l));
    assert!(probs.probs().iter().all(|p| (p - 0.25).abs() < 1e-8));
}

#[test]
fn extreme_logits_over_a_tiny_temperature_do_not_overflow() {
    let l = logits(&[1e300, -1e300, 0.0]);
    let scaled = Temperature::new(1e-10).unwrap().apply(&l);
    let probs = softmax(&scaled);
    assert_eq!(probs.probs(), &[1.0, 0.0, 0.0]);
    assert_eq!(scaled.argmax(), 0);
}

#[test]
fn stages_are_each_a_distribution() {
    let l = logits(&[2.0, 1.0, 0.5, 0.0, -1.0]);
    let stages = Sampler::new(Temperature::new(0.8).unwrap(), TopK::new(4), TopP::new(0.8).unwrap()).stages(&l);
    for step in &stages {
        assert!((step.probs().probs().iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    assert_eq!(stages[1].logits.kept_count(), 4);
    assert!(stages[2].logits.kept_count() <= 4);
    assert_eq!(stages[1].probs().probs()[4], 0.0);
}

#[test]
fn logits_from_probabilities_round_trip() {
    let l = Logits::from_probs(&[0.5, 0.0, 0.25, 0.25]).unwrap();
    assert!(!l.is_kept(1));
    let back = softmax(&l);
    for (got, want) in back.probs().iter().zip([0.5, 0.0, 0.25, 0.25]) {
        assert!((got - want).abs() < 1e-15);
    }
}

#[test]
fn total_variation_distance() {
    let a = Distribution::from_probs(vec![0.5, 0.5, 0.0]).unwrap();
    let b = Distribution::from_probs(vec![0.25, 0.25, 0.5]).unwrap();
    assert!((a.total_variation(&b).unwrap() - 0.5).abs() < 1e-15);
    assert_eq!(a.total_variation(&a).unwrap(), 0.0);
    let c = Distribution::from_probs(vec![1.0]).unwrap();
    assert_eq!(a.total_variation(&c), Err(SamplingError::WrongLength { expected: 3, got: 1 }));
}

#[test]
fn logits_and_distributions_are_never_empty() {
    let logits = Logits::new(vec![0.0]).unwrap();
    assert!(!logits.is_empty());
    assert_eq!(logits.len(), 1);
    let dist = Distribution::from_probs(vec![1.0]).unwrap();
    assert!(!dist.is_empty());
    assert_eq!(dist.len(), 1);
}

#[test]
fn a_negative_zero_weight_becomes_a_plain_zero_probability() {
    // −0 passes the check (it is not below 0); the page must never show it as "−0.000".
    let dist = Distribution::from_probs(vec![-0.0, 2.0]).unwrap();
    assert_eq!(dist.probs()[0].to_bits(), 0.0f64.to_bits());
    assert_eq!(dist.probs()[1], 1.0);
}
