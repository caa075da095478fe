//! The autoregressive loop on text, live: the Shakespeare model (in the worker) gives the logits after
//! the prompt and what has been appended; the page's sampler makes a distribution of them, draws one
//! token with its seeded generator, and the token is appended. Steps taken are kept, so the learner can
//! step back and forward through them without asking the model again.

use protocol::demos::steps::LoopStep;
use protocol::messages::Request;
use protocol::text::{LOOP_SEED, TextNext, TextToken, loop_sampler};
use sampling::{Distribution, Sampler, SeededRng, TokenId, seeded_rng};

use crate::state::steps::top;
use crate::state::strip::{Interval, intervals};

/// The most steps the loop takes from one prompt: enough for a short prompt to outgrow the window.
pub const MAX_STEPS: usize = 160;
/// How many tokens each list shows.
pub const SHOWN: usize = 5;

/// One step as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStep {
    /// The token ids before this step: the prompt's, then the appended ones.
    pub context: Vec<TokenId>,
    /// Where the model's view starts (the window's crop).
    pub view_start: usize,
    /// The largest logits of the last position, largest first.
    pub logits: Vec<(TokenId, f64)>,
    /// After each stage (temperature, top-k, what top-p keeps, final): the largest probabilities.
    pub stages: [Vec<(TokenId, f64)>; 4],
    /// How many tokens each stage leaves alive.
    pub alive: [usize; 4],
    /// The final distribution laid end to end, as the draw walks it.
    pub strip: Vec<Interval>,
    /// The uniform number of the draw.
    pub u: f64,
    /// The token drawn.
    pub chosen: TokenId,
}

/// Why a reply was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// It answers another prompt or other appended tokens than the loop's next step asks about.
    Stale,
    /// Its logits are not logits of the vocabulary it came with.
    BadLogits,
    /// The loop has taken its [`MAX_STEPS`].
    Full,
}

/// A chip of the context: a token, its id, and whether the model reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextChip {
    /// The piece as shown.
    pub shown: String,
    /// Its id.
    pub id: TokenId,
    /// Typed by the learner (not drawn).
    pub typed: bool,
    /// Inside the model's window at this step.
    pub read: bool,
}

/// The loop on text.
#[derive(Debug, Clone)]
pub struct TextLoop {
    prompt: String,
    prompt_len: usize,
    vocab: Vec<TextToken>,
    sampler: Sampler,
    rng: SeededRng,
    steps: Vec<TextStep>,
    at: usize,
}

impl Default for TextLoop {
    fn default() -> Self {
        Self::new()
    }
}

impl TextLoop {
    /// A loop that has not started.
    pub fn new() -> Self {
        Self {
            prompt: String::new(),
            prompt_len: 0,
            vocab: Vec::new(),
            sampler: loop_sampler(),
            rng: seeded_rng(LOOP_SEED),
            steps: Vec::new(),
            at: 0,
        }
    }

    /// The sampler the loop draws with.
    pub fn sampler(&self) -> Sampler {
        self.sampler
    }

    /// The prompt the steps started from.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// What to ask the model for the step after the last one taken, from `typed`: a prompt that differs
    /// from the loop's starts over.
    pub fn request(&self, typed: &str) -> Option<Request> {
        if typed != self.prompt || self.steps.is_empty() {
            return Some(Request::TextNext { prompt: typed.to_string(), appended: vec![] });
        }
        (self.steps.len() < MAX_STEPS).then(|| Request::TextNext { prompt: typed.to_string(), appended: self.drawn() })
    }

    /// The tokens drawn so far, in order.
    fn drawn(&self) -> Vec<TokenId> {
        self.steps.iter().map(|s| s.chosen).collect()
    }

    /// Takes one step from the model's answer: the sampler's stages, the draw, the append. An answer with
    /// nothing appended starts the loop over from its prompt, with the generator at its seed.
    ///
    /// # Errors
    /// [`Refused`] for an answer that is not the next step's.
    pub fn take(&mut self, next: &TextNext) -> Result<(), Refused> {
        let restart = next.appended().is_empty();
        if !restart && (next.prompt != self.prompt || next.appended() != self.drawn().as_slice()) {
            return Err(Refused::Stale);
        }
        if !restart && self.steps.len() >= MAX_STEPS {
            return Err(Refused::Full);
        }
        let logits = sampling::Logits::from_f32(&next.logits).map_err(|_| Refused::BadLogits)?;
        if logits.len() != next.vocab.len() {
            return Err(Refused::BadLogits);
        }
        if restart {
            *self = Self { prompt: next.prompt.clone(), prompt_len: next.prompt_len, ..Self::new() };
        }
        self.vocab.clone_from(&next.vocab);
        let step = LoopStep::take(next.ids.clone(), next.view_start, logits, &self.sampler, &mut self.rng);
        let strip = Distribution::from_probs(step.stages[3].clone()).map(|d| intervals(&d)).unwrap_or_default();
        self.steps.push(TextStep {
            logits: top(step.logits.as_slice(), SHOWN),
            stages: step.stages.each_ref().map(|s| top(s, SHOWN).into_iter().filter(|(_, p)| *p > 0.0).collect()),
            alive: step.alive,
            strip,
            u: step.u,
            chosen: step.chosen,
            context: step.context,
            view_start: step.view_start,
        });
        self.at = self.steps.len() - 1;
        Ok(())
    }

    /// The steps taken.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether no step has been taken.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Which step is shown (from 0).
    pub fn at(&self) -> usize {
        self.at
    }

    /// The step shown.
    pub fn current(&self) -> Option<&TextStep> {
        self.steps.get(self.at)
    }

    /// Shows the next step if it was taken already; `false` if it must be asked for.
    pub fn forward(&mut self) -> bool {
        let taken = self.at + 1 < self.steps.len();
        if taken {
            self.at += 1;
        }
        taken
    }

    /// Shows the step before.
    pub fn back(&mut self) {
        self.at = self.at.saturating_sub(1);
    }

    /// Shows the first step.
    pub fn rewind(&mut self) {
        self.at = 0;
    }

    /// Whether the shown step is the last one the loop may take.
    pub fn is_full(&self) -> bool {
        self.at + 1 >= MAX_STEPS
    }

    /// Token `id` as shown.
    pub fn piece(&self, id: TokenId) -> String {
        self.vocab.get(id).map(|t| t.shown.clone()).unwrap_or_default()
    }

    /// The text of `ids`, their bytes read together.
    pub fn text(&self, ids: &[TokenId]) -> String {
        let bytes: Vec<u8> = ids.iter().filter_map(|&id| self.vocab.get(id)).flat_map(|t| t.bytes.clone()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The shown step's context as chips.
    pub fn chips(&self) -> Vec<ContextChip> {
        let Some(step) = self.current() else { return vec![] };
        step.context
            .iter()
            .enumerate()
            .map(|(at, &id)| ContextChip {
                shown: self.piece(id),
                id,
                typed: at < self.prompt_len,
                read: at >= step.view_start,
            })
            .collect()
    }

    /// The shown step's context and, after it, the drawn token: the text before the window, the text in
    /// it, and the appended piece.
    pub fn appended_text(&self) -> [String; 3] {
        let Some(step) = self.current() else { return Default::default() };
        let (out, read) = step.context.split_at(step.view_start);
        [self.text(out), self.text(read), self.text(&[step.chosen])]
    }

    /// A list of (token, value) as the page shows it: `␣the 0.231, ␣and 0.104`.
    pub fn listed(&self, values: &[(TokenId, f64)], digits: usize) -> String {
        values.iter().map(|(t, v)| format!("{} {v:.digits$}", self.piece(*t))).collect::<Vec<_>>().join(", ")
    }

    /// The sampler and the window, in one line.
    pub fn setup_line(&self, window: usize) -> String {
        let s = self.sampler;
        format!(
            "Sampler τ = {}, top-k = {}, top-p = {}, seed {LOOP_SEED}; the model reads the last {window} tokens at \
             most.",
            s.temperature.get(),
            s.top_k.get().unwrap_or(0),
            s.top_p.get()
        )
    }

    /// Which step is shown, of how many taken (nothing before the first).
    pub fn progress_line(&self) -> String {
        if self.is_empty() { String::new() } else { format!("step {} of {} taken", self.at + 1, self.len()) }
    }

    /// What the page says about the window at the shown step.
    pub fn window_line(&self, window: usize) -> String {
        let Some(step) = self.current() else { return String::new() };
        let n = step.context.len();
        if step.view_start == 0 {
            format!("The context is {n} tokens; the model reads all of them (its window is {window}).")
        } else {
            format!(
                "The context is {n} tokens, more than the window of {window}: the model reads the last {window}; \
                 the first {} (faded) are cropped away.",
                step.view_start
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: usize = 300;

    fn vocab() -> Vec<TextToken> {
        (0..V).map(|id| TextToken { id, shown: format!("␣t{id}"), bytes: format!(" t{id}").into_bytes() }).collect()
    }

    /// What a model of `window` tokens that favours the token after the last one would answer.
    fn answer(prompt: &str, prompt_ids: &[TokenId], appended: &[TokenId], window: usize) -> TextNext {
        let ids = [prompt_ids, appended].concat();
        let last = *ids.last().unwrap();
        let logits = (0..V).map(|t| if t == (last + 1) % V { 4.0 } else { (t % 7) as f32 / 3.0 }).collect();
        TextNext {
            prompt: prompt.into(),
            view_start: ids.len().saturating_sub(window),
            prompt_len: prompt_ids.len(),
            ids,
            logits,
            vocab: vocab(),
        }
    }

    fn appended(request: Option<Request>) -> Vec<TokenId> {
        match request {
            Some(Request::TextNext { appended, .. }) => appended,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_step_appends_its_draw_and_asks_for_the_next() {
        let mut lp = TextLoop::new();
        assert_eq!(appended(lp.request("ab")), Vec::<TokenId>::new());
        assert_eq!(lp.progress_line(), "");
        assert_eq!(
            lp.setup_line(128),
            "Sampler τ = 0.8, top-k = 50, top-p = 0.9, seed 5; the model reads the last 128 tokens at most."
        );
        lp.take(&answer("ab", &[1, 2], &[], 4)).unwrap();
        let first = lp.current().unwrap().clone();
        assert_eq!(first.context, [1, 2]);
        assert_eq!(first.logits[0].0, 3, "the largest logit is the token after the last");
        assert_eq!(first.alive[0], V, "temperature keeps every token");
        assert_eq!(first.alive[1], 50, "top-k keeps 50 of the vocabulary");
        assert!(first.alive[2] <= 50 && first.alive[2] == first.alive[3]);
        assert!(first.strip.iter().any(|i| i.token == first.chosen && i.holds(first.u)), "u lands on the draw");
        assert_eq!(appended(lp.request("ab")), vec![first.chosen]);
        // A stale answer (another prompt, or other tokens appended) is refused and changes nothing.
        assert_eq!(lp.take(&answer("ab", &[1, 2], &[first.chosen + 1], 4)), Err(Refused::Stale));
        assert_eq!(lp.take(&answer("xy", &[1, 2], &[first.chosen], 4)), Err(Refused::Stale));
        assert_eq!((lp.len(), lp.progress_line().as_str()), (1, "step 1 of 1 taken"));
        // Three more steps: the context outgrows the window of 4, and the first tokens fall out of view.
        for _ in 0..3 {
            let drawn = appended(lp.request("ab"));
            lp.take(&answer("ab", &[1, 2], &drawn, 4)).unwrap();
        }
        let step = lp.current().unwrap();
        assert_eq!(step.context.len(), 5);
        assert_eq!(step.view_start, 1);
        let chips = lp.chips();
        assert_eq!(
            chips.iter().map(|c| (c.typed, c.read)).collect::<Vec<_>>(),
            [(true, false), (true, true), (false, true), (false, true), (false, true)]
        );
        assert!(lp.window_line(4).contains("the first 1 (faded) are cropped away"), "{}", lp.window_line(4));
        let [out, read, drawn] = lp.appended_text();
        assert_eq!(out, " t1");
        assert!(read.starts_with(" t2"));
        assert_eq!(drawn, format!(" t{}", step.chosen));
    }

    #[test]
    fn the_same_prompt_draws_the_same_tokens_and_steps_back_and_forth_without_asking() {
        let run = || {
            let mut lp = TextLoop::new();
            for _ in 0..6 {
                let drawn = appended(lp.request("ab"));
                lp.take(&answer("ab", &[1, 2], &drawn, 8)).unwrap();
            }
            lp
        };
        let (mut a, b) = (run(), run());
        assert_eq!(a.drawn(), b.drawn(), "the seeded generator");
        a.back();
        a.back();
        assert_eq!(a.at(), 3);
        assert!(a.forward());
        a.rewind();
        assert_eq!(a.current().unwrap().context, [1, 2]);
        // A new prompt starts over, from the seed.
        assert_eq!(appended(a.request("abc")), Vec::<TokenId>::new());
        a.take(&answer("abc", &[1, 2], &[], 8)).unwrap();
        assert_eq!((a.len(), a.at(), a.prompt()), (1, 0, "abc"));
        assert_eq!(a.current().unwrap().chosen, b.steps[0].chosen, "the same logits, the same first draw");
    }

    #[test]
    fn the_loop_stops_at_its_most_steps_and_refuses_bad_logits() {
        let mut lp = TextLoop::new();
        for _ in 0..MAX_STEPS {
            let drawn = appended(lp.request("ab"));
            lp.take(&answer("ab", &[1, 2], &drawn, 128)).unwrap();
        }
        assert!(lp.is_full());
        assert_eq!(lp.request("ab"), None);
        let mut bad = answer("ab", &[1, 2], &[], 128);
        bad.logits[3] = f32::NAN;
        assert_eq!(lp.take(&bad), Err(Refused::BadLogits));
        bad.logits = vec![0.0; 5];
        assert_eq!(lp.take(&bad), Err(Refused::BadLogits));
        assert_eq!(lp.len(), MAX_STEPS, "nothing changed");
    }
}
