//! Speculative sampling on the page's two models, round by round: the bigram drafts γ symbols, the
//! transformer checks them all in one pass, and the rule keeps the transformer's distribution.

use model::{
    Bigram, BigramRows, END, Gpt, MAX_NAME, ModelError, Round, START, Speculation, Stateless, Tally, Vocab,
    generate_cached, generate_speculative,
};
use sampling::speculative::draw_one;
use sampling::{Distribution, SeededRng, Strategy, TokenId, seeded_rng};

use crate::state::axes::{Axis, Spacing};
use crate::state::bars::scale_top_for;
use crate::state::projection::{BandLayout, BarChart};

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

/// The sampler both models' logits go through: τ = 1, no top-k, no top-p, so p and q are the models'
/// own distributions.
pub fn strategy() -> Strategy {
    Strategy::default()
}

/// What became of one drafted symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// u < p/q: kept.
    Accepted,
    /// u ≥ p/q: dropped, and the next symbol drawn from the residual.
    Rejected,
    /// Drafted after a rejection: never checked.
    Unchecked,
}

/// One drafted symbol of the last round, as the table shows it.
#[derive(Debug, Clone, PartialEq)]
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

/// The step-through: the text so far, the last round, and the totals.
pub struct SpecDemo {
    draft: BigramRows,
    run: Speculation<BigramRows, Gpt>,
    rng: SeededRng,
    gamma: usize,
    last: Option<Round>,
    before: usize,
    total: Tally,
    names: Vec<String>,
}

impl std::fmt::Debug for SpecDemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpecDemo").field("run", &self.run).field("gamma", &self.gamma).finish_non_exhaustive()
    }
}

impl SpecDemo {
    /// A fresh name from `·`, γ at its start, nothing drafted yet.
    ///
    /// # Errors
    /// Whatever the models return (never, for the shipped weights).
    pub fn new(bigram: &Bigram, gpt: &Gpt) -> Result<Self, ModelError> {
        let draft = BigramRows::new(bigram)?;
        let run = Speculation::new(&draft, gpt, &[START])?.stopping_at(END);
        Ok(Self {
            draft,
            run,
            rng: seeded_rng(SEED),
            gamma: GAMMA_START,
            last: None,
            before: 1,
            total: Tally::default(),
            names: Vec::new(),
        })
    }

    /// Back to the start: the same seed, no names, γ kept.
    ///
    /// # Errors
    /// As [`SpecDemo::new`].
    pub fn reset(&mut self, gpt: &Gpt) -> Result<(), ModelError> {
        self.run = Speculation::new(&self.draft, gpt, &[START])?.stopping_at(END);
        self.rng = seeded_rng(SEED);
        (self.last, self.before, self.total) = (None, 1, Tally::default());
        self.names.clear();
        Ok(())
    }

    /// The drafts a round.
    pub fn gamma(&self) -> usize {
        self.gamma
    }

    /// Sets the drafts a round, within 1 to [`GAMMA_MAX`].
    pub fn set_gamma(&mut self, gamma: usize) {
        self.gamma = gamma.clamp(1, GAMMA_MAX);
    }

    /// One round: the bigram drafts, the transformer checks, the text grows. After a finished name, a
    /// new one starts from `·` (the draws go on from the same generator).
    ///
    /// # Errors
    /// Whatever the models return.
    pub fn step(&mut self, gpt: &Gpt) -> Result<(), ModelError> {
        if self.run.ended() {
            self.names.push(self.name());
            self.run = Speculation::new(&self.draft, gpt, &[START])?.stopping_at(END);
        }
        let (before, tally) = (self.run.text().len(), self.run.tally());
        let round = self.run.round(&self.draft, gpt, self.gamma, &strategy(), &mut self.rng)?;
        let after = self.run.tally();
        self.total.target_passes += after.target_passes - tally.target_passes;
        self.total.drafted += after.drafted - tally.drafted;
        self.total.accepted += after.accepted - tally.accepted;
        self.total.tokens += after.tokens - tally.tokens;
        (self.last, self.before) = (Some(round), before);
        Ok(())
    }

    /// Rounds run and their totals, over every name so far.
    pub fn tally(&self) -> Tally {
        self.total
    }

    /// Whether the current name has ended (the next round starts a new one).
    pub fn ended(&self) -> bool {
        self.run.ended()
    }

    /// The names finished so far, oldest first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The current name as written, without its boundaries.
    pub fn name(&self) -> String {
        Vocab.name(self.run.generated())
    }

    /// The text before the last round, and what the last round appended: its accepted drafts, then the
    /// symbol drawn after them (from the residual or from p), each as written (`·` for the end).
    pub fn parts(&self) -> (String, String, String) {
        let text = self.run.text();
        let settled = Vocab.text(&text[..self.before.min(text.len())]);
        let new = &text[self.before.min(text.len())..];
        let accepted = self.last.as_ref().map_or(0, |r| r.verdict.accepted()).min(new.len());
        (settled, Vocab.text(&new[..accepted]), Vocab.text(&new[accepted..]))
    }

    /// The last round's drafts, one row each.
    pub fn rows(&self) -> Vec<DraftRow> {
        let Some(round) = &self.last else { return Vec::new() };
        round
            .drafted
            .iter()
            .enumerate()
            .map(|(i, &token)| {
                let (q, p) = (round.q[i].probs()[token], round.p[i].probs()[token]);
                let check = round.verdict.checks.get(i);
                let fate = match check {
                    Some(c) if c.accepted => Fate::Accepted,
                    Some(_) => Fate::Rejected,
                    None => Fate::Unchecked,
                };
                DraftRow {
                    token,
                    q,
                    p,
                    acceptance: sampling::speculative::acceptance(p, q),
                    u: check.map(|c| c.u),
                    fate,
                }
            })
            .collect()
    }

    /// At the rejected position of the last round: the target's p, the draft's q, and the normalized
    /// residual max(0, p − q) the next symbol was drawn from. `None` when nothing was rejected.
    pub fn residual(&self) -> Option<[Vec<f64>; 3]> {
        let round = self.last.as_ref()?;
        let residual = round.verdict.residual.as_ref()?;
        let at = round.verdict.accepted();
        Some([round.p[at].probs().to_vec(), round.q[at].probs().to_vec(), residual.probs().to_vec()])
    }

    /// The context the draw mode draws after: the text so far, or `·` once the name has ended.
    pub fn context(&self) -> Vec<TokenId> {
        if self.run.ended() { vec![START] } else { self.run.text().to_vec() }
    }

    /// The draft, for the draw mode.
    pub fn draft(&self) -> &BigramRows {
        &self.draft
    }
}

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
    /// No draws yet after `context`.
    ///
    /// # Errors
    /// Whatever the models return.
    pub fn new(draft: &BigramRows, gpt: &Gpt, context: &[TokenId]) -> Result<Self, ModelError> {
        let q = strategy().distribution(&draft.logits_after(context, 1)?[0]);
        let p = strategy().distribution(&model::next_logits(gpt, context)?);
        let counts = vec![0; p.len()];
        Ok(Self { context: Vocab.text(context), p, q, counts, drafts_kept: 0, rng: seeded_rng(DRAW_SEED) })
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

    /// Total-variation distance of the frequencies from `to`: half the summed absolute differences.
    pub fn distance(&self, to: &Distribution) -> f64 {
        0.5 * self.frequencies().iter().zip(to.probs()).map(|(f, p)| (f - p).abs()).sum::<f64>()
    }
}

/// Generates `names` names from `·` (seeds 0 to `names` − 1), by plain cached sampling when `gamma` is
/// 0 and by speculative sampling with `gamma` guesses a round otherwise: what the widget times. Returns
/// the totals (plain sampling: one pass per symbol).
///
/// # Errors
/// Whatever the models return.
pub fn measure_names(draft: &BigramRows, gpt: &Gpt, gamma: usize, names: u64) -> Result<Tally, ModelError> {
    let mut total = Tally::default();
    for seed in 0..names {
        let mut rng = seeded_rng(seed);
        let tally = if gamma == 0 {
            let n = generate_cached(gpt, &[START], MAX_NAME, &strategy(), &mut rng)?.len();
            Tally { target_passes: n, drafted: 0, accepted: 0, tokens: n }
        } else {
            generate_speculative(draft, gpt, &[START], MAX_NAME, Some(END), gamma, &strategy(), &mut rng)?.1
        };
        total.target_passes += tally.target_passes;
        total.drafted += tally.drafted;
        total.accepted += tally.accepted;
        total.tokens += tally.tokens;
    }
    Ok(total)
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
    use model::{Bigram, Gpt, device};

    use super::{DRAWS, Draws, Fate, GAMMA_MAX, SpecDemo, chart};

    fn models() -> (Bigram, Gpt) {
        (Bigram::shipped(&device()).unwrap(), Gpt::shipped(&device()).unwrap())
    }

    /// Rounds grow the text by their accepted drafts and one more symbol; the rows say which drafts were
    /// kept (a prefix), which was rejected (at most one) and which were never checked (all after it);
    /// the residual is shown exactly when one was rejected; the totals add up.
    #[test]
    fn each_round_appends_its_accepted_drafts_and_one_more() {
        let (bigram, gpt) = models();
        let mut demo = SpecDemo::new(&bigram, &gpt).unwrap();
        assert!(demo.rows().is_empty() && demo.residual().is_none());
        let mut rejected_rounds = 0;
        for _ in 0..40 {
            let before = demo.tally();
            let ended_before = demo.ended();
            demo.step(&gpt).unwrap();
            let rows = demo.rows();
            assert!(!rows.is_empty() && rows.len() <= demo.gamma());
            let accepted = rows.iter().take_while(|r| r.fate == Fate::Accepted).count();
            let rejected = rows.iter().filter(|r| r.fate == Fate::Rejected).count();
            assert!(rejected <= 1);
            assert!(rows[accepted..].iter().skip(rejected).all(|r| r.fate == Fate::Unchecked && r.u.is_none()));
            assert_eq!(demo.residual().is_some(), rejected == 1);
            if let Some([p, q, r]) = demo.residual() {
                let top = r.iter().fold(0.0f64, |m, &v| m.max(v));
                assert!(chart([&p, &q, &r]).values.max >= top, "the residual fits under the chart's top");
                assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
            for r in &rows {
                assert!((r.acceptance - (r.p / r.q).min(1.0)).abs() < 1e-12);
                if let Some(u) = r.u {
                    assert_eq!(u < r.acceptance, r.fate == Fate::Accepted);
                }
            }
            let (settled, kept, next) = demo.parts();
            let after = demo.tally();
            assert!(kept.chars().count() <= accepted && next.chars().count() <= 1);
            assert_eq!(
                kept.chars().count() + next.chars().count(),
                after.tokens - before.tokens,
                "the text grew by the round"
            );
            assert!(settled.starts_with('·'), "{settled} {ended_before}");
            assert_eq!(after.target_passes, before.target_passes + 1, "one pass of the transformer a round");
            assert_eq!(after.accepted - before.accepted, accepted);
            rejected_rounds += rejected;
        }
        assert!(rejected_rounds > 3 && demo.tally().acceptance_rate() > 0.3, "{:?}", demo.tally());
        assert!(!demo.names().is_empty(), "names were finished and new ones started");
        assert!(demo.tally().passes_per_token() < 1.0);
    }

    /// Plain sampling makes one pass per symbol; four guesses a round make fewer, over the same seeds.
    #[test]
    fn the_measured_names_count_fewer_passes_with_guesses() {
        let (bigram, gpt) = models();
        let draft = model::BigramRows::new(&bigram).unwrap();
        let plain = super::measure_names(&draft, &gpt, 0, 10).unwrap();
        assert_eq!(plain.target_passes, plain.tokens);
        let guessed = super::measure_names(&draft, &gpt, 4, 10).unwrap();
        assert!(guessed.passes_per_token() < 0.8, "{guessed:?}");
        assert!(guessed.accepted > 0 && guessed.drafted >= guessed.accepted);
    }

    #[test]
    fn gamma_stays_within_one_and_the_most_and_reset_repeats_the_run() {
        let (bigram, gpt) = models();
        let mut demo = SpecDemo::new(&bigram, &gpt).unwrap();
        demo.set_gamma(0);
        assert_eq!(demo.gamma(), 1);
        demo.set_gamma(99);
        assert_eq!(demo.gamma(), GAMMA_MAX);
        for _ in 0..5 {
            demo.step(&gpt).unwrap();
        }
        let (text, rows) = (demo.parts(), demo.rows());
        demo.reset(&gpt).unwrap();
        assert_eq!(demo.tally().target_passes, 0);
        for _ in 0..5 {
            demo.step(&gpt).unwrap();
        }
        assert_eq!((demo.parts(), demo.rows()), (text, rows), "same seed, same rounds");
    }

    /// Ten thousand first symbols by the rule land near the transformer's distribution and far from the
    /// bigram's, after a context where the two differ (after `·` alone they nearly agree: both know which
    /// letters start names); the chart's marks sit inside its axes.
    #[test]
    fn the_draws_converge_on_the_target_not_the_draft() {
        let (bigram, gpt) = models();
        let mut demo = SpecDemo::new(&bigram, &gpt).unwrap();
        let apart = |demo: &SpecDemo| {
            let d = Draws::new(demo.draft(), &gpt, &demo.context()).unwrap();
            d.p.total_variation(&d.q).unwrap()
        };
        assert!(apart(&demo) < 0.05, "after · the models nearly agree");
        while apart(&demo) < 0.2 {
            demo.step(&gpt).unwrap();
            assert!(demo.tally().target_passes < 30, "no context where the models differ");
        }
        let mut draws = Draws::new(demo.draft(), &gpt, &demo.context()).unwrap();
        draws.draw(DRAWS).unwrap();
        assert_eq!(draws.total(), DRAWS);
        let (to_p, to_q, between) =
            (draws.distance(&draws.p), draws.distance(&draws.q), draws.p.total_variation(&draws.q).unwrap());
        assert!(to_p < 0.03, "distance to the target {to_p}");
        assert!(to_q > between - to_p, "distance to the draft {to_q}, between the models {between}");
        let overlap = 1.0 - between;
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
}
