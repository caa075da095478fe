//! The stages beyond temperature, top-k and top-p, each against a reference written from its paper's
//! definition in another way; pipelines in any order; the engines' presets.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::{ProptestConfig, prop, prop_assert, prop_assert_eq, prop_assume, proptest};
use sampling::{
    Engine, Knobs, Logits, MinP, Penalties, Pipeline, SamplingError, Stage, StageKind, Temperature, TokenId, TopK,
    TopNSigma, TopP, Typical, seeded_rng, uniform,
};

/// The ids kept, in id order.
fn kept(logits: &Logits) -> Vec<TokenId> {
    logits.kept().collect()
}

/// Probabilities from logits, the plain way.
fn probs(values: &[f64]) -> Vec<f64> {
    let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = values.iter().map(|v| (v - max).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|x| x / total).collect()
}

/// min-p as the paper states it: pᵢ ≥ min_p · max p, on probabilities.
fn min_p_reference(values: &[f64], min_p: f64) -> Vec<TokenId> {
    let p = probs(values);
    let top = p.iter().cloned().fold(0.0, f64::max);
    (0..p.len()).filter(|&i| p[i] >= min_p * top).collect()
}

/// top-n-σ from the mean and the population standard deviation, computed as E[ℓ²] − E[ℓ]².
fn top_n_sigma_reference(values: &[f64], n: f64) -> Vec<TokenId> {
    let m = values.len() as f64;
    let mean = values.iter().sum::<f64>() / m;
    let sigma = (values.iter().map(|v| v * v).sum::<f64>() / m - mean * mean).max(0.0).sqrt();
    let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (0..values.len()).filter(|&i| values[i] >= max - n * sigma).collect()
}

/// Typical sampling as Hugging Face's warper does it: sort by |surprisal − entropy|, cumulative sum, the
/// index of the first sum to reach the mass, keep everything ranked up to it.
fn typical_reference(values: &[f64], mass: f64) -> Vec<TokenId> {
    let p = probs(values);
    let entropy: f64 = p.iter().filter(|&&q| q > 0.0).map(|q| -q * q.ln()).sum();
    let mut ranked: Vec<(f64, TokenId)> = (0..p.len()).map(|i| ((-p[i].ln() - entropy).abs(), i)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut sum = 0.0;
    let mut last = ranked.len() - 1;
    for (j, &(_, i)) in ranked.iter().enumerate() {
        sum += p[i];
        if sum >= mass {
            last = j;
            break;
        }
    }
    let mut out: Vec<TokenId> = ranked[..=last].iter().map(|&(_, i)| i).collect();
    out.sort_unstable();
    out
}

/// The penalties token by token: count, then apply each rule in turn.
fn penalties_reference(values: &[f64], context: &[TokenId], theta: f64, alpha: f64, beta: f64) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            let count = context.iter().filter(|&&t| t == i).count() as f64;
            let mut l = values[i];
            if count > 0.0 {
                l = if l > 0.0 { l / theta } else { l * theta };
                l -= alpha;
            }
            l - beta * count
        })
        .collect()
}

/// Logits far enough apart that no definition's boundary falls within rounding of a value.
fn spread_logits() -> impl proptest::strategy::Strategy<Value = Vec<f64>> {
    prop::collection::vec(-8.0..8.0f64, 1..40)
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn min_p_keeps_what_the_paper_keeps(values in spread_logits(), min_p in 0.0..=1.0f64) {
        let p = probs(&values);
        let top = p.iter().cloned().fold(0.0, f64::max);
        // Skip the measure-zero cases where a probability sits on the cut.
        prop_assume!(p.iter().all(|&q| !near(q, min_p * top) || q == top));
        let logits = Logits::new(values.clone()).unwrap();
        prop_assert_eq!(kept(&MinP::new(min_p).unwrap().apply(&logits)), min_p_reference(&values, min_p));
    }

    #[test]
    fn top_n_sigma_keeps_what_the_paper_keeps(values in spread_logits(), n in 0.0..3.0f64) {
        let logits = Logits::new(values.clone()).unwrap();
        let reference = top_n_sigma_reference(&values, n);
        let ours = kept(&TopNSigma::new(n).unwrap().apply(&logits));
        // Equal unless a logit lies within rounding of the cut.
        let m = values.len() as f64;
        let mean = values.iter().sum::<f64>() / m;
        let sigma = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / m).sqrt();
        let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        prop_assume!(values.iter().all(|&v| !near(v, max - n * sigma)));
        prop_assert_eq!(ours, reference);
    }

    #[test]
    fn typical_keeps_what_hugging_face_keeps(values in spread_logits(), mass in 0.05..1.0f64) {
        let p = probs(&values);
        let entropy: f64 = p.iter().filter(|&&q| q > 0.0).map(|q| -q * q.ln()).sum();
        let mut d: Vec<f64> = p.iter().map(|q| (-q.ln() - entropy).abs()).collect();
        d.sort_by(f64::total_cmp);
        // No two tokens equally typical, no running sum on the mass.
        prop_assume!(d.windows(2).all(|w| w[1] - w[0] > 1e-9));
        let mut sorted_by_d: Vec<usize> = (0..p.len()).collect();
        sorted_by_d.sort_by(|&a, &b| (-p[a].ln() - entropy).abs().total_cmp(&(-p[b].ln() - entropy).abs()));
        let sums: Vec<f64> = sorted_by_d.iter().scan(0.0, |s, &i| { *s += p[i]; Some(*s) }).collect();
        prop_assume!(sums.iter().all(|&s| !near(s, mass)));
        let logits = Logits::new(values.clone()).unwrap();
        prop_assert_eq!(kept(&Typical::new(mass).unwrap().apply(&logits)), typical_reference(&values, mass));
    }

    #[test]
    fn penalties_follow_their_definitions(
        values in spread_logits(),
        context in prop::collection::vec(0usize..50, 0..30),
        theta in 0.1..4.0f64,
        alpha in -2.0..2.0f64,
        beta in -2.0..2.0f64,
    ) {
        let logits = Logits::new(values.clone()).unwrap();
        let ours = Penalties::new(theta, alpha, beta).unwrap().apply(&logits, &context);
        for (a, b) in ours.as_slice().iter().zip(penalties_reference(&values, &context, theta, alpha, beta)) {
            prop_assert!((a - b).abs() < 1e-9, "{a} against {b}");
        }
    }

    /// Any order of any stages: a distribution, nothing kept that a stage on the way dropped, and the
    /// fast path (where the order allows it) equal to the staged one, draw for draw.
    #[test]
    fn any_pipeline_gives_a_distribution_within_every_stage(
        values in spread_logits(),
        order in prop::collection::vec(0usize..7, 0..8),
        tau in 0.1..3.0f64,
        k in 0usize..45,
        p in 0.05..=1.0f64,
        min_p in 0.0..0.5f64,
        typical in 0.2..=1.0f64,
        n in prop::option::of(0.0..3.0f64),
        context in prop::collection::vec(0usize..40, 0..10),
        seed in 0u64..1000,
    ) {
        let knobs = Knobs {
            penalties: Penalties::new(1.3, 0.2, 0.1).unwrap(),
            temperature: Temperature::new(tau).unwrap(),
            top_k: TopK::new(k),
            top_p: TopP::new(p).unwrap(),
            min_p: MinP::new(min_p).unwrap(),
            typical: Typical::new(typical).unwrap(),
            top_n_sigma: n.map_or(TopNSigma::OFF, |n| TopNSigma::new(n).unwrap()),
        };
        let kinds: Vec<StageKind> = order.iter().map(|&i| StageKind::ALL[i]).collect();
        let pipeline = Pipeline::from_order(&kinds, &knobs);
        let logits = Logits::new(values).unwrap();
        let trace = pipeline.trace(&logits, &context);
        let dist = pipeline.distribution(&logits, &context);
        let total: f64 = dist.probs().iter().sum();
        prop_assert!((total - 1.0).abs() < 1e-9 && dist.probs().iter().all(|q| q.is_finite() && *q >= 0.0));
        for step in &trace {
            for (i, q) in dist.probs().iter().enumerate() {
                prop_assert!(*q == 0.0 || step.logits.is_kept(i), "{:?} dropped {i}", step.stage);
            }
        }
        // The staged distribution and the one `distribution` returns agree, fast path or not.
        let staged = sampling::softmax(&pipeline.apply(&logits, &context));
        prop_assert!(staged.total_variation(&dist).unwrap() < 1e-9);
        let drawn = pipeline.choose(&logits, &context, &mut seeded_rng(seed));
        prop_assert!(dist.probs()[drawn] > 0.0);
        prop_assert_eq!(drawn, staged.pick(uniform(&mut seeded_rng(seed))));
    }
}

#[test]
fn the_orders_of_the_three_engines_differ_where_the_lesson_says() {
    // The worked example: logits (2, 1, 0), top-p 0.8, τ 0.5.
    let logits = sampling::examples::three_logits();
    let knobs =
        Knobs { temperature: Temperature::new(0.5).unwrap(), top_p: TopP::new(0.8).unwrap(), ..Knobs::default() };
    let size = |engine: Engine| {
        Pipeline::from_order(engine.order(), &knobs)
            .distribution(&logits, &[])
            .probs()
            .iter()
            .filter(|q| **q > 0.0)
            .count()
    };
    assert_eq!(size(Engine::HuggingFace), 1, "temperature first: (4, 2, 0) gives 0.867 ≥ 0.8 to one token");
    assert_eq!(size(Engine::Vllm), 1);
    assert_eq!(size(Engine::LlamaCpp), 2, "temperature last: 0.665 < 0.8, 0.665 + 0.245 ≥ 0.8");
    assert_eq!(Engine::LlamaCpp.order().last(), Some(&StageKind::Temperature));
    for engine in Engine::ALL {
        assert_eq!(engine.order()[0], StageKind::Penalties, "{}", engine.name());
    }
}

#[test]
fn the_sampler_is_the_three_stage_pipeline_and_takes_the_fast_path() {
    let sampler = sampling::Sampler::new(Temperature::new(0.8).unwrap(), TopK::new(3), TopP::new(0.9).unwrap());
    let pipeline = Pipeline::from(sampler);
    assert_eq!(pipeline.stages().len(), 3);
    assert_eq!(pipeline.as_sampler(5).map(|(_, s)| s), Some(sampler));
    let llama = Pipeline::from_order(
        Engine::LlamaCpp.order(),
        &Knobs { temperature: Temperature::new(0.8).unwrap(), top_p: TopP::new(0.9).unwrap(), ..Knobs::default() },
    );
    assert_eq!(llama.as_sampler(5), None, "temperature after top-p has no fast path");
    // Switched-off stages do not get in the way.
    let off_first =
        Pipeline::new().then(Stage::TopP(TopP::OFF)).then(Stage::Temperature(Temperature::new(0.5).unwrap()));
    assert!(off_first.as_sampler(5).is_some());
}

#[test]
fn a_chain_with_top_k_before_any_sort_runs_on_the_k_survivors_and_equals_the_staged_one() {
    let knobs = Knobs {
        penalties: Penalties::new(1.3, 0.1, 0.05).unwrap(),
        temperature: Temperature::new(0.7).unwrap(),
        top_k: TopK::new(40),
        top_p: TopP::new(0.9).unwrap(),
        min_p: MinP::new(0.05).unwrap(),
        typical: Typical::new(0.95).unwrap(),
        top_n_sigma: TopNSigma::new(2.0).unwrap(),
    };
    let llama = Pipeline::from_order(Engine::LlamaCpp.order(), &knobs);
    let values = sampling::reference::model_like_logits(5000, 3);
    let logits = Logits::from_f32(&values).unwrap();
    assert_eq!(llama.reducible_at(logits.len()), Some(1), "top-n-σ, after the penalties");
    let context: Vec<TokenId> = (0..50).map(|i| i * 97 % 5000).collect();
    let staged = sampling::softmax(&llama.apply(&logits, &context));
    assert_eq!(llama.distribution(&logits, &context), staged, "bit for bit");
    let mut rng = seeded_rng(9);
    for _ in 0..200 {
        let u_rng = rng.clone();
        let drawn = llama.choose(&logits, &context, &mut rng);
        assert_eq!(drawn, staged.pick(uniform(&mut u_rng.clone())));
    }
    // Typical-p before any truncation sorts the whole vocabulary: no reduced path.
    let sorted_first = Pipeline::new().then(Stage::Typical(knobs.typical)).then(Stage::TopK(knobs.top_k));
    assert_eq!(sorted_first.reducible_at(5000), None);
}

/// Each truncating stage's survivors, found without sorting, against what the stage itself keeps, on
/// vocabularies large enough for the bracketed nucleus, at many settings and shifts; then whole chains
/// that reduce at that stage, bit for bit against the staged chain and draw for draw.
#[test]
fn every_truncating_stage_reduces_a_chain_to_what_it_keeps() {
    let mut cases = 0;
    for seed in 0..12u64 {
        let vocab = [4_096, 5_000, 32_000][seed as usize % 3];
        let shift = [0.0, -30.0, 7.5][seed as usize % 3];
        let mut values: Vec<f64> =
            sampling::reference::model_like_logits(vocab, seed).iter().map(|&v| f64::from(v) + shift).collect();
        // Ties, and a masked run, inside the vocabulary.
        for i in (0..vocab).step_by(97) {
            values[i] = values[0];
        }
        for v in &mut values[100..140] {
            *v = f64::NEG_INFINITY;
        }
        let logits = Logits::new(values).unwrap();
        let context: Vec<TokenId> = (0..30).map(|i| (i * 131 + seed as usize) % vocab).collect();
        for x in [0.02, 0.1, 0.5, 0.9, 0.95, 0.999] {
            let stages = [
                Stage::TopP(TopP::new(x).unwrap()),
                Stage::MinP(MinP::new(x / 4.0).unwrap()),
                Stage::TopNSigma(TopNSigma::new(x * 3.0).unwrap()),
                Stage::TopK(TopK::new((x * 200.0) as usize + 1)),
            ];
            for stage in stages {
                for before in [None, Some(Stage::Temperature(Temperature::new(0.7).unwrap()))] {
                    let mut pipeline = Pipeline::new().then(Stage::Penalties(Penalties::new(1.2, 0.3, 0.1).unwrap()));
                    if let Some(t) = before {
                        pipeline = pipeline.then(t);
                    }
                    let at = pipeline.stages().len();
                    let pipeline = pipeline
                        .then(stage)
                        .then(Stage::Typical(Typical::new(0.9).unwrap()))
                        .then(Stage::Temperature(Temperature::new(1.3).unwrap()));
                    assert_eq!(pipeline.reducible_at(vocab), Some(at));
                    let staged = sampling::softmax(&pipeline.apply(&logits, &context));
                    let fast = pipeline.distribution(&logits, &context);
                    assert_eq!(fast, staged, "{stage:?} after {before:?}, V = {vocab}, seed {seed}");
                    let mut rng = seeded_rng(seed);
                    for _ in 0..20 {
                        let u = uniform(&mut rng.clone());
                        assert_eq!(pipeline.choose(&logits, &context, &mut rng), staged.pick(u));
                    }
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 12 * 6 * 4 * 2);
}

/// Every engine's order with typical-p off, top-k on or off, goes a fast way; with typical-p on, only
/// llama.cpp's order without top-k sorts (typical-p comes before top-p there, and ranks every token).
#[test]
fn every_engine_preset_reduces_before_it_sorts() {
    let knobs = Knobs {
        temperature: Temperature::new(0.8).unwrap(),
        top_p: TopP::new(0.95).unwrap(),
        min_p: MinP::new(0.05).unwrap(),
        ..Knobs::default()
    };
    for engine in Engine::ALL {
        for top_k in [TopK::OFF, TopK::new(40)] {
            for typical in [Typical::OFF, Typical::new(0.95).unwrap()] {
                let pipeline = Pipeline::from_order(engine.order(), &Knobs { top_k, typical, ..knobs });
                let fast = pipeline.as_sampler(50_257).is_some() || pipeline.reducible_at(50_257).is_some();
                let sorts = engine == Engine::LlamaCpp && top_k == TopK::OFF && !typical.is_off();
                assert_eq!(fast, !sorts, "{} with {top_k:?} and {typical:?}", engine.name());
            }
        }
    }
}

#[test]
fn invalid_settings_are_typed_errors() {
    assert_eq!(MinP::new(1.5), Err(SamplingError::InvalidMinP(1.5)));
    assert!(matches!(MinP::new(f64::NAN), Err(SamplingError::InvalidMinP(_))));
    assert_eq!(TopNSigma::new(-1.0), Err(SamplingError::InvalidTopNSigma(-1.0)));
    assert!(matches!(TopNSigma::new(f64::INFINITY), Err(SamplingError::InvalidTopNSigma(_))));
    assert_eq!(Typical::new(0.0), Err(SamplingError::InvalidTypicalP(0.0)));
    assert!(matches!(Penalties::new(0.0, 0.0, 0.0), Err(SamplingError::InvalidPenalty { name: "repetition", .. })));
    assert!(matches!(Penalties::new(1.0, f64::NAN, 0.0), Err(SamplingError::InvalidPenalty { name: "presence", .. })));
    assert!(matches!(
        Penalties::new(1.0, 0.0, f64::INFINITY),
        Err(SamplingError::InvalidPenalty { name: "frequency", .. })
    ));
}

#[test]
fn extreme_penalties_keep_every_logit_finite() {
    let logits = Logits::new(vec![f64::MAX, -f64::MAX, 1.0, f64::NEG_INFINITY]).unwrap();
    let out = Penalties::new(1e-300, 1e300, 1e300).unwrap().apply(&logits, &[0, 1, 2, 3, 0]);
    assert!(out.as_slice()[..3].iter().all(|v| v.is_finite()), "{:?}", out.as_slice());
    assert!(!out.is_kept(3), "a masked token stays masked");
}

#[test]
fn the_most_likely_token_survives_min_p_and_top_n_sigma() {
    let logits = Logits::new(vec![1.0, 1.0 - 1e-12, -5.0]).unwrap();
    assert!(MinP::new(1.0).unwrap().apply(&logits).is_kept(0));
    assert!(TopNSigma::new(0.0).unwrap().apply(&logits).is_kept(0));
    // Typical can drop it: one token far likelier than the entropy suggests is atypical.
    // H ≈ 1.505; the first token's surprisal 0.916 is 0.589 away from it, the others' 1.897 only 0.392.
    let confident = Logits::from_probs(&[0.4, 0.15, 0.15, 0.15, 0.15]).unwrap();
    let typical = Typical::new(0.3).unwrap().apply(&confident);
    assert!(!typical.is_kept(0));
    assert_eq!(typical.kept_count(), 2);
}
