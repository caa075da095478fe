//! The Shakespeare model's speed, natively: one cached step at position 64 (`text/step/64`) and the floor
//! beside it, a plain f32 matrix–vector product of the same FLOPs (`text/matvec/64`). The same two run
//! in Chromium (`tests/wasm_bench.rs`); `cargo xtask bench` puts both in one table.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use model::bpe::Bpe;
use model::text::bench::{Matvec, cache_at, step};
use model::text::{TOKENIZER, card, load};
use protocol::Cache;

/// The position of the timed step.
const T: usize = 64;

fn text(c: &mut Criterion) {
    let card = card().expect("the card");
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/models/shakespeare.bpk"))
        .expect("the weights");
    let model = load(&bytes, &model::device()).expect("the model");
    let bpe = Bpe::from_json(TOKENIZER).expect("the tokens");
    let (mut cache, token) = cache_at(&model, &bpe, T).expect("the context");
    let flops = card.config.step_flops(T, Cache::On).total();
    let mut floor = Matvec::new(flops, card.config.width);
    let mut group = c.benchmark_group("text");
    group.bench_function(BenchmarkId::new("step", T), |b| {
        b.iter(|| step(&model, &mut cache, black_box(token)).expect("a step"));
    });
    group.bench_function(BenchmarkId::new("matvec", T), |b| b.iter(|| black_box(floor.run())));
    group.finish();
}

criterion_group!(benches, text);
criterion_main!(benches);
