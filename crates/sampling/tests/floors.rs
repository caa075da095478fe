//! The benchmarks' floors and inputs: the passes every contender is compared against compute what they
//! claim, so a ratio to them means what the table says.

use sampling::reference::{Floor, max_pass, max_sum_exp_pass, model_like_logits};

#[test]
fn the_floors_compute_the_maximum_and_the_sum_of_exponentials() {
    for vocab in [1, 3, 4, 7, 8, 9, 1000] {
        let values: Vec<f64> = model_like_logits(vocab, 3).iter().map(|&v| f64::from(v) - 2.5).collect();
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = values.iter().map(|v| (v - max).exp()).sum();
        assert_eq!(max_pass(&values), max, "V = {vocab}");
        let (m, s) = max_sum_exp_pass(&values);
        assert_eq!(m, max);
        assert!((s - sum).abs() <= 1e-12 * sum, "V = {vocab}: {s} against {sum}");
        assert_eq!(Floor::Max.run(&values).0, max);
        assert_eq!(Floor::MaxSumExp.run(&values), (m, s));
    }
    assert_eq!([Floor::Max.id(), Floor::MaxSumExp.id()], ["max", "max_sum_exp"]);
}

#[test]
fn the_model_like_logits_are_seeded_and_spread() {
    let a = model_like_logits(5000, 42);
    assert_eq!(a, model_like_logits(5000, 42));
    assert_ne!(a, model_like_logits(5000, 43));
    let max = a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let min = a.iter().copied().fold(f32::INFINITY, f32::min);
    // A few large values over a long low tail: the top sits well above the median.
    let mut sorted = a.clone();
    sorted.sort_by(f32::total_cmp);
    assert!(max - sorted[2500] > 5.0 && max - min > 10.0, "{min} {} {max}", sorted[2500]);
}
