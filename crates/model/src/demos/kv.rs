//! The KV-cache demonstration on the transformer: the recorded generation and the two paths compared.

use protocol::demos::kv::{KvComparison, KvRecording, Row, SEED, STEPS, group_means, largest_difference, sampler};
use sampling::{Strategy, TokenId, seeded_rng};

use crate::{Cache, Gpt, ModelError, START, generate_with_cache};

/// Generates [`STEPS`] tokens from `·` with the cache, recording layer 0's keys and values.
///
/// # Errors
/// Whatever the model returns (never, for the shipped weights).
pub fn record(model: &Gpt, head_dim: usize) -> Result<KvRecording, ModelError> {
    let strategy = Strategy::Sample(sampler());
    let mut rng = seeded_rng(SEED);
    let mut cache = model.new_cache();
    let generated = generate_with_cache(model, &mut cache, &[START], STEPS, None, &strategy, &mut rng)?;
    let (keys, values) = (cache.keys(0), cache.values(0));
    let rows = cache
        .tokens()
        .iter()
        .zip(keys.iter().zip(&values))
        .map(|(&token, (k, v))| Row { token, keys: group_means(k, head_dim), values: group_means(v, head_dim) })
        .collect();
    Ok(KvRecording { rows, generated })
}

/// The tokens the speed comparison feeds: `·` and then a generation from the demonstration's sampler,
/// `n` tokens in all.
///
/// # Errors
/// Whatever the model returns (never, for the shipped weights).
pub fn comparison_tokens(model: &Gpt, n: usize) -> Result<Vec<TokenId>, ModelError> {
    let strategy = Strategy::Sample(sampler());
    let mut rng = seeded_rng(SEED + 1);
    let mut tokens = vec![START];
    let new = n.saturating_sub(1);
    tokens.extend(generate_with_cache(model, &mut model.new_cache(), &[START], new, None, &strategy, &mut rng)?);
    Ok(tokens)
}

/// The next-token logits after every prefix of `tokens`, computed one way.
///
/// # Errors
/// Whatever the model returns.
pub fn logits_along(model: &Gpt, tokens: &[TokenId], cache: Cache) -> Result<Vec<Vec<f64>>, ModelError> {
    match cache {
        Cache::On => {
            let mut kv = model.new_cache();
            tokens.iter().map(|&t| model.step(t, &mut kv).map(|l| l.as_slice().to_vec())).collect()
        }
        Cache::Off => (1..=tokens.len())
            .map(|end| crate::next_logits(model, &tokens[..end]).map(|l| l.as_slice().to_vec()))
            .collect(),
    }
}

/// Runs both paths over the same `n` tokens and times each with `now` (milliseconds from any origin):
/// the cached path, then the uncached one.
///
/// # Errors
/// Whatever the model returns.
pub fn compare(model: &Gpt, n: usize, now: &dyn Fn() -> f64) -> Result<KvComparison, ModelError> {
    let tokens = comparison_tokens(model, n)?;
    let t0 = now();
    let on = logits_along(model, &tokens, Cache::On)?;
    let t1 = now();
    let off = logits_along(model, &tokens, Cache::Off)?;
    let t2 = now();
    let per_token = |ms: f64| ms / tokens.len().max(1) as f64;
    Ok(KvComparison {
        tokens: tokens.len(),
        on_ms: per_token(t1 - t0),
        off_ms: per_token(t2 - t1),
        difference: largest_difference(&on, &off),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GptConfig, device};

    fn tiny() -> (Gpt, GptConfig) {
        let config = GptConfig::new().with_context(16).with_width(8).with_heads(2).with_layers(1);
        (Gpt::new(&config, &device()), config)
    }

    #[test]
    fn the_recording_has_a_row_per_token_fed_and_one_cell_per_head() {
        let (model, config) = tiny();
        let recording = record(&model, config.head_dim()).unwrap();
        assert_eq!(recording.generated.len(), STEPS);
        assert_eq!(recording.rows.len(), STEPS, "· and every generated token but the last are fed");
        assert_eq!(recording.rows[0].token, START);
        for (row, &t) in recording.rows[1..].iter().zip(&recording.generated) {
            assert_eq!(row.token, t);
        }
        assert!(recording.rows.iter().all(|r| r.keys.len() == 2 && r.values.len() == 2));
    }

    #[test]
    fn both_paths_agree_on_the_comparison_run_and_each_is_timed() {
        let (model, config) = tiny();
        let tokens = comparison_tokens(&model, protocol::demos::kv::comparison_length(&config)).unwrap();
        assert_eq!(tokens.len(), 32);
        let on = logits_along(&model, &tokens, Cache::On).unwrap();
        let off = logits_along(&model, &tokens, Cache::Off).unwrap();
        assert_eq!(on.len(), 32);
        assert!(largest_difference(&on, &off) < 1e-5);
        // A clock that advances 64 ms a reading: each path takes one reading's span, 2 ms a token.
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 64.0);
            clock.get()
        };
        let compared = compare(&model, 32, &now).unwrap();
        assert_eq!((compared.tokens, compared.on_ms, compared.off_ms), (32, 2.0, 2.0));
        assert!(compared.difference < 1e-5);
    }
}
