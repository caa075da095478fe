//! Live samples: draws from a fixed distribution, their empirical frequencies, and how far those are
//! from the target as the count grows.

use sampling::{Categorical, Distribution, SeededRng, TokenId, seeded_rng, uniform};

/// The seed every restart of the sampler begins from, so a replay draws the same tokens.
pub const SAMPLE_SEED: u64 = 14;

/// Counts of draws from one target distribution.
#[derive(Debug, Clone)]
pub struct Samples {
    target: Distribution,
    table: Categorical,
    rng: SeededRng,
    counts: Vec<u64>,
    total: u64,
    /// (n, total-variation distance) recorded whenever n passes the next point of a geometric grid.
    history: Vec<(u64, f64)>,
    next_record: u64,
    /// The last draw: its uniform number and the token it picked.
    last: Option<(f64, TokenId)>,
}

impl Samples {
    /// No draws yet, from `target`.
    pub fn new(target: Distribution) -> Self {
        Self {
            table: target.categorical(),
            counts: vec![0; target.len()],
            target,
            rng: seeded_rng(SAMPLE_SEED),
            total: 0,
            history: Vec::new(),
            next_record: 1,
            last: None,
        }
    }

    /// Draws `n` more tokens.
    pub fn draw(&mut self, n: u64) {
        for _ in 0..n {
            // One uniform number per draw, as `Categorical::sample` takes it; kept so the page can show it.
            let u = uniform(&mut self.rng);
            let token = self.table.pick(u);
            self.last = Some((u, token));
            self.counts[token] += 1;
            self.total += 1;
            if self.total >= self.next_record {
                self.history.push((self.total, self.tv_distance()));
                // About five records per decade.
                self.next_record = ((self.total as f64 * 1.58).ceil() as u64).max(self.total + 1);
            }
        }
    }

    /// The last draw's uniform number u and the token it picked.
    pub fn last(&self) -> Option<(f64, TokenId)> {
        self.last
    }

    /// How many draws so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many times each token was drawn.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The distribution drawn from.
    pub fn target(&self) -> &Distribution {
        &self.target
    }

    /// Each token's share of the draws (all 0 before the first draw).
    pub fn empirical(&self) -> Vec<f64> {
        let n = self.total.max(1) as f64;
        self.counts.iter().map(|&c| c as f64 / n).collect()
    }

    /// ½ Σ |empirical − target|: 0 when the draws match the target exactly, 1 when they are disjoint.
    pub fn tv_distance(&self) -> f64 {
        if self.total == 0 {
            return 1.0;
        }
        let n = self.total as f64;
        0.5 * self.counts.iter().zip(self.target.probs()).map(|(&c, p)| (c as f64 / n - p).abs()).sum::<f64>()
    }

    /// The recorded (n, distance) points, n increasing.
    pub fn history(&self) -> &[(u64, f64)] {
        &self.history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Distribution {
        Distribution::from_probs(vec![0.5, 0.3, 0.15, 0.05, 0.0]).unwrap()
    }

    #[test]
    fn frequencies_converge_on_the_target() {
        let mut samples = Samples::new(target());
        assert_eq!(samples.tv_distance(), 1.0);
        samples.draw(10_000);
        assert_eq!(samples.total(), 10_000);
        assert_eq!(samples.counts().iter().sum::<u64>(), 10_000);
        assert_eq!(samples.counts()[4], 0, "a zero is never drawn");
        for (e, p) in samples.empirical().iter().zip(samples.target().probs()) {
            assert!((e - p).abs() < 0.02);
        }
        assert!(samples.tv_distance() < 0.02);
    }

    #[test]
    fn the_last_draw_is_kept_and_a_seed_replays_it() {
        let mut a = Samples::new(target());
        assert_eq!(a.last(), None);
        a.draw(1);
        let (u, token) = a.last().unwrap();
        assert!((0.0..1.0).contains(&u));
        assert_eq!(token, target().pick(u), "the token is the one u picks");
        assert_eq!(a.counts()[token], 1);
        let mut b = Samples::new(target());
        b.draw(1);
        assert_eq!(b.last(), a.last(), "the same seed, the same mark");
    }

    #[test]
    fn the_distance_falls_with_n() {
        let mut samples = Samples::new(target());
        samples.draw(100_000);
        let history = samples.history();
        assert!(history.len() > 20);
        assert!(history.windows(2).all(|w| w[0].0 < w[1].0));
        let early = history.iter().find(|(n, _)| *n >= 10).unwrap().1;
        let late = history.last().unwrap().1;
        assert!(late < early / 10.0, "{early} -> {late}");
    }

    #[test]
    fn a_restart_replays_the_same_draws() {
        let mut a = Samples::new(target());
        let mut b = Samples::new(target());
        a.draw(500);
        b.draw(200);
        b.draw(300);
        assert_eq!(a.counts(), b.counts());
    }
}

/// The points of a log–log plot of the distance history in a `width` × `height` box: n from 1 to
/// 10⁵ across, distance from 1 down to 10⁻³ (clamped) from top to bottom.
pub fn tv_plot(history: &[(u64, f64)], width: f64, height: f64) -> String {
    history
        .iter()
        .map(|&(n, d)| {
            let x = ((n.max(1) as f64).log10() / 5.0).clamp(0.0, 1.0) * width;
            let y = (-d.max(1e-3).log10() / 3.0).clamp(0.0, 1.0) * height + 0.0; // + 0 turns −0 into 0
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod plot_tests {
    #[test]
    fn the_plot_is_log_log() {
        assert_eq!(
            super::tv_plot(&[(1, 1.0), (1000, 0.01), (100_000, 1e-6)], 100.0, 30.0),
            "0.0,0.0 60.0,20.0 100.0,30.0"
        );
    }
}
