//! Greedy decoding on the trained transformer, run on and on through its window, and the cycle it
//! must fall into.
//!
//! The model reads at most its last `window` symbols, and greedy decoding is a fixed function of what
//! the model reads. So once a window of symbols comes back, the symbol after it comes back too, then
//! the next window, and so on forever. There are finitely many windows, so a long enough greedy run
//! always sees one again: that is the cycle.

use std::collections::HashMap;

use model::{LanguageModel, ModelError, START, Vocab, next_logits};
use sampling::{Sampler, Strategy, TokenId, seeded_rng};

/// How many symbols a run may write while looking for a repeated window.
pub const MAX_LENGTH: usize = 400;
/// The seed of the sampled run.
pub const SEED: u64 = 3;

/// Where a run first read a window it had read before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Extends `prompt` one symbol at a time through the model's window, without ever resetting it, until
/// the full window the model reads repeats one it read before or the run holds `max_len` symbols.
///
/// # Errors
/// Whatever the model returns.
pub fn run_until_repeat<M: LanguageModel>(
    model: &M,
    strategy: &Strategy,
    seed: u64,
    max_len: usize,
) -> Result<(Vec<TokenId>, Option<Repeat>), ModelError> {
    let window = model.context_window();
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
        let logits = next_logits(model, &run)?; // crops to the window
        run.push(strategy.choose(&logits, &mut rng));
    }
}

/// A greedy run and a sampled one of the same length, both continuous (the model's context runs on
/// across the ends of names, cropped to its window).
#[derive(Debug, Clone, PartialEq)]
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
    /// Runs both.
    ///
    /// # Errors
    /// Whatever the model returns.
    pub fn run<M: LanguageModel>(model: &M) -> Result<Self, ModelError> {
        let (greedy, repeat) = run_until_repeat(model, &Strategy::Greedy, 0, MAX_LENGTH)?;
        let (sampled, sampled_repeat) =
            run_until_repeat(model, &Strategy::Sample(Sampler::default()), SEED, greedy.len())?;
        Ok(Self { window: model.context_window(), greedy, repeat, sampled, sampled_repeat })
    }

    /// The greedy run as text in three parts: before the cycle, one lap of it, and the window read again.
    pub fn greedy_parts(&self) -> [String; 3] {
        let text = |t: &[TokenId]| Vocab.text(t);
        match self.repeat {
            Some(r) => [
                text(&self.greedy[..r.start()]),
                text(&self.greedy[r.start()..r.start() + r.period()]),
                text(&self.greedy[r.start() + r.period()..]),
            ],
            None => [text(&self.greedy), String::new(), String::new()],
        }
    }

    /// What the page says about the greedy run.
    pub fn greedy_summary(&self) -> String {
        match self.repeat {
            Some(r) => format!(
                "After symbol {}, the {} symbols the model reads are the same {} it read after symbol {}. \
                 Greedy is a fixed function of those {}, so from symbol {} on the run repeats with period {}, \
                 forever.",
                r.again,
                r.window,
                r.window,
                r.first,
                r.window,
                r.start(),
                r.period()
            ),
            None => format!("No window repeated within {} symbols.", self.greedy.len()),
        }
    }

    /// What the page says about the sampled run.
    pub fn sampled_summary(&self) -> String {
        match self.sampled_repeat {
            Some(r) => format!(
                "It read one window twice (after symbols {} and {}), but a draw need not repeat what \
                 followed it.",
                r.first, r.again
            ),
            None => format!("In {} symbols it never reads the same window twice.", self.sampled.len()),
        }
    }

    /// The sampled run as text.
    pub fn sampled_text(&self) -> String {
        Vocab.text(&self.sampled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, Int, Tensor};

    /// A bigram fit to `·abc·` only (so greedy writes `·abc` round and round), read through a window of 3.
    struct Cyclic(model::Bigram);

    impl Cyclic {
        fn new() -> Self {
            let counts = model::BigramCounts::from_sequences(&[vec![0, 1, 2, 3, 0]]).unwrap();
            Self(model::Bigram::fit(&counts, &model::device()))
        }
    }

    impl LanguageModel for Cyclic {
        fn forward(&self, tokens: Tensor<2, Int>) -> Tensor<3> {
            self.0.forward(tokens)
        }
        fn context_window(&self) -> usize {
            3
        }
        fn device(&self) -> Device {
            self.0.device()
        }
    }

    #[test]
    fn a_fixed_function_of_a_window_cycles_once_a_window_repeats() {
        let (run, repeat) = run_until_repeat(&Cyclic::new(), &Strategy::Greedy, 0, 100).unwrap();
        assert_eq!(Vocab.decode(&run).unwrap(), "·abc·ab");
        // Windows: ·ab (2), abc (3), bc· (4), c·a (5), ·ab again (6).
        let r = repeat.unwrap();
        assert_eq!((r.first, r.again, r.period(), r.start()), (2, 6, 4, 0));
        let demo = GreedyDemo { window: 3, greedy: run, repeat, sampled: vec![], sampled_repeat: None };
        assert_eq!(demo.greedy_parts(), ["".to_string(), "·abc".to_string(), "·ab".to_string()]);
        assert!(demo.greedy_summary().starts_with("After symbol 6, the 3 symbols"), "{}", demo.greedy_summary());
        assert!(demo.greedy_summary().contains("from symbol 0 on the run repeats with period 4"));
    }

    #[test]
    fn the_run_stops_at_its_limit_when_nothing_repeats() {
        let (run, repeat) = run_until_repeat(&Cyclic::new(), &Strategy::Greedy, 0, 5).unwrap();
        assert_eq!((run.len(), repeat), (5, None));
        let demo = GreedyDemo { window: 3, greedy: run.clone(), repeat, sampled: run, sampled_repeat: None };
        assert_eq!(demo.greedy_parts()[1], "");
        assert_eq!(demo.sampled_summary(), "In 5 symbols it never reads the same window twice.");
    }
}
