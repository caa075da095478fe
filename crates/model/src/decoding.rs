//! Decoding methods compared on the model, after Holtzman et al. (2020), Table 1: how likely their
//! outputs are, how much one long output repeats itself, and how varied many outputs are.

use std::collections::HashSet;

use burn::config::Config;
use sampling::{BeamSearch, Sampler, Strategy, Temperature, TokenId, TopK, TopP, log_softmax, seeded_rng};

use crate::{END, LanguageModel, ModelError, START, next_logits};

/// The longest name a decoding method, a search or a sample may write, in symbols.
pub const MAX_NAME: usize = 15;

/// The committed table, computed by `cargo xtask decoding-table`.
const SHIPPED_TABLE: &str = include_str!("../../../assets/models/decoding.json");

/// One method's row.
#[derive(Config, Debug, PartialEq)]
pub struct MethodRow {
    /// The method as the table names it, with its setting ("beam, B = 4").
    pub method: String,
    /// Mean log-probability per symbol of its names under the model (τ = 1), nats.
    pub log_likelihood: f64,
    /// Repetition within one output: the share of the trigrams of one continuous generation (run on
    /// across the ends of names, through the model's window) that repeat an earlier trigram of the same
    /// generation, averaged over the runs.
    pub repeated_trigrams: f64,
    /// Diversity across outputs: how many different names among the generations.
    pub distinct: usize,
    /// Diversity across outputs: distinct bigrams over all bigrams of the names (distinct-2, Li et al.
    /// 2016), each name with its closing `·`.
    pub distinct_2: f64,
}

/// The table: every method, `generations` names and `runs` continuous generations of `run_length`
/// symbols each.
#[derive(Config, Debug, PartialEq)]
pub struct DecodingTable {
    /// Names per method.
    pub generations: usize,
    /// The seed of the sampled methods.
    pub seed: u64,
    /// Symbols in each continuous generation.
    pub run_length: usize,
    /// Continuous generations per sampled method (one for a deterministic method, whose runs are all
    /// the same).
    pub runs: usize,
    /// One row per method.
    pub rows: Vec<MethodRow>,
}

impl DecodingTable {
    /// The table committed beside the shipped transformer (100 names per method).
    ///
    /// # Errors
    /// [`ModelError::Weights`] if the committed table does not parse.
    pub fn shipped() -> Result<Self, ModelError> {
        Self::load_binary(SHIPPED_TABLE.as_bytes()).map_err(|e| ModelError::Weights(format!("decoding table: {e}")))
    }
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
    let mut context = vec![START];
    let mut total = 0.0;
    for &t in tokens {
        total += log_softmax(&next_logits(model, &context)?)[t];
        context.push(t);
    }
    Ok(total)
}

/// Share of the trigrams of one sequence that repeat an earlier trigram of the same sequence.
pub fn repeated_trigrams(tokens: &[TokenId]) -> f64 {
    let mut seen = HashSet::new();
    let windows = tokens.windows(3);
    let total = windows.len();
    let repeats = windows.filter(|w| !seen.insert(*w)).count();
    if total == 0 { 0.0 } else { repeats as f64 / total as f64 }
}

/// Distinct n-grams over all n-grams, counted inside each output.
pub fn distinct_n(outputs: &[Vec<TokenId>], n: usize) -> f64 {
    let grams: Vec<&[TokenId]> = outputs.iter().flat_map(|o| o.windows(n.max(1))).collect();
    let unique: HashSet<&[TokenId]> = grams.iter().copied().collect();
    if grams.is_empty() { 0.0 } else { unique.len() as f64 / grams.len() as f64 }
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

impl DecodingTable {
    /// The table as Markdown, as the README shows it.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "| method | log-likelihood per symbol ({} names) | repeated trigrams within one run of {} symbols | \
             distinct names (of {}) | distinct-2 |\n|---|---:|---:|---:|---:|\n",
            self.generations, self.run_length, self.generations
        );
        for r in &self.rows {
            out += &format!(
                "| {} | {} | {:.0} % | {} | {:.2} |\n",
                r.method,
                format!("{:.3}", r.log_likelihood).replace('-', "−"),
                r.repeated_trigrams * 100.0,
                r.distinct,
                r.distinct_2
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_after_their_first_occurrence() {
        // ·ab·ab: trigrams ·ab, ab·, b·a, ·ab; the last repeats the first.
        assert_eq!(repeated_trigrams(&[0, 1, 2, 0, 1, 2]), 1.0 / 4.0);
        assert_eq!(repeated_trigrams(&[1, 2, 3]), 0.0);
        assert_eq!(repeated_trigrams(&[1, 2]), 0.0);
        assert_eq!(repeated_trigrams(&[5, 5, 5, 5, 5]), 2.0 / 3.0);
    }

    #[test]
    fn distinct_n_counts_unique_grams_over_all() {
        // ab, bc | ab, bd: 4 bigrams, 3 distinct.
        assert_eq!(distinct_n(&[vec![1, 2, 3], vec![1, 2, 4]], 2), 0.75);
        assert_eq!(distinct_n(&[vec![1, 2], vec![1, 2]], 2), 0.5);
        assert_eq!(distinct_n(&[vec![1]], 2), 0.0);
    }

    #[test]
    fn the_markdown_has_a_row_per_method() {
        let row = |m: &str, ll| MethodRow {
            method: m.into(),
            log_likelihood: ll,
            repeated_trigrams: 0.256,
            distinct: 3,
            distinct_2: 0.5,
        };
        let table = DecodingTable {
            generations: 3,
            seed: 1,
            run_length: 20,
            runs: 2,
            rows: vec![row("a", -1.5), row("b", -2.0)],
        };
        let md = table.markdown();
        assert_eq!(md.lines().count(), 4);
        assert!(md.contains("| a | −1.500 | 26 % | 3 | 0.50 |"), "{md}");
        assert!(
            md.starts_with("| method | log-likelihood per symbol (3 names) | repeated trigrams within one run of 20")
        );
    }
}
