//! The worked temperature example: three logits, one temperature, the softmax.

use sampling::{Logits, SamplingError, Temperature, examples, softmax};

use crate::state::quiz::ids;

/// The lowest temperature the slider offers.
pub const MIN_TAU: f64 = 0.05;
/// The highest temperature the slider offers.
pub const MAX_TAU: f64 = 5.0;
/// The slider's step.
pub const TAU_STEP: f64 = 0.05;

/// Where the worked example opens: at neither temperature the quizzes ask about.
pub const START_TAU: f64 = 2.0;

/// The temperatures whose probabilities two quizzes ask for, and which quiz asks.
pub const ASKED: [(f64, usize); 2] = [(1.0, ids::TAU_ONE), (0.5, ids::TAU_HALF)];

/// The quiz that keeps the probabilities at `tau` hidden, while it is unanswered.
pub fn hidden_by(tau: f64, answered: impl Fn(usize) -> bool) -> Option<usize> {
    ASKED.iter().find(|(t, quiz)| (tau - t).abs() < TAU_STEP / 2.0 && !answered(*quiz)).map(|&(_, quiz)| quiz)
}

/// One row of the table: a token's logit before and after τ, and its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The token's label.
    pub label: &'static str,
    /// ℓᵢ.
    pub logit: f64,
    /// ℓᵢ / τ.
    pub scaled: f64,
    /// softmax_τ(ℓ)ᵢ.
    pub prob: f64,
}

impl Row {
    /// The width of the probability bar, as a CSS percentage.
    pub fn bar_width(&self) -> String {
        format!("{:.1}%", self.prob * 100.0)
    }
}

/// The lesson's example ℓ = (2, 1, 0) under a temperature.
#[derive(Debug, Clone, PartialEq)]
pub struct TemperatureExample {
    labels: [&'static str; 3],
    logits: Logits,
}

impl Default for TemperatureExample {
    fn default() -> Self {
        Self { labels: ["A", "B", "C"], logits: examples::three_logits() }
    }
}

impl TemperatureExample {
    /// The rows at temperature `tau`.
    ///
    /// # Errors
    /// [`SamplingError::InvalidTemperature`] when `tau` is not a valid temperature.
    pub fn rows(&self, tau: f64) -> Result<Vec<Row>, SamplingError> {
        let scaled = Temperature::new(tau)?.apply(&self.logits);
        let probs = softmax(&scaled);
        Ok(self
            .labels
            .iter()
            .zip(self.logits.as_slice())
            .zip(scaled.as_slice().iter().zip(probs.probs()))
            .map(|((&label, &logit), (&scaled, &prob))| Row { label, logit, scaled, prob })
            .collect())
    }
}

/// A probability as the page shows it: three decimals.
pub fn format_prob(p: f64) -> String {
    format!("{p:.3}")
}

/// A temperature as the page shows it: two decimals.
pub fn format_tau(tau: f64) -> String {
    format!("{tau:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(tau: f64) -> Vec<String> {
        TemperatureExample::default().rows(tau).unwrap().iter().map(|r| format_prob(r.prob)).collect()
    }

    #[test]
    fn shows_the_lessons_numbers() {
        assert_eq!(shown(1.0), ["0.665", "0.245", "0.090"]);
        assert_eq!(shown(0.5), ["0.867", "0.117", "0.016"]);
        assert_eq!(shown(2.0), ["0.506", "0.307", "0.186"]);
    }

    #[test]
    fn bars_are_as_wide_as_the_probability() {
        let rows = TemperatureExample::default().rows(1.0).unwrap();
        assert_eq!(rows.iter().map(Row::bar_width).collect::<Vec<_>>(), ["66.5%", "24.5%", "9.0%"]);
    }

    #[test]
    fn scaled_logits_are_divided_by_tau() {
        let rows = TemperatureExample::default().rows(0.5).unwrap();
        assert_eq!(rows.iter().map(|r| r.scaled).collect::<Vec<_>>(), [4.0, 2.0, 0.0]);
    }

    #[test]
    fn bad_temperatures_are_errors_not_panics() {
        assert!(TemperatureExample::default().rows(0.0).is_err());
        assert!(TemperatureExample::default().rows(-1.0).is_err());
        assert!(TemperatureExample::default().rows(f64::NAN).is_err());
    }

    #[test]
    fn the_asked_temperatures_stay_hidden_until_their_quiz_is_answered() {
        let none = |_| false;
        assert_eq!(hidden_by(1.0, none), Some(ids::TAU_ONE));
        assert_eq!(hidden_by(0.5, none), Some(ids::TAU_HALF));
        assert_eq!(hidden_by(START_TAU, none), None);
        assert_eq!(hidden_by(0.55, none), None);
        assert_eq!(hidden_by(1.0, |q| q == ids::TAU_ONE), None);
        assert_eq!(hidden_by(0.5, |q| q == ids::TAU_ONE), Some(ids::TAU_HALF));
        // Both lie on the slider's grid, so the slider can reach them once they are revealed.
        for (tau, _) in ASKED {
            let steps = (tau - MIN_TAU) / TAU_STEP;
            assert!((steps - steps.round()).abs() < 1e-9);
        }
    }

    #[test]
    fn slider_bounds_are_valid_temperatures() {
        assert!(Temperature::new(MIN_TAU).is_ok() && Temperature::new(MAX_TAU).is_ok());
        let steps = (MAX_TAU - MIN_TAU) / TAU_STEP;
        assert!((steps - steps.round()).abs() < 1e-9, "the range is a whole number of steps");
    }
}
