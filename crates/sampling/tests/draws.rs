//! Seeded draws: reproducible, faithful to the distribution, never on a zero.
#![cfg(not(target_arch = "wasm32"))]

mod golden;

use sampling::{Categorical, Distribution, seeded_rng, uniform};

#[test]
fn the_first_thousand_draws_match_the_stored_vector() {
    let drawn = golden::draws(1000);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/draws.txt");
        std::fs::write(path, golden::encode(&drawn) + "\n").unwrap();
    }
    assert_eq!(golden::stored().len(), 1000);
    assert_eq!(golden::encode(&drawn), golden::encode(&golden::stored()));
}

#[test]
fn the_uniform_stream_is_the_stored_one() {
    assert_eq!(golden::first_uniforms_seed_0(), golden::FIRST_UNIFORMS_SEED_0);
}

#[test]
fn a_seed_fixes_the_stream_and_another_seed_changes_it() {
    let stream = |seed| {
        let mut rng = seeded_rng(seed);
        (0..8).map(|_| uniform(&mut rng)).collect::<Vec<_>>()
    };
    assert_eq!(stream(5), stream(5));
    assert_ne!(stream(5), stream(6));
    assert!(stream(5).iter().all(|u| (0.0..1.0).contains(u)));
}

/// Pearson's χ² statistic of `counts` against `probs` for `n` draws.
fn chi_square(counts: &[u64], probs: &[f64], n: u64) -> f64 {
    counts
        .iter()
        .zip(probs)
        .filter(|(_, p)| **p > 0.0)
        .map(|(&c, &p)| {
            let expected = p * n as f64;
            (c as f64 - expected).powi(2) / expected
        })
        .sum()
}

#[test]
fn draws_fit_the_distribution_chi_square() {
    // 27 tokens with uneven masses and two zeros, like a bigram row.
    let weights: Vec<f64> =
        (0..27).map(|i| if i == 3 || i == 20 { 0.0 } else { 1.0 + (i as f64 * 1.7).sin().abs() * 9.0 }).collect();
    let dist = Distribution::from_probs(weights).unwrap();
    let table = Categorical::new(&dist);
    let n = 200_000u64;
    let mut counts = vec![0u64; 27];
    let mut rng = seeded_rng(99);
    for _ in 0..n {
        counts[table.sample(&mut rng)] += 1;
    }
    assert_eq!(counts[3] + counts[20], 0, "a token of probability 0 was drawn");
    // 25 tokens with mass: 24 degrees of freedom. The 0.1 % critical value of χ²(24) is 51.18.
    let stat = chi_square(&counts, dist.probs(), n);
    assert!(stat < 51.18, "χ² = {stat}");
    // And the check is sharp enough to notice a wrong distribution: against uniform it fails by far.
    let uniform_probs = vec![1.0 / 25.0; 27];
    assert!(chi_square(&counts, &uniform_probs, n) > 1000.0);
}

#[test]
fn single_draws_fit_the_distribution_chi_square() {
    let dist = sampling::examples::six_tokens();
    let n = 100_000u64;
    let mut counts = vec![0u64; 6];
    let mut rng = seeded_rng(7);
    for _ in 0..n {
        counts[dist.sample(&mut rng)] += 1;
    }
    // 5 degrees of freedom: the 0.1 % critical value is 20.52.
    let stat = chi_square(&counts, dist.probs(), n);
    assert!(stat < 20.52, "χ² = {stat}");
}

#[test]
fn no_draw_lands_on_a_zero_even_at_the_ends_of_the_unit_interval() {
    let dist = Distribution::from_probs(vec![0.0, 0.3, 0.0, 0.7, 0.0]).unwrap();
    let table = dist.categorical();
    let below_one = 1.0 - f64::EPSILON / 2.0;
    for u in [0.0, -0.5, f64::NAN, 1e-300, 0.3, 0.3000001, below_one, 1.0, 7.0] {
        let (a, b) = (dist.pick(u), table.pick(u));
        assert_eq!(a, b, "u = {u}");
        assert!(a == 1 || a == 3, "u = {u} drew {a}");
    }
    assert_eq!(dist.pick(0.0), 1);
    assert_eq!(dist.pick(below_one), 3);
    // The largest u the generator can produce, (2⁵³ − 1) / 2⁵³.
    struct Max;
    impl rand::TryRng for Max {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(u32::MAX)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(u64::MAX)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(0xff);
            Ok(())
        }
    }
    assert_eq!(uniform(&mut Max), below_one);
    assert_eq!(dist.sample(&mut Max), 3);
    // A distribution whose last token has mass 0: u → 1 must not fall off the end onto it.
    let tail_zero = Distribution::from_probs(vec![0.1, 0.9, 0.0]).unwrap();
    assert_eq!(tail_zero.sample(&mut Max), 1);
    assert_eq!(tail_zero.categorical().sample(&mut Max), 1);
}
