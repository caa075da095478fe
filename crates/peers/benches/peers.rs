//! The sampling core against the libraries a user might pick instead, on identical seeded logits, in one
//! run: candle-transformers' `LogitsProcessor`, llm-samplers' chains, the textbook pipeline
//! (`sampling::reference`: full softmax, full sort; for the longer chains, every stage over the whole
//! vocabulary) and the two floors no exact method can beat.
//!
//! Every contender gets its input already built, as it would from a model: the core a validated
//! `Logits`, candle a `Tensor`, llm-samplers its `Logits` list (cloned outside the timing, because its
//! samplers sort it in place). Criterion writes the medians under `target/criterion/peers`; `cargo xtask
//! bench` turns them into the table in the README.

use std::hint::black_box;

use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use llm_samplers::prelude::{
    Logits as LlmLogits, SampleGreedy, SampleLocallyTypical, SampleMinP, SampleRandDistrib, SampleTemperature,
    SampleTopK, SampleTopP, Sampler as _, SamplerChain, SimpleSamplerResources,
};
use rand08::SeedableRng as _;
use sampling::{Logits, Strategy, reference, seeded_rng};

/// candle's equivalent of each of the core's settings.
fn candle_sampling(name: &str) -> Sampling {
    match name {
        "tau0.8_k50_p0.95" => Sampling::TopKThenTopP { k: 50, p: 0.95, temperature: 0.8 },
        "top_p0.9" => Sampling::TopP { p: 0.9, temperature: 1.0 },
        "tau0.5_p0.95" => Sampling::TopP { p: 0.95, temperature: 0.5 },
        "tau2_p0.95" => Sampling::TopP { p: 0.95, temperature: 2.0 },
        _ => Sampling::ArgMax,
    }
}

/// llm-samplers' equivalent, in the core's order: temperature, top-k, top-p, then one draw.
fn llm_chain(name: &str) -> SamplerChain {
    match name {
        "tau0.8_k50_p0.95" => {
            SamplerChain::new()
                + SampleTemperature::new(0.8)
                + SampleTopK::new(50, 1)
                + SampleTopP::new(0.95, 1)
                + SampleRandDistrib::new()
        }
        "top_p0.9" => SamplerChain::new() + SampleTopP::new(0.9, 1) + SampleRandDistrib::new(),
        "tau0.5_p0.95" => {
            SamplerChain::new() + SampleTemperature::new(0.5) + SampleTopP::new(0.95, 1) + SampleRandDistrib::new()
        }
        "tau2_p0.95" => {
            SamplerChain::new() + SampleTemperature::new(2.0) + SampleTopP::new(0.95, 1) + SampleRandDistrib::new()
        }
        "min_p0.05" => SamplerChain::new() + SampleMinP::new(0.05, 1) + SampleRandDistrib::new(),
        // llama.cpp's order: top-k, typical, top-p, min-p, then temperature last.
        "llama_cpp_chain" => {
            SamplerChain::new()
                + SampleTopK::new(40, 1)
                + SampleLocallyTypical::new(0.95, 1)
                + SampleTopP::new(0.95, 1)
                + SampleMinP::new(0.05, 1)
                + SampleTemperature::new(0.8)
                + SampleRandDistrib::new()
        }
        _ => SamplerChain::new() + SampleGreedy::new(),
    }
}

/// llm-samplers' chain `name` on `list`, timed as a group member.
fn bench_llm(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, vocab: usize, list: &LlmLogits) {
    let mut chain = llm_chain(name);
    let mut resources = SimpleSamplerResources::new(Some(Box::new(rand08::rngs::StdRng::seed_from_u64(1))), None);
    group.bench_with_input(BenchmarkId::new(format!("llm-samplers/{name}"), vocab), list, |b, list| {
        b.iter_batched_ref(
            || list.clone(),
            |l| chain.sample_token(&mut resources, l).expect("llm-samplers samples"),
            BatchSize::LargeInput,
        );
    });
}

fn peers(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers");
    for vocab in reference::BENCH_VOCABS {
        let raw = reference::model_like_logits(vocab, 42);
        let logits = Logits::from_f32(&raw).expect("finite logits");
        let tensor = Tensor::from_slice(&raw, vocab, &Device::Cpu).expect("a tensor of the logits");
        let list = LlmLogits::try_from_iter(raw.iter().copied()).expect("llm-samplers logits");
        for reference::BenchCase { id: name, run: strategy, .. } in reference::bench_settings() {
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("core/{name}"), vocab), &logits, |b, l| {
                b.iter(|| strategy.choose(black_box(l), &mut rng));
            });
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("textbook/{name}"), vocab), &logits, |b, l| {
                b.iter(|| match strategy {
                    Strategy::Greedy => reference::distribution(
                        &sampling::Sampler::new(
                            sampling::Temperature::ONE,
                            sampling::TopK::new(1),
                            sampling::TopP::OFF,
                        ),
                        black_box(l),
                    )
                    .argmax(),
                    Strategy::Sample(sampler) => reference::choose(&sampler, black_box(l), &mut rng),
                });
            });
            let mut processor = LogitsProcessor::from_sampling(1, candle_sampling(name));
            group.bench_with_input(BenchmarkId::new(format!("candle/{name}"), vocab), &tensor, |b, t| {
                b.iter(|| processor.sample(black_box(t)).expect("candle samples"));
            });
            bench_llm(&mut group, name, vocab, &list);
        }
        // The pipelines beyond the three settings: the core's reduced path against the staged one
        // (every stage over the whole vocabulary) and llm-samplers, which has min-p and typical.
        let chains = reference::bench_chains().into_iter().filter(|_| reference::BENCH_CHAIN_VOCABS.contains(&vocab));
        for reference::BenchCase { id: name, run: pipeline, .. } in chains {
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("core/{name}"), vocab), &logits, |b, l| {
                b.iter(|| pipeline.choose(black_box(l), &[], &mut rng));
            });
            let mut rng = seeded_rng(1);
            group.bench_with_input(BenchmarkId::new(format!("textbook/{name}"), vocab), &logits, |b, l| {
                b.iter(|| reference::choose_staged(&pipeline, black_box(l), &mut rng));
            });
            bench_llm(&mut group, name, vocab, &list);
        }
        for floor in reference::Floor::ALL {
            group.bench_with_input(BenchmarkId::new(format!("floor/{}", floor.id()), vocab), &logits, |b, l| {
                b.iter(|| floor.run(black_box(l.as_slice())));
            });
        }
    }
    group.finish();
}

/// Every sampling setting on every shape of logits (`shapes/<contender>/<setting>/<shape>/<V>`), with the
/// floors measured on the same logits.
fn shapes(c: &mut Criterion) {
    let mut group = c.benchmark_group("shapes");
    for vocab in reference::BENCH_CHAIN_VOCABS {
        for shape in reference::Shape::ALL {
            let raw = shape.logits(vocab, 42);
            let logits = Logits::from_f32(&raw).expect("finite logits");
            let tensor = Tensor::from_slice(&raw, vocab, &Device::Cpu).expect("a tensor of the logits");
            let list = LlmLogits::try_from_iter(raw.iter().copied()).expect("llm-samplers logits");
            let at = |who: &str, setting: &str| BenchmarkId::new(format!("{who}/{setting}/{}", shape.id()), vocab);
            for reference::BenchCase { id: name, run: strategy, .. } in reference::bench_shape_settings() {
                let Strategy::Sample(sampler) = strategy else { continue };
                let mut rng = seeded_rng(1);
                group.bench_with_input(at("core", name), &logits, |b, l| {
                    b.iter(|| sampler.choose(black_box(l), &mut rng));
                });
                let mut rng = seeded_rng(1);
                group.bench_with_input(at("textbook", name), &logits, |b, l| {
                    b.iter(|| reference::choose(&sampler, black_box(l), &mut rng));
                });
                let mut processor = LogitsProcessor::from_sampling(1, candle_sampling(name));
                group.bench_with_input(at("candle", name), &tensor, |b, t| {
                    b.iter(|| processor.sample(black_box(t)).expect("candle samples"));
                });
                let mut chain = llm_chain(name);
                let mut resources =
                    SimpleSamplerResources::new(Some(Box::new(rand08::rngs::StdRng::seed_from_u64(1))), None);
                group.bench_with_input(at("llm-samplers", name), &list, |b, list| {
                    b.iter_batched_ref(
                        || list.clone(),
                        |l| chain.sample_token(&mut resources, l).expect("llm-samplers samples"),
                        BatchSize::LargeInput,
                    );
                });
            }
            for floor in reference::Floor::ALL {
                group.bench_with_input(at("floor", floor.id()), &logits, |b, l| {
                    b.iter(|| floor.run(black_box(l.as_slice())));
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, peers, shapes);
criterion_main!(benches);
