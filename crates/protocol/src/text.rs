//! The Shakespeare model as both sides know it: its card (how it was trained and how well it does, with
//! greedy decoding measured on it), a greedy run on text as the page shows it, and where such a run falls
//! into a stretch it writes over and over.

use sampling::TokenId;
use serde::{Deserialize, Serialize};

use crate::GptConfig;

/// The shortest repeating stretch the page reports, in tokens: two laps of a short one ("the the … the"),
/// or at least two of a longer one. Shorter coincidences at the end of a run are not called a loop.
pub const MIN_REPEAT: usize = 8;

/// The source lesson's claim: greedy decoding "collapses into a repeating cycle within 30 tokens". The
/// page measures it rather than repeating it.
pub const CLAIMED_WITHIN: usize = 30;

/// How the Shakespeare model was trained and how well it does, written beside its weights by
/// `cargo xtask train-text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextCard {
    /// The architecture.
    pub config: GptConfig,
    /// Where the text came from, and its split.
    pub corpus: String,
    /// The tokens' file, beside this card: fetched with the weights.
    pub tokenizer: String,
    /// Its length in bytes: checked before the tokens are used.
    pub tokenizer_bytes: u64,
    /// Its SHA-256, in hexadecimal: checked before the tokens are used.
    pub tokenizer_sha256: String,
    /// Tokens in the training works.
    pub train_tokens: usize,
    /// Tokens in the validation works.
    pub validation_tokens: usize,
    /// Characters in the validation works.
    pub validation_characters: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Windows per step, each `config.context` tokens long.
    pub batch: usize,
    /// The seed of initialization and batching.
    pub seed: u64,
    /// Mean negative log-likelihood per token on a stretch of the training works as long as the
    /// validation works, at the end, nats.
    pub train_loss: f64,
    /// Mean negative log-likelihood per token on the validation works, nats.
    pub validation_loss: f64,
    /// The same, per character of the validation text: every token's loss summed, over the characters.
    pub validation_loss_per_character: f64,
    /// Tokens per character of the validation text.
    pub tokens_per_character: f64,
    /// A bigram of characters (add-one), per character of the validation text, nats.
    pub character_bigram_per_character: f64,
    /// A bigram of tokens (add-one), per character of the validation text, nats.
    pub token_bigram_per_character: f64,
    /// The validation loss per token on the validation text's first [`TextCard::HEAD_TOKENS`] tokens
    /// alone: a figure a test recomputes from the shipped weights in seconds.
    pub head_loss: f64,
    /// Number of parameters.
    pub parameters: usize,
    /// Wall-clock training time, seconds.
    pub training_seconds: f64,
    /// The shapes tried before this one, each with its figures after the same short run: how the shape
    /// was chosen.
    pub shapes_tried: Vec<String>,
    /// Greedy decoding from lines of the validation works.
    pub greedy: GreedyMeasured,
    /// The weights file, beside this card.
    pub weights: String,
    /// Its length in bytes: checked before the weights are used.
    pub weights_bytes: u64,
    /// Its SHA-256, in hexadecimal: checked before the weights are used.
    pub weights_sha256: String,
}

impl TextCard {
    /// How many validation tokens [`TextCard::head_loss`] covers.
    pub const HEAD_TOKENS: usize = 2048;
}

/// Greedy runs from prompts taken from the validation works, each written until the model's window is
/// full: where each fell into a repeating stretch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreedyMeasured {
    /// The prompts, one line of the validation works each (with its line break).
    pub prompts: Vec<String>,
    /// For each prompt: where its run began repeating, counted from the first token written, and with
    /// what period; `None` if it did not within the window.
    pub repeats: Vec<Option<Stretch>>,
    /// The tokens each run held at the end (the prompt's and the written ones: the model's window).
    pub window: usize,
}

impl GreedyMeasured {
    /// Tokens written before the repeating stretch began, for the runs that repeated, in order.
    pub fn onsets(&self) -> Vec<usize> {
        let mut onsets: Vec<usize> = self.repeats.iter().flatten().map(|s| s.start).collect();
        onsets.sort_unstable();
        onsets
    }

    /// The median of [`GreedyMeasured::onsets`] (halfway between the middle two for an even count).
    pub fn median_onset(&self) -> Option<f64> {
        let onsets = self.onsets();
        let n = onsets.len();
        (n > 0).then(|| (onsets[(n - 1) / 2] + onsets[n / 2]) as f64 / 2.0)
    }

    /// How many runs repeated within `tokens` written tokens.
    pub fn within(&self, tokens: usize) -> usize {
        self.repeats.iter().flatten().filter(|s| s.start < tokens).count()
    }
}

/// A stretch at the end of a run that is one lap of `period` tokens written over and over, from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stretch {
    /// Where the stretch begins.
    pub start: usize,
    /// The length of one lap.
    pub period: usize,
}

/// The repeating stretch that `run` ends in, if one begins at or after `from`: the earliest start from
/// which everything to the end is one lap repeated (at least two laps and [`MIN_REPEAT`] tokens), and the
/// shortest lap there. `start` is counted from the beginning of `run`.
pub fn repeating_end(run: &[TokenId], from: usize) -> Option<Stretch> {
    let n = run.len();
    let mut best: Option<Stretch> = None;
    for period in 1..=n.saturating_sub(from) / 2 {
        // Walk back from the end while each token equals the one a lap later.
        let mut start = n - period;
        while start > from && run[start - 1] == run[start - 1 + period] {
            start -= 1;
        }
        let length = n - start;
        if length >= 2 * period && length >= MIN_REPEAT && best.is_none_or(|b| start < b.start) {
            best = Some(Stretch { start, period });
        }
    }
    best
}

/// One token of a run on text: its id and its piece, shown with a visible mark for a space and a line
/// break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextToken {
    /// The token's id.
    pub id: TokenId,
    /// Its piece of text, as shown.
    pub shown: String,
    /// Its bytes (a token may hold part of a character).
    pub bytes: Vec<u8>,
}

/// A greedy run of the Shakespeare model from a prompt, until its window is full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextRun {
    /// The prompt's tokens, then the written ones.
    pub tokens: Vec<TextToken>,
    /// How many of them are the prompt's.
    pub prompt_len: usize,
    /// The repeating stretch it ends in, counted from the start of `tokens`.
    pub repeat: Option<Stretch>,
}

impl TextRun {
    /// The text of tokens `range`, its bytes read together (a character split between tokens is whole;
    /// one cut by the range's ends shows as `�`).
    pub fn text(&self, range: std::ops::Range<usize>) -> String {
        let bytes: Vec<u8> = self.tokens.get(range).unwrap_or_default().iter().flat_map(|t| t.bytes.clone()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The Shakespeare model's next-token logits after a prompt and the tokens appended to it: what the
/// loop and the bars on text show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextNext {
    /// The prompt as typed.
    pub prompt: String,
    /// The prompt's token ids, then the appended ones.
    pub ids: Vec<TokenId>,
    /// How many of them are the prompt's.
    pub prompt_len: usize,
    /// Where the model's view starts: everything before it is outside the window.
    pub view_start: usize,
    /// The last position's logits, one per token of the vocabulary.
    pub logits: Vec<f32>,
    /// Every token of the vocabulary, by id.
    pub vocab: Vec<TextToken>,
}

impl TextNext {
    /// The ids appended after the prompt.
    pub fn appended(&self) -> &[TokenId] {
        &self.ids[self.prompt_len.min(self.ids.len())..]
    }

    /// Token `id` as shown (empty outside the vocabulary).
    pub fn piece(&self, id: TokenId) -> &str {
        self.vocab.get(id).map_or("", |t| t.shown.as_str())
    }

    /// The text of `ids`, their bytes read together (`�` for bytes that are not whole characters).
    pub fn text(&self, ids: &[TokenId]) -> String {
        let bytes: Vec<u8> = ids.iter().filter_map(|&id| self.vocab.get(id)).flat_map(|t| t.bytes.clone()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// How many tokens beam search and the sampled lines beside it write at most on text: a line of verse is
/// about ten.
pub const LINE_TOKENS: usize = 32;

/// The widest beam the worker runs on text.
pub const MAX_TEXT_BEAM: usize = 16;

/// How many sampled lines stand beside the beams.
pub const SAMPLED_LINES: u64 = 3;

/// The stretch length repetition is counted at on text: a phrase of four word pieces.
pub const NGRAM: usize = 4;

/// How many of the `n`-token stretches of `tokens` appeared earlier in it.
pub fn repeated_ngrams(tokens: &[TokenId], n: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    tokens.windows(n.max(1)).filter(|w| !seen.insert(*w)).count()
}

/// A line written after a prompt, scored by the model: beam search's or a sampled one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Continuation {
    /// The tokens written, in order.
    pub tokens: Vec<TextToken>,
    /// Σ log P(token | everything before it) over them, under the model's own distribution (τ = 1, nothing
    /// cut), nats.
    pub log_prob: f64,
    /// Whether it ended the line (its last token is the line break) rather than stopping at
    /// [`LINE_TOKENS`].
    pub finished: bool,
}

impl Continuation {
    /// The mean log-probability per token (0 for an empty one).
    pub fn per_token(&self) -> f64 {
        if self.tokens.is_empty() { 0.0 } else { self.log_prob / self.tokens.len() as f64 }
    }

    /// The score beam search ranks by: Σ log p ÷ lengthᵅ.
    pub fn score(&self, alpha: f64) -> f64 {
        self.log_prob / (self.tokens.len().max(1) as f64).powf(alpha)
    }

    /// How many of its stretches of [`NGRAM`] tokens appeared earlier in it.
    pub fn repeated(&self) -> usize {
        repeated_ngrams(&self.tokens.iter().map(|t| t.id).collect::<Vec<_>>(), NGRAM)
    }

    /// Its text, the bytes of its tokens read together.
    pub fn text(&self) -> String {
        let bytes: Vec<u8> = self.tokens.iter().flat_map(|t| t.bytes.clone()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Beam search on text from a prompt, and sampled lines beside it: what the beam widget on text shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextBeams {
    /// The prompt as typed.
    pub prompt: String,
    /// Beams kept.
    pub width: usize,
    /// The length penalty α.
    pub alpha: f64,
    /// The beams at the end, best first.
    pub beams: Vec<Continuation>,
    /// Lines drawn by [`loop_sampler`] from seeds 0, 1, … ([`SAMPLED_LINES`] of them).
    pub sampled: Vec<Continuation>,
}

/// The seed of the KV cache demonstration's draws on text.
pub const KV_SEED: u64 = 11;

/// The KV cache demonstration on text: the learner's prompt and what the model drew after it (the loop's
/// sampler, [`KV_SEED`]) until the window was full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextKvRun {
    /// The prompt's tokens, then the drawn ones.
    pub tokens: Vec<TextToken>,
    /// How many of them are the prompt's.
    pub prompt_len: usize,
}

/// Bytes a KV cache holds for one sequence of `t` tokens (at most the window): a key and a value of
/// `width` numbers per token and layer, each a 4-byte float.
pub fn cache_bytes(config: &GptConfig, t: usize) -> u64 {
    config.cache_numbers(t) * 4
}

/// The sampler of the loop on text: every stage does something to a vocabulary of thousands.
pub fn loop_sampler() -> sampling::Sampler {
    use sampling::{Sampler, Temperature, TopK, TopP};
    Sampler::new(Temperature::new(0.8).unwrap_or(Temperature::ONE), TopK::new(50), TopP::new(0.9).unwrap_or(TopP::OFF))
}

/// The seed of the loop on text's draws.
pub const LOOP_SEED: u64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earliest_stretch_that_repeats_to_the_end_is_found() {
        // 9 8 | 1 2 3 1 2 3 1 2 3 1 2 3: from index 2, period 3.
        let run = [9, 8, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3];
        assert_eq!(repeating_end(&run, 0), Some(Stretch { start: 2, period: 3 }));
        // Not before `from`, and not shorter than MIN_REPEAT.
        assert_eq!(repeating_end(&run, 4), Some(Stretch { start: 4, period: 3 }));
        assert_eq!(repeating_end(&run, 7), None);
        // The same token over and over: period 1, from where it begins.
        let run = [5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7];
        assert_eq!(repeating_end(&run, 0), Some(Stretch { start: 2, period: 1 }));
        // A lap that fits only once, or a stretch shorter than MIN_REPEAT, is not a loop.
        assert_eq!(repeating_end(&[1, 2, 3, 4, 5, 6, 7, 8, 9], 0), None);
        assert_eq!(repeating_end(&[1, 2, 3, 4, 5, 6, 7, 7], 0), None);
        assert_eq!(repeating_end(&[], 0), None);
        assert_eq!(repeating_end(&[1, 1], 5), None);
    }

    #[test]
    fn a_continuation_is_scored_per_token_and_by_its_repeated_phrases() {
        let token = |id: usize| TextToken { id, shown: format!("␣w{id}"), bytes: format!(" w{id}").into_bytes() };
        let line = Continuation {
            tokens: [1, 2, 3, 4, 1, 2, 3, 4, 1].into_iter().map(token).collect(),
            log_prob: -9.0,
            finished: false,
        };
        assert_eq!(line.per_token(), -1.0);
        assert_eq!(line.score(0.0), -9.0);
        assert!((line.score(1.0) + 1.0).abs() < 1e-12);
        assert!((line.score(0.5) + 3.0).abs() < 1e-12);
        assert_eq!(line.repeated(), 2, "(1 2 3 4) and (2 3 4 1) again");
        assert_eq!(line.text(), " w1 w2 w3 w4 w1 w2 w3 w4 w1");
        let empty = Continuation { tokens: vec![], log_prob: 0.0, finished: true };
        assert_eq!((empty.per_token(), empty.repeated()), (0.0, 0));
        assert_eq!(repeated_ngrams(&[1, 2, 3], 4), 0);
        assert_eq!(repeated_ngrams(&[7, 7, 7, 7, 7, 7], 4), 2);
    }

    #[test]
    fn a_cache_holds_a_key_and_a_value_per_token_and_layer() {
        let config = GptConfig { vocab: 2048, context: 128, width: 128, heads: 4, layers: 4 };
        assert_eq!(cache_bytes(&config, 1), 2 * 4 * 128 * 4);
        assert_eq!(cache_bytes(&config, 128), 128 * cache_bytes(&config, 1));
        assert_eq!(cache_bytes(&config, 500), cache_bytes(&config, 128), "never more than the window");
    }

    #[test]
    fn the_measured_figures_follow_the_runs() {
        let stretch = |start| Some(Stretch { start, period: 4 });
        let measured = GreedyMeasured {
            prompts: vec![String::new(); 4],
            repeats: vec![stretch(40), None, stretch(3), stretch(17)],
            window: 128,
        };
        assert_eq!(measured.onsets(), [3, 17, 40]);
        assert_eq!(measured.median_onset(), Some(17.0));
        let even = GreedyMeasured { repeats: vec![stretch(3), stretch(6)], ..measured.clone() };
        assert_eq!(even.median_onset(), Some(4.5));
        assert_eq!(measured.within(30), 2);
        let none = GreedyMeasured { prompts: vec![], repeats: vec![None], window: 128 };
        assert_eq!(none.median_onset(), None);
    }
}
