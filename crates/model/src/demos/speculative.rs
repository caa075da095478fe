//! Speculative sampling on the page's two models, round by round: the bigram drafts γ symbols, the
//! transformer checks them all in one pass, and the rule keeps the transformer's distribution. The
//! session lives where the models do (the model worker); the page shows its [`SpecView`].

use protocol::demos::speculative::{DraftRow, Fate, GAMMA_MAX, SEED, SpecMeasured, SpecView, strategy};
use sampling::{SeededRng, TokenId, seeded_rng};

use crate::{
    Bigram, BigramRows, END, Gpt, MAX_NAME, ModelError, Round, START, Speculation, Stateless, Tally, Vocab,
    generate_cached, generate_speculative,
};

/// The step-through: the text so far, the last round, and the totals.
pub struct Session {
    draft: BigramRows,
    run: Speculation<BigramRows, Gpt>,
    rng: SeededRng,
    last: Option<Round>,
    before: usize,
    total: Tally,
    names: Vec<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("run", &self.run).field("total", &self.total).finish_non_exhaustive()
    }
}

impl Session {
    /// A fresh name from `·`, nothing drafted yet.
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
            last: None,
            before: 1,
            total: Tally::default(),
            names: Vec::new(),
        })
    }

    /// Back to the start: the same seed, no names.
    ///
    /// # Errors
    /// As [`Session::new`].
    pub fn reset(&mut self, gpt: &Gpt) -> Result<(), ModelError> {
        self.run = Speculation::new(&self.draft, gpt, &[START])?.stopping_at(END);
        self.rng = seeded_rng(SEED);
        (self.last, self.before, self.total) = (None, 1, Tally::default());
        self.names.clear();
        Ok(())
    }

    /// One round with `gamma` drafts (1 to [`GAMMA_MAX`]): the bigram drafts, the transformer checks, the
    /// text grows. After a finished name, a new one starts from `·` (the draws go on from the same
    /// generator).
    ///
    /// # Errors
    /// Whatever the models return.
    pub fn step(&mut self, gpt: &Gpt, gamma: usize) -> Result<(), ModelError> {
        if self.run.ended() {
            self.names.push(self.name());
            self.run = Speculation::new(&self.draft, gpt, &[START])?.stopping_at(END);
        }
        let (before, tally) = (self.run.text().len(), self.run.tally());
        let round = self.run.round(&self.draft, gpt, gamma.clamp(1, GAMMA_MAX), &strategy(), &mut self.rng)?;
        self.total += self.run.tally() - tally;
        (self.last, self.before) = (Some(round), before);
        Ok(())
    }

    /// The current name as written, without its boundaries.
    fn name(&self) -> String {
        Vocab.name(self.run.generated())
    }

    /// The text before the last round, and what the last round appended: its accepted drafts, then the
    /// symbol drawn after them (from the residual or from p), each as written (`·` for the end).
    fn parts(&self) -> (String, String, String) {
        let text = self.run.text();
        let settled = Vocab.text(&text[..self.before.min(text.len())]);
        let new = &text[self.before.min(text.len())..];
        let accepted = self.last.as_ref().map_or(0, |r| r.verdict.accepted()).min(new.len());
        (settled, Vocab.text(&new[..accepted]), Vocab.text(&new[accepted..]))
    }

    /// The last round's drafts, one row each.
    fn rows(&self) -> Vec<DraftRow> {
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
    fn residual(&self) -> Option<[Vec<f64>; 3]> {
        let round = self.last.as_ref()?;
        let residual = round.verdict.residual.as_ref()?;
        let at = round.verdict.accepted();
        Some([round.p[at].probs().to_vec(), round.q[at].probs().to_vec(), residual.probs().to_vec()])
    }

    /// The context the draw mode draws after: the text so far, or `·` once the name has ended.
    fn context(&self) -> Vec<TokenId> {
        if self.run.ended() { vec![START] } else { self.run.text().to_vec() }
    }

    /// What the page shows: the text, the last round, the totals, and both models' logits after the
    /// context the draw mode draws after.
    ///
    /// # Errors
    /// Whatever the models return.
    pub fn view(&self, gpt: &Gpt) -> Result<SpecView, ModelError> {
        let context = self.context();
        let as_f32 = |l: sampling::Logits| l.as_slice().iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let draft = self.draft.logits_after(&context, 1)?.into_iter().next().ok_or(ModelError::EmptyContext)?;
        Ok(SpecView {
            parts: self.parts(),
            rows: self.rows(),
            residual: self.residual(),
            tally: self.total,
            names: self.names.clone(),
            target: as_f32(crate::next_logits(gpt, &context)?),
            draft: as_f32(draft),
            context,
        })
    }
}

/// Generates `names` names from `·` (seeds 0 to `names` − 1), by plain cached sampling when `gamma` is
/// 0 and by speculative sampling with `gamma` guesses a round otherwise. Returns the totals (plain
/// sampling: one pass per symbol).
///
/// # Errors
/// Whatever the models return.
pub fn names(bigram: &Bigram, gpt: &Gpt, gamma: usize, names: u64) -> Result<Tally, ModelError> {
    let draft = BigramRows::new(bigram)?;
    let mut total = Tally::default();
    for seed in 0..names {
        let mut rng = seeded_rng(seed);
        total += if gamma == 0 {
            Tally::plain(generate_cached(gpt, &[START], MAX_NAME, &strategy(), &mut rng)?.len())
        } else {
            generate_speculative(&draft, gpt, &[START], MAX_NAME, Some(END), gamma, &strategy(), &mut rng)?.1
        };
    }
    Ok(total)
}

/// Plain cached sampling and speculative sampling at `gamma`, each over `count` names from the same
/// seeds, timed with `now` (milliseconds from any origin).
///
/// # Errors
/// Whatever the models return.
pub fn measure(
    bigram: &Bigram,
    gpt: &Gpt,
    gamma: usize,
    count: u64,
    now: &dyn Fn() -> f64,
) -> Result<SpecMeasured, ModelError> {
    let t0 = now();
    names(bigram, gpt, 0, count)?;
    let t1 = now();
    let tally = names(bigram, gpt, gamma, count)?;
    let t2 = now();
    Ok(SpecMeasured { gamma, plain_ms: t1 - t0, speculative_ms: t2 - t1, tally })
}
