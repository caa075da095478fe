//! Widget 2: a sorted distribution, its cumulative mass, and the p-line that cuts the nucleus.

use sampling::{Distribution, Logits, Nucleus, TopP, examples, softmax};

/// The smallest p the p-line reaches.
pub const MIN_P: f64 = 0.01;
/// How far one arrow key moves the p-line.
pub const P_STEP: f64 = 0.01;
/// How far Page Up / Page Down move it.
pub const P_PAGE: f64 = 0.1;

/// The distributions the widget offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The lesson's sorted six-token example ([`examples::SIX_TOKENS`]).
    SixToken,
    /// One token takes almost all the mass.
    Confident,
    /// Mass spread thinly over many tokens.
    LongTailed,
    /// The row of the bigram for the context chosen in the bars widget.
    BarsRow,
}

impl Preset {
    /// Every preset, in the order the page lists them.
    pub const ALL: [Self; 4] = [Self::SixToken, Self::Confident, Self::LongTailed, Self::BarsRow];

    /// The preset the widget opens on: not the six-token example, whose nucleus a quiz asks for first.
    pub const FIRST: Self = Self::Confident;

    /// The quiz that asks about this preset, if any: until it is answered the preset stays locked.
    pub fn asked_by(self) -> Option<usize> {
        (self == Self::SixToken).then_some(crate::state::quiz::ids::NUCLEUS)
    }

    /// The name the page shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::SixToken => "six-token example",
            Self::Confident => "confident",
            Self::LongTailed => "long-tailed",
            Self::BarsRow => "the bars' row",
        }
    }
}

/// The state of the nucleus widget.
#[derive(Debug, Clone)]
pub struct NucleusWidget {
    preset: Preset,
    labels: Vec<String>,
    dist: Distribution,
    p: TopP,
    nucleus: Nucleus,
}

/// A preset's token labels and distribution. The bigram row comes from the caller.
fn preset_distribution(preset: Preset, bars_row: &(Vec<String>, Distribution)) -> (Vec<String>, Distribution) {
    let letters = |n: usize| (0..n).map(|i| char::from(b'A' + i as u8).to_string()).collect::<Vec<_>>();
    let weights = |v: Vec<f64>| Distribution::from_probs(v).unwrap_or_else(|_| bars_row.1.clone());
    match preset {
        Preset::SixToken => (letters(6), weights(examples::SIX_TOKENS.to_vec())),
        Preset::Confident => {
            // A large gap between the first logit and the rest.
            let logits = [6.0, 2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0];
            let dist = Logits::new(logits.to_vec()).map(|l| softmax(&l)).unwrap_or_else(|_| bars_row.1.clone());
            (letters(logits.len()), dist)
        }
        Preset::LongTailed => {
            // A Zipf-like tail: the i-th token has weight 1 / i^0.8.
            let n = 24;
            (letters(n), weights((1..=n).map(|i| (i as f64).powf(-0.8)).collect()))
        }
        Preset::BarsRow => bars_row.clone(),
    }
}

impl NucleusWidget {
    /// The widget on `preset`, cut at `p`; `bars_row` is the labels and row of the bars widget.
    pub fn new(preset: Preset, p: TopP, bars_row: &(Vec<String>, Distribution)) -> Self {
        let (labels, dist) = preset_distribution(preset, bars_row);
        let nucleus = Nucleus::new(&dist, p);
        Self { preset, labels, dist, p, nucleus }
    }

    /// Switches the distribution, keeping p.
    pub fn set_preset(&mut self, preset: Preset, bars_row: &(Vec<String>, Distribution)) {
        *self = Self::new(preset, self.p, bars_row);
    }

    /// The preset shown.
    pub fn preset(&self) -> Preset {
        self.preset
    }

    /// Moves the p-line to `p`, clamped to [0.01, 1].
    pub fn set_p(&mut self, p: f64) {
        let p = if p.is_nan() { self.p.get() } else { p.clamp(MIN_P, 1.0) };
        // Keep two decimals, as the slider shows them.
        let p = (p * 100.0).round() / 100.0;
        if let Ok(p) = TopP::new(p) {
            self.p = p;
            self.nucleus = Nucleus::new(&self.dist, p);
        }
    }

    /// Moves the p-line by `delta`.
    pub fn nudge_p(&mut self, delta: f64) {
        self.set_p(self.p.get() + delta);
    }

    /// p.
    pub fn p(&self) -> f64 {
        self.p.get()
    }

    /// The sorted view and the cut.
    pub fn nucleus(&self) -> &Nucleus {
        &self.nucleus
    }

    /// The labels in sorted order.
    pub fn sorted_labels(&self) -> Vec<&str> {
        self.nucleus.order().iter().map(|&i| self.labels[i].as_str()).collect()
    }

    /// "4 / 6".
    pub fn kept_label(&self) -> String {
        format!("{} / {}", self.nucleus.size(), self.nucleus.total())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> (Vec<String>, Distribution) {
        (vec!["·".into(), "a".into(), "b".into()], Distribution::from_probs(vec![0.2, 0.5, 0.3]).unwrap())
    }

    #[test]
    fn the_six_token_example_at_090() {
        let w = NucleusWidget::new(Preset::SixToken, TopP::new(0.9).unwrap(), &row());
        assert_eq!(w.nucleus().size(), 4);
        assert_eq!(w.kept_label(), "4 / 6");
        assert_eq!(format!("{:.3}", w.nucleus().kept_mass()), "0.930");
        assert_eq!(w.sorted_labels(), ["A", "B", "C", "D", "E", "F"]);
    }

    #[test]
    fn the_nucleus_shrinks_when_confident_and_grows_when_not() {
        let p = TopP::new(0.9).unwrap();
        let confident = NucleusWidget::new(Preset::Confident, p, &row());
        let tailed = NucleusWidget::new(Preset::LongTailed, p, &row());
        assert_eq!(confident.nucleus().size(), 1);
        assert!(tailed.nucleus().size() > 15, "{}", tailed.nucleus().size());
    }

    #[test]
    fn p_moves_within_its_range_in_hundredths() {
        let mut w = NucleusWidget::new(Preset::SixToken, TopP::new(0.9).unwrap(), &row());
        w.nudge_p(P_STEP);
        assert_eq!(w.p(), 0.91);
        assert_eq!(w.nucleus().size(), 4);
        w.nudge_p(0.03);
        assert_eq!(w.p(), 0.94);
        assert_eq!(w.nucleus().size(), 5);
        w.set_p(-3.0);
        assert_eq!(w.p(), MIN_P);
        assert_eq!(w.nucleus().size(), 1);
        w.set_p(7.0);
        assert_eq!(w.p(), 1.0);
        assert_eq!(w.kept_label(), "6 / 6");
        w.set_p(f64::NAN);
        assert_eq!(w.p(), 1.0);
    }

    #[test]
    fn the_widget_opens_away_from_the_quizzed_example() {
        assert_ne!(Preset::FIRST, Preset::SixToken);
        assert_eq!(Preset::FIRST.asked_by(), None);
        assert_eq!(Preset::SixToken.asked_by(), Some(crate::state::quiz::ids::NUCLEUS));
        assert!(Preset::ALL.iter().filter(|p| p.asked_by().is_some()).count() == 1);
    }

    #[test]
    fn the_bars_row_preset_uses_the_given_row() {
        let mut w = NucleusWidget::new(Preset::SixToken, TopP::new(0.5).unwrap(), &row());
        w.set_preset(Preset::BarsRow, &row());
        assert_eq!(w.sorted_labels(), ["a", "b", "·"]);
        assert_eq!(w.nucleus().size(), 1);
        assert_eq!(w.p(), 0.5);
    }
}
