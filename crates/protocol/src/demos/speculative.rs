//! Speculative sampling on the page's two models, round by round: what the page shows of the text so
//! far and of the last round (the model crate runs the rounds).

use sampling::{Strategy, TokenId};
use serde::{Deserialize, Serialize};

use crate::Tally;

/// The most drafts a round the slider offers.
pub const GAMMA_MAX: usize = 8;
/// The drafts a round it starts at.
pub const GAMMA_START: usize = 4;
/// The seed of the step-through's draws.
pub const SEED: u64 = 5;
/// How many first symbols the draw mode makes.
pub const DRAWS: usize = 10_000;
/// The seed of the draw mode.
pub const DRAW_SEED: u64 = 6;
/// Names generated each way by the measurement.
pub const MEASURED_NAMES: u64 = 20;

/// The sampler both models' logits go through: τ = 1, no top-k, no top-p, so p and q are the models'
/// own distributions.
pub fn strategy() -> Strategy {
    Strategy::default()
}

/// What became of one drafted symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fate {
    /// u < p/q: kept.
    Accepted,
    /// u ≥ p/q: dropped, and the next symbol drawn from the residual.
    Rejected,
    /// Drafted after a rejection: never checked.
    Unchecked,
}

/// One drafted symbol of the last round, as the table shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftRow {
    /// The drafted symbol.
    pub token: TokenId,
    /// q(x): the bigram's probability of it.
    pub q: f64,
    /// p(x): the transformer's.
    pub p: f64,
    /// min(1, p/q).
    pub acceptance: f64,
    /// The uniform drawn against it, if it was checked.
    pub u: Option<f64>,
    /// What became of it.
    pub fate: Fate,
}

/// The step-through as the page shows it after a round (or before the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecView {
    /// The text before the last round, what the round kept of its drafts, and the symbol drawn after
    /// them, each as written (`·` for the end).
    pub parts: (String, String, String),
    /// The last round's drafts, one row each (none before the first round).
    pub rows: Vec<DraftRow>,
    /// At the rejected position of the last round: the target's p, the draft's q, and the normalized
    /// residual the next symbol was drawn from. `None` when nothing was rejected.
    pub residual: Option<[Vec<f64>; 3]>,
    /// Rounds run and their totals, over every name so far.
    pub tally: Tally,
    /// The names finished so far, oldest first.
    pub names: Vec<String>,
    /// What the draw mode draws after: the text so far, or `·` once the name has ended.
    pub context: Vec<TokenId>,
    /// The transformer's logits after `context` (its p in the draw mode).
    pub target: Vec<f32>,
    /// The bigram's logits after `context` (its q).
    pub draft: Vec<f32>,
}

/// Plain cached sampling against speculative sampling at γ, both over [`MEASURED_NAMES`] names from the
/// same seeds, timed where they ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecMeasured {
    /// The drafts a round.
    pub gamma: usize,
    /// Milliseconds for the plain names.
    pub plain_ms: f64,
    /// Milliseconds for the speculative ones.
    pub speculative_ms: f64,
    /// The speculative run's totals.
    pub tally: Tally,
}
