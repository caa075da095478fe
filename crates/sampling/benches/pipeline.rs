//! The pipeline at three vocabulary sizes: the bigram's 27, GPT-2's 50,257 and Qwen2's 151,936.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sampling::{Logits, Sampler, Strategy, Temperature, TopK, TopP, seeded_rng, uniform};

/// Logits shaped like a language model's: a few large values over a long, low tail.
fn logits(vocab: usize) -> Logits {
    let mut rng = seeded_rng(vocab as u64);
    Logits::new((0..vocab).map(|_| -(uniform(&mut rng) * 12.0).ln_1p() * 4.0 + uniform(&mut rng)).collect())
        .expect("finite logits")
}

fn pipeline(c: &mut Criterion) {
    let strategies = [
        (
            "tau0.8_k50_p0.95",
            Strategy::Sample(Sampler::new(Temperature::new(0.8).unwrap(), TopK::new(50), TopP::new(0.95).unwrap())),
        ),
        ("top_p0.9", Strategy::Sample(Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(0.9).unwrap()))),
        ("greedy", Strategy::Greedy),
    ];
    let mut group = c.benchmark_group("choose");
    for vocab in [27, 50_257, 151_936] {
        let l = logits(vocab);
        group.throughput(Throughput::Elements(vocab as u64));
        for (name, strategy) in &strategies {
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(*name, vocab), &l, |b, l| {
                b.iter(|| strategy.choose(black_box(l), &mut rng));
            });
        }
    }
    group.finish();
}

fn repeated_draws(c: &mut Criterion) {
    let dist = Sampler::default().distribution(&logits(27));
    let table = dist.categorical();
    let mut rng = seeded_rng(2);
    c.bench_function("draw/categorical_table_v27", |b| b.iter(|| table.sample(&mut rng)));
    c.bench_function("draw/linear_v27", |b| b.iter(|| dist.sample(&mut rng)));
}

criterion_group!(benches, pipeline, repeated_draws);
criterion_main!(benches);
