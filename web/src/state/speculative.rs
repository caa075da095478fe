//! Speculative sampling as the page shows it: the draw mode (first symbols by the rule, against both
//! models' distributions) and the charts. The rounds run in the background
//! (`model::demos::speculative`); the page shows their [`SpecView`].

use protocol::demos::speculative::{DRAW_SEED, SpecView, strategy};
use protocol::{ModelError, Vocab};
use sampling::speculative::draw_one;
use sampling::{Distribution, Logits, SeededRng, seeded_rng};

use crate::state::axes::{Axis, Spacing};
use crate::state::bars::scale_top_for;
use crate::state::projection::{BandLayout, BarChart};

/// The draw mode: many first symbols after one context, each by the rule (a draft from the bigram,
/// accepted or replaced from the residual), counted against both models' distributions.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    /// The context, as written.
    pub context: String,
    /// The transformer's distribution after it.
    pub p: Distribution,
    /// The bigram's.
    pub q: Distribution,
    counts: Vec<usize>,
    drafts_kept: usize,
    rng: SeededRng,
}

impl Draws {
    /// No draws yet after the step-through's context, from both models' logits after it as the
    /// background sent them.
    ///
    /// # Errors
    /// [`ModelError::Sampling`] for values that are not logits.
    pub fn new(view: &SpecView) -> Result<Self, ModelError> {
        let p = strategy().distribution(&Logits::from_f32(&view.target)?);
        let q = strategy().distribution(&Logits::from_f32(&view.draft)?);
        let counts = vec![0; p.len()];
        Ok(Self { context: Vocab.text(&view.context), p, q, counts, drafts_kept: 0, rng: seeded_rng(DRAW_SEED) })
    }

    /// `n` more draws.
    ///
    /// # Errors
    /// Never for two distributions over one vocabulary (as here).
    pub fn draw(&mut self, n: usize) -> Result<(), ModelError> {
        for _ in 0..n {
            let (x, kept) = draw_one(&self.q, &self.p, &mut self.rng)?;
            self.counts[x] += 1;
            self.drafts_kept += usize::from(kept);
        }
        Ok(())
    }

    /// Draws so far.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The share of draws that were the bigram's own draft, accepted.
    pub fn kept_share(&self) -> f64 {
        self.drafts_kept as f64 / self.total().max(1) as f64
    }

    /// How often each symbol came out, as shares of the draws.
    pub fn frequencies(&self) -> Vec<f64> {
        let n = self.total().max(1) as f64;
        self.counts.iter().map(|&c| c as f64 / n).collect()
    }

    /// How far apart the two models are here (total variation), and Σ min(p, q) = 1 − that: the share of
    /// guesses the rule keeps.
    pub fn models_apart(&self) -> (f64, f64) {
        let apart = self.p.total_variation(&self.q).unwrap_or(0.0);
        (apart, 1.0 - apart)
    }

    /// Total-variation distance of the frequencies from `to`: half the summed absolute differences.
    pub fn distance(&self, to: &Distribution) -> f64 {
        0.5 * self.frequencies().iter().zip(to.probs()).map(|(f, p)| (f - p).abs()).sum::<f64>()
    }
}

/// The size of the charts: the residual's, and the draw mode's.
pub const CHART_VIEW: (f64, f64) = (600.0, 290.0);

/// A chart of the 27 symbols for three series (the two models' distributions p and q, and the residual
/// or the draws' frequencies): probability up on a square-root scale, so the small ones stay visible,
/// from 0 to the bars' round top above the largest value of any series.
pub fn chart(series: [&[f64]; 3]) -> BarChart {
    let top = scale_top_for(series.iter().flat_map(|s| s.iter()).fold(0.0f64, |m, &v| m.max(v)));
    BarChart {
        bands: BandLayout { n: series[0].len(), left: 80.0, right: 596.0, fill: 0.7 },
        values: Axis { min: 0.0, max: top, start: 242.0, end: 8.0, spacing: Spacing::Sqrt },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view after a context where the two models disagree: p favours a, q favours b.
    fn view() -> SpecView {
        let logits =
            |favoured: usize| (0..27).map(|t| if t == favoured { 3.0 } else { (t % 3) as f32 * 0.5 }).collect();
        SpecView {
            parts: ("·".into(), String::new(), String::new()),
            rows: vec![],
            residual: None,
            tally: protocol::Tally::default(),
            names: vec![],
            context: vec![0, 13],
            target: logits(1),
            draft: logits(2),
        }
    }

    /// Ten thousand first symbols by the rule land near the target's distribution and far from the
    /// draft's; the draft's guess is kept in about Σ min(p, q) of them; the chart's marks sit inside
    /// its axes.
    #[test]
    fn the_draws_converge_on_the_target_not_the_draft() {
        let mut draws = Draws::new(&view()).unwrap();
        assert_eq!(draws.context, "·m");
        draws.draw(protocol::demos::speculative::DRAWS).unwrap();
        assert_eq!(draws.total(), protocol::demos::speculative::DRAWS);
        let (between, overlap) = draws.models_apart();
        let (to_p, to_q) = (draws.distance(&draws.p), draws.distance(&draws.q));
        assert!(between > 0.2, "{between}");
        assert!(to_p < 0.03, "distance to the target {to_p}");
        assert!(to_q > between - to_p, "distance to the draft {to_q}, between the models {between}");
        assert!(
            (draws.kept_share() - overlap).abs() < 0.03,
            "kept {} against Σ min(p, q) = {overlap}",
            draws.kept_share()
        );
        let frequencies = draws.frequencies();
        let c = chart([draws.p.probs(), draws.q.probs(), &frequencies]);
        assert!(crate::state::bars::SCALE_TOPS.contains(&c.values.max), "a round top: {}", c.values.max);
        for (i, &f) in frequencies.iter().enumerate() {
            for bar in [c.bar(i, draws.p.probs()[i]), c.bar(i, draws.q.probs()[i]), c.bar(i, f)] {
                assert!(bar.y >= c.values.end && bar.y + bar.height <= c.values.start + 1e-9, "{bar:?}");
                assert!(bar.x >= c.bands.left && bar.x + bar.width <= c.bands.right + 1e-9, "{bar:?}");
            }
        }
    }

    #[test]
    fn logits_that_are_not_logits_are_refused() {
        let mut bad = view();
        bad.target[3] = f32::NAN;
        assert!(matches!(Draws::new(&bad), Err(ModelError::Sampling(_))));
    }
}
