//! Beam search: keep the B most likely partial sequences at every step.

use std::num::NonZeroUsize;

use crate::{Logits, Result, SamplingError, TokenId};

/// log softmax(ℓ)ᵢ = ℓᵢ − log Σⱼ exp ℓⱼ, computed stably; masked tokens stay −∞.
pub fn log_softmax(logits: &Logits) -> Vec<f64> {
    let max = logits.max();
    let sum: f64 = logits.as_slice().iter().filter(|l| l.is_finite()).map(|l| (l - max).exp()).sum();
    let log_total = max + sum.ln();
    logits.as_slice().iter().map(|l| l - log_total).collect()
}

/// A candidate of one step: its parent beam, the next token (`None`: a finished beam carried over), and
/// its summed log-probability.
type Candidate = (usize, Option<TokenId>, f64);

/// One finished or unfinished hypothesis.
#[derive(Debug, Clone, PartialEq)]
pub struct Beam {
    /// The tokens after the prompt.
    pub tokens: Vec<TokenId>,
    /// Σₜ log P(xₜ | x₍<ₜ₎) over those tokens, in nats.
    pub log_prob: f64,
    /// Whether the beam ended with the end token.
    pub finished: bool,
}

/// Settings of a beam search.
///
/// Hypotheses are ranked by their score, Σ log p ÷ lengthᵅ, where length counts the tokens after the
/// prompt. With α = 0 (the default) the score is the plain sum, which every extra token lowers: the
/// search then prefers short hypotheses (length bias). α = 1 ranks by the mean log-probability per
/// token. The score both prunes (open and finished hypotheses compete for the same `width` places) and
/// orders the result. (Wu et al. 2016 proposed a softened divisor, ((5 + length) / 6)ᵅ; Hugging Face's
/// `length_penalty` divides finished hypotheses by lengthᵅ and keeps them in a separate list.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeamSearch {
    width: NonZeroUsize,
    max_new: usize,
    end: Option<TokenId>,
    alpha: f64,
}

impl BeamSearch {
    /// Keeps `width` beams, grows them by at most `max_new` tokens, and stops a beam at `end`.
    ///
    /// # Errors
    /// [`SamplingError::ZeroBeamWidth`] for a width of 0.
    pub fn new(width: usize, max_new: usize, end: Option<TokenId>) -> Result<Self> {
        let width = NonZeroUsize::new(width).ok_or(SamplingError::ZeroBeamWidth)?;
        Ok(Self { width, max_new, end, alpha: 0.0 })
    }

    /// The same search, ranking by Σ log p ÷ lengthᵅ.
    ///
    /// # Errors
    /// [`SamplingError::InvalidLengthPenalty`] for an α that is NaN, infinite or negative.
    pub fn with_length_penalty(self, alpha: f64) -> Result<Self> {
        if alpha.is_finite() && alpha >= 0.0 {
            Ok(Self { alpha, ..self })
        } else {
            Err(SamplingError::InvalidLengthPenalty(alpha))
        }
    }

    /// α.
    pub fn length_penalty(&self) -> f64 {
        self.alpha
    }

    /// The score a hypothesis of `length` tokens with summed log-probability `log_prob` is ranked by.
    pub fn score_of(&self, log_prob: f64, length: usize) -> f64 {
        if self.alpha == 0.0 { log_prob } else { log_prob / (length.max(1) as f64).powf(self.alpha) }
    }

    /// The score of a beam.
    pub fn score(&self, beam: &Beam) -> f64 {
        self.score_of(beam.log_prob, beam.tokens.len())
    }

    /// Runs the search from `prompt`. `next_logits(context)` gives the next-token logits (or
    /// log-probabilities: they are log-softmaxed here either way).
    ///
    /// Returns at most `width` beams, best first by [`BeamSearch::score`]; equal scores are ordered by
    /// their tokens, so the result is deterministic, and width 1 with α = 0 is exactly greedy decoding.
    ///
    /// # Errors
    /// Whatever `next_logits` returns, and [`SamplingError::WrongLength`] if it changes length.
    ///
    /// ```
    /// use sampling::{BeamSearch, Logits, SamplingError};
    /// let model = |_: &[usize]| Logits::new(vec![0.0, 1.0]);
    /// let beams = BeamSearch::new(2, 3, None)?.run(&[], model)?;
    /// assert_eq!(beams[0].tokens, vec![1, 1, 1]);
    /// # Ok::<(), SamplingError>(())
    /// ```
    pub fn run<F, E>(&self, prompt: &[TokenId], mut next_logits: F) -> Result<Vec<Beam>, E>
    where
        F: FnMut(&[TokenId]) -> Result<Logits, E>,
        E: From<SamplingError>,
    {
        let mut beams = vec![Beam { tokens: Vec::new(), log_prob: 0.0, finished: false }];
        let mut vocab = None;
        let mut context = prompt.to_vec();
        for _ in 0..self.max_new {
            if beams.iter().all(|b| b.finished) {
                break;
            }
            // Every finished beam carries over as it is; every open beam proposes every next token.
            // A candidate is (parent beam, next token or None for "carry over", score).
            let mut candidates: Vec<Candidate> = Vec::new();
            for (parent, beam) in beams.iter().enumerate() {
                if beam.finished {
                    candidates.push((parent, None, beam.log_prob));
                    continue;
                }
                context.truncate(prompt.len());
                context.extend_from_slice(&beam.tokens);
                let logits = next_logits(&context)?;
                let expected = *vocab.get_or_insert(logits.len());
                if logits.len() != expected {
                    return Err(SamplingError::WrongLength { expected, got: logits.len() }.into());
                }
                for (token, lp) in log_softmax(&logits).into_iter().enumerate() {
                    if lp.is_finite() {
                        candidates.push((parent, Some(token), beam.log_prob + lp));
                    }
                }
            }
            // Best score first; equal scores by their token sequences, for determinism. Each candidate's
            // score is computed once; only the best `width` are sorted (a vocabulary of thousands makes
            // width × vocabulary candidates a step).
            let sequence = |&(parent, token, _): &Candidate| beams[parent].tokens.iter().copied().chain(token);
            let mut scored: Vec<(f64, Candidate)> = candidates
                .into_iter()
                .map(|c| (self.score_of(c.2, beams[c.0].tokens.len() + usize::from(c.1.is_some())), c))
                .collect();
            let order = |a: &(f64, Candidate), b: &(f64, Candidate)| {
                b.0.total_cmp(&a.0).then_with(|| sequence(&a.1).cmp(sequence(&b.1)))
            };
            let width = self.width.get();
            if scored.len() > width {
                scored.select_nth_unstable_by(width - 1, order);
                scored.truncate(width);
            }
            scored.sort_by(order);
            beams = scored
                .iter()
                .map(|(_, c)| Beam {
                    tokens: sequence(c).collect(),
                    log_prob: c.2,
                    finished: beams[c.0].finished || (c.1.is_some() && c.1 == self.end),
                })
                .collect();
        }
        Ok(beams)
    }
}
