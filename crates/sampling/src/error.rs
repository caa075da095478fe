//! The one error type of the crate.

/// Why an input was refused. Every public constructor and fallible function returns this instead of
/// panicking, so a caller (the page, a test, a fuzzer) can show the reason and carry on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SamplingError {
    /// There is no logit (or probability) at all, so there is nothing to choose from.
    #[error("the vector is empty: there is no token to choose from")]
    Empty,
    /// A logit is NaN, which has no place in any ordering.
    #[error("logit {index} is NaN")]
    NanLogit {
        /// Position of the offending logit.
        index: usize,
    },
    /// A logit is +∞. Logits must be finite, or −∞ for a masked token.
    #[error("logit {index} is +∞; logits must be finite, or −∞ for a masked token")]
    InfiniteLogit {
        /// Position of the offending logit.
        index: usize,
    },
    /// Every logit is −∞: every token is masked and none can be drawn.
    #[error("every logit is −∞, so every token is masked")]
    AllMasked,
    /// τ must be finite and greater than 0.
    #[error("temperature must be finite and greater than 0, got {0}")]
    InvalidTemperature(f64),
    /// p must be finite and in (0, 1].
    #[error("top-p must be in (0, 1], got {0}")]
    InvalidTopP(f64),
    /// min-p must be finite and in [0, 1].
    #[error("min-p must be in [0, 1], got {0}")]
    InvalidMinP(f64),
    /// n of top-n-σ must be finite and at least 0.
    #[error("top-n-σ's n must be finite and at least 0, got {0}")]
    InvalidTopNSigma(f64),
    /// The mass of typical sampling must be finite and in (0, 1].
    #[error("typical-p must be in (0, 1], got {0}")]
    InvalidTypicalP(f64),
    /// A penalty is out of its range: the repetition penalty must be finite and greater than 0, the
    /// presence and frequency penalties finite.
    #[error("the {name} penalty must be {range}, got {value}")]
    InvalidPenalty {
        /// Which penalty.
        name: &'static str,
        /// What it must be.
        range: &'static str,
        /// The value given.
        value: f64,
    },
    /// A probability is negative, NaN or infinite.
    #[error("probability {index} is {value}; probabilities must be finite and at least 0")]
    InvalidProbability {
        /// Position of the offending probability.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// All probabilities are 0 (or their sum overflowed), so they cannot be normalized.
    #[error("the probabilities sum to {0}, which cannot be normalized to 1")]
    InvalidMass(f64),
    /// The length penalty α must be finite and at least 0.
    #[error("the length penalty α must be finite and at least 0, got {0}")]
    InvalidLengthPenalty(f64),
    /// Beam search needs at least one beam.
    #[error("beam width must be at least 1")]
    ZeroBeamWidth,
    /// A model handed back a vector of another length than the vocabulary's.
    #[error("expected {expected} values, one per token, but got {got}")]
    WrongLength {
        /// The vocabulary size.
        expected: usize,
        /// The length received.
        got: usize,
    },
    /// A token id is outside the vocabulary.
    #[error("token {token} is outside a vocabulary of {vocab} tokens")]
    TokenOutOfRange {
        /// The offending id.
        token: usize,
        /// The vocabulary size.
        vocab: usize,
    },
    /// Speculative sampling was handed lists that do not line up: it needs one draft distribution per
    /// drafted token and one target distribution more.
    #[error(
        "speculative sampling needs q for each of the {drafted} drafted tokens and p for one more, got {q} q and {p} p"
    )]
    DraftMismatch {
        /// How many tokens were drafted.
        drafted: usize,
        /// How many draft distributions came with them.
        q: usize,
        /// How many target distributions came with them.
        p: usize,
    },
}
