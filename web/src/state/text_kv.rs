//! The KV cache on the Shakespeare model: a run from the learner's prompt to a full window, stepped
//! through at any t, with the step's exact work per part, what the cache holds in bytes, and the
//! measured time of both paths beside the FLOP ratio. The run and the timing come from the model worker;
//! the counts are computed here from the model's shape.

use protocol::demos::kv::KvComparison;
use protocol::text::{TextKvRun, cache_bytes};
use protocol::{Cache, GptConfig, StepFlops};

use crate::state::kv::{format_flops, group_thousands, parts};

/// The context lengths the work table compares: one token, half the window, the whole window.
pub fn marks(config: &GptConfig) -> [usize; 3] {
    [1, config.context.div_ceil(2), config.context]
}

/// What a token's row is at the current step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Its key and value are computed at this step.
    Computed,
    /// Its key and value are read from the cache.
    Reused,
}

/// One token of the run up to the current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvChip {
    /// The piece as shown (`␣` for a space, `↵` for a line break).
    pub shown: String,
    /// Whether the learner typed it.
    pub typed: bool,
    /// What its row is at this step.
    pub row: Row,
}

impl KvChip {
    /// Its class on the page.
    pub fn class(&self) -> &'static str {
        match (self.typed, self.row) {
            (true, Row::Computed) => "chip prompt computed",
            (true, Row::Reused) => "chip prompt",
            (false, Row::Computed) => "chip written computed",
            (false, Row::Reused) => "chip written",
        }
    }
}

/// The demonstration's state.
#[derive(Debug, Clone, PartialEq)]
pub struct TextKv {
    config: GptConfig,
    run: Option<TextKvRun>,
    t: usize,
    cache: Cache,
}

impl TextKv {
    /// Before any run: step 1, the cache on.
    pub fn new(config: GptConfig) -> Self {
        Self { config, run: None, t: 1, cache: Cache::On }
    }

    /// The model's shape.
    pub fn config(&self) -> &GptConfig {
        &self.config
    }

    /// Takes a run from the worker; the step stays where it was, within the run.
    pub fn take(&mut self, run: TextKvRun) {
        self.run = Some(run);
        self.set_t(self.t);
    }

    /// The run, once there is one.
    pub fn run(&self) -> Option<&TextKvRun> {
        self.run.as_ref()
    }

    /// The step: the token fed is the t-th, and the context holds t tokens.
    pub fn t(&self) -> usize {
        self.t
    }

    /// The largest step: the run's length, or the window before there is a run.
    pub fn last(&self) -> usize {
        self.run.as_ref().map_or(self.config.context, |r| r.tokens.len()).max(1)
    }

    /// Moves to step `t`, kept within 1 and [`TextKv::last`].
    pub fn set_t(&mut self, t: usize) {
        self.t = t.clamp(1, self.last());
    }

    /// Whether the cache is kept.
    pub fn cache(&self) -> Cache {
        self.cache
    }

    /// Switches the cache on or off; the step stays.
    pub fn set_cache(&mut self, cache: Cache) {
        self.cache = cache;
    }

    /// The tokens up to this step, each with its row: with the cache only the newest is computed.
    pub fn chips(&self) -> Vec<KvChip> {
        let Some(run) = &self.run else { return Vec::new() };
        run.tokens
            .iter()
            .take(self.t)
            .enumerate()
            .map(|(i, token)| KvChip {
                shown: token.shown.clone(),
                typed: i < run.prompt_len,
                row: if self.cache == Cache::Off || i + 1 == self.t { Row::Computed } else { Row::Reused },
            })
            .collect()
    }

    /// This step's work, as set.
    pub fn step(&self) -> StepFlops {
        self.config.step_flops(self.t, self.cache)
    }

    /// The work of steps 1 to t with the cache on or off.
    pub fn cumulative(&self, cache: Cache) -> u64 {
        self.config.cumulative_flops(self.t, cache)
    }

    /// What this step does, in words.
    pub fn step_line(&self) -> String {
        let piece = self.chips().last().map(|c| c.shown.clone()).unwrap_or_default();
        let t = self.t;
        match self.cache {
            Cache::On => format!(
                "Step t = {t} feeds “{piece}”: its key and value are computed and appended; the other {} rows \
                 are read from the cache.",
                t - 1
            ),
            Cache::Off => {
                format!("Step t = {t} feeds “{piece}”: all {t} tokens run again, every key and value recomputed.")
            }
        }
    }

    /// What the cache holds at this step, in bytes.
    pub fn memory_line(&self) -> String {
        let c = &self.config;
        match self.cache {
            Cache::On => format!(
                "The cache holds {} tokens × {} layers × a key and a value × {} numbers × 4 bytes = {} bytes \
                 ({} at the full window of {}).",
                self.t,
                c.layers,
                c.width,
                group_thousands(cache_bytes(c, self.t)),
                kilobytes(cache_bytes(c, c.context)),
                c.context,
            ),
            Cache::Off => "Without the cache nothing is kept between steps: no memory, all the work again.".into(),
        }
    }

    /// Cumulative work without the cache over with it, up to this step.
    pub fn flop_ratio(&self) -> f64 {
        self.cumulative(Cache::Off) as f64 / self.cumulative(Cache::On).max(1) as f64
    }
}

/// Bytes as the page shows a size: "64.0 KB" (1 KB = 1,000 bytes).
fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The work of one cached step at each of [`marks`], part by part with its share, then attention's
/// share: rows of (part, one cell per mark).
pub fn work_table(config: &GptConfig) -> Vec<(String, [String; 3])> {
    let steps = marks(config).map(|t| config.step_flops(t, Cache::On));
    let mut rows: Vec<(String, [String; 3])> = (0..5)
        .map(|part| {
            let name = parts(&steps[0])[part].0.to_string();
            let cell = |s: &StepFlops| {
                let n = parts(s)[part].1;
                format!("{} ({:.1} %)", format_flops(n), 100.0 * n as f64 / s.total().max(1) as f64)
            };
            (name, [cell(&steps[0]), cell(&steps[1]), cell(&steps[2])])
        })
        .collect();
    rows.push((
        "attention's share (scores and weighted sum)".into(),
        steps.map(|s| format!("{:.1} %", 100.0 * s.attention_share())),
    ));
    rows
}

/// The measurement, in one line: both paths per token, their ratio, and the FLOP ratio over the same
/// tokens.
pub fn measured_line(m: &KvComparison, flop_ratio: f64) -> String {
    format!(
        "{} tokens: cache on {:.2} ms per token, cache off {:.2} ms per token: measured speedup {:.1}× (FLOP \
         ratio {:.1}×). Largest difference between the two paths' logits: {:.1e}.",
        m.tokens,
        m.on_ms,
        m.off_ms,
        m.off_ms / m.on_ms.max(1e-9),
        flop_ratio,
        m.difference
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::text::TextToken;

    fn config() -> GptConfig {
        GptConfig { vocab: 2048, context: 128, width: 128, heads: 4, layers: 4 }
    }

    fn run(n: usize, prompt_len: usize) -> TextKvRun {
        let tokens = (0..n).map(|id| TextToken { id, shown: format!("␣w{id}"), bytes: vec![b'w'] }).collect();
        TextKvRun { tokens, prompt_len }
    }

    #[test]
    fn with_the_cache_only_the_newest_row_is_computed() {
        let mut kv = TextKv::new(config());
        assert!(kv.chips().is_empty());
        kv.take(run(128, 3));
        kv.set_t(5);
        let rows: Vec<Row> = kv.chips().iter().map(|c| c.row).collect();
        assert_eq!(rows, [Row::Reused, Row::Reused, Row::Reused, Row::Reused, Row::Computed]);
        assert_eq!(kv.chips()[0].class(), "chip prompt");
        assert_eq!(kv.chips()[4].class(), "chip written computed");
        assert_eq!(
            kv.step_line(),
            "Step t = 5 feeds “␣w4”: its key and value are computed and appended; the other 4 rows are read from the cache."
        );
        kv.set_cache(Cache::Off);
        assert!(kv.chips().iter().all(|c| c.row == Row::Computed));
        assert!(kv.step_line().contains("all 5 tokens run again"));
        assert_eq!(kv.step(), config().step_flops(5, Cache::Off));
        kv.set_t(1000);
        assert_eq!(kv.t(), 128);
        kv.set_t(0);
        assert_eq!(kv.t(), 1);
        // A shorter run keeps the step inside it.
        kv.set_t(100);
        kv.take(run(40, 3));
        assert_eq!(kv.t(), 40);
    }

    #[test]
    fn the_cache_holds_two_rows_per_token_and_layer() {
        let mut kv = TextKv::new(config());
        kv.take(run(128, 3));
        kv.set_t(64);
        // 64 tokens × 4 layers × 2 × 128 numbers × 4 bytes.
        assert_eq!(
            kv.memory_line(),
            "The cache holds 64 tokens × 4 layers × a key and a value × 128 numbers × 4 bytes = 262,144 bytes \
             (524.3 KB at the full window of 128)."
        );
        kv.set_cache(Cache::Off);
        assert!(kv.memory_line().starts_with("Without the cache nothing is kept"));
        assert!((kv.flop_ratio() - kv.cumulative(Cache::Off) as f64 / kv.cumulative(Cache::On) as f64).abs() < 1e-12);
        assert!(kv.flop_ratio() > 10.0);
    }

    #[test]
    fn the_work_table_shows_attention_growing_with_the_context() {
        let c = config();
        assert_eq!(marks(&c), [1, 64, 128]);
        let table = work_table(&c);
        assert_eq!(table.len(), 6);
        let share = |t| 100.0 * c.step_flops(t, Cache::On).attention_share();
        assert_eq!(
            table[5].1,
            [format!("{:.1} %", share(1)), format!("{:.1} %", share(64)), format!("{:.1} %", share(128))]
        );
        assert!(share(128) > 4.0 * share(1));
        assert!(table[1].0.starts_with("attention scores"));
        let m = KvComparison { tokens: 128, on_ms: 0.5, off_ms: 6.0, difference: 2e-6 };
        assert_eq!(
            measured_line(&m, 20.0),
            "128 tokens: cache on 0.50 ms per token, cache off 6.00 ms per token: measured speedup 12.0× (FLOP ratio 20.0×). Largest difference between the two paths' logits: 2.0e-6."
        );
    }
}
