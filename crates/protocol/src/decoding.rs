//! Decoding methods compared on the model, after Holtzman et al. (2020), Table 1: the table's rows and
//! the measures of repetition and diversity (the model crate computes the table).

use std::collections::HashSet;

use sampling::TokenId;
use serde::{Deserialize, Serialize};

/// The longest name a decoding method, a search or a sample may write, in symbols.
pub const MAX_NAME: usize = 15;

/// One method's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Share of the trigrams of one sequence that repeat an earlier trigram of the same sequence.
pub fn repeated_trigrams(tokens: &[TokenId]) -> f64 {
    repeated_share(tokens, 3)
}

/// Distinct n-grams over all n-grams, counted inside each output.
pub fn distinct_n(outputs: &[Vec<TokenId>], n: usize) -> f64 {
    let grams: Vec<&[TokenId]> = outputs.iter().flat_map(|o| o.windows(n.max(1))).collect();
    let unique: HashSet<&[TokenId]> = grams.iter().copied().collect();
    if grams.is_empty() { 0.0 } else { unique.len() as f64 / grams.len() as f64 }
}

/// One method's row of the table on text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextMethodRow {
    /// The method as the table names it, with its setting ("top-k, k = 40").
    pub method: String,
    /// Mean log-probability per token of its continuations under the model (τ = 1, nothing cut), nats.
    pub per_token: f64,
    /// The same summed log-probability over the characters of the continuations, nats.
    pub per_character: f64,
    /// Repetition within one output: the share of a continuation's 4-grams (of tokens) that repeat an
    /// earlier 4-gram of the same continuation, averaged over the continuations.
    pub repeated_4grams: f64,
    /// Diversity across outputs: distinct token bigrams over all bigrams of the continuations
    /// (distinct-2).
    pub distinct_2: f64,
}

/// Decoding methods on the Shakespeare model: `length`-token continuations of `prompts` lines of the
/// held-out plays, and the plays' own next `length` tokens as the first row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextDecodingTable {
    /// Prompts (each one line of the held-out plays).
    pub prompts: usize,
    /// Tokens written after each.
    pub length: usize,
    /// The seed of the sampled methods (one generator per method, run through the prompts in order).
    pub seed: u64,
    /// One row per method, the held-out text first.
    pub rows: Vec<TextMethodRow>,
}

/// Share of the `n`-grams of one sequence that repeat an earlier `n`-gram of the same sequence.
pub fn repeated_share(tokens: &[TokenId], n: usize) -> f64 {
    let mut seen = HashSet::new();
    let windows = tokens.windows(n.max(1));
    let total = windows.len();
    let repeats = windows.filter(|w| !seen.insert(*w)).count();
    if total == 0 { 0.0 } else { repeats as f64 / total as f64 }
}

impl TextDecodingTable {
    /// The table as Markdown, as the README shows it.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "| method ({} prompts, {} tokens each) | log-likelihood per token | per character | repeated 4-grams \
             within one continuation | distinct-2 across them |\n|---|---:|---:|---:|---:|\n",
            self.prompts, self.length
        );
        for r in &self.rows {
            out += &format!(
                "| {} | {} | {} | {:.0} % | {:.2} |\n",
                r.method,
                format!("{:.2}", r.per_token).replace('-', "−"),
                format!("{:.3}", r.per_character).replace('-', "−"),
                r.repeated_4grams * 100.0,
                r.distinct_2
            );
        }
        out
    }

    /// The row of `method`.
    pub fn row(&self, method: &str) -> Option<&TextMethodRow> {
        self.rows.iter().find(|r| r.method == method)
    }
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
