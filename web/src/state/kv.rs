//! The KV-cache step-through as the page shows it: a real 12-token generation from the trained
//! transformer (recorded when the page was built: `protocol::demos::kv`), the cache rows it fills, and
//! the exact work of each step with the cache on and off.

use protocol::demos::kv::{KvRecording, Row, STEPS};
use protocol::{Cache, GptConfig, StepFlops, Vocab};
use sampling::TokenId;

use crate::state::axes::{Axis, Spacing};

/// The demonstration: the generation, recorded once, and where the learner has stepped to.
#[derive(Debug, Clone)]
pub struct KvDemo {
    config: GptConfig,
    rows: Vec<Row>,
    generated: Vec<TokenId>,
    step: usize,
    cache: Cache,
}

impl KvDemo {
    /// The recorded generation of a model of shape `config`, before its first step, cache on.
    pub fn new(config: GptConfig, recording: KvRecording) -> Self {
        Self { config, rows: recording.rows, generated: recording.generated, step: 0, cache: Cache::On }
    }

    /// The step reached, 0 to 12.
    pub fn step(&self) -> usize {
        self.step
    }

    /// One step forward (stops at 12).
    pub fn forward(&mut self) {
        self.step = (self.step + 1).min(STEPS);
    }

    /// One step back (stops at 0).
    pub fn back(&mut self) {
        self.step = self.step.saturating_sub(1);
    }

    /// Back to step 0.
    pub fn reset(&mut self) {
        self.step = 0;
    }

    /// Whether the last step is reached.
    pub fn is_done(&self) -> bool {
        self.step == STEPS
    }

    /// Cache on or off.
    pub fn cache(&self) -> Cache {
        self.cache
    }

    /// Switches the cache on or off.
    pub fn set_cache(&mut self, cache: Cache) {
        self.cache = cache;
    }

    /// The rows in the cache after the current step: one per token fed so far.
    pub fn rows(&self) -> &[Row] {
        &self.rows[..self.step]
    }

    /// Whether row `i` is computed at the current step: only the newest with the cache; all without.
    pub fn is_computed_now(&self, i: usize) -> bool {
        i < self.step && (self.cache == Cache::Off || i + 1 == self.step)
    }

    /// The largest |mean| of any cell, for scaling colours.
    pub fn max_abs(&self) -> f32 {
        self.rows.iter().flat_map(|r| r.keys.iter().chain(&r.values)).fold(0.0f32, |m, v| m.max(v.abs()))
    }

    /// The text generated so far (the tokens produced by the steps taken).
    pub fn text(&self) -> String {
        Vocab.text(&self.generated[..self.step])
    }

    /// Floating-point operations of all steps so far, with the cache on or off.
    pub fn cumulative(&self, cache: Cache) -> u64 {
        self.config.cumulative_flops(self.step, cache)
    }

    /// The work of the current step, part by part, as the cache is set (nothing before the first step).
    pub fn breakdown(&self) -> Option<StepFlops> {
        (self.step > 0).then(|| self.config.step_flops(self.step, self.cache))
    }

    /// Cache-off work over cache-on work so far: the FLOP ratio (1 before the first step).
    pub fn flop_ratio(&self) -> f64 {
        let on = self.cumulative(Cache::On);
        if on == 0 { 1.0 } else { self.cumulative(Cache::Off) as f64 / on as f64 }
    }

    /// The architecture.
    pub fn config(&self) -> &GptConfig {
        &self.config
    }
}

/// The parts of a step, in the order the page lists them, with the name it shows.
pub fn parts(step: &StepFlops) -> [(&'static str, u64); 5] {
    [
        ("projections (query, key, value, output)", step.projections),
        ("attention scores (query · each key)", step.scores),
        ("weighted sum of values", step.weighted_sum),
        ("MLP", step.mlp),
        ("output head", step.head),
    ]
}

/// What the cost of a cached step comes to, for the page's prose: computed from a model's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct CostModel {
    /// The shape.
    pub config: GptConfig,
    /// Attention's share of a cached step with a full window.
    pub share_at_window: f64,
    /// The context length from which attention costs at least as much as the rest of a cached step.
    pub crossover: usize,
}

impl CostModel {
    /// The cost model of a shape.
    pub fn of(config: &GptConfig) -> Self {
        Self {
            share_at_window: config.step_flops(config.context, Cache::On).attention_share(),
            crossover: config.attention_crossover(),
            config: config.clone(),
        }
    }

    /// "attention is 5.1 % of a cached step at t = 16 and would match the rest only at t = 295", with
    /// whether the crossover lies inside the window.
    pub fn sentence(&self) -> String {
        let inside = if self.crossover <= self.config.context {
            "inside its window, so long contexts are dominated by attention"
        } else {
            "past its window, so in this shape the fixed part dominates every cached step"
        };
        format!(
            "attention is {:.1} % of a cached step with the window full (t = {}), and would cost as much as \
             the rest only from t = {}: {inside}",
            self.share_at_window * 100.0,
            group_thousands(self.config.context as u64),
            group_thousands(self.crossover as u64),
        )
    }
}

/// 6703 → "6,703".
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The colour of a cell: teal for positive, coral for negative, stronger for larger |value|.
pub fn cell_color(value: f32, max_abs: f32) -> String {
    let strength = if max_abs > 0.0 { (value.abs() / max_abs).clamp(0.0, 1.0) } else { 0.0 };
    let hue = if value >= 0.0 { 188 } else { 12 };
    format!("hsl({hue} 60% {:.0}%)", 96.0 - 50.0 * strength)
}

/// A count of operations as the page shows it: "1.23 M flops".
pub fn format_flops(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} G flops", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.2} M flops", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} k flops", n / 1e3)
    } else {
        format!("{n} flops")
    }
}

/// The axes of the cumulative-work plot inside a `width` × `height` view: tokens generated T = 1 ..=
/// window across, cumulative FLOPs from 0 to the cache-off total up (room left for the labels).
pub fn work_axes(config: &GptConfig, width: f64, height: f64) -> (Axis, Axis) {
    let window = config.context;
    let max = config.cumulative_flops(window, Cache::Off).max(1) as f64;
    let x = Axis { min: 1.0, max: window.max(2) as f64, start: 56.0, end: width - 10.0, spacing: Spacing::Linear };
    let y = Axis { min: 0.0, max, start: height - 40.0, end: 8.0, spacing: Spacing::Linear };
    (x, y)
}

/// Points of the cumulative-work plot for T = 1 ..= window on `axes`: (cache on, cache off).
pub fn work_plot(config: &GptConfig, (x, y): (Axis, Axis)) -> (String, String) {
    let line = |cache| {
        (1..=config.context)
            .map(|t| format!("{:.1},{:.1}", x.at(t as f64), y.at(config.cumulative_flops(t, cache) as f64)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    (line(Cache::On), line(Cache::Off))
}

/// Llama 2 7B's parameters (Touvron et al. 2023), for the memory its weights take.
pub const LLAMA2_7B_PARAMETERS: u64 = 6_738_415_616;

/// The memory of an accelerator of the kind large models are served from: 80 GB.
pub const ACCELERATOR_BYTES: u64 = 80_000_000_000;

/// Bytes as the page shows a size, in decimal units: "524.3 KB", "37.7 MB", "2.15 GB".
pub fn format_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} KB", b / 1e3)
    }
}

/// What a KV cache costs in memory, for the Shakespeare model (`text`, 4-byte floats), GPT-2 small and a
/// model of Llama 2 7B's shape (2-byte halves, as they are served), and how that bounds a server's batch.
pub fn memory_sentence(text: &GptConfig) -> String {
    let (gpt2, llama) = (GptConfig::gpt2_small(), GptConfig::llama2_7b());
    let numbers = |c: &GptConfig| c.cache_numbers(c.context);
    let one = numbers(&llama) * 2;
    let weights = LLAMA2_7B_PARAMETERS * 2;
    let fits = ACCELERATOR_BYTES.saturating_sub(weights) / one.max(1);
    format!(
        "What the cache costs is memory: a key and a value of width numbers per token and layer, 2 × layers \
         × t × width numbers per sequence. The Shakespeare model at its window of {}: {} numbers, {} in \
         4-byte floats. GPT-2 small at {} tokens: {} numbers, {} in 2-byte halves. A model of Llama 2 7B's \
         shape ({} layers of width {}) at {} tokens: {} numbers, {} in halves, for one sequence. A server \
         keeps a cache for every request it runs at once, so the memory left after the weights bounds the \
         batch: with Llama 2 7B's {} parameters in halves ({}) on an accelerator of {}, the rest holds {} \
         such sequences. This is why servers store the cache in pages and share the heads' keys and values \
         (grouped-query attention), and why a cache in 8-bit numbers is worth its small loss.",
        text.context,
        group_thousands(numbers(text)),
        format_bytes(numbers(text) * 4),
        group_thousands(gpt2.context as u64),
        group_thousands(numbers(&gpt2)),
        format_bytes(numbers(&gpt2) * 2),
        llama.layers,
        group_thousands(llama.width as u64),
        group_thousands(llama.context as u64),
        group_thousands(numbers(&llama)),
        format_bytes(one),
        group_thousands(LLAMA2_7B_PARAMETERS),
        format_bytes(weights),
        format_bytes(ACCELERATOR_BYTES),
        fits,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recording of 12 steps by a model with two heads: row i holds token i's means.
    fn demo() -> KvDemo {
        let config = GptConfig::new().with_context(16).with_width(8).with_heads(2).with_layers(1);
        let rows = (0..STEPS)
            .map(|i| Row { token: i % 27, keys: vec![i as f32, -(i as f32)], values: vec![0.5, -0.25] })
            .collect();
        KvDemo::new(config, KvRecording { rows, generated: (1..=STEPS).collect() })
    }

    #[test]
    fn stepping_fills_one_row_per_step() {
        let mut d = demo();
        assert_eq!(d.rows().len(), 0);
        for t in 1..=STEPS {
            d.forward();
            assert_eq!(d.step(), t);
            assert_eq!(d.rows().len(), t);
            assert_eq!(d.rows()[0].token, 0);
            assert_eq!(d.rows()[0].keys.len(), 2, "one cell per head");
        }
        d.forward();
        assert_eq!(d.step(), STEPS);
        assert!(d.is_done());
        d.back();
        assert_eq!(d.step(), STEPS - 1);
        d.reset();
        d.back();
        assert_eq!(d.step(), 0);
    }

    #[test]
    fn the_cache_decides_which_rows_are_computed() {
        let mut d = demo();
        for _ in 0..5 {
            d.forward();
        }
        assert_eq!((0..5).filter(|&i| d.is_computed_now(i)).collect::<Vec<_>>(), vec![4]);
        d.set_cache(Cache::Off);
        assert_eq!((0..5).filter(|&i| d.is_computed_now(i)).count(), 5);
        assert!(!d.is_computed_now(5));
    }

    #[test]
    fn work_readouts_come_from_the_exact_count() {
        let mut d = demo();
        assert_eq!(d.flop_ratio(), 1.0);
        for _ in 0..STEPS {
            d.forward();
        }
        let config = d.config().clone();
        let on: u64 = (1..=STEPS).map(|t| config.step_flops(t, Cache::On).total()).sum();
        let off: u64 = (1..=STEPS).map(|t| config.step_flops(t, Cache::Off).total()).sum();
        assert_eq!((d.cumulative(Cache::On), d.cumulative(Cache::Off)), (on, off));
        assert!((d.flop_ratio() - off as f64 / on as f64).abs() < 1e-12);
        assert!(d.flop_ratio() > 1.0);
    }

    #[test]
    fn the_breakdown_is_the_current_step_and_sums_to_its_work() {
        let mut d = demo();
        assert_eq!(d.breakdown(), None);
        for _ in 0..8 {
            d.forward();
        }
        let step = d.breakdown().unwrap();
        assert_eq!(parts(&step).iter().map(|(_, n)| n).sum::<u64>(), step.total());
        assert_eq!(d.cumulative(Cache::On) - d.config().cumulative_flops(7, Cache::On), step.total());
        d.set_cache(Cache::Off);
        assert_eq!(d.breakdown().unwrap(), d.config().step_flops(8, Cache::Off));
    }

    #[test]
    fn the_cost_model_reads_its_numbers_from_the_shape() {
        let shipped = CostModel::of(&GptConfig::new());
        assert_eq!(shipped.crossover, 295);
        assert_eq!(
            shipped.sentence(),
            "attention is 5.1 % of a cached step with the window full (t = 16), and would cost as much as the \
             rest only from t = 295: past its window, so in this shape the fixed part dominates every cached step"
        );
        let gpt2 = CostModel::of(&GptConfig::gpt2_small());
        assert_eq!(gpt2.crossover, 6_703);
        assert!(gpt2.sentence().contains("13.3 %") && gpt2.sentence().contains("t = 1,024"), "{}", gpt2.sentence());
        let long = CostModel::of(&GptConfig::new().with_width(8).with_context(1024));
        assert!(long.sentence().ends_with("inside its window, so long contexts are dominated by attention"));
        assert_eq!(group_thousands(950), "950");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_text_grows_with_the_steps() {
        let mut d = demo();
        assert_eq!(d.text(), "");
        d.forward();
        d.forward();
        assert_eq!(d.text().chars().count(), 2);
    }

    #[test]
    fn formatting_and_colours() {
        assert_eq!(format_flops(950), "950 flops");
        assert_eq!(format_flops(12_300), "12.3 k flops");
        assert_eq!(format_flops(4_560_000), "4.56 M flops");
        assert_eq!(cell_color(0.0, 1.0), "hsl(188 60% 96%)");
        assert_eq!(cell_color(-1.0, 1.0), "hsl(12 60% 46%)");
        assert_eq!(cell_color(3.0, 0.0), "hsl(188 60% 96%)");
    }

    #[test]
    fn the_plot_ends_at_the_top_right_for_cache_off() {
        let config = GptConfig::new();
        let axes = work_axes(&config, 300.0, 200.0);
        let (on, off) = work_plot(&config, axes);
        assert!(off.ends_with("290.0,8.0"), "{off}");
        assert!(on.starts_with("56.0,") && on.split(' ').count() == config.context);
        // The y axis reads FLOPs in round steps, up to the cache-off total.
        let ticks = axes.1.ticks(5);
        assert_eq!(ticks[0].label, "0");
        assert!(ticks.len() >= 3 && ticks.last().unwrap().value <= axes.1.max, "{ticks:?}");
    }

    #[test]
    fn the_memory_sentence_counts_two_rows_per_token_and_layer() {
        let text = GptConfig::new().with_vocab(2048).with_context(128).with_width(128).with_heads(4).with_layers(4);
        let said = memory_sentence(&text);
        assert!(said.contains("window of 128: 131,072 numbers, 524.3 KB in"), "{said}");
        // GPT-2 small: 2 × 12 × 1,024 × 768.
        assert!(said.contains("1,024 tokens: 18,874,368 numbers, 37.7 MB in 2-byte halves"), "{said}");
        // Llama 2 7B's shape: 2 × 32 × 4,096 × 4,096 numbers, 2 bytes each; (80 − 13.48) GB over 2.15 GB.
        assert!(said.contains("4,096 tokens: 1,073,741,824 numbers, 2.15 GB in halves"), "{said}");
        assert!(said.contains("(13.48 GB) on an accelerator of 80.00 GB, the rest holds 30 such sequences"), "{said}");
        assert_eq!(format_bytes(999), "1.0 KB");
    }
}
