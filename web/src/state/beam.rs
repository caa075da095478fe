//! Beam search on the trained transformer: the likeliest names it finds, against sampled ones.

use model::{END, LanguageModel, MAX_NAME, ModelError, START, Vocab, log_likelihood, next_logits};
use sampling::{BeamSearch, Strategy, TokenId, seeded_rng};

/// The argument against beam search for open-ended text, with the numbers of the table and of the
/// model's card: real names score about the validation loss per symbol, and so does pure sampling,
/// while beam search scores far above.
pub fn why_not_beam(table: &model::DecodingTable, validation_loss: f64) -> String {
    let row = |name: &str| table.rows.iter().find(|r| r.method == name);
    let (Some(beam), Some(pure)) = (row("beam, B = 16"), row("pure sampling")) else { return String::new() };
    format!(
        "No α fixes the deeper problem with open-ended text. Beam search looks for the likeliest output, \
         and real text is not the likeliest: real names, held out from training, score {:.2} nats per \
         symbol under this model (its validation loss), and pure sampling's names score {:.2}, about the \
         same, while beam search's (B = 16) score {:.2}, far likelier than real names are. It is also \
         deterministic: one prompt, one answer ({} distinct name in {}). Chat and story models sample \
         instead; beam search stays useful where one best answer exists: translation, summaries, \
         constrained outputs.",
        -validation_loss, pure.log_likelihood, beam.log_likelihood, beam.distinct, table.generations
    )
}

/// One name and its summed log-probability under the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The name, without its boundaries.
    pub name: String,
    /// Σ log P(symbol | before), the closing `·` included, in nats.
    pub log_prob: f64,
    /// The number of symbols scored (the closing `·` included).
    pub symbols: usize,
    /// What the search ranked it by: Σ log p ÷ symbolsᵅ.
    pub score: f64,
}

impl Scored {
    /// The mean log-probability per symbol.
    pub fn per_symbol(&self) -> f64 {
        self.log_prob / self.symbols.max(1) as f64
    }
}

fn scored(tokens: &[TokenId], log_prob: f64, score: f64) -> Scored {
    Scored { name: Vocab.name(tokens), log_prob, symbols: tokens.len(), score }
}

/// The `width` best names beam search finds from `·`, ranked by Σ log p ÷ lengthᵅ.
///
/// # Errors
/// Whatever the model returns; [`sampling::SamplingError::ZeroBeamWidth`] for width 0 and
/// [`sampling::SamplingError::InvalidLengthPenalty`] for a bad α.
pub fn beam_names<M: LanguageModel>(model: &M, width: usize, alpha: f64) -> Result<Vec<Scored>, ModelError> {
    let search = BeamSearch::new(width, MAX_NAME, Some(END))?.with_length_penalty(alpha)?;
    let beams = search.run(&[START], |context: &[TokenId]| next_logits(model, context))?;
    Ok(beams.iter().map(|b| scored(&b.tokens, b.log_prob, search.score(b))).collect())
}

/// The seed of the sampled names shown beside the beams.
pub const BEAM_SEED: u64 = 11;

/// How many sampled names are shown beside the beams.
pub const SAMPLED_NAMES: usize = 5;

/// The mean length of names, in symbols (the closing `·` included).
pub fn mean_symbols(names: &[Scored]) -> f64 {
    names.iter().map(|s| s.symbols as f64).sum::<f64>() / names.len().max(1) as f64
}

/// `n` names drawn by plain sampling (τ = 1), each scored the same way.
///
/// # Errors
/// Whatever the model returns.
pub fn sampled_names<M: LanguageModel>(model: &M, n: usize, seed: u64) -> Result<Vec<Scored>, ModelError> {
    let mut rng = seeded_rng(seed);
    (0..n)
        .map(|_| {
            let tokens = model::generate(model, &[START], MAX_NAME, &Strategy::Sample(Default::default()), &mut rng)?;
            let log_prob = log_likelihood(model, &tokens)?;
            Ok(scored(&tokens, log_prob, log_prob))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Bigram, device};

    #[test]
    fn the_shipped_table_parses() {
        let table = model::shipped_table().unwrap();
        assert_eq!(table.rows.len(), 7);
        assert_eq!(table.rows[0].method, "greedy");
    }

    #[test]
    fn the_argument_quotes_the_table_and_the_card() {
        let table = model::shipped_table().unwrap();
        let text = why_not_beam(&table, 2.1247);
        assert!(text.contains("score -2.12 nats per symbol"), "{text}");
        assert!(text.contains("(1 distinct name in 100)"), "{text}");
        let empty = model::DecodingTable { rows: vec![], ..table };
        assert_eq!(why_not_beam(&empty, 2.0), "");
    }

    #[test]
    fn wider_beams_find_likelier_names_than_sampling() {
        let model = Bigram::shipped(&device()).unwrap();
        let narrow = beam_names(&model, 1, 0.0).unwrap();
        let wide = beam_names(&model, 8, 0.0).unwrap();
        assert_eq!(narrow.len(), 1);
        assert_eq!(wide.len(), 8);
        assert!(wide[0].log_prob >= narrow[0].log_prob - 1e-9);
        assert!(wide.windows(2).all(|w| w[0].log_prob >= w[1].log_prob));
        let sampled = sampled_names(&model, 20, 1).unwrap();
        let mean = sampled.iter().map(|s| s.log_prob).sum::<f64>() / sampled.len() as f64;
        assert!(wide[0].log_prob > mean, "the search's best beats a typical sample");
        assert!(sampled.iter().all(|s| s.log_prob < 0.0 && s.symbols >= 1));
    }

    #[test]
    fn normalizing_by_length_finds_longer_names_on_the_transformer() {
        let model = model::Gpt::shipped(&device()).unwrap();
        let plain = beam_names(&model, 4, 0.0).unwrap();
        let normalized = beam_names(&model, 4, 1.0).unwrap();
        assert!(mean_symbols(&normalized) > mean_symbols(&plain), "{plain:?} {normalized:?}");
        assert_ne!(
            plain.iter().map(|s| &s.name).collect::<Vec<_>>(),
            normalized.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        assert!(plain.iter().all(|s| s.score == s.log_prob));
        assert!(normalized.iter().all(|s| (s.score - s.per_symbol()).abs() < 1e-12));
        assert!(normalized.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(beam_names(&model, 4, -1.0).is_err());
    }
}
