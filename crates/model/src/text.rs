//! The Shakespeare model: its card, how its loss is measured on running text (per token and per
//! character), and the two baselines measured on the same split (a character bigram and a token bigram).

use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor, TensorData};
use sampling::TokenId;

use crate::{LanguageModel, ModelError};

/// The shipped card, written beside the weights by `cargo xtask train-text`.
const SHIPPED_CARD: &str = include_str!("../../../assets/models/shakespeare.json");
/// The tokenizer's JSON, trained by `cargo xtask tokenizer`.
pub const TOKENIZER: &str = include_str!("../../../assets/models/shakespeare-tokenizer.json");

pub use protocol::text::{
    Continuation, GreedyMeasured, LINE_TOKENS, MAX_TEXT_BEAM, SAMPLED_LINES, Stretch, TextBeams, TextCard, TextKvRun,
    TextRun, TextToken, repeated_ngrams, repeating_end,
};

/// The card of the shipped weights.
///
/// # Errors
/// [`ModelError::Weights`] if the shipped card does not parse.
pub fn card() -> Result<TextCard, ModelError> {
    serde_json::from_str(SHIPPED_CARD).map_err(|e| ModelError::Weights(format!("model card: {e}")))
}

/// The Shakespeare model's tokens from the bytes of their file, checked against the card (length and
/// SHA-256) before they are read.
///
/// # Errors
/// [`ModelError::Unavailable`] for bytes the card does not describe, [`ModelError::Weights`] for a file
/// that is not a tokenizer this encoder reads.
pub fn load_tokenizer(bytes: &[u8]) -> Result<crate::bpe::Bpe, ModelError> {
    let card = card()?;
    crate::check(&card.tokenizer, bytes, card.tokenizer_bytes, &card.tokenizer_sha256)?;
    let json = std::str::from_utf8(bytes).map_err(|e| ModelError::Weights(format!("{}: {e}", card.tokenizer)))?;
    crate::bpe::Bpe::from_json(json)
}

/// The Shakespeare model from the bytes of its weights file, checked against the card (length and
/// SHA-256) before burn reads them.
///
/// # Errors
/// [`ModelError::Unavailable`] for bytes the card does not describe, [`ModelError::Weights`] for weights
/// that do not load.
pub fn load(bytes: &[u8], device: &burn::tensor::Device) -> Result<crate::Gpt, ModelError> {
    let card = card()?;
    crate::check(&card.weights, bytes, card.weights_bytes, &card.weights_sha256)?;
    crate::from_bytes(crate::Gpt::new(&card.config, device), bytes)
}

/// The longest prompt a greedy run on text takes, in tokens: the rest of the window is written.
pub const MAX_PROMPT: usize = 96;

/// How many validation lines greedy decoding is measured from for the card.
pub const MEASURED_PROMPTS: usize = 50;

/// `count` prompts from `text`: lines of at least four words, evenly spaced through it, each with its
/// line break (the model goes on with the next line).
pub fn validation_prompts(text: &str, count: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| l.split_whitespace().count() >= 4).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    (0..count.min(lines.len())).map(|i| format!("{}\n", lines[i * lines.len() / count.min(lines.len())])).collect()
}

/// The ids of a typed prompt, checked: at least one, and at most [`MAX_PROMPT`] (less for a smaller window).
///
/// # Errors
/// [`ModelError::EmptyPrompt`], [`ModelError::PromptTooLong`].
fn prompt_ids(model: &crate::Gpt, bpe: &crate::bpe::Bpe, prompt: &str) -> Result<Vec<TokenId>, ModelError> {
    let ids = bpe.encode(prompt);
    let window = model.context();
    let most = MAX_PROMPT.min(window.saturating_sub(1));
    if ids.is_empty() {
        return Err(ModelError::EmptyPrompt);
    }
    if ids.len() > most {
        return Err(ModelError::PromptTooLong { tokens: ids.len(), most, window });
    }
    Ok(ids)
}

/// Greedy decoding of `model` from `prompt` (encoded by `bpe`) until the window is full, with the
/// repeating stretch the run ends in. Every step is exact: the run never outgrows the window.
///
/// # Errors
/// [`ModelError::EmptyPrompt`] for a prompt without tokens, [`ModelError::PromptTooLong`] for one over
/// [`MAX_PROMPT`] tokens, [`ModelError::BadToken`] for a tokenizer and model that do not match.
pub fn greedy_run(model: &crate::Gpt, bpe: &crate::bpe::Bpe, prompt: &str) -> Result<TextRun, ModelError> {
    let ids = prompt_ids(model, bpe, prompt)?;
    let window = model.context();
    let mut rng = sampling::seeded_rng(0);
    let strategy = sampling::Strategy::Greedy;
    let written =
        crate::generate_with_cache(model, &mut model.new_cache(), &ids, window - ids.len(), None, &strategy, &mut rng)?;
    let run = [ids.as_slice(), &written].concat();
    let tokens = run.iter().map(|&id| TextToken { id, shown: bpe.shown(id), bytes: bpe.bytes(id) }).collect();
    Ok(TextRun { tokens, prompt_len: ids.len(), repeat: repeating_end(&run, ids.len()) })
}

/// A run of the control surface on the Shakespeare model: the prompt (encoded by `bpe`), then up to
/// `settings.length` tokens drawn by the settings' sampler from the settings' seed, as text with its
/// fingerprint.
///
/// # Errors
/// [`ModelError::EmptyPrompt`], [`ModelError::PromptTooLong`] as [`greedy_run`]; a sampling error for
/// settings the core refuses.
pub fn generate(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    settings: &protocol::control::Settings,
) -> Result<protocol::control::Output, ModelError> {
    let ids = prompt_ids(model, bpe, &settings.prompt)?;
    let strategy = sampling::Strategy::Sample(settings.sampler()?);
    let mut rng = sampling::seeded_rng(settings.seed);
    let length = settings.length.min(protocol::control::MAX_LENGTH);
    let written = crate::generate_with_cache(model, &mut model.new_cache(), &ids, length, None, &strategy, &mut rng)?;
    Ok(protocol::control::Output::text(format!("{}{}", settings.prompt, bpe.decode(&written))))
}

/// The next-token logits after `prompt` (encoded by `bpe`) and the tokens `appended` to it: the model reads
/// the last window's worth of them. Every token of the vocabulary comes with it as shown.
///
/// # Errors
/// [`ModelError::EmptyPrompt`], [`ModelError::PromptTooLong`] as [`greedy_run`]; [`ModelError::BadToken`]
/// for an appended id outside the vocabulary.
pub fn next(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompt: &str,
    appended: &[TokenId],
) -> Result<protocol::text::TextNext, ModelError> {
    let ids = prompt_ids(model, bpe, prompt)?;
    let prompt_len = ids.len();
    let context = [ids.as_slice(), appended].concat();
    let view_start = context.len().saturating_sub(model.context()); // crop to the window
    let logits = crate::next_logits(model, &context[view_start..])?; // [vocab]
    Ok(protocol::text::TextNext {
        prompt: prompt.to_string(),
        ids: context,
        prompt_len,
        view_start,
        logits: logits.as_slice().iter().map(|&l| l as f32).collect(),
        vocab: (0..bpe.vocab_size()).map(|id| TextToken { id, shown: bpe.shown(id), bytes: bpe.bytes(id) }).collect(),
    })
}

/// The token that ends a line: the tokenizer's line break.
///
/// # Errors
/// [`ModelError::Weights`] for a tokenizer without a token of its own for it.
pub fn line_break(bpe: &crate::bpe::Bpe) -> Result<TokenId, ModelError> {
    match bpe.encode("\n").as_slice() {
        &[id] => Ok(id),
        _ => Err(ModelError::Weights("the tokenizer has no token for a line break".into())),
    }
}

/// Beam search on text from `prompt` (encoded by `bpe`) to the end of the line: `width` beams, length
/// penalty `alpha`; a hypothesis ends at a line break (as a name ends at `·`) or after [`LINE_TOKENS`]
/// tokens. Best first. Every beam keeps its own KV cache, so a step feeds one token per beam instead of
/// re-reading the whole context: the logits are the cached path's (equal to the full forward pass up to
/// float rounding, as the KV cache demo measures).
///
/// # Errors
/// [`ModelError::EmptyPrompt`], [`ModelError::PromptTooLong`] as [`greedy_run`];
/// [`ModelError::BeamTooWide`] over [`MAX_TEXT_BEAM`]; a sampling error for a width of 0 or a bad α.
pub fn beam(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompt: &str,
    width: usize,
    alpha: f64,
) -> Result<Vec<sampling::Beam>, ModelError> {
    if width > MAX_TEXT_BEAM {
        return Err(ModelError::BeamTooWide { width, most: MAX_TEXT_BEAM });
    }
    let ids = prompt_ids(model, bpe, prompt)?;
    let max_new = LINE_TOKENS.min(model.context() - ids.len());
    let search = sampling::BeamSearch::new(width, max_new, Some(line_break(bpe)?))?.with_length_penalty(alpha)?;
    beam_search(model, &ids, &search)
}

/// `search` run from `ids`. While a context fits the window, each beam keeps its own KV cache, so a step
/// feeds one token per beam instead of re-reading the whole context (the logits are the cached path's,
/// equal to the full forward pass up to float rounding, as the KV cache demo measures); past the window,
/// a context is cropped to its last window and read whole.
///
/// # Errors
/// [`ModelError::EmptyPrompt`] for no ids; [`ModelError::BadToken`] for an id outside the vocabulary.
pub fn beam_search(
    model: &crate::Gpt,
    ids: &[TokenId],
    search: &sampling::BeamSearch,
) -> Result<Vec<sampling::Beam>, ModelError> {
    let window = model.context();
    // Each context asked about is a parent's plus one token: the parent's cache, cloned, takes one step.
    // Only the last two lengths are kept (the parents and the children).
    let mut caches: std::collections::HashMap<Vec<TokenId>, crate::KvCache> = std::collections::HashMap::new();
    let mut prefill = model.new_cache();
    let after_prompt = model.extend(&ids[ids.len().saturating_sub(window)..], &mut prefill)?; // [time][vocab]
    let after_prompt = after_prompt.last().cloned().ok_or(ModelError::EmptyPrompt)?; // [vocab]
    caches.insert(ids.to_vec(), prefill);
    search.run(ids, |context| {
        if context.len() == ids.len() {
            return Ok(after_prompt.clone());
        }
        if context.len() > window {
            return crate::next_logits(model, &context[context.len() - window..]); // [vocab]
        }
        let (parent, &[last]) = context.split_at(context.len() - 1) else { unreachable!("one token longer") };
        let mut cache = caches.get(parent).cloned().ok_or(ModelError::EmptyContext)?;
        let logits = model.step(last, &mut cache)?; // [vocab]
        caches.retain(|k, _| k.len() + 1 >= context.len());
        caches.insert(context.to_vec(), cache);
        Ok(logits)
    })
}

/// A line drawn after `prompt` (encoded by `bpe`) by `sampler` from `seed`, to a line break or for
/// [`LINE_TOKENS`] tokens, with the log-probability the model's own distribution (τ = 1, nothing cut)
/// gives it: the number beam search maximizes, so that the two compare.
///
/// # Errors
/// As [`greedy_run`].
pub fn sample_line(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompt: &str,
    sampler: &sampling::Sampler,
    seed: u64,
) -> Result<Continuation, ModelError> {
    let ids = prompt_ids(model, bpe, prompt)?;
    let end = line_break(bpe)?;
    let max_new = LINE_TOKENS.min(model.context() - ids.len());
    let mut rng = sampling::seeded_rng(seed);
    let mut cache = model.new_cache();
    let mut logits = model.extend(&ids, &mut cache)?.pop().ok_or(ModelError::EmptyPrompt)?; // [vocab]
    let (mut written, mut log_prob) = (Vec::new(), 0.0);
    while written.len() < max_new {
        let token = sampler.choose(&logits, &mut rng);
        log_prob += sampling::log_softmax(&logits)[token];
        written.push(token);
        if token == end {
            break;
        }
        logits = model.step(token, &mut cache)?; // [vocab]
    }
    let finished = written.last() == Some(&end);
    Ok(Continuation { tokens: text_tokens(bpe, &written), log_prob, finished })
}

/// Beam search's lines from `prompt` beside [`SAMPLED_LINES`] sampled ones (the loop's sampler, seeds 0,
/// 1, …), each scored by the model: what the beam widget on text shows.
///
/// # Errors
/// As [`beam`].
pub fn beam_lines(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompt: &str,
    width: usize,
    alpha: f64,
) -> Result<TextBeams, ModelError> {
    let end = line_break(bpe)?;
    let beams = beam(model, bpe, prompt, width, alpha)?
        .into_iter()
        .map(|b| Continuation {
            finished: b.tokens.last() == Some(&end),
            tokens: text_tokens(bpe, &b.tokens),
            log_prob: b.log_prob,
        })
        .collect();
    let sampler = protocol::text::loop_sampler();
    let sampled =
        (0..SAMPLED_LINES).map(|seed| sample_line(model, bpe, prompt, &sampler, seed)).collect::<Result<_, _>>()?;
    Ok(TextBeams { prompt: prompt.to_string(), width, alpha, beams, sampled })
}

/// `ids` as the page shows them.
fn text_tokens(bpe: &crate::bpe::Bpe, ids: &[TokenId]) -> Vec<TextToken> {
    ids.iter().map(|&id| TextToken { id, shown: bpe.shown(id), bytes: bpe.bytes(id) }).collect()
}

/// The KV cache demonstration on text: `prompt` (encoded by `bpe`), then tokens drawn by the loop's
/// sampler from [`protocol::text::KV_SEED`] until the window is full.
///
/// # Errors
/// As [`greedy_run`].
pub fn kv_run(model: &crate::Gpt, bpe: &crate::bpe::Bpe, prompt: &str) -> Result<TextKvRun, ModelError> {
    let ids = prompt_ids(model, bpe, prompt)?;
    let strategy = sampling::Strategy::Sample(protocol::text::loop_sampler());
    let mut rng = sampling::seeded_rng(protocol::text::KV_SEED);
    let new = model.context() - ids.len();
    let drawn = crate::generate_with_cache(model, &mut model.new_cache(), &ids, new, None, &strategy, &mut rng)?;
    Ok(TextKvRun { tokens: text_tokens(bpe, &[ids.as_slice(), &drawn].concat()), prompt_len: ids.len() })
}

/// Both paths of the KV cache over [`kv_run`]'s tokens (a full window), each timed with `now`
/// (milliseconds from any origin): the cached path feeds one token a step, the other reads every prefix
/// whole.
///
/// # Errors
/// As [`kv_run`].
pub fn kv_compare(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompt: &str,
    now: &dyn Fn() -> f64,
) -> Result<protocol::demos::kv::KvComparison, ModelError> {
    let ids: Vec<TokenId> = kv_run(model, bpe, prompt)?.tokens.iter().map(|t| t.id).collect();
    let t0 = now();
    let on = crate::demos::kv::logits_along(model, &ids, crate::Cache::On)?;
    let t1 = now();
    let off = crate::demos::kv::logits_along(model, &ids, crate::Cache::Off)?;
    let t2 = now();
    let per_token = |ms: f64| ms / ids.len().max(1) as f64;
    Ok(protocol::demos::kv::KvComparison {
        tokens: ids.len(),
        on_ms: per_token(t1 - t0),
        off_ms: per_token(t2 - t1),
        difference: protocol::demos::kv::largest_difference(&on, &off),
    })
}

/// Greedy runs from each of `prompts`: where each began repeating, counted from its first written token.
///
/// # Errors
/// As [`greedy_run`].
pub fn measure_greedy(
    model: &crate::Gpt,
    bpe: &crate::bpe::Bpe,
    prompts: &[String],
) -> Result<GreedyMeasured, ModelError> {
    let repeats = prompts
        .iter()
        .map(|p| {
            let run = greedy_run(model, bpe, p)?;
            Ok(run.repeat.map(|s| Stretch { start: s.start - run.prompt_len, period: s.period }))
        })
        .collect::<Result<_, ModelError>>()?;
    Ok(GreedyMeasured { prompts: prompts.to_vec(), repeats, window: model.context() })
}

/// The summed negative log-likelihood (nats) of every token of `tokens` but the first, and how many were
/// scored, each predicted from up to `window` tokens before it: windows of `window` tokens overlapping by
/// half, each scoring only the tokens its predecessor did not (the first window scores all of its own), so
/// that every token but the first few is read with at least half a window of context. `batch` windows
/// run in one pass.
///
/// # Errors
/// [`ModelError::BadToken`] for an id outside the model's vocabulary.
pub fn running_nll<M: LanguageModel + ?Sized>(
    model: &M,
    tokens: &[TokenId],
    window: usize,
    batch: usize,
) -> Result<(f64, usize), ModelError> {
    if let Some(&bad) = tokens.iter().find(|&&t| t >= model.vocab_size()) {
        return Err(ModelError::BadToken(bad));
    }
    let window = window.max(2);
    let stride = window / 2;
    // (start, first target it scores, last target): windows every `stride` tokens; the first scores all
    // its targets, each later one the `stride` its predecessor did not reach.
    let mut windows = Vec::new();
    let mut start = 0;
    while tokens.len() >= 2 {
        let end = (start + window).min(tokens.len() - 1);
        let first = if start == 0 { 1 } else { start + window - stride + 1 };
        if first > end {
            break;
        }
        windows.push((start, first, end));
        if end == tokens.len() - 1 {
            break;
        }
        start += stride;
    }
    let device = model.device();
    let (mut total, mut count) = (0.0, 0);
    for chunk in windows.chunks(batch.max(1)) {
        let time = chunk.iter().map(|&(s, _, e)| e - s).max().unwrap_or(1);
        let rows = chunk.len();
        let mut inputs = vec![0i64; rows * time];
        let mut targets = vec![0i64; rows * time];
        let mut weights = vec![0f32; rows * time];
        for (r, &(s, first, e)) in chunk.iter().enumerate() {
            for t in 0..(e - s) {
                inputs[r * time + t] = tokens[s + t] as i64;
                targets[r * time + t] = tokens[s + t + 1] as i64;
                // Target s + t + 1 is predicted here; scored only by the window that owns it.
                weights[r * time + t] = if s + t + 1 >= first { 1.0 } else { 0.0 };
            }
        }
        count += weights.iter().filter(|&&w| w > 0.0).count();
        let inputs = Tensor::<2, Int>::from_data(TensorData::new(inputs, [rows, time]), &device); // [rows, time]
        let targets = Tensor::<3, Int>::from_data(TensorData::new(targets, [rows, time, 1]), &device); // [rows, time, 1]
        let weights = Tensor::<2>::from_data(TensorData::new(weights, [rows, time]), &device); // [rows, time]
        let logp = log_softmax(model.forward(inputs), 2); // [rows, time, vocab]
        let picked = logp.gather(2, targets).reshape([rows, time]); // [rows, time]
        total -= f64::from(crate::lm::to_vec((picked * weights).sum())?[0]);
    }
    Ok((total, count))
}

/// An add-one bigram fit to `train` (ids below `vocab`), and the summed negative log-likelihood (nats) it
/// gives every symbol of `validation` after the first, with the count scored.
pub fn bigram_nll(train: &[usize], validation: &[usize], vocab: usize) -> (f64, usize) {
    let mut counts = vec![0u32; vocab * vocab];
    for pair in train.windows(2) {
        counts[pair[0] * vocab + pair[1]] += 1;
    }
    let rows: Vec<f64> =
        (0..vocab).map(|a| counts[a * vocab..(a + 1) * vocab].iter().map(|&c| f64::from(c)).sum()).collect();
    let total: f64 = validation
        .windows(2)
        .map(|pair| {
            let (a, b) = (pair[0], pair[1]);
            -((f64::from(counts[a * vocab + b]) + 1.0) / (rows[a] + vocab as f64)).ln()
        })
        .sum();
    (total, validation.len().saturating_sub(1))
}

/// What the speed benchmarks of the Shakespeare model time, natively and in Chromium, so that both time
/// the same work: a cached step at a given position, and the floor beside it.
pub mod bench {
    use sampling::TokenId;

    use crate::{Gpt, KvCache, ModelError};

    /// The text the benchmark's context is cut from (a line of Macbeth, repeated).
    const TEXT: &str = "Is this a dagger which I see before me, the handle toward my hand? Come, let me clutch thee.\n";

    /// A cache holding `t − 1` tokens of [`TEXT`] and the token the timed step feeds at position `t`.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] if the tokenizer and the model do not match.
    pub fn cache_at(model: &Gpt, bpe: &crate::bpe::Bpe, t: usize) -> Result<(KvCache, TokenId), ModelError> {
        let tokens: Vec<TokenId> = bpe.encode(&TEXT.repeat(t)).into_iter().take(t).collect();
        let mut cache = model.new_cache();
        let (&last, earlier) = tokens.split_last().ok_or(ModelError::EmptyPrompt)?;
        model.extend(earlier, &mut cache)?;
        Ok((cache, last))
    }

    /// One timed step: the token at the cache's next position, then the cache as it was.
    ///
    /// # Errors
    /// As [`Gpt::step`].
    pub fn step(model: &Gpt, cache: &mut KvCache, token: TokenId) -> Result<sampling::Logits, ModelError> {
        let logits = model.step(token, cache)?;
        cache.forget(1);
        Ok(logits)
    }

    /// The floor: a plain f32 matrix–vector product with as many multiply–adds as a step has FLOPs / 2,
    /// in the simplest loop the compiler vectorizes, with no framework around it.
    #[derive(Debug, Clone)]
    pub struct Matvec {
        weights: Vec<f32>,
        input: Vec<f32>,
        output: Vec<f32>,
    }

    impl Matvec {
        /// A product of about `flops` FLOPs: rows of `width` inputs.
        pub fn new(flops: u64, width: usize) -> Self {
            let rows = (flops / 2 / width as u64).max(1) as usize;
            let weights = (0..rows * width).map(|i| ((i % 17) as f32 - 8.0) / 16.0).collect();
            let input = (0..width).map(|i| (i % 5) as f32 / 4.0).collect();
            Self { weights, input, output: vec![0.0; rows] }
        }

        /// The FLOPs of one product.
        pub fn flops(&self) -> u64 {
            2 * self.weights.len() as u64
        }

        /// One product; returns a value of it, so that it is not optimized away. Eight running sums a
        /// row, so that the compiler may use vector lanes without reordering any one sum.
        pub fn run(&mut self) -> f32 {
            let width = self.input.len();
            for (row, out) in self.weights.chunks_exact(width).zip(&mut self.output) {
                let mut sums = [0.0f32; 8];
                for (w, x) in row.chunks_exact(8).zip(self.input.chunks_exact(8)) {
                    for lane in 0..8 {
                        sums[lane] += w[lane] * x[lane];
                    }
                }
                let tail = width - width % 8;
                let rest: f32 = row[tail..].iter().zip(&self.input[tail..]).map(|(w, x)| w * x).sum();
                *out = sums.iter().sum::<f32>() + rest;
            }
            self.output[self.output.len() / 2]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gpt, GptConfig, device, next_logits};

    /// Every target scored once, from the context the windows give it: the same sum as scoring each
    /// token from its own window of the last `window` tokens, up to the overlap's context.
    #[test]
    fn running_text_scores_every_token_once() {
        let config = GptConfig::new().with_vocab(11).with_context(8).with_width(8).with_heads(2).with_layers(1);
        let model = Gpt::new(&config, &device());
        for n in [0, 1, 2, 5, 9, 10, 23] {
            let tokens: Vec<usize> = (0..n).map(|i| (i * 7 + 3) % 11).collect();
            let (total, count) = running_nll(&model, &tokens, 8, 3).unwrap();
            assert_eq!(count, n.saturating_sub(1), "n = {n}");
            // The same targets, each scored from the window that owns it, one at a time.
            let mut expected = 0.0;
            let (mut start, mut owned_from) = (0, 1);
            for t in 1..n {
                while t > (start + 8).min(n - 1) {
                    start += 4;
                    owned_from = start + 8 - 4 + 1;
                }
                assert!(t >= owned_from || start == 0);
                let logits = next_logits(&model, &tokens[start..t]).unwrap();
                expected -= sampling::log_softmax(&logits)[tokens[t]];
            }
            assert!((total - expected).abs() < 1e-3 * (1.0 + expected.abs()), "n = {n}: {total} against {expected}");
        }
        assert!(matches!(running_nll(&model, &[1, 99], 8, 3), Err(ModelError::BadToken(99))));
    }

    #[test]
    fn a_bigram_of_a_repeating_text_is_sure_of_it() {
        let text: Vec<usize> = (0..300).map(|i| i % 3).collect();
        let (nll, n) = bigram_nll(&text, &text[..30], 3);
        assert_eq!(n, 29);
        // Each pair seen about 100 times of 100 + 3: nearly certain.
        assert!(nll / (n as f64) < 0.03, "{}", nll / n as f64);
        let (uniform, _) = bigram_nll(&[], &text[..30], 3);
        assert!((uniform / 29.0 - 3f64.ln()).abs() < 1e-12);
    }
}
