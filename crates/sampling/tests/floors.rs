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

#[test]
fn every_shape_is_seeded_and_has_the_shape_its_name_says() {
    use sampling::reference::Shape;
    const V: usize = 50_257;
    let range = |v: &[f32]| {
        let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (v.iter().copied().fold(f32::INFINITY, f32::min), max)
    };
    let distinct = |v: &[f32]| {
        let mut bits: Vec<u32> = v.iter().map(|x| x.to_bits()).collect();
        bits.sort_unstable();
        bits.dedup();
        bits.len()
    };
    for shape in Shape::ALL {
        let a = shape.logits(V, 42);
        assert_eq!(a.len(), V);
        assert_eq!(a, shape.logits(V, 42), "{shape:?}");
        assert_ne!(a, shape.logits(V, 43), "{shape:?}");
        assert!(a.iter().all(|x| x.is_finite()));
    }
    assert_eq!(Shape::ModelLike.logits(V, 42), model_like_logits(V, 42));

    let confident = Shape::Confident.logits(V, 42);
    let high: Vec<usize> = (0..V).filter(|&i| confident[i] >= 14.0).collect();
    assert_eq!(high.len(), 5, "five dominant tokens");
    assert!(high.iter().all(|&i| i > 0 && confident[i] <= 16.0));
    let sea: Vec<f32> = (0..V).filter(|i| !high.contains(i)).map(|i| confident[i]).collect();
    let (low, top) = range(&sea);
    assert!(low >= 0.0 && top < 1.0, "a flat sea: {low}..{top}");
    // Spread over the vocabulary, one near each of the first five sevenths of it (not bunched where a
    // block scan starts), at every size; and their heights use the range 14 to 16, over a few seeds.
    for vocab in [1_000, V, 151_936] {
        let logits = Shape::Confident.logits(vocab, 42);
        let mut sevenths: Vec<usize> =
            (0..vocab).filter(|&i| logits[i] >= 14.0).map(|i| (i * 7 + vocab / 2) / vocab).collect();
        sevenths.dedup();
        assert_eq!(sevenths, [1, 2, 3, 4, 5], "V = {vocab}");
    }
    let heights: Vec<f32> = (0..10).flat_map(|seed| Shape::Confident.logits(V, seed)).filter(|&x| x >= 14.0).collect();
    let (low, top) = range(&heights);
    assert!(low >= 14.0 && top < 16.0 && top - low > 1.5, "heights {low}..{top}");

    // bfloat16 keeps 8 bits of mantissa: far fewer distinct values than tokens, and each is a bfloat16.
    let ties = Shape::Ties.logits(V, 42);
    assert!(distinct(&ties) < V / 20, "{} distinct values", distinct(&ties));
    assert!(distinct(&model_like_logits(V, 42)) > V / 2);
    assert!(ties.iter().all(|x| x.to_bits() & 0xFFFF == 0));
    let model = model_like_logits(V, 42);
    assert!(ties.iter().zip(&model).all(|(t, m)| (t - m).abs() <= m.abs() / 256.0 + f32::MIN_POSITIVE));

    let flat = Shape::Flat.logits(V, 42);
    let (low, top) = range(&flat);
    assert!(low >= 0.0 && top < 0.5 && top - low > 0.49, "{low}..{top}");
    assert_eq!(Shape::ALL.map(Shape::id), ["model_like", "confident", "ties", "flat"]);
}
