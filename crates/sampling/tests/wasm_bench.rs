//! The core benchmarks of `crates/peers`, compiled to WebAssembly and timed in Chromium with
//! `performance.now()`. A benchmark, not a test: it is ignored by the test run, and `cargo xtask bench`
//! runs it and reads its lines `bench <id> <nanoseconds per call>`, under the ids criterion gives the same
//! benchmarks natively.
#![cfg(target_arch = "wasm32")]

use std::hint::black_box;

use sampling::{Logits, reference, seeded_rng};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Hands the browser back for a moment: the test runner polls the page over WebDriver, and a page busy
/// for more than 20 s without a break fails the run.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[path = "support/browser_timing.rs"]
mod timing;
use timing::median_ns;

#[wasm_bindgen_test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
async fn core_benchmarks_in_chromium() {
    for vocab in reference::BENCH_VOCABS {
        let logits = Logits::from_f32(&reference::model_like_logits(vocab, 42)).expect("finite logits");
        for reference::BenchCase { id: name, run: strategy, .. } in reference::bench_settings() {
            let mut rng = seeded_rng(1);
            let ns = median_ns(|| {
                black_box(strategy.choose(black_box(&logits), &mut rng));
            });
            console_log!("bench core/{name}/{vocab} {ns:.1}");
            yield_to_browser().await;
        }
        let chains = reference::bench_chains().into_iter().filter(|_| reference::BENCH_CHAIN_VOCABS.contains(&vocab));
        for reference::BenchCase { id: name, run: pipeline, .. } in chains {
            let mut rng = seeded_rng(1);
            let ns = median_ns(|| {
                black_box(pipeline.choose(black_box(&logits), &[], &mut rng));
            });
            console_log!("bench core/{name}/{vocab} {ns:.1}");
            yield_to_browser().await;
        }
        for floor in reference::Floor::ALL {
            let ns = median_ns(|| {
                black_box(floor.run(black_box(logits.as_slice())));
            });
            console_log!("bench floor/{}/{vocab} {ns:.1}", floor.id());
            yield_to_browser().await;
        }
    }
}

/// The core and the floors on every shape of logits (`reference::Shape`), as the native `shapes` group.
#[wasm_bindgen_test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
async fn shape_benchmarks_in_chromium() {
    for vocab in reference::BENCH_CHAIN_VOCABS {
        for shape in reference::Shape::ALL {
            let logits = Logits::from_f32(&shape.logits(vocab, 42)).expect("finite logits");
            let at = |who: &str, what: &str| format!("{who}/{what}/{}/{vocab}", shape.id());
            for reference::BenchCase { id: name, run: strategy, .. } in reference::bench_shape_settings() {
                let mut rng = seeded_rng(1);
                let ns = median_ns(|| {
                    black_box(strategy.choose(black_box(&logits), &mut rng));
                });
                console_log!("bench {} {ns:.1}", at("core", name));
                yield_to_browser().await;
            }
            for floor in reference::Floor::ALL {
                let ns = median_ns(|| {
                    black_box(floor.run(black_box(logits.as_slice())));
                });
                console_log!("bench {} {ns:.1}", at("floor", floor.id()));
                yield_to_browser().await;
            }
        }
    }
}
