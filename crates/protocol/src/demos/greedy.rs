//! Greedy decoding run on and on through the model's window, and the cycle it must fall into.
//!
//! The model reads at most its last `window` symbols, and greedy decoding is a fixed function of what
//! the model reads. So once a window of symbols comes back, the symbol after it comes back too, then
//! the next window, and so on forever. There are finitely many windows, so a long enough greedy run
//! always sees one again: that is the cycle.

use std::collections::HashMap;

use sampling::{Logits, Sampler, Strategy, TokenId, seeded_rng};
use serde::{Deserialize, Serialize};

use crate::{ModelError, START};

/// How many symbols a run may write while looking for a repeated window.
pub const MAX_LENGTH: usize = 400;
/// The seed of the sampled run.
pub const SEED: u64 = 3;

/// Where a run first read a window it had read before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repeat {
    /// The run's position (0 is the opening `·`) that ended the window the first time.
    pub first: usize,
    /// The position that ended it the second time.
    pub again: usize,
    /// The window's length.
    pub window: usize,
}

impl Repeat {
    /// The period of the cycle: how many symbols one lap takes.
    pub fn period(&self) -> usize {
        self.again - self.first
    }

    /// Where the repeating part starts: the first symbol of the window's first appearance.
    pub fn start(&self) -> usize {
        self.first + 1 - self.window
    }
}

/// Extends `·` one symbol at a time through a model's `window`, without ever resetting it, until the
/// full window the model reads repeats one it read before or the run holds `max_len` symbols. `next`
/// gives the model's logits after a context (cropped to the window by the model).
///
/// # Errors
/// Whatever `next` returns.
pub fn run_until_repeat(
    window: usize,
    mut next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
    strategy: &Strategy,
    seed: u64,
    max_len: usize,
) -> Result<(Vec<TokenId>, Option<Repeat>), ModelError> {
    let mut rng = seeded_rng(seed);
    let mut run = vec![START];
    let mut seen: HashMap<Vec<TokenId>, usize> = HashMap::new();
    loop {
        let end = run.len() - 1;
        if run.len() >= window {
            let read = run[run.len() - window..].to_vec();
            if let Some(&first) = seen.get(&read) {
                return Ok((run, Some(Repeat { first, again: end, window })));
            }
            seen.insert(read, end);
        }
        if run.len() >= max_len {
            return Ok((run, None));
        }
        let logits = next(&run)?;
        run.push(strategy.choose(&logits, &mut rng));
    }
}

/// A greedy run and a sampled one of the same length, both continuous (the model's context runs on
/// across the ends of names, cropped to its window).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreedyDemo {
    /// How many symbols the model reads.
    pub window: usize,
    /// The greedy run, up to and including the second appearance of its repeated window.
    pub greedy: Vec<TokenId>,
    /// Where its window repeated (always, given enough symbols; `None` only past [`MAX_LENGTH`]).
    pub repeat: Option<Repeat>,
    /// A sampled run (τ = 1) as long as the greedy one.
    pub sampled: Vec<TokenId>,
    /// Whether the sampled run read any window twice.
    pub sampled_repeat: Option<Repeat>,
}

impl GreedyDemo {
    /// Runs both on the model that `next` runs, which reads `window` symbols.
    ///
    /// # Errors
    /// Whatever `next` returns.
    pub fn run(
        window: usize,
        mut next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
    ) -> Result<Self, ModelError> {
        let (greedy, repeat) = run_until_repeat(window, &mut next, &Strategy::Greedy, 0, MAX_LENGTH)?;
        let sample = Strategy::Sample(Sampler::default());
        let (sampled, sampled_repeat) = run_until_repeat(window, &mut next, &sample, SEED, greedy.len())?;
        Ok(Self { window, greedy, repeat, sampled, sampled_repeat })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that has only ever seen `·abc·`: after each symbol, the next of that name, strongly.
    fn cyclic(context: &[TokenId]) -> Result<Logits, ModelError> {
        let next = match context.last() {
            Some(&t) if t < 3 => t + 1,
            _ => 0,
        };
        Ok(Logits::new((0..27).map(|t| if t == next { 8.0 } else { 0.0 }).collect())?)
    }

    #[test]
    fn a_fixed_function_of_a_window_cycles_once_a_window_repeats() {
        let (run, repeat) = run_until_repeat(3, cyclic, &Strategy::Greedy, 0, 100).unwrap();
        assert_eq!(run, [0, 1, 2, 3, 0, 1, 2], "·abc·ab");
        // Windows: ·ab (2), abc (3), bc· (4), c·a (5), ·ab again (6).
        let r = repeat.unwrap();
        assert_eq!((r.first, r.again, r.period(), r.start()), (2, 6, 4, 0));
    }

    #[test]
    fn the_run_stops_at_its_limit_when_nothing_repeats() {
        let (run, repeat) = run_until_repeat(3, cyclic, &Strategy::Greedy, 0, 5).unwrap();
        assert_eq!((run.len(), repeat), (5, None));
    }

    #[test]
    fn both_runs_are_as_long_and_an_error_stops_them() {
        let demo = GreedyDemo::run(3, cyclic).unwrap();
        assert_eq!(demo.sampled.len(), demo.greedy.len());
        assert_eq!(demo.window, 3);
        let failing = |_: &[TokenId]| Err(ModelError::EmptyContext);
        assert_eq!(GreedyDemo::run(3, failing), Err(ModelError::EmptyContext));
    }
}
