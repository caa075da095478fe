//! The draw made visible: the final distribution laid end to end on [0, 1) in token order, as the draw
//! walks it, and where a uniform number u lands.

use sampling::{Distribution, TokenId};

/// One token's stretch of [0, 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The token a uniform number in this stretch draws.
    pub token: TokenId,
    /// Where its stretch starts.
    pub start: f64,
    /// Where it ends (the next one's start).
    pub end: f64,
}

impl Interval {
    /// Whether u lands here.
    pub fn holds(&self, u: f64) -> bool {
        self.start <= u && u < self.end
    }
}

/// The stretches of the tokens with mass, in id order: the order [`Distribution::pick`] walks, so the
/// token drawn with u is the one whose stretch holds u.
pub fn intervals(dist: &Distribution) -> Vec<Interval> {
    let probs = dist.probs();
    let total: f64 = probs.iter().filter(|p| **p > 0.0).sum();
    let mut start = 0.0;
    let mut out: Vec<Interval> = probs
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(token, &p)| {
            let end = start + p / total;
            let interval = Interval { token, start, end };
            start = end;
            interval
        })
        .collect();
    // The last stretch reaches 1 exactly, whatever the rounding of the sum.
    if let Some(last) = out.last_mut() {
        last.end = 1.0;
    }
    out
}

/// The stretch that holds `u`.
pub fn landing(intervals: &[Interval], u: f64) -> Option<&Interval> {
    intervals.iter().find(|i| i.holds(u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sampling::{seeded_rng, uniform};

    #[test]
    fn the_token_drawn_with_u_is_the_one_whose_stretch_holds_u() {
        let dist = Distribution::from_probs(vec![0.0, 0.5, 0.2, 0.0, 0.3]).unwrap();
        let strip = intervals(&dist);
        assert_eq!(strip.iter().map(|i| i.token).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!((strip[0].start, strip[2].end), (0.0, 1.0));
        assert!((strip[1].start - 0.5).abs() < 1e-12 && (strip[1].end - 0.7).abs() < 1e-12);
        let mut rng = seeded_rng(3);
        for _ in 0..10_000 {
            let u = uniform(&mut rng);
            assert_eq!(landing(&strip, u).map(|i| i.token), Some(dist.pick(u)), "u = {u}");
        }
        assert_eq!(landing(&strip, 0.0).map(|i| i.token), Some(1));
        assert_eq!(landing(&strip, 1.0), None);
    }
}
