//! What speculative sampling is counted by: passes of the target, drafts and what was kept.

use std::ops::{AddAssign, Sub};

use serde::{Deserialize, Serialize};

/// Running totals of a speculative generation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Rounds run: one pass of the target each.
    pub target_passes: usize,
    /// Tokens drafted.
    pub drafted: usize,
    /// Drafted tokens accepted.
    pub accepted: usize,
    /// Tokens appended to the text.
    pub tokens: usize,
}

impl Tally {
    /// The share of drafted tokens accepted; 0 before any was drafted.
    pub fn acceptance_rate(&self) -> f64 {
        if self.drafted == 0 { 0.0 } else { self.accepted as f64 / self.drafted as f64 }
    }

    /// Passes of the target per token of text: 1 for plain sampling, less the more drafts are accepted.
    pub fn passes_per_token(&self) -> f64 {
        if self.tokens == 0 { 0.0 } else { self.target_passes as f64 / self.tokens as f64 }
    }
}

impl Tally {
    /// `tokens` tokens of plain sampling: one pass of the target each, nothing drafted.
    pub fn plain(tokens: usize) -> Self {
        Self { target_passes: tokens, drafted: 0, accepted: 0, tokens }
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Self) {
        self.target_passes += other.target_passes;
        self.drafted += other.drafted;
        self.accepted += other.accepted;
        self.tokens += other.tokens;
    }
}

/// What was counted between an earlier tally and this one.
impl Sub for Tally {
    type Output = Self;

    fn sub(self, earlier: Self) -> Self {
        Self {
            target_passes: self.target_passes - earlier.target_passes,
            drafted: self.drafted - earlier.drafted,
            accepted: self.accepted - earlier.accepted,
            tokens: self.tokens - earlier.tokens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_add_and_subtract_field_by_field() {
        let a = Tally { target_passes: 3, drafted: 8, accepted: 5, tokens: 8 };
        let mut b = Tally::plain(4);
        assert_eq!(b, Tally { target_passes: 4, drafted: 0, accepted: 0, tokens: 4 });
        b += a;
        assert_eq!(b, Tally { target_passes: 7, drafted: 8, accepted: 5, tokens: 12 });
        assert_eq!(b - a, Tally::plain(4));
        assert_eq!((a.acceptance_rate(), a.passes_per_token()), (5.0 / 8.0, 3.0 / 8.0));
        assert_eq!((Tally::default().acceptance_rate(), Tally::default().passes_per_token()), (0.0, 0.0));
    }
}
