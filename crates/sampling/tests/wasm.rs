//! The core in a real browser: WebAssembly must reproduce the stored native draws exactly.
#![cfg(target_arch = "wasm32")]

mod golden;

use sampling::{Nucleus, TopP};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_first_thousand_draws_match_the_native_ones() {
    assert_eq!(golden::encode(&golden::draws(1000)), golden::encode(&golden::stored()));
}

#[wasm_bindgen_test]
fn the_uniform_stream_is_the_native_one() {
    assert_eq!(golden::first_uniforms_seed_0(), golden::FIRST_UNIFORMS_SEED_0);
}

#[wasm_bindgen_test]
fn the_worked_nucleus_holds_in_the_browser() {
    let dist = sampling::examples::six_tokens();
    let nucleus = Nucleus::new(&dist, TopP::new(0.9).unwrap());
    assert_eq!((nucleus.size(), format!("{:.3}", nucleus.kept_mass())), (4, "0.930".to_string()));
}
