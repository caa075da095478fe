//! Live samples: draws from a fixed distribution, their empirical frequencies, and how far those are
//! from the target as the count grows.

use sampling::{Categorical, Distribution, SeededRng, TokenId, seeded_rng, uniform};

use crate::state::axes::Axis;

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

    /// c in the distance expected after n draws, c / √n, for large n: each share's error is about
    /// normal with deviation √(pᵢ(1 − pᵢ)/n), whose mean absolute value is √(2/π) times that, so
    /// E[TV] ≈ ½ Σ √(2 pᵢ(1 − pᵢ)/π) / √n. Below a few draws per token it overstates the distance.
    pub fn expected_distance_coefficient(&self) -> f64 {
        let two_over_pi = 2.0 / std::f64::consts::PI;
        0.5 * self.target.probs().iter().map(|&p| (two_over_pi * p * (1.0 - p)).sqrt()).sum::<f64>()
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

/// The draws axis of the distance plot: 1 to 10⁶, each decade the same width.
pub const DRAWS_MAX: f64 = 1e6;
/// The distance axis: 10⁻⁴ to 1.
pub const DISTANCE_MIN: f64 = 1e-4;

/// SVG points through (n, distance) pairs on the plot's axes.
pub fn plot_points(points: impl IntoIterator<Item = (f64, f64)>, x: &Axis, y: &Axis) -> String {
    points.into_iter().map(|(n, d)| format!("{:.1},{:.1}", x.at(n), y.at(d))).collect::<Vec<_>>().join(" ")
}

/// The guide c / √n at every tenth of a decade of the draws axis `x`, where it lies inside the distance
/// axis `y` (it enters at n = c² when c is above the top).
pub fn guide(coefficient: f64, x: &Axis, y: &Axis) -> Vec<(f64, f64)> {
    let decades = x.max.log10() - x.min.log10();
    let steps = (decades * 10.0).round() as i32;
    let grid = (0..=steps).map(|i| x.min * 10f64.powf(f64::from(i) / 10.0));
    let entry = (coefficient > y.max).then(|| (coefficient / y.max).powi(2));
    let ns = entry.into_iter().chain(grid.filter(|&n| entry.is_none_or(|e| n > e)));
    ns.map(|n| (n, coefficient / n.sqrt())).filter(|&(_, d)| d >= y.min && d <= y.max).collect()
}

#[cfg(test)]
mod plot_tests {
    use super::*;
    use crate::state::axes::Spacing;

    const X: Axis = Axis { min: 1.0, max: DRAWS_MAX, start: 0.0, end: 60.0, spacing: Spacing::Log10 };
    const Y: Axis = Axis { min: DISTANCE_MIN, max: 1.0, start: 40.0, end: 0.0, spacing: Spacing::Log10 };

    #[test]
    fn the_plot_is_log_log() {
        assert_eq!(plot_points([(1.0, 1.0), (1000.0, 0.01), (1e6, 1e-6)], &X, &Y), "0.0,0.0 30.0,20.0 60.0,40.0");
    }

    /// The guide is a straight line of slope −½ on the log–log plot: 1 decade across, half a decade down.
    #[test]
    fn the_guide_falls_as_one_over_root_n() {
        let line = guide(0.3, &X, &Y);
        assert_eq!(line.len(), 61);
        assert_eq!(line[0], (1.0, 0.3));
        let slope = |(n1, d1): (f64, f64), (n2, d2): (f64, f64)| (d2.log10() - d1.log10()) / (n2.log10() - n1.log10());
        assert!(line.windows(2).all(|w| (slope(w[0], w[1]) + 0.5).abs() < 1e-9));
        assert!((line[60].0 - DRAWS_MAX).abs() < 1e-6);
        // Above the top at n = 1: it enters at n = c², at the top.
        let steep = guide(2.0, &X, &Y);
        assert_eq!(steep[0], (4.0, 1.0));
        assert!(steep[1].0 > 4.0 && steep.iter().all(|&(_, d)| d <= 1.0));
        // Below the bottom at n = 10⁶: it leaves there.
        let shallow = guide(0.01, &X, &Y);
        assert!(shallow.last().unwrap().1 >= DISTANCE_MIN && shallow.last().unwrap().0 < DRAWS_MAX);
    }

    /// The mean distance after `n` draws over `seeds` seeds, and c / √n.
    fn mean_and_expected_distance(target: &Distribution, n: u64, seeds: u64) -> (f64, f64) {
        let distance = |seed| {
            let mut samples = Samples::new(target.clone());
            samples.rng = seeded_rng(seed);
            samples.draw(n);
            samples.tv_distance()
        };
        let mean = (0..seeds).map(distance).sum::<f64>() / seeds as f64;
        (mean, Samples::new(target.clone()).expected_distance_coefficient() / (n as f64).sqrt())
    }

    /// The coefficient predicts the measured distance: averaged over 200 seeds at n = 5,000, the mean
    /// distance is within 5 % of c / √n (the approximation holds once every token has many draws).
    #[test]
    fn the_expected_distance_matches_the_mean_over_many_seeds() {
        let target = Distribution::from_probs(vec![0.4, 0.25, 0.15, 0.1, 0.06, 0.04]).unwrap();
        let (mean, expected) = mean_and_expected_distance(&target, 5_000, 200);
        assert!((mean / expected - 1.0).abs() < 0.05, "mean {mean} against expected {expected}");
    }

    /// What the caption says of the page's own rows: after the "Draw 10,000" button, the distance runs
    /// along the dashed line. For every row of the shipped bigram, the mean over 40 seeds at n = 10,000 is
    /// within 10 % of c / √n.
    #[test]
    fn on_every_bigram_row_the_distance_follows_the_guide() {
        let bigram = model::Bigram::shipped(&model::device()).unwrap();
        for (context, row) in bigram.table().unwrap().iter().enumerate() {
            let (mean, expected) = mean_and_expected_distance(&sampling::softmax(row), 10_000, 40);
            assert!((mean / expected - 1.0).abs() < 0.1, "row {context}: mean {mean} against expected {expected}");
        }
    }
}
