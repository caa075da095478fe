//! Decoding methods compared on the model, after Holtzman et al. (2020), Table 1: how likely their
//! outputs are, how much one long output repeats itself, and how varied many outputs are.

use std::collections::HashSet;

use sampling::{BeamSearch, Sampler, Strategy, Temperature, TokenId, TopK, TopP, seeded_rng};

use protocol::decoding::{DecodingTable, MAX_NAME, MethodRow, distinct_n, repeated_trigrams};

use crate::{END, LanguageModel, ModelError, START, next_logits};

/// The committed table, computed by `cargo xtask decoding-table`.
const SHIPPED_TABLE: &str = include_str!("../../../assets/models/decoding.json");

/// The table committed beside the shipped transformer (100 names per method).
///
/// # Errors
/// [`ModelError::Weights`] if the committed table does not parse.
pub fn shipped_table() -> Result<DecodingTable, ModelError> {
    serde_json::from_str(SHIPPED_TABLE).map_err(|e| ModelError::Weights(format!("decoding table: {e}")))
}

/// How each method picks.
#[derive(Debug, Clone, Copy)]
enum Method {
    Greedy,
    Beam(usize),
    Sample(Sampler),
}

impl Method {
    fn is_deterministic(self) -> bool {
        !matches!(self, Self::Sample(_))
    }

    /// Up to `max_new` symbols after `·`; a name stops at the end symbol when `end` is given.
    fn write<M: LanguageModel + ?Sized>(
        self,
        model: &M,
        max_new: usize,
        end: Option<TokenId>,
        rng: &mut sampling::SeededRng,
    ) -> Result<Vec<TokenId>, ModelError> {
        let next = |c: &[TokenId]| next_logits(model, c);
        match self {
            Self::Greedy => sampling::generate(&[START], max_new, end, &Strategy::Greedy, rng, next),
            Self::Sample(s) => sampling::generate(&[START], max_new, end, &Strategy::Sample(s), rng, next),
            Self::Beam(width) => {
                let beams = BeamSearch::new(width, max_new, end)?.run(&[START], next)?;
                Ok(beams.into_iter().next().map(|b| b.tokens).unwrap_or_default())
            }
        }
    }
}

/// Σ log P(symbol | before) of `tokens` after `·`, under the model: how the decoding table and the beam
/// widget score a name (pass its closing `·` to score the end too).
///
/// # Errors
/// As [`next_logits`].
pub fn log_likelihood<M: LanguageModel + ?Sized>(model: &M, tokens: &[TokenId]) -> Result<f64, ModelError> {
    protocol::demos::beam::log_likelihood(|context| next_logits(model, context), tokens)
}

/// Computes the table: `generations` names per method, and `runs` continuous generations of
/// `run_length` symbols. A deterministic method (greedy, beam) writes the same thing every time, so it
/// is run once and its name counted `generations` times.
///
/// # Errors
/// Whatever the model returns.
pub fn decoding_table<M: LanguageModel + ?Sized>(
    model: &M,
    generations: usize,
    seed: u64,
    run_length: usize,
    runs: usize,
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
        let mut names: Vec<Vec<TokenId>> = Vec::new();
        for i in 0..generations {
            let tokens = if method.is_deterministic() && i > 0 {
                names[0].clone()
            } else {
                method.write(model, MAX_NAME, Some(END), &mut rng)?
            };
            names.push(tokens);
        }
        let mut total = 0.0;
        for n in &names {
            total += log_likelihood(model, n)?;
        }
        let symbols: usize = names.iter().map(Vec::len).sum();
        let mut repeated = 0.0;
        let runs_made = if method.is_deterministic() { 1 } else { runs.max(1) };
        for _ in 0..runs_made {
            repeated += repeated_trigrams(&method.write(model, run_length, None, &mut rng)?);
        }
        rows.push(MethodRow {
            method: name.into(),
            log_likelihood: total / symbols.max(1) as f64,
            repeated_trigrams: repeated / runs_made as f64,
            distinct: names.iter().collect::<HashSet<_>>().len(),
            distinct_2: distinct_n(&names, 2),
        });
    }
    Ok(DecodingTable { generations, seed, run_length, runs, rows })
}
