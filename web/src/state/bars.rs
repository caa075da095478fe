//! Widget 1: a model's next-symbol distribution under temperature, top-k and top-p, with bars the
//! learner can drag: the bigram's row after one symbol, or the transformer's after a typed start of a
//! name.

use protocol::{VOCAB_SIZE, Vocab};
use sampling::{
    Distribution, Engine, Knobs, Logits, MinP, Penalties, Pipeline, StageKind, Temperature, TokenId, TopK, TopNSigma,
    TopP, Traced, Typical, softmax,
};

use crate::state::samples::Samples;

/// The cold temperature the bars widget asks the learner to predict.
pub const COLD_TAU: f64 = 0.2;

/// How far one arrow key moves a bar.
pub const BAR_STEP: f64 = 0.01;
/// How far Page Up / Page Down move a bar.
pub const BAR_PAGE: f64 = 0.1;

/// Which model the bars show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// The bigram: the row after one context symbol.
    Bigram,
    /// The transformer: the distribution after `·` and the typed start of a name.
    Transformer,
}

/// The state of the bars widget and its stage view.
#[derive(Debug, Clone)]
pub struct Bars {
    table: Vec<Logits>,
    context: TokenId,
    model: Model,
    /// The transformer's prompt, as typed.
    prefix: String,
    /// The shown model's logits: a bigram row, or the transformer's last position.
    row: Logits,
    /// The row before any transform: the model's, or the learner's edit of it.
    base: Distribution,
    edited: bool,
    /// Every stage's setting.
    knobs: Knobs,
    /// The stages, in the order they run.
    order: Vec<StageKind>,
    /// Each stage's result on the current row.
    trace: Vec<Traced>,
    /// The distribution after the last stage: what the samples are drawn from.
    shown: Distribution,
    samples: Samples,
    /// The top of the chart's probability axis; see [`Bars::scale_top`].
    scale: ChartTop,
}

/// The tops the chart's probability axis can take: round values, so its ticks read easily.
pub const SCALE_TOPS: [f64; 8] = [0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.75, 1.0];

/// The smallest of [`SCALE_TOPS`] that leaves a tenth of headroom above `tallest` (1 at most).
pub fn scale_top_for(tallest: f64) -> f64 {
    SCALE_TOPS.into_iter().find(|&top| top >= 1.1 * tallest).unwrap_or(1.0)
}

/// The top of a bar chart's probability axis: fitted to the tallest bar, grown when a bar reaches it,
/// and held still while a bar is dragged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartTop {
    top: f64,
    /// Whether a bar is being dragged: the scale holds still until it is let go.
    holding: bool,
}

impl Default for ChartTop {
    fn default() -> Self {
        Self { top: 1.0, holding: false }
    }
}

impl ChartTop {
    /// The top.
    pub fn get(&self) -> f64 {
        self.top
    }

    /// Fits the top to `tallest`, with a tenth of headroom.
    pub fn fit(&mut self, tallest: f64) {
        self.top = scale_top_for(tallest);
    }

    /// Makes room above `tallest` if it reaches the top, unless a bar is held.
    pub fn grow(&mut self, tallest: f64) {
        // A bar dragged to the top is set to the top's value, which renormalizing may round a hair below.
        if !self.holding && tallest >= self.top * (1.0 - 1e-9) {
            self.top = scale_top_for(tallest).max(self.top);
        }
    }

    /// Holds the top still while a bar is dragged (`true`); let go, it grows to `tallest` if need be.
    pub fn hold(&mut self, holding: bool, tallest: f64) {
        self.holding = holding;
        self.grow(tallest);
    }
}

/// The order the bars start with, and the lesson's: temperature, top-k, top-p.
pub const LESSON_ORDER: [StageKind; 3] = [StageKind::Temperature, StageKind::TopK, StageKind::TopP];

/// Which way a stage moves in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One place earlier.
    Earlier,
    /// One place later.
    Later,
}

impl Bars {
    /// The bars over `table` (one row of logits per context symbol), showing row `context`.
    ///
    /// # Panics
    /// Never for the bigram's 27 rows; `table` must be non-empty and `context` inside it.
    pub fn new(table: Vec<Logits>, context: TokenId) -> Self {
        let row = table[context].clone();
        let base = softmax(&row);
        let shown = base.clone();
        let samples = Samples::new(shown.clone());
        let (model, prefix, knobs, order) = (Model::Bigram, String::new(), Knobs::default(), LESSON_ORDER.to_vec());
        let mut bars = Self {
            table,
            context,
            model,
            prefix,
            row,
            base,
            edited: false,
            knobs,
            order,
            trace: vec![],
            shown,
            samples,
            scale: ChartTop::default(),
        };
        bars.refresh();
        bars.fit_scale();
        bars
    }

    /// Recomputes every stage from the base row and the settings, and restarts the samples.
    fn refresh(&mut self) {
        let logits = Logits::from_probs(self.base.probs()).unwrap_or_else(|_| self.row.clone());
        let pipeline = self.pipeline();
        let context = self.penalized();
        self.trace = pipeline.trace(&logits, &context);
        // The last stage's result is what is drawn from: no second pass over the pipeline (this runs on
        // every drag update).
        self.shown = self.trace.last().map_or_else(|| softmax(&logits), Traced::probs);
        self.samples = Samples::new(self.shown.clone());
        self.grow_scale();
    }

    /// The top of the chart's probability axis. It fits the row (with a tenth of headroom) when the
    /// context, the model or the order of the stages changes, or the row is reset; it grows when a bar
    /// reaches it, and never moves while a bar is being dragged: drag a bar to the top and let go, and
    /// the scale makes room above it.
    pub fn scale_top(&self) -> f64 {
        self.scale.get()
    }

    /// Holds the scale still while a bar is dragged (`true`), and lets it grow again when let go.
    pub fn hold_scale(&mut self, holding: bool) {
        self.scale.hold(holding, self.tallest());
    }

    /// The tallest bar drawn, before or after the transforms.
    fn tallest(&self) -> f64 {
        self.base.probs().iter().chain(self.shown.probs()).copied().fold(0.0, f64::max)
    }

    fn fit_scale(&mut self) {
        self.scale.fit(self.tallest());
    }

    fn grow_scale(&mut self) {
        self.scale.grow(self.tallest());
    }

    /// The tokens the penalties read: the bigram's context symbol, or the transformer's prompt after `·`.
    pub fn penalized(&self) -> Vec<TokenId> {
        match self.model {
            Model::Bigram => vec![self.context],
            Model::Transformer => {
                std::iter::once(protocol::START).chain(Vocab.encode(&self.prefix).unwrap_or_default()).collect()
            }
        }
    }

    /// The pipeline the bars run.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::from_order(&self.order, &self.knobs)
    }

    /// The stages, in order.
    pub fn order(&self) -> &[StageKind] {
        &self.order
    }

    /// Replaces the order by an engine's default.
    pub fn set_engine(&mut self, engine: Engine) {
        self.order = engine.order().to_vec();
        self.refresh();
        self.fit_scale();
    }

    /// Puts the lesson's order back.
    pub fn set_lesson_order(&mut self) {
        self.order = LESSON_ORDER.to_vec();
        self.refresh();
        self.fit_scale();
    }

    /// Appends a stage of `kind` (a kind already in the order is not added twice).
    pub fn add_stage(&mut self, kind: StageKind) {
        if !self.order.contains(&kind) {
            self.order.push(kind);
            self.refresh();
        }
    }

    /// Removes the stage at `index`.
    pub fn remove_stage(&mut self, index: usize) {
        if index < self.order.len() {
            self.order.remove(index);
            self.refresh();
        }
    }

    /// Moves the stage at `index` one place; nothing moves past either end.
    pub fn move_stage(&mut self, index: usize, way: Move) {
        let target = match way {
            Move::Earlier => index.checked_sub(1),
            Move::Later => Some(index + 1).filter(|&t| t < self.order.len()),
        };
        if let Some(target) = target.filter(|_| index < self.order.len()) {
            self.order.swap(index, target);
            self.refresh();
        }
    }

    /// The kinds not in the order, which can be added.
    pub fn addable(&self) -> Vec<StageKind> {
        StageKind::ALL.iter().copied().filter(|k| !self.order.contains(k)).collect()
    }

    /// The bigram's context symbol (kept while the transformer is shown).
    pub fn context(&self) -> TokenId {
        self.context
    }

    /// Which model is shown.
    pub fn model(&self) -> Model {
        self.model
    }

    /// The transformer's prompt, as last shown.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Shows the bigram's row after another symbol (dropping any edit).
    pub fn set_context(&mut self, context: TokenId) {
        if context < self.table.len() {
            self.context = context;
            self.show_bigram();
        }
    }

    /// Shows the bigram's row after the context symbol.
    pub fn show_bigram(&mut self) {
        self.model = Model::Bigram;
        self.row = self.table[self.context].clone();
        self.reset();
    }

    /// Shows the transformer's next-symbol `logits` after `·` and `prefix` (computed by the caller, who
    /// holds the model). Logits of another length than the vocabulary's are refused.
    pub fn show_transformer(&mut self, prefix: &str, logits: Logits) {
        if logits.len() == self.table.len() {
            self.model = Model::Transformer;
            self.prefix = prefix.to_string();
            self.row = logits;
            self.reset();
        }
    }

    /// The model's logits the bars start from.
    pub fn row(&self) -> &Logits {
        &self.row
    }

    /// Back to the model's row.
    pub fn reset(&mut self) {
        self.base = softmax(&self.row);
        self.edited = false;
        self.refresh();
        self.fit_scale();
    }

    /// Whether the learner has dragged a bar since the last reset.
    pub fn is_edited(&self) -> bool {
        self.edited
    }

    /// The row before the transforms.
    pub fn base(&self) -> &Distribution {
        &self.base
    }

    /// Sets P(`token`) in the base row to `p` (clamped to [0, 1]); the other tokens keep their ratios
    /// and share what is left, so the row still sums to 1.
    pub fn set_prob(&mut self, token: TokenId, p: f64) {
        if let Some(base) = with_prob(&self.base, token, p) {
            self.base = base;
            self.edited = true;
            self.refresh();
        }
    }

    /// Moves P(`token`) by `delta`.
    pub fn nudge(&mut self, token: TokenId, delta: f64) {
        if let Some(&p) = self.base.probs().get(token) {
            self.set_prob(token, p + delta);
        }
    }

    /// Every stage's setting.
    pub fn knobs(&self) -> Knobs {
        self.knobs
    }

    /// Changes the settings.
    pub fn set_knobs(&mut self, change: impl FnOnce(&mut Knobs)) {
        change(&mut self.knobs);
        self.refresh();
    }

    /// Sets the temperature.
    pub fn set_temperature(&mut self, tau: Temperature) {
        self.set_knobs(|k| k.temperature = tau);
    }

    /// Sets top-k.
    pub fn set_top_k(&mut self, k: TopK) {
        self.set_knobs(|knobs| knobs.top_k = k);
    }

    /// Sets top-p.
    pub fn set_top_p(&mut self, p: TopP) {
        self.set_knobs(|k| k.top_p = p);
    }

    /// Sets min-p.
    pub fn set_min_p(&mut self, m: MinP) {
        self.set_knobs(|k| k.min_p = m);
    }

    /// Sets the typical mass.
    pub fn set_typical(&mut self, t: Typical) {
        self.set_knobs(|k| k.typical = t);
    }

    /// Sets top-n-σ.
    pub fn set_top_n_sigma(&mut self, n: TopNSigma) {
        self.set_knobs(|k| k.top_n_sigma = n);
    }

    /// Sets the penalties.
    pub fn set_penalties(&mut self, p: Penalties) {
        self.set_knobs(|k| k.penalties = p);
    }

    /// Every stage's result on the current row, in order.
    pub fn stages(&self) -> &[Traced] {
        &self.trace
    }

    /// The distribution after all transforms: what the samples are drawn from.
    pub fn shown(&self) -> &Distribution {
        &self.shown
    }

    /// The most likely next symbol after the transforms (the model's own argmax under temperature,
    /// top-k, top-p, min-p and top-n-σ, which all keep it; typical sampling can cut it).
    pub fn argmax(&self) -> TokenId {
        self.shown().argmax()
    }

    /// Whether τ is at [`COLD_TAU`], where the prediction is revealed.
    pub fn is_cold(&self) -> bool {
        (self.knobs.temperature.get() - COLD_TAU).abs() < 1e-9
    }

    /// P(argmax) after the transforms.
    pub fn p_argmax(&self) -> f64 {
        self.shown().probs()[self.argmax()]
    }

    /// The live samples.
    pub fn samples(&self) -> &Samples {
        &self.samples
    }

    /// Draws `n` more samples from the shown distribution.
    pub fn draw(&mut self, n: u64) {
        self.samples.draw(n);
    }

    /// Clears the samples.
    pub fn clear_samples(&mut self) {
        self.samples = Samples::new(self.shown.clone());
    }
}

/// `dist` with P(`token`) set to `p` (clamped to [0, 1]; NaN leaves it as it was): the other tokens keep
/// their ratios and share what is left, so the row still sums to 1. `None` for a token outside it.
pub fn with_prob(dist: &Distribution, token: TokenId, p: f64) -> Option<Distribution> {
    let &old = dist.probs().get(token)?;
    let p = if p.is_nan() { old } else { p.clamp(0.0, 1.0) };
    let rest = 1.0 - old;
    let others = dist.len() - 1;
    let probs: Vec<f64> = dist
        .probs()
        .iter()
        .enumerate()
        .map(|(i, &q)| {
            if i == token {
                p
            } else if rest > 1e-12 {
                q * (1.0 - p) / rest
            } else {
                (1.0 - p) / others.max(1) as f64
            }
        })
        .collect();
    Distribution::from_probs(probs).ok()
}

/// The label of a symbol: `·` or its letter.
pub fn symbol(id: TokenId) -> String {
    Vocab.symbol(id).map(String::from).unwrap_or_default()
}

/// The context shown first: the symbol whose row has the most even spread (highest entropy) among the
/// letters, so temperature and top-k visibly change it. Computed, not chosen by hand.
pub fn interesting_context(table: &[Logits]) -> TokenId {
    let entropy = |l: &Logits| -> f64 { softmax(l).probs().iter().filter(|p| **p > 0.0).map(|p| -p * p.ln()).sum() };
    (1..table.len().min(VOCAB_SIZE)).max_by(|&a, &b| entropy(&table[a]).total_cmp(&entropy(&table[b]))).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Logits> {
        (0..VOCAB_SIZE)
            .map(|c| Logits::new((0..VOCAB_SIZE).map(|t| ((c * 7 + t * 3) % 11) as f64 * 0.4).collect()).unwrap())
            .collect()
    }

    fn sum(d: &Distribution) -> f64 {
        d.probs().iter().sum()
    }

    fn tallest(d: &Distribution) -> f64 {
        d.probs().iter().copied().fold(0.0, f64::max)
    }

    /// The scale fits the row, holds still through a drag, grows when a bar reaches it, and fits again
    /// (down as well as up) when the context changes.
    #[test]
    fn the_scale_fits_the_row_and_holds_still_while_a_bar_is_dragged() {
        let mut bars = Bars::new(table(), 1);
        let fitted = bars.scale_top();
        assert!(fitted < 1.0 && fitted >= 1.1 * tallest(bars.base()), "{fitted}");
        assert!(SCALE_TOPS.iter().all(|&t| t >= 1.1 * tallest(bars.base()) || t < fitted), "the smallest that fits");
        // A drag to exactly the top, the value a pointer at or above it gives: let go, the scale grows.
        for token in 0..VOCAB_SIZE {
            bars.hold_scale(true);
            bars.set_prob(token, fitted);
            assert_eq!(bars.scale_top(), fitted);
            bars.hold_scale(false);
            assert!(bars.scale_top() > fitted, "bar {token} at the top makes room");
            bars.reset();
            assert_eq!(bars.scale_top(), fitted);
        }
        // A drag past the top: the scale holds, the bar is drawn clipped at the top until let go.
        bars.hold_scale(true);
        bars.set_prob(3, 0.9);
        assert_eq!(bars.scale_top(), fitted);
        bars.hold_scale(false);
        assert_eq!(bars.scale_top(), 1.0);
        // Lowering the bar again does not shrink it...
        bars.set_prob(3, 0.01);
        assert_eq!(bars.scale_top(), 1.0);
        // ...but another context fits the new row.
        bars.set_context(2);
        assert!(bars.scale_top() < 1.0 && bars.scale_top() >= 1.1 * tallest(bars.base()));
        // A key press is no drag: a bar set to its maximum grows the scale at once.
        bars.set_prob(0, 1.0);
        assert_eq!(bars.scale_top(), 1.0);
        bars.reset();
        assert!(bars.scale_top() < 1.0);
        assert_eq!(scale_top_for(0.0), 0.05);
        assert_eq!(scale_top_for(0.2), 0.25);
        assert_eq!(scale_top_for(0.95), 1.0);
    }

    #[test]
    fn dragging_a_bar_renormalizes_the_rest_in_proportion() {
        let mut bars = Bars::new(table(), 3);
        let before = bars.base().probs().to_vec();
        bars.set_prob(5, 0.4);
        let after = bars.base().probs();
        assert!((after[5] - 0.4).abs() < 1e-12);
        assert!((sum(bars.base()) - 1.0).abs() < 1e-12);
        let ratio = |p: &[f64]| p[1] / p[2];
        assert!((ratio(&before) - ratio(after)).abs() < 1e-9, "the others keep their ratios");
        assert!(bars.is_edited());
    }

    #[test]
    fn extreme_drags_stay_valid() {
        let mut bars = Bars::new(table(), 0);
        bars.set_prob(2, 1.0);
        assert_eq!(bars.base().probs()[2], 1.0);
        assert_eq!(bars.argmax(), 2);
        // Now every other bar is 0; pulling this one down shares the rest evenly.
        bars.set_prob(2, 0.74);
        assert!((bars.base().probs()[7] - 0.01).abs() < 1e-12);
        bars.set_prob(2, f64::NAN);
        assert!((bars.base().probs()[2] - 0.74).abs() < 1e-12);
        bars.set_prob(99, 0.5);
        bars.nudge(2, 5.0);
        assert_eq!(bars.base().probs()[2], 1.0);
        assert!((sum(bars.base()) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reset_and_context_restore_the_models_row() {
        let mut bars = Bars::new(table(), 4);
        let model_row = bars.base().clone();
        bars.set_prob(1, 0.9);
        bars.reset();
        assert_eq!(bars.base(), &model_row);
        assert!(!bars.is_edited());
        bars.set_prob(1, 0.9);
        bars.set_context(6);
        assert_eq!(bars.base(), &softmax(&table()[6]));
        bars.set_context(99);
        assert_eq!(bars.context(), 6);
    }

    #[test]
    fn temperature_keeps_the_argmax_and_top_k_one_leaves_one_bar() {
        let mut bars = Bars::new(table(), 2);
        let argmax = bars.argmax();
        let p1 = bars.p_argmax();
        assert!(!bars.is_cold());
        bars.set_temperature(Temperature::new(COLD_TAU).unwrap());
        assert!(bars.is_cold() && bars.p_argmax() > p1);
        bars.set_temperature(Temperature::new(0.3).unwrap());
        assert_eq!(bars.argmax(), argmax);
        assert!(bars.p_argmax() > p1);
        bars.set_temperature(Temperature::new(4.0).unwrap());
        assert_eq!(bars.argmax(), argmax);
        assert!(bars.p_argmax() < p1);
        bars.set_top_k(TopK::new(1));
        assert_eq!(bars.shown().probs().iter().filter(|p| **p > 0.0).count(), 1);
        assert_eq!(bars.p_argmax(), 1.0);
    }

    #[test]
    fn the_transformer_row_replaces_the_bigram_row_and_back() {
        let mut bars = Bars::new(table(), 4);
        let logits = Logits::new((0..VOCAB_SIZE).map(|i| (i % 5) as f64).collect()).unwrap();
        bars.set_prob(1, 0.9);
        bars.draw(10);
        bars.show_transformer("ma", logits.clone());
        assert_eq!((bars.model(), bars.prefix()), (Model::Transformer, "ma"));
        assert_eq!(bars.base(), &softmax(&logits));
        assert_eq!(bars.row(), &logits);
        assert!(!bars.is_edited() && bars.samples().total() == 0);
        assert!(bars.shown().total_variation(&sampling::Sampler::default().distribution(&logits)).unwrap() < 1e-12);
        // Dragging, sampling and the stages work the same on it.
        bars.set_prob(2, 0.5);
        assert!((bars.base().probs()[2] - 0.5).abs() < 1e-12);
        bars.set_top_k(TopK::new(3));
        assert_eq!(bars.stages()[1].logits.kept_count(), 3);
        // A row of the wrong length is refused; the context select goes back to the bigram.
        bars.show_transformer("x", Logits::new(vec![0.0; 3]).unwrap());
        assert_eq!(bars.prefix(), "ma");
        bars.set_context(6);
        assert_eq!((bars.model(), bars.context()), (Model::Bigram, 6));
        assert_eq!(bars.base(), &softmax(&table()[6]));
        bars.show_transformer("ma", logits.clone());
        bars.show_bigram();
        assert_eq!(bars.row(), &table()[6]);
    }

    #[test]
    fn the_order_can_be_built_stage_by_stage() {
        let mut bars = Bars::new(table(), 2);
        assert_eq!(bars.order(), LESSON_ORDER);
        bars.set_temperature(Temperature::new(0.5).unwrap());
        bars.set_top_p(TopP::new(0.6).unwrap());
        let first = bars.shown().clone();
        // Temperature last: another distribution, here a wider nucleus.
        bars.move_stage(0, Move::Later);
        bars.move_stage(1, Move::Later);
        assert_eq!(bars.order(), [StageKind::TopK, StageKind::TopP, StageKind::Temperature]);
        assert_ne!(bars.shown(), &first);
        let kept = |b: &Bars| b.shown().probs().iter().filter(|p| **p > 0.0).count();
        let last_kept = kept(&bars);
        bars.move_stage(2, Move::Later);
        bars.move_stage(0, Move::Earlier);
        assert_eq!(
            bars.order(),
            [StageKind::TopK, StageKind::TopP, StageKind::Temperature],
            "nothing moves past an end"
        );
        // Adding, removing, the engines' orders; the stage list always matches the order.
        assert_eq!(bars.addable().len(), 4);
        bars.add_stage(StageKind::MinP);
        bars.add_stage(StageKind::MinP);
        assert_eq!(bars.order().len(), 4);
        assert_eq!(bars.stages().iter().map(|t| t.stage.kind()).collect::<Vec<_>>(), bars.order());
        bars.remove_stage(9);
        bars.remove_stage(3);
        assert_eq!(bars.order().len(), 3);
        bars.set_engine(Engine::HuggingFace);
        assert_eq!(bars.order(), Engine::HuggingFace.order());
        assert!(kept(&bars) <= last_kept);
        bars.set_lesson_order();
        assert_eq!(bars.shown(), &first);
        // Min-p on: what survives is at least min-p times the top probability of the stage before.
        bars.add_stage(StageKind::MinP);
        bars.set_min_p(MinP::new(0.5).unwrap());
        let shown = bars.shown().probs().to_vec();
        let top = shown.iter().cloned().fold(0.0, f64::max);
        assert!(shown.iter().all(|&p| p == 0.0 || p >= 0.5 * top - 1e-12));
    }

    #[test]
    fn any_change_restarts_the_samples() {
        let mut bars = Bars::new(table(), 2);
        bars.draw(100);
        assert_eq!(bars.samples().total(), 100);
        bars.set_top_p(TopP::new(0.5).unwrap());
        assert_eq!(bars.samples().total(), 0);
        bars.draw(10);
        bars.nudge(0, 0.01);
        assert_eq!(bars.samples().total(), 0);
    }

    #[test]
    fn the_first_context_is_the_most_uncertain_letter() {
        let t = table();
        let chosen = interesting_context(&t);
        assert!(chosen >= 1);
        let h = |i: usize| -> f64 { softmax(&t[i]).probs().iter().map(|p| -p * p.ln()).sum() };
        assert!((1..VOCAB_SIZE).all(|i| h(i) <= h(chosen) + 1e-12));
    }
}
