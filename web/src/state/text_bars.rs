//! The bars on text: the Shakespeare model's next-token distribution after a prompt, its most likely
//! tokens as draggable bars and the rest of the vocabulary as one bar with their summed mass.
//! Temperature, top-k and top-p act on every token of the vocabulary; the bars only show them.

use protocol::text::TextNext;
use sampling::{Distribution, Knobs, Logits, Pipeline, Temperature, TokenId, TopK, TopP, Traced, softmax};

use crate::state::bars::{ChartTop, LESSON_ORDER, with_prob};
use crate::state::kv::group_thousands;
use crate::state::samples::Samples;

/// How many of the most likely tokens get a bar of their own.
pub const TOP_BARS: usize = 12;

/// Which bar: one token's, or the rest of the vocabulary's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A token with a bar of its own.
    Token(TokenId),
    /// Every other token, as one bar.
    Rest,
}

/// The state of the bars on text.
#[derive(Debug, Clone)]
pub struct TextBars {
    prompt: String,
    pieces: Vec<String>,
    /// The model's logits.
    row: Logits,
    /// The distribution before the transforms: the model's, or the learner's edit of it.
    base: Distribution,
    edited: bool,
    /// The tokens with a bar, most likely first under the model (fixed while the learner drags).
    tops: Vec<TokenId>,
    knobs: Knobs,
    trace: Vec<Traced>,
    shown: Distribution,
    samples: Samples,
    scale: ChartTop,
}

impl TextBars {
    /// The bars over the model's answer `next`; `None` for logits that are not one per token of its
    /// vocabulary.
    pub fn new(next: &TextNext) -> Option<Self> {
        let row = Logits::from_f32(&next.logits).ok()?;
        if row.len() != next.vocab.len() || row.len() <= TOP_BARS {
            return None;
        }
        let base = softmax(&row);
        let tops = crate::state::steps::top(base.probs(), TOP_BARS).into_iter().map(|(t, _)| t).collect();
        let mut bars = Self {
            prompt: next.prompt.clone(),
            pieces: next.vocab.iter().map(|t| t.shown.clone()).collect(),
            row,
            shown: base.clone(),
            samples: Samples::new(base.clone()),
            base,
            edited: false,
            tops,
            knobs: Knobs::default(),
            trace: vec![],
            scale: ChartTop::default(),
        };
        bars.refresh();
        bars.fit_scale();
        Some(bars)
    }

    /// The prompt the distribution follows.
    pub fn prompt(&self) -> &str {
        &self.prompt
    }

    /// How many tokens the vocabulary holds.
    pub fn vocab(&self) -> usize {
        self.row.len()
    }

    /// The bars, top to bottom: the most likely tokens, then the rest.
    pub fn slots(&self) -> Vec<Slot> {
        self.tops.iter().map(|&t| Slot::Token(t)).chain([Slot::Rest]).collect()
    }

    /// How many tokens the rest bar stands for.
    pub fn rest_count(&self) -> usize {
        self.vocab() - self.tops.len()
    }

    /// A slot's label: its piece, or what the rest bar stands for.
    pub fn label(&self, slot: Slot) -> String {
        match slot {
            Slot::Token(t) => self.piece(t),
            Slot::Rest => format!("the other {}", group_thousands(self.rest_count() as u64)),
        }
    }

    /// Token `id` as shown.
    pub fn piece(&self, id: TokenId) -> String {
        self.pieces.get(id).cloned().unwrap_or_default()
    }

    fn mass(&self, dist: &Distribution, slot: Slot) -> f64 {
        match slot {
            Slot::Token(t) => dist.probs().get(t).copied().unwrap_or(0.0),
            Slot::Rest => {
                let tops: f64 = self.tops.iter().map(|&t| dist.probs()[t]).sum();
                (1.0 - tops).max(0.0)
            }
        }
    }

    /// A slot's probability before the transforms.
    pub fn before(&self, slot: Slot) -> f64 {
        self.mass(&self.base, slot)
    }

    /// A slot's probability after them.
    pub fn after(&self, slot: Slot) -> f64 {
        self.mass(&self.shown, slot)
    }

    /// How often a slot has been drawn, as a share of the draws (`None` before any).
    pub fn drawn(&self, slot: Slot) -> Option<f64> {
        let total = self.samples.total();
        (total > 0).then(|| {
            let counts = self.samples.counts();
            let hits: u64 = match slot {
                Slot::Token(t) => counts.get(t).copied().unwrap_or(0),
                Slot::Rest => total - self.tops.iter().map(|&t| counts[t]).sum::<u64>(),
            };
            hits as f64 / total as f64
        })
    }

    /// Tokens still possible after the transforms, of the whole vocabulary.
    pub fn alive(&self) -> usize {
        self.shown.probs().iter().filter(|p| **p > 0.0).count()
    }

    /// Tokens of the rest still possible after the transforms.
    pub fn alive_in_rest(&self) -> usize {
        self.alive() - self.tops.iter().filter(|&&t| self.shown.probs()[t] > 0.0).count()
    }

    /// The least likely token still possible after the transforms, with its probability.
    pub fn least_likely(&self) -> (TokenId, f64) {
        let probs = self.shown.probs();
        (0..probs.len())
            .filter(|&t| probs[t] > 0.0)
            .min_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .map_or((0, 0.0), |t| (t, probs[t]))
    }

    /// Sets P(`token`) before the transforms (a token with a bar); the others keep their ratios.
    pub fn set_prob(&mut self, slot: Slot, p: f64) {
        let edited = match slot {
            Slot::Token(t) => with_prob(&self.base, t, p),
            Slot::Rest => self.with_rest(p),
        };
        if let Some(base) = edited {
            self.base = base;
            self.edited = true;
            self.refresh();
        }
    }

    /// Moves a slot's probability by `delta`.
    pub fn nudge(&mut self, slot: Slot, delta: f64) {
        self.set_prob(slot, self.before(slot) + delta);
    }

    /// The base with the rest's summed mass set to `m` (clamped to [0, 1]): the rest's tokens keep their
    /// ratios among themselves, and so do the tokens with a bar.
    fn with_rest(&self, m: f64) -> Option<Distribution> {
        let m = if m.is_nan() { self.before(Slot::Rest) } else { m.clamp(0.0, 1.0) };
        let (rest, tops) = (self.before(Slot::Rest), 1.0 - self.before(Slot::Rest));
        let (n_rest, n_tops) = (self.rest_count() as f64, self.tops.len() as f64);
        let probs = self
            .base
            .probs()
            .iter()
            .enumerate()
            .map(|(t, &q)| match (self.tops.contains(&t), rest > 1e-12, tops > 1e-12) {
                (false, true, _) => q * m / rest,
                (false, false, _) => m / n_rest,
                (true, _, true) => q * (1.0 - m) / tops,
                (true, _, false) => (1.0 - m) / n_tops,
            })
            .collect();
        Distribution::from_probs(probs).ok()
    }

    /// Back to the model's distribution.
    pub fn reset(&mut self) {
        self.base = softmax(&self.row);
        self.edited = false;
        self.refresh();
        self.fit_scale();
    }

    /// Whether a bar was dragged since the last reset.
    pub fn is_edited(&self) -> bool {
        self.edited
    }

    /// The settings.
    pub fn knobs(&self) -> Knobs {
        self.knobs
    }

    /// Takes τ, k and p from `knobs` (the settings carried over to another prompt).
    pub fn set_knobs(&mut self, knobs: Knobs) {
        self.knobs.temperature = knobs.temperature;
        self.knobs.top_k = knobs.top_k;
        self.knobs.top_p = knobs.top_p;
        self.refresh();
    }

    /// Sets τ.
    pub fn set_temperature(&mut self, tau: Temperature) {
        self.knobs.temperature = tau;
        self.refresh();
    }

    /// Sets k.
    pub fn set_top_k(&mut self, k: TopK) {
        self.knobs.top_k = k;
        self.refresh();
    }

    /// Sets p.
    pub fn set_top_p(&mut self, p: TopP) {
        self.knobs.top_p = p;
        self.refresh();
    }

    /// How many tokens each stage leaves alive: temperature, top-k, top-p.
    pub fn alive_after_stages(&self) -> Vec<usize> {
        self.trace.iter().map(|t| t.logits.kept_count()).collect()
    }

    fn refresh(&mut self) {
        let logits = Logits::from_probs(self.base.probs()).unwrap_or_else(|_| self.row.clone());
        self.trace = Pipeline::from_order(&LESSON_ORDER, &self.knobs).trace(&logits, &[]);
        self.shown = self.trace.last().map_or_else(|| softmax(&logits), Traced::probs);
        self.samples = Samples::new(self.shown.clone());
        self.grow_scale();
    }

    /// The distribution after the transforms.
    pub fn shown(&self) -> &Distribution {
        &self.shown
    }

    /// The most likely token after the transforms.
    pub fn argmax(&self) -> TokenId {
        self.shown.argmax()
    }

    /// P(argmax) after the transforms.
    pub fn p_argmax(&self) -> f64 {
        self.shown.probs()[self.argmax()]
    }

    /// Which distribution is shown.
    pub fn source_line(&self) -> String {
        format!("The Shakespeare model's distribution of the token after “{}”, live.", self.prompt)
    }

    /// How many tokens are still possible, of the vocabulary.
    pub fn alive_line(&self) -> String {
        format!("{} of {}", group_thousands(self.alive() as u64), group_thousands(self.vocab() as u64))
    }

    /// Draws `n` tokens from the distribution after the transforms.
    pub fn draw(&mut self, n: u64) {
        self.samples.draw(n);
    }

    /// How many have been drawn.
    pub fn draws(&self) -> u64 {
        self.samples.total()
    }

    /// Clears the draws.
    pub fn clear_samples(&mut self) {
        self.samples = Samples::new(self.shown.clone());
    }

    /// The top of the probability axis: fits the bars on a new row or a reset, grows when a bar reaches
    /// it, and holds still while a bar is dragged.
    pub fn scale_top(&self) -> f64 {
        self.scale.get()
    }

    /// Holds the scale still while a bar is dragged.
    pub fn hold_scale(&mut self, holding: bool) {
        self.scale.hold(holding, self.tallest());
    }

    fn tallest(&self) -> f64 {
        self.slots().into_iter().flat_map(|s| [self.before(s), self.after(s)]).fold(0.0, f64::max)
    }

    fn fit_scale(&mut self) {
        self.scale.fit(self.tallest());
    }

    fn grow_scale(&mut self) {
        self.scale.grow(self.tallest());
    }

    /// What the page says about the long tail at the current settings.
    pub fn tail_line(&self) -> String {
        let (n, vocab) = (group_thousands(self.rest_count() as u64), group_thousands(self.vocab() as u64));
        let (before, after) = (self.before(Slot::Rest), self.after(Slot::Rest));
        let (least, p) = self.least_likely();
        let per_hundred = 100.0 * after;
        let alive = self.alive_in_rest();
        let kept = if alive == self.rest_count() {
            format!("all {n} are still possible")
        } else {
            format!("{} of them are still possible", group_thousands(alive as u64))
        };
        let among = match self.alive() {
            all if all == self.vocab() => format!("all {vocab} tokens"),
            some => format!("the {} tokens still possible", group_thousands(some as u64)),
        };
        format!(
            "The other {n} tokens hold {before:.3} of the mass together before the transforms and {after:.3} \
             after; {kept}. Drawn a hundred times at these settings, on average {per_hundred:.1} tokens would come \
             from them. The least likely of {among} ({}) has P = {p:.1e}: about once in {} draws.",
            self.piece(least),
            roughly(1.0 / p),
        )
    }
}

/// A large count in words, to two significant figures: 1,300, 47 thousand, 13 billion.
pub fn roughly(n: f64) -> String {
    if !n.is_finite() || n < 1.0 {
        return "—".to_string();
    }
    let digits = n.log10().floor() as i32;
    let unit = 10f64.powi(digits - 1);
    let n = (n / unit).round() * unit;
    match n {
        n if n < 1e4 => group_thousands(n as u64),
        n if n < 1e6 => format!("{} thousand", n / 1e3),
        n if n < 1e9 => format!("{} million", n / 1e6),
        n if n < 1e12 => format!("{} billion", n / 1e9),
        n => format!("{} trillion", group_thousands((n / 1e12).round() as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::text::TextToken;

    const V: usize = 200;

    /// A long-tailed answer: token t has logit −t/20.
    fn next() -> TextNext {
        TextNext {
            prompt: "O".into(),
            ids: vec![7],
            prompt_len: 1,
            view_start: 0,
            logits: (0..V).map(|t| -(t as f32) / 20.0).collect(),
            vocab: (0..V).map(|id| TextToken { id, shown: format!("␣w{id}"), bytes: vec![] }).collect(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_rest_bar_holds_what_the_top_bars_do_not() {
        let bars = TextBars::new(&next()).unwrap();
        let slots = bars.slots();
        assert_eq!(slots.len(), TOP_BARS + 1);
        assert_eq!(slots[0], Slot::Token(0), "the most likely first");
        assert_eq!(bars.label(Slot::Rest), format!("the other {}", V - TOP_BARS));
        let total: f64 = slots.iter().map(|&s| bars.before(s)).sum();
        assert!(close(total, 1.0));
        let tail: f64 = softmax(&Logits::from_f32(&next().logits).unwrap()).probs()[TOP_BARS..].iter().sum();
        assert!(close(bars.before(Slot::Rest), tail));
        assert_eq!(bars.alive(), V);
        assert_eq!(bars.least_likely().0, V - 1);
        assert!(bars.tail_line().contains(&format!("all {} are still possible", V - TOP_BARS)), "{}", bars.tail_line());
    }

    #[test]
    fn top_k_and_top_p_act_on_the_whole_vocabulary() {
        let mut bars = TextBars::new(&next()).unwrap();
        bars.set_top_k(TopK::new(50));
        assert_eq!(bars.alive(), 50);
        assert_eq!(bars.alive_line(), format!("50 of {V}"));
        let mut other = TextBars::new(&next()).unwrap();
        other.set_knobs(bars.knobs());
        assert_eq!((other.alive(), other.p_argmax()), (50, bars.p_argmax()), "the settings carry over");
        assert_eq!(bars.alive_in_rest(), 50 - TOP_BARS);
        assert_eq!(bars.alive_after_stages(), vec![V, 50, 50]);
        let kept: f64 = bars.slots().iter().map(|&s| bars.after(s)).sum();
        assert!(close(kept, 1.0));
        assert!(bars.after(Slot::Rest) < bars.before(Slot::Rest), "the tail loses its mass");
        bars.set_top_p(TopP::new(0.5).unwrap());
        let nucleus = bars.alive();
        assert!(nucleus < 50 && bars.alive_after_stages()[2] == nucleus);
        bars.set_top_k(TopK::new(3));
        // Top-p then measures the nucleus of the three top-k kept, renormalized.
        assert!(bars.alive() <= 3);
        assert_eq!((bars.alive_in_rest(), bars.after(Slot::Rest)), (0, 0.0));
        assert!(bars.tail_line().contains("0 of them are still possible"), "{}", bars.tail_line());
        // Temperature keeps every token and the order: a hot τ feeds the tail.
        let mut hot = TextBars::new(&next()).unwrap();
        hot.set_temperature(Temperature::new(3.0).unwrap());
        assert!(hot.after(Slot::Rest) > hot.before(Slot::Rest));
        assert_eq!((hot.alive(), hot.argmax()), (V, 0));
    }

    #[test]
    fn dragging_a_bar_or_the_rest_rescales_the_others() {
        let mut bars = TextBars::new(&next()).unwrap();
        let (first, second) = (bars.before(Slot::Token(1)), bars.before(Slot::Token(2)));
        bars.set_prob(Slot::Token(0), 0.5);
        assert!(close(bars.before(Slot::Token(0)), 0.5) && bars.is_edited());
        assert!(close(bars.before(Slot::Token(1)) / bars.before(Slot::Token(2)), first / second), "ratios kept");
        let tail = bars.before(Slot::Token(100)) / bars.before(Slot::Token(150));
        bars.set_prob(Slot::Rest, 0.9);
        assert!(close(bars.before(Slot::Rest), 0.9));
        assert!(close(bars.before(Slot::Token(100)) / bars.before(Slot::Token(150)), tail), "the tail keeps its shape");
        assert!(close(bars.before(Slot::Token(1)) / bars.before(Slot::Token(2)), first / second));
        bars.nudge(Slot::Rest, 0.5);
        assert!(close(bars.before(Slot::Rest), 1.0));
        bars.set_prob(Slot::Rest, 0.25);
        assert!(close(bars.before(Slot::Rest), 0.25), "back from all the mass in the rest");
        bars.set_prob(Slot::Rest, f64::NAN);
        assert!(close(bars.before(Slot::Rest), 0.25), "NaN changes nothing");
        bars.reset();
        assert!(!bars.is_edited());
        assert!(close(bars.before(Slot::Token(1)), first));
    }

    #[test]
    fn the_scale_holds_while_a_bar_is_dragged_and_makes_room_when_let_go() {
        let mut bars = TextBars::new(&next()).unwrap();
        let fitted = bars.scale_top();
        assert!(fitted < 1.0 && fitted >= 1.1 * bars.before(Slot::Token(0)));
        bars.hold_scale(true);
        bars.set_prob(Slot::Rest, fitted);
        assert_eq!(bars.scale_top(), fitted, "held");
        bars.hold_scale(false);
        assert!(bars.scale_top() > fitted, "room above the bar let go at the top");
        bars.reset();
        assert_eq!(bars.scale_top(), fitted, "fitted again");
    }

    #[test]
    fn draws_land_in_the_bars_and_the_rest() {
        let mut bars = TextBars::new(&next()).unwrap();
        assert_eq!(bars.drawn(Slot::Rest), None);
        bars.draw(20_000);
        let total: f64 = bars.slots().iter().map(|&s| bars.drawn(s).unwrap()).sum();
        assert!(close(total, 1.0));
        assert!((bars.drawn(Slot::Rest).unwrap() - bars.after(Slot::Rest)).abs() < 0.02);
        bars.set_top_k(TopK::new(5));
        assert_eq!(bars.draws(), 0, "a new distribution starts its draws over");
        bars.draw(1000);
        assert_eq!(bars.drawn(Slot::Rest), Some(0.0));
    }

    #[test]
    fn large_counts_read_in_words() {
        let read: Vec<String> = [7.4, 1234.0, 47_310.0, 2.5e6, 12_697_496_130.0, 3.3e13].map(roughly).to_vec();
        assert_eq!(read, ["7", "1,200", "47 thousand", "2.5 million", "13 billion", "33 trillion"]);
        assert_eq!(roughly(f64::INFINITY), "—");
    }

    #[test]
    fn logits_of_another_length_or_not_logits_are_refused() {
        let mut bad = next();
        bad.logits.pop();
        assert!(TextBars::new(&bad).is_none());
        let mut bad = next();
        bad.logits[0] = f32::NAN;
        assert!(TextBars::new(&bad).is_none());
    }
}
