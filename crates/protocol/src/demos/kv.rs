//! The KV-cache demonstration: a real 12-token generation from the trained transformer, the cache rows
//! it fills, and the comparison of the two paths (the model crate records and measures them).

use sampling::{Sampler, Temperature, TokenId, TopK, TopP};
use serde::{Deserialize, Serialize};

use crate::GptConfig;

/// How many tokens the demonstration generates.
pub const STEPS: usize = 12;
/// The seed of the demonstration's draws.
pub const SEED: u64 = 7;

/// The sampler of the demonstration.
pub fn sampler() -> Sampler {
    Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(0.9).unwrap_or(TopP::OFF))
}

/// One cached row: the token whose key and value it holds, and one summary number per head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The token fed at this position.
    pub token: TokenId,
    /// Per head, the mean of that head's key entries.
    pub keys: Vec<f32>,
    /// Per head, the mean of that head's value entries.
    pub values: Vec<f32>,
}

/// The recorded generation: layer 0's cache rows after every step, and the tokens generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KvRecording {
    /// One row per token fed, in order.
    pub rows: Vec<Row>,
    /// The tokens generated, one per step.
    pub generated: Vec<TokenId>,
}

/// Means of consecutive groups of `group` entries: one per head of a row of keys or values.
pub fn group_means(row: &[f32], group: usize) -> Vec<f32> {
    row.chunks(group.max(1)).map(|c| c.iter().sum::<f32>() / c.len() as f32).collect()
}

/// How many tokens the speed comparison runs: two context windows' worth, so that it shows both what the
/// cache saves inside the window and what it costs to rebuild past it.
pub fn comparison_length(config: &GptConfig) -> usize {
    2 * config.context
}

/// Both paths run over the same tokens, timed where they ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KvComparison {
    /// Tokens fed.
    pub tokens: usize,
    /// Milliseconds per token with the cache.
    pub on_ms: f64,
    /// Milliseconds per token without it.
    pub off_ms: f64,
    /// The largest absolute difference between the two paths' logits.
    pub difference: f64,
}

/// The largest absolute difference between two runs' logits.
pub fn largest_difference(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    a.iter().flatten().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_per_head_and_the_largest_difference() {
        assert_eq!(group_means(&[1.0, 3.0, 2.0, 4.0], 2), [2.0, 3.0]);
        assert_eq!(group_means(&[1.0, 2.0], 0), [1.0, 2.0], "a group of 0 is taken as 1");
        assert_eq!(largest_difference(&[vec![1.0, 2.0]], &[vec![1.5, 2.0]]), 0.5);
        assert_eq!(comparison_length(&GptConfig::new()), 32);
    }
}
