//! Predict, then reveal: a question a widget asks before it shows the answer, with a few ranges to
//! choose from. The widget computes the true value; this only compares.

/// One choice: a label and the half-open range [low, high) of values it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// What the learner reads.
    pub label: String,
    /// The lowest value it covers.
    pub low: f64,
    /// The first value past it.
    pub high: f64,
}

impl Choice {
    /// A choice covering [low, high).
    pub fn new(label: impl Into<String>, low: f64, high: f64) -> Self {
        Self { label: label.into(), low, high }
    }

    fn holds(&self, value: f64) -> bool {
        (self.low..self.high).contains(&value)
    }
}

/// A prediction: the choices and which one the learner picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    choices: Vec<Choice>,
    picked: Option<usize>,
}

impl Prediction {
    /// A prediction over `choices`, nothing picked yet.
    pub fn new(choices: Vec<Choice>) -> Self {
        Self { choices, picked: None }
    }

    /// The options offered, in the order shown.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// Picks choice `i` (ignored if there is none).
    pub fn pick(&mut self, i: usize) {
        if i < self.choices.len() {
            self.picked = Some(i);
        }
    }

    /// The choice picked.
    pub fn picked(&self) -> Option<usize> {
        self.picked
    }

    /// Which choice the true value falls in.
    pub fn right_choice(&self, value: f64) -> Option<usize> {
        self.choices.iter().position(|c| c.holds(value))
    }

    /// What the page says once the true value is known: nothing until a choice is picked.
    pub fn reveal(&self, value: f64, shown: &str) -> Option<String> {
        let picked = &self.choices[self.picked?];
        let verdict = match self.right_choice(value) {
            Some(i) if Some(i) == self.picked => "as you predicted".to_string(),
            Some(i) => format!("not {}, but {}", picked.label, self.choices[i].label),
            None => "outside every choice".to_string(),
        };
        Some(format!("You predicted {}. It is {shown}: {verdict}.", picked.label))
    }
}

/// The bars widget's question: how much the highlighted bar gets at τ = 0.2.
pub fn cold_argmax() -> Prediction {
    Prediction::new(vec![
        Choice::new("under 0.5", 0.0, 0.5),
        Choice::new("between 0.5 and 0.9", 0.5, 0.9),
        Choice::new("over 0.9", 0.9, 1.0 + 1e-9),
    ])
}

/// The KV widget's question: the measured speedup against the FLOP ratio `ratio`.
pub fn speedup(ratio: f64) -> Prediction {
    Prediction::new(vec![
        Choice::new("well below the FLOP ratio", 0.0, 0.85 * ratio),
        Choice::new("about the FLOP ratio (within 15 %)", 0.85 * ratio, 1.15 * ratio),
        Choice::new("well above the FLOP ratio", 1.15 * ratio, f64::INFINITY),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_revealed_before_a_pick() {
        let mut p = cold_argmax();
        assert_eq!(p.reveal(0.95, "0.950"), None);
        p.pick(2);
        assert_eq!(p.reveal(0.95, "0.950").unwrap(), "You predicted over 0.9. It is 0.950: as you predicted.");
        p.pick(0);
        assert_eq!(
            p.reveal(0.95, "0.950").unwrap(),
            "You predicted under 0.5. It is 0.950: not under 0.5, but over 0.9."
        );
        p.pick(7);
        assert_eq!(p.picked(), Some(0));
    }

    #[test]
    fn the_choices_cover_their_ranges_without_gaps() {
        let p = cold_argmax();
        assert_eq!(p.right_choice(0.0), Some(0));
        assert_eq!(p.right_choice(0.5), Some(1));
        assert_eq!(p.right_choice(1.0), Some(2));
        let s = speedup(1.5);
        assert_eq!(s.right_choice(1.24), Some(0));
        assert_eq!(s.right_choice(1.5), Some(1));
        assert_eq!(s.right_choice(9.0), Some(2));
        assert_eq!(s.choices().len(), 3);
        let mut odd = speedup(1.0);
        odd.pick(1);
        assert!(odd.reveal(f64::NAN, "NaN").unwrap().ends_with("outside every choice."));
    }
}
