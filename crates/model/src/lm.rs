//! One interface for every model, and what is built on it: the next-token logits, generation, and the
//! validation loss.

use std::collections::BTreeMap;

use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use sampling::{Logits, Strategy, TokenId};

use crate::{END, ModelError};

/// A model of the next token: ids in, logits out.
pub trait LanguageModel {
    /// The logits of the next token at every position.
    ///
    /// # Shapes
    /// - `tokens`: `[batch, time]`, ids below the vocabulary size, `time` at most the context window
    /// - returns: `[batch, time, vocab]`
    fn forward(&self, tokens: Tensor<2, Int>) -> Tensor<3>;

    /// How many tokens of context the model reads at most.
    fn context_window(&self) -> usize;

    /// How many tokens it knows: ids run from 0 to one less.
    fn vocab_size(&self) -> usize;

    /// The device the weights live on.
    fn device(&self) -> Device;
}

/// Token ids as a `[batch, time]` tensor.
pub(crate) fn ids_tensor(rows: &[&[TokenId]], device: &Device) -> Tensor<2, Int> {
    let time = rows.first().map_or(0, |r| r.len());
    let flat: Vec<i64> = rows.iter().flat_map(|r| r.iter().map(|&t| t as i64)).collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), time]), device) // [batch, time]
}

/// The next-token logits after `context`: crop to the window, run the model, keep the last position.
///
/// # Errors
/// [`ModelError::EmptyContext`] for no context, [`ModelError::BadToken`] for an id outside the
/// vocabulary, and a sampling error if the model produced something that is not logits (NaN).
pub fn next_logits<M: LanguageModel + ?Sized>(model: &M, context: &[TokenId]) -> Result<Logits, ModelError> {
    if context.is_empty() {
        return Err(ModelError::EmptyContext);
    }
    if let Some(&bad) = context.iter().find(|&&t| t >= model.vocab_size()) {
        return Err(ModelError::BadToken(bad));
    }
    let window = &context[context.len().saturating_sub(model.context_window())..]; // 1. crop to the window
    let logits = model.forward(ids_tensor(&[window], &model.device())); // 2. forward: [1, time, vocab]
    let [_, time, vocab] = logits.dims();
    let last = logits.slice([0..1, time - 1..time, 0..vocab]).reshape([vocab]); // 3. last position: [vocab]
    Ok(Logits::from_f32(&to_vec(last)?)?)
}

/// Generates from `prompt` until the end symbol or `max_new` tokens: the autoregressive loop.
///
/// # Errors
/// As [`next_logits`].
pub fn generate<M, R>(
    model: &M,
    prompt: &[TokenId],
    max_new: usize,
    strategy: &Strategy,
    rng: &mut R,
) -> Result<Vec<TokenId>, ModelError>
where
    M: LanguageModel + ?Sized,
    R: rand::Rng + ?Sized,
{
    sampling::generate(prompt, max_new, Some(END), strategy, rng, |context| next_logits(model, context))
}

/// The mean negative log-likelihood of the next symbol, in nats per symbol, over token sequences
/// (each `·name·`): every symbol after the first is predicted from the ones before it, cropped to the
/// context window as in generation.
///
/// Sequences that fit the window are batched by length; a longer one scores its first window whole,
/// then each later symbol from the window that ends just before it.
///
/// # Errors
/// [`ModelError::BadToken`] for an id outside the vocabulary.
pub fn mean_nll<M: LanguageModel + ?Sized>(model: &M, sequences: &[Vec<TokenId>]) -> Result<f64, ModelError> {
    if let Some(&bad) = sequences.iter().flatten().find(|&&t| t >= model.vocab_size()) {
        return Err(ModelError::BadToken(bad));
    }
    let window = model.context_window();
    let mut total = 0.0;
    let mut count = 0usize;
    // (inputs, targets) of the windows scored whole, grouped by length so they stack into batches.
    let mut by_length: BTreeMap<usize, Batch> = BTreeMap::new();
    for seq in sequences.iter().filter(|s| s.len() >= 2) {
        let scored_whole = (seq.len() - 1).min(window);
        let entry = by_length.entry(scored_whole).or_default();
        entry.0.push(&seq[..scored_whole]);
        entry.1.push(&seq[1..=scored_whole]);
        for target in scored_whole + 1..seq.len() {
            let logits = next_logits(model, &seq[..target])?;
            total -= sampling::log_softmax(&logits)[seq[target]];
            count += 1;
        }
    }
    let device = model.device();
    for (inputs, targets) in by_length.values() {
        for (inputs, targets) in inputs.chunks(1024).zip(targets.chunks(1024)) {
            let logits = model.forward(ids_tensor(inputs, &device)); // [batch, time, vocab]
            let [batch, time, _] = logits.dims();
            let logp = log_softmax(logits, 2); // [batch, time, vocab]
            let targets = ids_tensor(targets, &device).reshape([batch, time, 1]); // [batch, time, 1]
            let picked = logp.gather(2, targets).reshape([batch * time]); // [batch * time]
            total -= to_vec(picked)?.iter().map(|&v| f64::from(v)).sum::<f64>();
            count += batch * time;
        }
    }
    Ok(if count == 0 { 0.0 } else { total / count as f64 })
}

/// Inputs and targets of windows of one length, stacked into a batch.
type Batch<'a> = (Vec<&'a [TokenId]>, Vec<&'a [TokenId]>);

/// A tensor's values, read back to the host.
pub(crate) fn to_vec<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, ModelError> {
    t.into_data().try_to_vec::<f32>().map_err(|e| ModelError::Weights(format!("{e:?}")))
}
