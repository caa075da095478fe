//! The pipeline as a textbook writes it: a full softmax and a full sort of the vocabulary.
//!
//! Slow on purpose and short enough to check by eye. The tests hold the fast path
//! ([`crate::Sampler::distribution`], [`crate::Sampler::choose`]) to it, and the benchmarks measure how
//! far the fast path is from it.

use crate::{
    Distribution, Engine, Knobs, Logits, MinP, Pipeline, Sampler, Strategy, Temperature, TokenId, TopK, TopP, Typical,
};

/// The final distribution of `sampler` over `logits`, step by step.
///
/// ```
/// use sampling::{Logits, Sampler, Temperature, TopK, TopP, reference};
/// let logits = Logits::new(vec![2.0, 1.0, 0.5, 0.0])?;
/// let sampler = Sampler::new(Temperature::new(0.8)?, TopK::new(3), TopP::new(0.9)?);
/// let textbook = reference::distribution(&sampler, &logits);
/// let fast = sampler.distribution(&logits);
/// assert!(textbook.total_variation(&fast)? < 1e-12);
/// # Ok::<(), sampling::SamplingError>(())
/// ```
pub fn distribution(sampler: &Sampler, logits: &Logits) -> Distribution {
    // 1. Temperature: ℓ/τ.
    let scaled = sampler.temperature.apply(logits);
    let s = scaled.as_slice();
    // 2. Sort every live token, highest scaled logit first, the lower id first on ties.
    let mut order: Vec<TokenId> = scaled.kept().collect();
    order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
    // 3. Top-k: the first k of that order.
    if let Some(k) = sampler.top_k.get() {
        order.truncate(k);
    }
    // 4. Softmax over the survivors.
    let max = s[order[0]];
    let mut weights = vec![0.0; s.len()];
    for &id in &order {
        weights[id] = (s[id] - max).exp();
    }
    let total: f64 = weights.iter().sum();
    // 5. Top-p: walk the same order until the running mass reaches p; drop the rest.
    if !sampler.top_p.is_off() {
        let mut cumulative = 0.0;
        let size = order
            .iter()
            .position(|&id| {
                cumulative += weights[id] / total;
                sampler.top_p.is_reached_by(cumulative)
            })
            .map_or(order.len(), |j| j + 1);
        for &id in &order[size..] {
            weights[id] = 0.0;
        }
    }
    // 6. Renormalize what is left.
    let kept: f64 = weights.iter().sum();
    Distribution::from_checked(weights.into_iter().map(|w| w / kept).collect())
}

/// One draw from [`distribution`].
pub fn choose<R: rand::Rng + ?Sized>(sampler: &Sampler, logits: &Logits, rng: &mut R) -> TokenId {
    distribution(sampler, logits).sample(rng)
}

/// The memory floor for top-k: one pass that finds the largest value, with eight running maxima so that
/// it compiles to vector instructions. No exact top-k can read less.
pub fn max_pass(values: &[f64]) -> f64 {
    crate::kernels::max(values)
}

/// The floor for an exact nucleus over the whole vocabulary: the maximum, then the sum of exp(ℓ − max),
/// four exponentials at a time. Every exact top-p needs at least these V exponentials.
pub fn max_sum_exp_pass(values: &[f64]) -> (f64, f64) {
    let max = crate::kernels::max(values);
    (max, crate::kernels::sum_exp(values, max))
}

/// Logits shaped like a language model's, the same on every platform for a seed: a long low tail and a
/// few large values, rounded to `f32` as a model would produce them. The inputs of the tests and of every
/// benchmark (native, in the browser, and against other libraries).
pub fn model_like_logits(vocab: usize, seed: u64) -> Vec<f32> {
    let mut rng = crate::seeded_rng(seed);
    (0..vocab)
        .map(|_| {
            let (a, b) = (crate::uniform(&mut rng), crate::uniform(&mut rng));
            (-(a * 12.0).ln_1p() * 4.0 + b) as f32
        })
        .collect()
}

/// The shapes of logits a served model produces, each generated from a seed like
/// [`model_like_logits`]: the benchmarks run every setting on every shape, because a fast path tuned on
/// one shape can be slow on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// [`model_like_logits`]: a long low tail and a few large values.
    ModelLike,
    /// A confident step: five tokens 14 to 16 above a flat sea of the rest (spread over one unit), as
    /// after a prompt whose next word is nearly certain.
    Confident,
    /// The model-like family rounded to bfloat16, as a low-precision model emits it: many exact ties.
    Ties,
    /// A flat distribution: every logit within half a unit of the others.
    Flat,
}

impl Shape {
    /// Every shape, the model-like one first.
    pub const ALL: [Self; 4] = [Self::ModelLike, Self::Confident, Self::Ties, Self::Flat];

    /// Its id in the benchmarks' names (`shape/<setting>/<shape>/<V>`).
    pub fn id(self) -> &'static str {
        match self {
            Self::ModelLike => "model_like",
            Self::Confident => "confident",
            Self::Ties => "ties",
            Self::Flat => "flat",
        }
    }

    /// `vocab` logits of this shape, the same on every platform for a seed.
    pub fn logits(self, vocab: usize, seed: u64) -> Vec<f32> {
        let mut rng = crate::seeded_rng(seed);
        match self {
            Self::ModelLike => model_like_logits(vocab, seed),
            Self::Confident => {
                let mut logits: Vec<f32> = (0..vocab).map(|_| crate::uniform(&mut rng) as f32).collect();
                // Five tokens spread over the vocabulary, none at its start.
                for i in 0..5.min(vocab) {
                    let at = (vocab / 7 * (i + 1) + i * 13) % vocab;
                    logits[at] = 14.0 + (crate::uniform(&mut rng) * 2.0) as f32;
                }
                logits
            }
            Self::Ties => model_like_logits(vocab, seed).into_iter().map(to_bfloat16).collect(),
            Self::Flat => (0..vocab).map(|_| (crate::uniform(&mut rng) * 0.5) as f32).collect(),
        }
    }
}

/// `x` rounded to the nearest bfloat16 (8 bits of mantissa), ties to even, returned as an `f32`.
fn to_bfloat16(x: f32) -> f32 {
    let bits = x.to_bits();
    let rounded = bits.wrapping_add(0x7FFF + ((bits >> 16) & 1)) & 0xFFFF_0000;
    f32::from_bits(rounded)
}

/// The vocabulary sizes every benchmark runs at: Llama 2's 32,000, GPT-2's 50,257 and Qwen2's 151,936.
pub const BENCH_VOCABS: [usize; 3] = [32_000, 50_257, 151_936];

/// The pass a benchmarked setting is compared against: the least work any exact sampler must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// One pass for the maximum (top-k, greedy).
    Max,
    /// The maximum and V exponentials (top-p or min-p alone need every probability).
    MaxSumExp,
}

impl Floor {
    /// Both floors.
    pub const ALL: [Self; 2] = [Self::Max, Self::MaxSumExp];

    /// Its id in the benchmarks' names (`floor/<id>/<V>`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Max => "max",
            Self::MaxSumExp => "max_sum_exp",
        }
    }

    /// Runs the pass on `values`: the maximum, or the maximum and the sum of exponentials.
    pub fn run(self, values: &[f64]) -> (f64, f64) {
        match self {
            Self::Max => (max_pass(values), 0.0),
            Self::MaxSumExp => max_sum_exp_pass(values),
        }
    }
}

/// One benchmarked setting: the id every benchmark names it by (`core/<id>/<V>`, natively and in the
/// browser), what the README's table calls it, its floor, and what it runs.
#[derive(Debug, Clone)]
pub struct BenchCase<T> {
    /// The id in the benchmarks' names.
    pub id: &'static str,
    /// What the table calls it.
    pub label: &'static str,
    /// The pass it is compared against.
    pub floor: Floor,
    /// The strategy or pipeline measured.
    pub run: T,
}

/// The settings every benchmark runs: τ = 0.8 with top-k 50 and top-p 0.95; top-p 0.9 alone; greedy.
pub fn bench_settings() -> [BenchCase<Strategy>; 3] {
    let (tau, p95, p90) = (Temperature::new(0.8), TopP::new(0.95), TopP::new(0.9));
    let (Ok(tau), Ok(p95), Ok(p90)) = (tau, p95, p90) else { unreachable!("constant settings are valid") };
    let case = |id, label, floor, run| BenchCase { id, label, floor, run };
    [
        case(
            "tau0.8_k50_p0.95",
            "τ 0.8, top-k 50, top-p 0.95",
            Floor::Max,
            Strategy::Sample(Sampler::new(tau, TopK::new(50), p95)),
        ),
        case(
            "top_p0.9",
            "top-p 0.9",
            Floor::MaxSumExp,
            Strategy::Sample(Sampler::new(Temperature::ONE, TopK::OFF, p90)),
        ),
        case("greedy", "greedy", Floor::Max, Strategy::Greedy),
    ]
}

/// The settings run on every [`Shape`]: the two sampling settings of [`bench_settings`], and top-p 0.95
/// after a cold (τ 0.5) and a hot (τ 2) temperature.
pub fn bench_shape_settings() -> [BenchCase<Strategy>; 4] {
    let [with_k, top_p, _] = bench_settings();
    let (cold, hot, p95) = (Temperature::new(0.5), Temperature::new(2.0), TopP::new(0.95));
    let (Ok(cold), Ok(hot), Ok(p95)) = (cold, hot, p95) else { unreachable!("constant settings are valid") };
    let case = |id, label, tau| BenchCase {
        id,
        label,
        floor: Floor::MaxSumExp,
        run: Strategy::Sample(Sampler::new(tau, TopK::OFF, p95)),
    };
    [with_k, top_p, case("tau0.5_p0.95", "τ 0.5, top-p 0.95", cold), case("tau2_p0.95", "τ 2, top-p 0.95", hot)]
}

/// The vocabulary sizes the chains of [`bench_chains`] run at: GPT-2's 50,257 and Qwen2's 151,936.
pub const BENCH_CHAIN_VOCABS: [usize; 2] = [50_257, 151_936];

/// The pipelines the benchmarks run beyond [`bench_settings`]: min-p 0.05 alone, and llama.cpp's
/// default chain with its default settings (top-k 40, top-p 0.95, min-p 0.05, τ 0.8 last) and typical-p
/// switched on at 0.95.
pub fn bench_chains() -> [BenchCase<Pipeline>; 2] {
    let knobs = (MinP::new(0.05), TopP::new(0.95), Typical::new(0.95), Temperature::new(0.8));
    let (Ok(min_p), Ok(top_p), Ok(typical), Ok(temperature)) = knobs else {
        unreachable!("constant settings are valid")
    };
    let llama = Knobs { top_k: TopK::new(40), typical, top_p, min_p, temperature, ..Knobs::default() };
    [
        BenchCase {
            id: "min_p0.05",
            label: "min-p 0.05",
            floor: Floor::MaxSumExp,
            run: Pipeline::new().then(crate::Stage::MinP(min_p)),
        },
        BenchCase {
            id: "llama_cpp_chain",
            label: "llama.cpp's chain: top-k 40, typical 0.95, top-p 0.95, min-p 0.05, τ 0.8 last",
            floor: Floor::Max,
            run: Pipeline::from_order(Engine::LlamaCpp.order(), &llama),
        },
    ]
}

/// The staged pipeline as a textbook runs it: every stage over the whole vocabulary (top-p and typical
/// sorting it), one softmax, one draw.
pub fn choose_staged<R: rand::Rng + ?Sized>(pipeline: &Pipeline, logits: &Logits, rng: &mut R) -> TokenId {
    crate::softmax(&pipeline.apply(logits, &[])).pick(crate::uniform(rng))
}
