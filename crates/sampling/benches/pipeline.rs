//! The pipeline at the bigram's 27 tokens, as the lesson page runs it, and repeated draws.
//! The large vocabularies, the floors and the other libraries are measured by `crates/peers`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sampling::{Logits, Sampler, Strategy, reference, seeded_rng};

fn pipeline(c: &mut Criterion) {
    let logits = Logits::from_f32(&reference::model_like_logits(27, 42)).expect("finite logits");
    for reference::BenchCase { id: name, run: strategy, .. } in reference::bench_settings() {
        let mut rng = seeded_rng(1);
        c.bench_function(&format!("choose_v27/{name}"), |b| b.iter(|| strategy.choose(black_box(&logits), &mut rng)));
    }
    let sampler = match reference::bench_settings()[0].run {
        Strategy::Sample(s) => s,
        Strategy::Greedy => Sampler::default(),
    };
    let mut rng = seeded_rng(1);
    c.bench_function("choose_v27/textbook_tau0.8_k50_p0.95", |b| {
        b.iter(|| reference::choose(&sampler, black_box(&logits), &mut rng));
    });
}

fn repeated_draws(c: &mut Criterion) {
    let logits = Logits::from_f32(&reference::model_like_logits(27, 42)).expect("finite logits");
    let dist = Sampler::default().distribution(&logits);
    let table = dist.categorical();
    let mut rng = seeded_rng(2);
    c.bench_function("draw/categorical_table_v27", |b| b.iter(|| table.sample(&mut rng)));
    c.bench_function("draw/linear_v27", |b| b.iter(|| dist.sample(&mut rng)));
}

criterion_group!(benches, pipeline, repeated_draws);
criterion_main!(benches);
