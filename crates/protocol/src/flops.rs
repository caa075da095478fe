//! Exact work accounting: floating-point operations of one generation step, with and without the cache.
//!
//! A multiply-add counts as 2. Counted: the matrix products that dominate (the query/key/value and
//! output projections, attention scores, the weighted sum of values, the MLP, the output head).
//! Not counted: embeddings (lookups), layer norms, softmax and GELU (linear in the width, small).

use serde::{Deserialize, Serialize};

use crate::GptConfig;

/// The work of one step, per part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFlops {
    /// Query, key and value projections, and the output projection.
    pub projections: u64,
    /// Query · key for every (query, key) pair attended.
    pub scores: u64,
    /// Attention weights times values.
    pub weighted_sum: u64,
    /// Both MLP matrices.
    pub mlp: u64,
    /// The output head.
    pub head: u64,
}

impl StepFlops {
    /// All parts together.
    pub fn total(&self) -> u64 {
        self.projections + self.scores + self.weighted_sum + self.mlp + self.head
    }

    /// The part that does not depend on how many tokens are attended: projections, MLP and head.
    pub fn fixed(&self) -> u64 {
        self.projections + self.mlp + self.head
    }

    /// Attention proper: the scores and the weighted sum, which grow with the tokens attended.
    pub fn attention(&self) -> u64 {
        self.scores + self.weighted_sum
    }

    /// Attention's share of the whole step, 0 for a step that does nothing.
    pub fn attention_share(&self) -> f64 {
        if self.total() == 0 { 0.0 } else { self.attention() as f64 / self.total() as f64 }
    }
}

/// Whether earlier keys and values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cache {
    /// Only the new token runs; it attends over the cached keys and values.
    On,
    /// The whole (cropped) context runs again, every position attending to its past.
    Off,
}

impl GptConfig {
    /// The work of producing the next token when the context holds `t` tokens (the new one included),
    /// cropped to the window.
    ///
    /// Past the window (t > context) the oldest token leaves and every other one moves a position. Keys
    /// and values carry their positions, so with the cache the last context − 1 tokens are run again in
    /// one batched pass (no output head: only their keys and values are wanted), then the new token
    /// steps as usual. Without the cache nothing changes: the cropped window runs, as always.
    pub fn step_flops(&self, t: usize, cache: Cache) -> StepFlops {
        if cache == Cache::On && t > self.context {
            let rebuild = if self.context > 1 {
                StepFlops { head: 0, ..self.step_flops(self.context - 1, Cache::Off) }
            } else {
                StepFlops::default()
            };
            let step = self.step_flops(self.context, Cache::On);
            return StepFlops {
                projections: rebuild.projections + step.projections,
                scores: rebuild.scores + step.scores,
                weighted_sum: rebuild.weighted_sum + step.weighted_sum,
                mlp: rebuild.mlp + step.mlp,
                head: rebuild.head + step.head,
            };
        }
        let t = t.clamp(1, self.context) as u64;
        let (c, v, l) = (self.width as u64, self.vocab as u64, self.layers as u64);
        // Per position and layer: qkv (c → 3c) and output (c → c) projections; the MLP (c → 4c → c).
        let projections_one = 2 * c * 3 * c + 2 * c * c;
        let mlp_one = 2 * c * 4 * c + 2 * 4 * c * c;
        match cache {
            Cache::On => StepFlops {
                projections: l * projections_one,
                scores: l * 2 * t * c,
                weighted_sum: l * 2 * t * c,
                mlp: l * mlp_one,
                head: 2 * c * v,
            },
            Cache::Off => {
                // Position i (1-based) attends to i keys: Σᵢ 2ic = t(t + 1)c per layer.
                let pairs = t * (t + 1) / 2;
                StepFlops {
                    projections: l * t * projections_one,
                    scores: l * 2 * pairs * c,
                    weighted_sum: l * 2 * pairs * c,
                    mlp: l * t * mlp_one,
                    // The forward pass applies the head at every position.
                    head: t * 2 * c * v,
                }
            }
        }
    }

    /// The smallest context length t at which a cached step spends at least as much on attention as on
    /// everything else (its [`StepFlops::fixed`] part), counted by [`GptConfig::step_flops`] as if the
    /// window did not stop it. The fixed part grows with width² and the attention with width × t, so the
    /// crossover sits near 6 × width + vocab / (2 × layers).
    pub fn attention_crossover(&self) -> usize {
        let unbounded = self.clone().with_context(usize::MAX / 2);
        let attention_wins = |t: usize| {
            let step = unbounded.step_flops(t, Cache::On);
            step.attention() >= step.fixed()
        };
        // Attention grows with t and the fixed part does not: search for the first t where it wins.
        let (mut low, mut high) = (1usize, 2usize);
        while !attention_wins(high) {
            low = high;
            high *= 2;
        }
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            if attention_wins(mid) { high = mid } else { low = mid }
        }
        if attention_wins(low) { low } else { high }
    }

    /// The smallest number of tokens T at which attention's work, summed over a whole generation of T
    /// tokens without the cache (and without a window), is at least the rest's: the T³ term of the
    /// uncached total overtaking its T² term. Summing [`GptConfig::step_flops`] gives the exact form: T + 2
    /// ≥ 18 × width + 1.5 × vocab / layers.
    pub fn uncached_crossover(&self) -> usize {
        let unbounded = self.clone().with_context(usize::MAX / 2);
        let (mut attention, mut fixed, mut t) = (0u128, 0u128, 0usize);
        while t == 0 || attention < fixed {
            t += 1;
            let step = unbounded.step_flops(t, Cache::Off);
            attention += u128::from(step.attention());
            fixed += u128::from(step.fixed());
        }
        t
    }

    /// The shape of GPT-2 small (Radford et al. 2019): 50,257 tokens, a 1,024-token window, width 768,
    /// 12 heads, 12 layers. For comparing work counts with a model of a familiar size.
    pub fn gpt2_small() -> Self {
        Self::new().with_vocab(50_257).with_context(1024).with_width(768).with_heads(12).with_layers(12)
    }

    /// The shape of Llama 2 7B's attention (Touvron et al. 2023): 32 layers of width 4,096, 32 heads each
    /// keeping its own keys and values, a 4,096-token window (its MLP differs from this crate's; the cache
    /// does not depend on it).
    pub fn llama2_7b() -> Self {
        Self::new().with_vocab(32_000).with_context(4096).with_width(4096).with_heads(32).with_layers(32)
    }

    /// Numbers a KV cache holds for one sequence of `t` tokens (at most the window): a key and a value of
    /// `width` numbers per token and layer.
    pub fn cache_numbers(&self, t: usize) -> u64 {
        2 * self.layers as u64 * t.min(self.context) as u64 * self.width as u64
    }

    /// The work of generating tokens until the context holds `t`, starting from one token.
    pub fn cumulative_flops(&self, t: usize, cache: Cache) -> u64 {
        (1..=t).map(|i| self.step_flops(i, cache).total()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width 2, one layer, one head, vocabulary 3, window 4: small enough to count by hand.
    fn tiny() -> GptConfig {
        GptConfig::new().with_vocab(3).with_context(4).with_width(2).with_heads(1).with_layers(1)
    }

    #[test]
    fn counts_by_hand_cache_on() {
        // At t = 3: qkv 2·2·6 = 24, output 2·2·2 = 8 → 32; scores 2·3·2 = 12; weighted 12;
        // MLP 2·2·8 + 2·8·2 = 64; head 2·2·3 = 12. Total 132.
        let f = tiny().step_flops(3, Cache::On);
        assert_eq!(f, StepFlops { projections: 32, scores: 12, weighted_sum: 12, mlp: 64, head: 12 });
        assert_eq!(f.total(), 132);
    }

    #[test]
    fn counts_by_hand_cache_off() {
        // At t = 3 every position runs: projections 3·32 = 96; scores 2·(1+2+3)·2 = 24; weighted 24;
        // MLP 3·64 = 192; head 3·12 = 36. Total 372.
        let f = tiny().step_flops(3, Cache::Off);
        assert_eq!(f, StepFlops { projections: 96, scores: 24, weighted_sum: 24, mlp: 192, head: 36 });
        assert_eq!(f.total(), 372);
    }

    #[test]
    fn the_crossover_is_where_attention_catches_up_with_the_fixed_part() {
        // Width 2, one layer, vocabulary 3: fixed = 8c² + 16c² + 2cV = 96 + 12 = 108; attention 4tc = 8t.
        // 8t ≥ 108 first at t = 14.
        assert_eq!(tiny().attention_crossover(), 14);
        // The shipped shape (width 48, 2 layers): fixed 113,184, attention 384t: t = 295, far past its
        // window of 16. GPT-2 small: 6c + V/2L = 4,608 + 2,094.04: t = 6,703, past its window of 1,024.
        let shipped = GptConfig::new().with_width(48);
        assert_eq!(shipped.attention_crossover(), 295);
        assert_eq!(GptConfig::gpt2_small().attention_crossover(), 6_703);
        for config in [tiny(), shipped, GptConfig::gpt2_small()] {
            let t = config.attention_crossover();
            let unbounded = config.clone().with_context(t + 1);
            let at = |t| unbounded.step_flops(t, Cache::On);
            assert!(at(t).attention() >= at(t).fixed() && at(t - 1).attention() < at(t - 1).fixed());
        }
    }

    #[test]
    fn a_cached_step_is_a_fixed_part_plus_attention_linear_in_t() {
        let config = GptConfig::new().with_width(48);
        let at = |t| config.step_flops(t, Cache::On);
        assert_eq!(at(1).fixed(), at(16).fixed());
        assert_eq!(at(16).attention(), 16 * at(1).attention());
        assert_eq!(at(16).fixed() + at(16).attention(), at(16).total());
        // At t = 16 attention is about 5 % of the step.
        assert!((0.05..0.055).contains(&at(16).attention_share()), "{}", at(16).attention_share());
        assert_eq!(StepFlops::default().attention_share(), 0.0);
    }

    #[test]
    fn the_first_step_costs_the_same_both_ways() {
        assert_eq!(tiny().step_flops(1, Cache::On), tiny().step_flops(1, Cache::Off));
    }

    #[test]
    fn past_the_window_the_cache_rebuilds() {
        // Window 4: at t = 5 the cache reruns 3 tokens without the head (Off at 3 is 96 + 24 + 24 + 192
        // + 36; less the head's 36 that is 336), then steps at t = 4 (32 + 16 + 16 + 64 + 12 = 140).
        assert_eq!(tiny().step_flops(5, Cache::On).total(), 336 + 140);
        assert_eq!(tiny().step_flops(9, Cache::On), tiny().step_flops(5, Cache::On));
        assert_eq!(tiny().step_flops(9, Cache::Off), tiny().step_flops(4, Cache::Off));
        // So the saving over two windows is smaller than over one.
        let config = GptConfig::new().with_context(16).with_width(48).with_layers(2);
        let ratio = |t| config.cumulative_flops(t, Cache::Off) as f64 / config.cumulative_flops(t, Cache::On) as f64;
        assert!(ratio(32) < ratio(16) && ratio(32) > 1.0, "{} vs {}", ratio(32), ratio(16));
    }

    #[test]
    fn without_the_cache_the_total_grows_faster() {
        let config = GptConfig::new().with_context(1024).with_width(64).with_layers(2);
        let on = |t| config.cumulative_flops(t, Cache::On) as f64;
        let off = |t| config.cumulative_flops(t, Cache::Off) as f64;
        // With the cache each step is linear in t, so doubling T at most quadruples the total (the
        // per-token projections alone would double it); without, each step redoes the past, so the
        // total at least quadruples.
        for t in [64, 128, 256, 512] {
            let (grow_on, grow_off) = (on(2 * t) / on(t), off(2 * t) / off(t));
            assert!((2.0..4.0).contains(&grow_on), "cache on: ×{grow_on} from {t}");
            assert!((3.9..8.0).contains(&grow_off), "cache off: ×{grow_off} from {t}");
            assert!(off(2 * t) / on(2 * t) > off(t) / on(t), "the saving grows with T");
        }
        assert!(off(1024) / on(1024) > 100.0);
    }

    #[test]
    fn the_uncached_totals_cross_where_the_closed_form_says() {
        // T + 2 ≥ 18c + 1.5 v / l: for the names model 864 + 20.25, so T = 883.
        assert_eq!(GptConfig::new().uncached_crossover(), 883);
        for config in [GptConfig::gpt2_small(), GptConfig::new().with_vocab(2048).with_width(128).with_layers(4)] {
            let bound = 18.0 * config.width as f64 + 1.5 * config.vocab as f64 / config.layers as f64 - 2.0;
            assert_eq!(config.uncached_crossover(), bound.ceil() as usize);
        }
    }
}
