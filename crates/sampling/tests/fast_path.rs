//! The fast path against the textbook pipeline: the same kept sets and the same probabilities.
#![cfg(not(target_arch = "wasm32"))]

use sampling::{Logits, Sampler, Temperature, TopK, TopP, reference, seeded_rng, uniform};

/// Probabilities may differ by the order of additions only.
const CLOSE: f64 = 1e-12;

/// A random case: logits of assorted shapes and sizes, some tied, some masked.
fn logits(rng: &mut sampling::SeededRng) -> Logits {
    let pick = |rng: &mut sampling::SeededRng, n: usize| (uniform(rng) * n as f64) as usize;
    let vocab = match pick(rng, 10) {
        0 => 1 + pick(rng, 3),
        1..=7 => 2 + pick(rng, 300),
        _ => 1_000 + pick(rng, 9_000),
    };
    let shape = pick(rng, 6);
    let mut values: Vec<f64> = (0..vocab)
        .map(|_| match shape {
            // Like a model's output, rounded to f32.
            0 | 1 => f64::from((-(uniform(rng) * 12.0).ln_1p() * 4.0 + uniform(rng)) as f32),
            // Coarse steps: many exact ties.
            2 => (uniform(rng) * 6.0).floor() * 0.5,
            // All equal.
            3 => 1.25,
            // Wide.
            4 => (uniform(rng) - 0.5) * 200.0,
            // Huge magnitudes: temperature may overflow.
            _ => (uniform(rng) - 0.5) * 1e308,
        })
        .collect();
    if pick(rng, 4) == 0 {
        for _ in 0..=pick(rng, vocab) {
            let i = pick(rng, vocab);
            values[i] = f64::NEG_INFINITY;
        }
        if values.iter().all(|v| v.is_infinite()) {
            values[0] = 0.0;
        }
    }
    Logits::new(values).expect("finite or masked, one alive")
}

fn sampler(rng: &mut sampling::SeededRng, logits: &Logits) -> Sampler {
    let vocab = logits.len();
    let tau = [0.05, 0.5, 0.8, 1.0, 1.7, 10.0, 1e-300][(uniform(rng) * 7.0) as usize];
    let k = match (uniform(rng) * 6.0) as usize {
        0 => 0,
        1 => 1,
        2 => vocab.saturating_sub(1),
        3 => vocab + 3,
        _ => 1 + (uniform(rng) * vocab as f64) as usize,
    };
    let mut sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::OFF);
    sampler.top_p = match (uniform(rng) * 5.0) as usize {
        0 => TopP::OFF,
        1 | 2 => TopP::new(0.01 + 0.98 * uniform(rng)).unwrap(),
        // Exactly on, just above and just below a cumulative mass of the survivors.
        _ => {
            let after_k = reference::distribution(&sampler, logits);
            let mut probs: Vec<f64> = after_k.probs().iter().copied().filter(|&q| q > 0.0).collect();
            probs.sort_by(|a, b| b.total_cmp(a));
            let j = (uniform(rng) * probs.len() as f64) as usize;
            let on: f64 = probs[..=j].iter().sum();
            let nudge = [0.0, 1e-3, -1e-3][(uniform(rng) * 3.0) as usize];
            TopP::new((on + nudge).clamp(1e-6, 1.0)).unwrap()
        }
    };
    sampler
}

#[test]
fn fast_path_matches_the_textbook_on_ten_thousand_cases() {
    let mut rng = seeded_rng(6);
    for case in 0..10_000 {
        let logits = logits(&mut rng);
        let sampler = sampler(&mut rng, &logits);
        let (fast, textbook) = (sampler.distribution(&logits), reference::distribution(&sampler, &logits));
        for (id, (p, q)) in fast.probs().iter().zip(textbook.probs()).enumerate() {
            assert_eq!(*p > 0.0, *q > 0.0, "case {case}: token {id} kept differently, {sampler:?}, V={}", logits.len());
            assert!((p - q).abs() <= CLOSE * q.max(1e-300).max(1.0), "case {case}: token {id}: {p} vs {q}");
        }
        let token = sampler.choose(&logits, &mut seeded_rng(case));
        assert!(textbook.probs()[token] > 0.0, "case {case}: drew {token}, which the textbook masks");
    }
}

#[test]
fn draws_follow_the_textbook_draw_for_the_same_uniform() {
    let mut rng = seeded_rng(7);
    let mut same = 0;
    for case in 0..2_000 {
        let logits = logits(&mut rng);
        let sampler = sampler(&mut rng, &logits);
        let textbook = reference::distribution(&sampler, &logits);
        let seed = case as u64;
        let u = uniform(&mut seeded_rng(seed));
        same += usize::from(sampler.choose(&logits, &mut seeded_rng(seed)) == textbook.pick(u));
    }
    // Inverse transform in the same id order: only a u within rounding of a boundary may differ.
    assert!(same >= 1_998, "{same} of 2,000 draws agree");
}

/// Found by the fuzzer: at a huge τ, logits that differ only far below the scale all divide to 0. The
/// pipeline ranks the divided logits, so the tie goes to the lowest id, which here had the smaller raw
/// logit; the fast path once kept the largest raw logit instead.
#[test]
fn a_tie_made_by_dividing_goes_to_the_lowest_id_even_from_a_smaller_logit() {
    let logits = Logits::new(vec![-1.0, 9.532_823e-130, 9.532_824e-130, 9.532_824e-130, -1e300]).unwrap();
    for k in [1, 2, 3] {
        let sampler = Sampler::new(Temperature::new(f64::MAX).unwrap(), TopK::new(k), TopP::OFF);
        let (fast, textbook) = (sampler.distribution(&logits), reference::distribution(&sampler, &logits));
        let kept = |d: &sampling::Distribution| -> Vec<usize> { (0..5).filter(|&i| d.probs()[i] > 0.0).collect() };
        assert_eq!(kept(&fast), kept(&textbook), "k = {k}");
        assert_eq!(kept(&fast), (1..=k).collect::<Vec<_>>(), "k = {k}");
    }
}

/// Found by the fuzzer: at a huge τ, a logit far above the rest still weighs a hair more than them, and
/// normalizing can round that away. Top-p ranks by logit, so the staged pipeline (which once ranked the
/// rounded probabilities, ties to the lower id) keeps the same token as the fast path and the textbook.
#[test]
fn top_p_ranks_by_logit_where_rounded_probabilities_tie() {
    let logits = Logits::new(vec![-13.0, -13.0, -13.0, -13.0, 1.5, f64::NEG_INFINITY, 4.407e8]).unwrap();
    let sampler = Sampler::new(Temperature::new(3.97e24).unwrap(), TopK::OFF, TopP::new(1e-300).unwrap());
    let kept = |d: &sampling::Distribution| -> Vec<usize> { (0..7).filter(|&i| d.probs()[i] > 0.0).collect() };
    assert_eq!(kept(&reference::distribution(&sampler, &logits)), [6]);
    assert_eq!(kept(&sampler.distribution(&logits)), [6]);
    assert_eq!(kept(&sampler.stages(&logits)[2].probs()), [6]);
}

/// Found by the fuzzer: at τ = f64::MAX every scaled logit is within a subnormal of 0, so every weight
/// rounds to 1. The pipeline ranks the scaled logits, which still differ; the fast path once ranked the
/// equal weights by id.
#[test]
fn equal_weights_are_ranked_by_scaled_logit_then_id() {
    let logits = Logits::new(vec![-7.0, 1.5, 1.5, 0.0]).unwrap();
    for top_k in [TopK::OFF, TopK::new(3)] {
        let sampler = Sampler::new(Temperature::new(f64::MAX).unwrap(), top_k, TopP::new(1e-300).unwrap());
        let kept = |d: &sampling::Distribution| -> Vec<usize> { (0..4).filter(|&i| d.probs()[i] > 0.0).collect() };
        assert_eq!(kept(&reference::distribution(&sampler, &logits)), [1], "{top_k:?}");
        assert_eq!(kept(&sampler.distribution(&logits)), [1], "{top_k:?}");
        assert_eq!(kept(&sampler.stages(&logits)[2].probs()), [1], "{top_k:?}");
        assert_eq!(sampler.choose(&logits, &mut seeded_rng(1)), 1);
    }
    // A scaled logit that underflows to −0 ranks below +0, as in the textbook's total order; one token
    // is kept, and the distribution still sums to 1.
    let logits = Logits::new(vec![-f64::MAX, -2.3e-156, 0.0]).unwrap();
    let sampler = Sampler::new(Temperature::new(f64::MAX).unwrap(), TopK::OFF, TopP::new(1e-300).unwrap());
    assert_eq!(reference::distribution(&sampler, &logits).probs(), [0.0, 0.0, 1.0]);
    assert_eq!(sampler.distribution(&logits).probs(), [0.0, 0.0, 1.0]);
}

#[test]
fn fast_path_matches_the_textbook_on_every_benchmarked_shape() {
    // The benchmarks' inputs, at both of their vocabularies: the speed measured is the speed of the exact
    // answer. p is also set on each shape's own boundaries (the mass of the first j tokens), where a
    // rounding slip would show.
    for vocab in reference::BENCH_CHAIN_VOCABS {
        for shape in reference::Shape::ALL {
            let logits = Logits::from_f32(&shape.logits(vocab, 42)).unwrap();
            let mut samplers: Vec<Sampler> = reference::bench_shape_settings()
                .into_iter()
                .filter_map(|case| match case.run {
                    sampling::Strategy::Sample(s) => Some(s),
                    sampling::Strategy::Greedy => None,
                })
                .collect();
            let sorted = {
                let mut p = reference::distribution(&Sampler::default(), &logits).probs().to_vec();
                p.sort_by(|a, b| b.total_cmp(a));
                p
            };
            for j in [0, 1, 4, 5, 6, 100, vocab / 2] {
                let on: f64 = sorted[..=j].iter().sum();
                samplers.push(Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(on.min(1.0)).unwrap()));
            }
            for sampler in samplers {
                let (fast, textbook) = (sampler.distribution(&logits), reference::distribution(&sampler, &logits));
                for (id, (p, q)) in fast.probs().iter().zip(textbook.probs()).enumerate() {
                    assert_eq!(*p > 0.0, *q > 0.0, "{shape:?} V={vocab}: token {id} kept differently, {sampler:?}");
                    assert!((p - q).abs() <= CLOSE * q.max(1e-300).max(1.0), "{shape:?}: token {id}: {p} vs {q}");
                }
                let token = sampler.choose(&logits, &mut seeded_rng(3));
                assert!(textbook.probs()[token] > 0.0, "{shape:?}: drew {token}, which the textbook masks");
            }
        }
    }
}

#[test]
fn a_tie_at_top_k_boundary_from_low_precision_logits_ranks_every_token_that_reaches_it() {
    // Exact ties at the k-th logit (as bfloat16 logits have), and a logit one unit in the last place
    // below them at a lower id, which dividing by τ = 3 brings onto the tie: the pipeline ranks scaled
    // logits, so the lower id wins it.
    let below = 1.0 - f64::EPSILON / 2.0;
    assert_eq!(below / 3.0, 1.0 / 3.0, "the division makes the tie");
    let mut values = vec![-4.0; 300];
    values[5] = below;
    values[40] = 5.0;
    for id in [60, 61, 200, 250] {
        values[id] = 1.0;
    }
    // The same below zero: the margin under a negative k-th logit is below it, not above.
    let negative: Vec<f64> = values.iter().map(|v| v - 2.5).collect();
    let kept = |d: &sampling::Distribution| (0..300).filter(|&i| d.probs()[i] > 0.0).collect::<Vec<_>>();
    for (values, sign) in [(values, "positive"), (negative, "negative")] {
        let logits = Logits::new(values).unwrap();
        for (tau, k, p) in [(3.0, 2, 1.0), (3.0, 3, 1.0), (0.7, 2, 1.0), (3.0, 4, 0.999), (1.0, 2, 1.0)] {
            let sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap());
            let (fast, textbook) = (sampler.distribution(&logits), reference::distribution(&sampler, &logits));
            assert_eq!(kept(&fast), kept(&textbook), "{sign}: τ {tau}, k {k}");
            if tau == 0.7 && k == 2 {
                assert_eq!(kept(&fast), vec![5, 40], "{sign}");
            }
        }
    }
}

#[test]
fn top_p_over_many_huge_logits_matches_the_textbook() {
    // Near 10¹² a unit in the last place of a logit is about 10⁻⁴, far above the margin that widens the
    // bracket's screen: the screen must then let every logit through to the exact test. Also a τ outside
    // the screen's range, and logits that overflow when divided (a shift).
    let base: Vec<f64> = reference::model_like_logits(5_000, 9).iter().map(|&v| f64::from(v)).collect();
    for (offset, scale, tau) in
        [(1e12, 1.0, 1.0), (-1e12, 1.0, 2.0), (1e7, 1.0, 1.0), (0.0, 1.0, 5e3), (0.0, 1e305, 0.5)]
    {
        let logits = Logits::new(base.iter().map(|v| v * scale + offset).collect()).unwrap();
        for p in [0.5, 0.9, 0.99] {
            let sampler = Sampler::new(Temperature::new(tau).unwrap(), TopK::OFF, TopP::new(p).unwrap());
            let (fast, textbook) = (sampler.distribution(&logits), reference::distribution(&sampler, &logits));
            for (id, (a, b)) in fast.probs().iter().zip(textbook.probs()).enumerate() {
                assert_eq!(*a > 0.0, *b > 0.0, "offset {offset}, scale {scale}, τ {tau}, p {p}: token {id}");
            }
        }
    }
}
