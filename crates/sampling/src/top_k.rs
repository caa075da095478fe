//! Top-k: keep the k highest logits, mask the rest to −∞.

use crate::{Logits, TokenId};

/// How many tokens top-k keeps. `0` means off.
///
/// Keeps exactly k tokens, breaking ties at the k-th logit toward the lower token id, so `k = 1` is
/// greedy. Tokens already masked to −∞ are not counted as kept: when fewer than k are alive, all survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TopK(usize);

impl TopK {
    /// Top-k switched off.
    pub const OFF: Self = Self(0);

    /// Keeps the `k` highest logits; `0` switches top-k off (as does any k at or above the vocabulary size).
    pub fn new(k: usize) -> Self {
        Self(k)
    }

    /// The k, or `None` when off.
    pub fn get(self) -> Option<usize> {
        (self.0 > 0).then_some(self.0)
    }

    /// Whether this setting changes nothing for a vocabulary of `vocab` tokens.
    pub fn is_off_for(self, vocab: usize) -> bool {
        self.0 == 0 || self.0 >= vocab
    }

    /// Masks all but the k highest logits to −∞.
    ///
    /// ```
    /// use sampling::{Logits, TopK};
    /// let logits = Logits::new(vec![1.0, 3.0, 3.0, 2.0])?;
    /// let kept: Vec<_> = TopK::new(2).apply(&logits).kept().collect();
    /// assert_eq!(kept, vec![1, 2]);
    /// let greedy: Vec<_> = TopK::new(1).apply(&logits).kept().collect();
    /// assert_eq!(greedy, vec![1]); // the tie between 1 and 2 goes to the lower id
    /// # Ok::<(), sampling::SamplingError>(())
    /// ```
    pub fn apply(self, logits: &Logits) -> Logits {
        if self.is_off_for(logits.len()) {
            return logits.clone();
        }
        let values = logits.as_slice();
        let mut alive: Vec<TokenId> = logits.kept().collect();
        if alive.len() <= self.0 {
            return logits.clone();
        }
        // Partition (in linear time) so that the first k are the k largest, ties to the lower id.
        // The comparison is a strict total order, so the kept set is exactly determined.
        alive.select_nth_unstable_by(self.0 - 1, |&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        alive.truncate(self.0);
        logits.masked(alive.into_iter())
    }
}
