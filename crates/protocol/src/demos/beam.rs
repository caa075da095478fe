//! Beam search on a model of names: the likeliest names it finds, against sampled ones, each scored by
//! the model.

use sampling::{BeamSearch, Logits, Strategy, TokenId, log_softmax, seeded_rng};
use serde::{Deserialize, Serialize};

use crate::{END, MAX_NAME, ModelError, START, Vocab};

/// The beams the widget keeps at first.
pub const WIDTH_START: usize = 4;
/// The length penalty α the widget starts at.
pub const ALPHA_START: f64 = 0.0;

/// The seed of the sampled names shown beside the beams.
pub const BEAM_SEED: u64 = 11;

/// How many sampled names are shown beside the beams.
pub const SAMPLED_NAMES: usize = 5;

/// One name and its summed log-probability under the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The `width` best names beam search finds from `·` on the model `next` runs, ranked by Σ log p ÷
/// lengthᵅ.
///
/// # Errors
/// Whatever `next` returns; [`sampling::SamplingError::ZeroBeamWidth`] for width 0 and
/// [`sampling::SamplingError::InvalidLengthPenalty`] for a bad α.
pub fn beam_names(
    next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
    width: usize,
    alpha: f64,
) -> Result<Vec<Scored>, ModelError> {
    let search = BeamSearch::new(width, MAX_NAME, Some(END))?.with_length_penalty(alpha)?;
    let beams = search.run(&[START], next)?;
    Ok(beams.iter().map(|b| scored(&b.tokens, b.log_prob, search.score(b))).collect())
}

/// Σ log P(symbol | before) of `tokens` after `·` under the model `next` runs: how the decoding table
/// and the beam widget score a name (pass its closing `·` to score the end too).
///
/// # Errors
/// Whatever `next` returns.
pub fn log_likelihood(
    mut next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
    tokens: &[TokenId],
) -> Result<f64, ModelError> {
    let mut context = vec![START];
    let mut total = 0.0;
    for &t in tokens {
        total += log_softmax(&next(&context)?)[t];
        context.push(t);
    }
    Ok(total)
}

/// `n` names drawn by plain sampling (τ = 1) from the model `next` runs, each scored the same way.
///
/// # Errors
/// Whatever `next` returns.
pub fn sampled_names(
    mut next: impl FnMut(&[TokenId]) -> Result<Logits, ModelError>,
    n: usize,
    seed: u64,
) -> Result<Vec<Scored>, ModelError> {
    let mut rng = seeded_rng(seed);
    let plain = Strategy::Sample(Default::default());
    (0..n)
        .map(|_| {
            let tokens = sampling::generate(&[START], MAX_NAME, Some(END), &plain, &mut rng, &mut next)?;
            let log_prob = log_likelihood(&mut next, &tokens)?;
            Ok(scored(&tokens, log_prob, log_prob))
        })
        .collect()
}

/// The mean length of names, in symbols (the closing `·` included).
pub fn mean_symbols(names: &[Scored]) -> f64 {
    names.iter().map(|s| s.symbols as f64).sum::<f64>() / names.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model of two names, `·ab·` (likely) and `·abcd·`: after b the end is likelier than c.
    fn names(context: &[TokenId]) -> Result<Logits, ModelError> {
        let mut logits = vec![-9.0; 27];
        match context.last() {
            Some(&0) => logits[1] = 0.0,
            Some(&1) => logits[2] = 0.0,
            Some(&2) => (logits[0], logits[3]) = (1.0, 0.0),
            Some(&3) => logits[4] = 0.0,
            _ => logits[0] = 0.0,
        }
        Ok(Logits::new(logits)?)
    }

    #[test]
    fn the_widest_beam_ranks_by_likelihood_and_the_penalty_favours_length() {
        let plain = beam_names(names, 2, 0.0).unwrap();
        assert_eq!(plain.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["ab", "abcd"]);
        assert!(plain.windows(2).all(|w| w[0].log_prob >= w[1].log_prob));
        assert!(plain.iter().all(|s| s.score == s.log_prob));
        let normalized = beam_names(names, 2, 1.0).unwrap();
        assert!(normalized.iter().all(|s| (s.score - s.per_symbol()).abs() < 1e-12));
        assert!(mean_symbols(&normalized) >= mean_symbols(&plain));
        assert!(beam_names(names, 2, -1.0).is_err());
        assert!(beam_names(names, 0, 0.0).is_err());
    }

    #[test]
    fn a_name_is_scored_symbol_by_symbol() {
        let ll = log_likelihood(names, &[1, 2, 0]).unwrap();
        let after_b = log_softmax(&names(&[0, 1, 2]).unwrap())[0];
        assert!((ll - after_b - 2.0 * log_softmax(&names(&[0]).unwrap())[1]).abs() < 1e-12);
        let sampled = sampled_names(names, 20, 1).unwrap();
        assert_eq!(sampled.len(), 20);
        assert!(sampled.iter().all(|s| s.name == "ab" || s.name == "abcd"));
        assert!(sampled.iter().all(|s| s.log_prob < 0.0 && s.score == s.log_prob));
        assert_eq!(mean_symbols(&[]), 0.0);
    }
}
