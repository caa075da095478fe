//! Decoding methods compared on the model, after Holtzman et al. (2020), Table 1: how likely, how
//! repetitive and how varied their outputs are.

use burn::config::Config;
use sampling::{BeamSearch, Sampler, Strategy, Temperature, TokenId, TopK, TopP, log_softmax, seeded_rng};

use crate::{END, LanguageModel, ModelError, START, next_logits};

/// The longest name a method may write.
const MAX_NAME: usize = 15;

/// One method's row.
#[derive(Config, Debug, PartialEq)]
pub struct MethodRow {
    /// The method.
    pub method: String,
    /// Mean log-probability per symbol under the model (τ = 1), nats.
    pub log_likelihood: f64,
    /// Share of the trigrams of all outputs together that repeat an earlier trigram.
    pub repeated_trigrams: f64,
    /// How many different names among the outputs.
    pub distinct: usize,
}

/// The table: every method, `generations` names each.
#[derive(Config, Debug, PartialEq)]
pub struct DecodingTable {
    /// Names per method.
    pub generations: usize,
    /// The seed of the sampled methods.
    pub seed: u64,
    /// One row per method.
    pub rows: Vec<MethodRow>,
}

/// How each method picks a name.
#[derive(Debug, Clone, Copy)]
enum Method {
    Beam(usize),
    Sample(Sampler),
    Greedy,
}

fn score<M: LanguageModel + ?Sized>(model: &M, tokens: &[TokenId]) -> Result<f64, ModelError> {
    let mut context = vec![START];
    let mut total = 0.0;
    for &t in tokens {
        total += log_softmax(&next_logits(model, &context)?)[t];
        context.push(t);
    }
    Ok(total)
}

/// Share of trigram occurrences that repeat an earlier one, over all outputs joined with `·`.
pub fn repeated_trigrams(outputs: &[Vec<TokenId>]) -> f64 {
    let joined: Vec<TokenId> = outputs.iter().flat_map(|o| std::iter::once(START).chain(o.iter().copied())).collect();
    let mut seen = std::collections::HashSet::new();
    let (mut repeats, mut total) = (0usize, 0usize);
    for w in joined.windows(3) {
        total += 1;
        if !seen.insert([w[0], w[1], w[2]]) {
            repeats += 1;
        }
    }
    if total == 0 { 0.0 } else { repeats as f64 / total as f64 }
}

/// Computes the table: `generations` names per method; deterministic methods (greedy, beam) give the
/// same name every time, so they are run once and counted `generations` times.
///
/// # Errors
/// Whatever the model returns.
pub fn decoding_table<M: LanguageModel + ?Sized>(
    model: &M,
    generations: usize,
    seed: u64,
) -> Result<DecodingTable, ModelError> {
    let sampler = |t: f64, k: usize, p: f64| -> Result<Sampler, ModelError> {
        Ok(Sampler::new(Temperature::new(t)?, TopK::new(k), TopP::new(p)?))
    };
    let methods = [
        ("greedy", Method::Greedy),
        ("beam, B = 4", Method::Beam(4)),
        ("beam, B = 16", Method::Beam(16)),
        ("pure sampling", Method::Sample(sampler(1.0, 0, 1.0)?)),
        ("temperature 0.7", Method::Sample(sampler(0.7, 0, 1.0)?)),
        ("top-k, k = 5", Method::Sample(sampler(1.0, 5, 1.0)?)),
        ("nucleus, p = 0.9", Method::Sample(sampler(1.0, 0, 0.9)?)),
    ];
    let mut rows = Vec::new();
    for (name, method) in methods {
        let mut rng = seeded_rng(seed);
        let mut outputs: Vec<Vec<TokenId>> = Vec::new();
        for i in 0..generations {
            let tokens = match method {
                Method::Greedy | Method::Beam(_) if i > 0 => outputs[0].clone(),
                Method::Greedy => crate::generate(model, &[START], MAX_NAME, &Strategy::Greedy, &mut rng)?,
                Method::Beam(width) => {
                    let beams = BeamSearch::new(width, MAX_NAME, Some(END))?
                        .run(&[START], |c: &[TokenId]| next_logits(model, c))?;
                    beams.first().map(|b| b.tokens.clone()).unwrap_or_default()
                }
                Method::Sample(s) => crate::generate(model, &[START], MAX_NAME, &Strategy::Sample(s), &mut rng)?,
            };
            outputs.push(tokens);
        }
        let mut total = 0.0;
        let mut symbols = 0usize;
        for o in &outputs {
            total += score(model, o)?;
            symbols += o.len();
        }
        let distinct = outputs.iter().collect::<std::collections::HashSet<_>>().len();
        rows.push(MethodRow {
            method: name.into(),
            log_likelihood: total / symbols.max(1) as f64,
            repeated_trigrams: repeated_trigrams(&outputs),
            distinct,
        });
    }
    Ok(DecodingTable { generations, seed, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_after_their_first_occurrence() {
        // ·ab·ab: trigrams ·ab, ab·, b·a, ·ab; the last repeats the first.
        assert_eq!(repeated_trigrams(&[vec![1, 2], vec![1, 2]]), 1.0 / 4.0);
        assert_eq!(repeated_trigrams(&[vec![1, 2, 3]]), 0.0);
        assert_eq!(repeated_trigrams(&[]), 0.0);
    }
}
