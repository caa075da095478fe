//! The Shakespeare model's speed in Chromium: one cached step at position 64 and the floor beside it (a
//! plain f32 matrix–vector product of the same FLOPs), timed with `performance.now()`, under the ids
//! criterion gives them natively (`benches/text.rs`). A benchmark, not a test: ignored by the test run;
//! `cargo xtask bench` runs it and reads its lines `bench <id> <nanoseconds per call>`.
#![cfg(target_arch = "wasm32")]

use std::hint::black_box;

use model::bpe::Bpe;
use model::text::bench::{Matvec, cache_at, step};
use model::text::{TOKENIZER, card, load};
use protocol::Cache;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const WEIGHTS: &[u8] = include_bytes!("../../../assets/models/shakespeare.bpk");
const T: usize = 64;

#[path = "../../sampling/tests/support/browser_timing.rs"]
mod timing;
use timing::median_ns;

#[wasm_bindgen_test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
fn text_model_in_chromium() {
    let card = card().expect("the card");
    let model = load(WEIGHTS, &model::device()).expect("the model");
    let bpe = Bpe::from_json(TOKENIZER).expect("the tokens");
    let (mut cache, token) = cache_at(&model, &bpe, T).expect("the context");
    let ns = median_ns(|| {
        black_box(step(&model, &mut cache, black_box(token)).expect("a step"));
    });
    console_log!("bench text/step/{T} {ns:.1}");
    let mut floor = Matvec::new(card.config.step_flops(T, Cache::On).total(), card.config.width);
    let ns = median_ns(|| {
        black_box(floor.run());
    });
    console_log!("bench text/matvec/{T} {ns:.1}");
}
