//! The pipeline at the vocabulary sizes of the bigram (27), Llama 2 (32,000), GPT-2 (50,257) and
//! Qwen2 (151,936), against the textbook version and against the two floors no exact method can beat.
//! Other libraries are measured beside these by the `peers` bench crate, on the same logits.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sampling::{Logits, Sampler, Strategy, Temperature, TopK, TopP, reference, seeded_rng};

/// The vocabulary sizes.
const VOCABS: [usize; 4] = [27, 32_000, 50_257, 151_936];

fn logits(vocab: usize) -> Logits {
    Logits::from_f32(&reference::model_like_logits(vocab, 42)).expect("finite logits")
}

fn settings() -> [(&'static str, Strategy); 3] {
    let t = Temperature::new(0.8).unwrap();
    [
        ("tau0.8_k50_p0.95", Strategy::Sample(Sampler::new(t, TopK::new(50), TopP::new(0.95).unwrap()))),
        ("top_p0.9", Strategy::Sample(Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(0.9).unwrap()))),
        ("greedy", Strategy::Greedy),
    ]
}

/// The memory floor for top-k: one pass that finds the largest value, eight lanes at a time.
fn max_pass(values: &[f64]) -> f64 {
    let mut lanes = [f64::NEG_INFINITY; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            if v > *lane {
                *lane = v;
            }
        }
    }
    lanes.iter().chain(rest).fold(f64::NEG_INFINITY, |m, &v| if v > m { v } else { m })
}

/// The floor for an exact nucleus: one pass that keeps the running max and the sum of exp(ℓ − max),
/// rescaling the sum when the max moves (one exponential per logit).
fn max_sum_exp_pass(values: &[f64]) -> (f64, f64) {
    let (mut max, mut sum) = (f64::NEG_INFINITY, 0.0);
    for &v in values {
        if v > max {
            sum = sum * (max - v).exp() + 1.0;
            max = v;
        } else {
            sum += (v - max).exp();
        }
    }
    (max, sum)
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("choose");
    for vocab in VOCABS {
        let l = logits(vocab);
        group.throughput(Throughput::Elements(vocab as u64));
        for (name, strategy) in settings() {
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("core/{name}"), vocab), &l, |b, l| {
                b.iter(|| strategy.choose(black_box(l), &mut rng));
            });
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("textbook/{name}"), vocab), &l, |b, l| {
                b.iter(|| match strategy {
                    Strategy::Greedy => {
                        reference::distribution(&Sampler::new(Temperature::ONE, TopK::new(1), TopP::OFF), l).argmax()
                    }
                    Strategy::Sample(sampler) => reference::choose(&sampler, black_box(l), &mut rng),
                });
            });
        }
        group.bench_with_input(BenchmarkId::new("floor/max", vocab), &l, |b, l| {
            b.iter(|| max_pass(black_box(l.as_slice())));
        });
        group.bench_with_input(BenchmarkId::new("floor/max_sum_exp", vocab), &l, |b, l| {
            b.iter(|| max_sum_exp_pass(black_box(l.as_slice())));
        });
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
