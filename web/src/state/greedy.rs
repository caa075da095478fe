//! Greedy decoding on the trained transformer, and the cycle it falls into.

use model::{LanguageModel, ModelError, START, Vocab, next_logits};
use sampling::{Sampler, Strategy, TokenId, seeded_rng};

/// How many tokens each run generates.
pub const LENGTH: usize = 40;
/// The seed of the sampled run.
pub const SEED: u64 = 3;

/// The earliest start and shortest period from which `tokens` repeat to the end, at least twice over.
pub fn find_cycle(tokens: &[TokenId]) -> Option<(usize, usize)> {
    let n = tokens.len();
    for start in 0..n {
        for period in 1..=(n - start) / 2 {
            if (start..n - period).all(|i| tokens[i] == tokens[i + period]) {
                return Some((start, period));
            }
        }
    }
    None
}

/// Greedy and sampled runs from `·`, without stopping at the end of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct GreedyDemo {
    /// The greedy run.
    pub greedy: Vec<TokenId>,
    /// Where the greedy run starts repeating, and its period.
    pub cycle: Option<(usize, usize)>,
    /// A sampled run from the same prompt.
    pub sampled: Vec<TokenId>,
    /// Where (if anywhere) the sampled run repeats.
    pub sampled_cycle: Option<(usize, usize)>,
}

impl GreedyDemo {
    /// Runs both. The model was trained on one name at a time, so after each `·` it starts afresh: its
    /// context is the current name only.
    ///
    /// # Errors
    /// Whatever the model returns.
    pub fn run<M: LanguageModel>(model: &M) -> Result<Self, ModelError> {
        let current_name = |c: &[TokenId]| c.iter().rposition(|&t| t == START).unwrap_or(0);
        let run = |strategy: Strategy, seed| {
            sampling::generate(&[START], LENGTH, None, &strategy, &mut seeded_rng(seed), |c| {
                next_logits(model, &c[current_name(c)..])
            })
        };
        let greedy = run(Strategy::Greedy, 0)?;
        let sampled = run(Strategy::Sample(Sampler::default()), SEED)?;
        Ok(Self { cycle: find_cycle(&greedy), sampled_cycle: find_cycle(&sampled), greedy, sampled })
    }
}

/// The text of tokens split into (before the cycle, the cycle's repeats).
pub fn split_at_cycle(tokens: &[TokenId], cycle: Option<(usize, usize)>) -> (String, String) {
    let text = |t: &[TokenId]| Vocab.decode(t).unwrap_or_default();
    match cycle {
        Some((start, _)) => (text(&tokens[..start]), text(&tokens[start..])),
        None => (text(tokens), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_at_their_earliest_start_and_shortest_period() {
        assert_eq!(find_cycle(&[5, 1, 2, 1, 2, 1, 2]), Some((1, 2)));
        assert_eq!(find_cycle(&[3, 3, 3, 3]), Some((0, 1)));
        assert_eq!(find_cycle(&[1, 2, 3, 4, 5]), None);
        assert_eq!(find_cycle(&[9, 0, 1, 2, 0, 1, 2, 0, 1]), Some((1, 3)));
        assert_eq!(find_cycle(&[]), None);
    }

    #[test]
    fn the_text_splits_where_the_loop_starts() {
        assert_eq!(split_at_cycle(&[0, 1, 2, 1, 2], Some((1, 2))), ("·".to_string(), "abab".to_string()));
        assert_eq!(split_at_cycle(&[1, 2], None), ("ab".to_string(), String::new()));
    }
}
