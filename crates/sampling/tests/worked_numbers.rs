//! The worked numbers of the lesson, reproduced by the code.
#![cfg(not(target_arch = "wasm32"))]

use sampling::{Logits, Nucleus, Sampler, Temperature, TopK, TopP, softmax};

fn tempered(tau: f64) -> Vec<f64> {
    let logits = sampling::examples::three_logits();
    softmax(&Temperature::new(tau).unwrap().apply(&logits)).probs().to_vec()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "got {got:?}, want {want:?}");
    }
}

#[test]
fn temperature_one_gives_the_models_distribution() {
    assert_close(&tempered(1.0), &[0.665, 0.245, 0.090], 5e-4);
}

#[test]
fn temperature_half_sharpens() {
    assert_close(&tempered(0.5), &[0.867, 0.117, 0.016], 5e-4);
}

#[test]
fn temperature_two_flattens() {
    assert_close(&tempered(2.0), &[0.506, 0.307, 0.186], 5e-4);
}

#[test]
fn temperature_half_doubles_the_logits() {
    let logits = sampling::examples::three_logits();
    assert_eq!(Temperature::new(0.5).unwrap().apply(&logits).as_slice(), &[4.0, 2.0, 0.0]);
}

#[test]
fn quiz_answers_to_two_decimals() {
    assert_eq!(format!("{:.2}", tempered(1.0)[0]), "0.67");
    assert_eq!(format!("{:.2}", tempered(0.5)[0]), "0.87");
}

#[test]
fn nucleus_of_the_six_token_example() {
    let dist = sampling::examples::six_tokens();
    let nucleus = Nucleus::new(&dist, TopP::new(0.9).unwrap());
    assert_eq!(nucleus.size(), 4);
    assert_eq!(nucleus.total(), 6);
    assert_eq!(format!("{:.3}", nucleus.kept_mass()), "0.930");
    assert_eq!(nucleus.kept(), &[0, 1, 2, 3]);
    let renormalized = nucleus.renormalized();
    assert!((renormalized.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((renormalized[0] - 0.50 / 0.93).abs() < 1e-12);
    assert_eq!(&renormalized[4..], &[0.0, 0.0]);
}

#[test]
fn the_same_nucleus_through_the_pipeline() {
    let logits = Logits::from_probs(&sampling::examples::SIX_TOKENS).unwrap();
    let sampler = Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(0.9).unwrap());
    let probs = sampler.distribution(&logits);
    assert_close(probs.probs(), &[0.50 / 0.93, 0.20 / 0.93, 0.15 / 0.93, 0.08 / 0.93, 0.0, 0.0], 1e-12);
}
