//! The autoregressive loop, for any model that maps a context to next-token logits.

use crate::{Logits, Strategy, TokenId};

/// Generates up to `max_new` tokens after `prompt`, stopping early after `stop` if it is drawn.
///
/// Each step is the whole loop of a language model at inference time:
/// 1. `next_logits(context)` runs the model and returns the last position's logits (cropping the
///    context to the model's window is the model's business);
/// 2. `strategy` turns them into one token;
/// 3. the token is appended to the context, and the loop repeats.
///
/// Returns the new tokens only (with the stop token, if one ended the run). The same prompt, strategy
/// and generator state give the same tokens, byte for byte.
///
/// # Errors
/// Whatever `next_logits` returns.
///
/// ```
/// use sampling::{Logits, SamplingError, Strategy, generate, seeded_rng};
/// // A "model" that always prefers the token after the last one, modulo 3.
/// let model = |context: &[usize]| {
///     let last = *context.last().unwrap_or(&0);
///     let mut logits = vec![0.0; 3];
///     logits[(last + 1) % 3] = 5.0;
///     Logits::new(logits)
/// };
/// let tokens = generate(&[0], 4, None, &Strategy::Greedy, &mut seeded_rng(1), model)?;
/// assert_eq!(tokens, vec![1, 2, 0, 1]);
/// # Ok::<(), SamplingError>(())
/// ```
pub fn generate<R, F, E>(
    prompt: &[TokenId],
    max_new: usize,
    stop: Option<TokenId>,
    strategy: &Strategy,
    rng: &mut R,
    mut next_logits: F,
) -> Result<Vec<TokenId>, E>
where
    R: rand::Rng + ?Sized,
    F: FnMut(&[TokenId]) -> Result<Logits, E>,
{
    let mut context = prompt.to_vec();
    for _ in 0..max_new {
        let logits = next_logits(&context)?; // forward, last position
        let token = strategy.choose(&logits, rng); // the sampler: the subject of this lesson
        context.push(token); // append, and go round again
        if Some(token) == stop {
            break;
        }
    }
    Ok(context.split_off(prompt.len()))
}
