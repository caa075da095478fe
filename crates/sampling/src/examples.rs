//! The lesson's worked examples, each defined once: the page shows them and asks about them, the tests
//! check what the page says of them.

use crate::{Distribution, Logits};

/// Three logits, (2, 1, 0): the temperature example and its quizzes.
pub const THREE_LOGITS: [f64; 3] = [2.0, 1.0, 0.0];

/// Six probabilities, sorted largest first: the nucleus example (p = 0.9 keeps four, of mass 0.93).
pub const SIX_TOKENS: [f64; 6] = [0.50, 0.20, 0.15, 0.08, 0.05, 0.02];

/// Speculative sampling's worked example over three tokens: the draft's distribution q and the
/// target's p. The draft proposes token 1 with q = 0.5 where the target gives it 0.2.
pub const DRAFT_Q: [f64; 3] = [0.5, 0.3, 0.2];
/// The target's distribution p of the same example.
pub const TARGET_P: [f64; 3] = [0.2, 0.3, 0.5];

/// [`THREE_LOGITS`] as logits.
pub fn three_logits() -> Logits {
    Logits::new(THREE_LOGITS.to_vec()).unwrap_or_else(|_| unreachable!("finite logits"))
}

/// [`SIX_TOKENS`] as a distribution.
pub fn six_tokens() -> Distribution {
    Distribution::from_probs(SIX_TOKENS.to_vec()).unwrap_or_else(|_| unreachable!("valid probabilities"))
}

/// The values as the page writes them: two decimals, comma-separated, in parentheses.
pub fn listed(values: &[f64]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v:.2}")).collect();
    format!("({})", parts.join(", "))
}
