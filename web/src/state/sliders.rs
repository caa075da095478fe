//! Every slider's scale: the values it can take, its default, and how a value reads. The page's one
//! slider component renders a [`Scale`] as a native range input over the positions 0 ..= n − 1, so the
//! keyboard (arrows, Page Up / Down, Home, End) and screen readers work the same on every slider.

use sampling::TopK;

/// The values a slider can take, in increasing order, where it starts, and how a value reads.
#[derive(Debug, Clone)]
pub struct Scale {
    values: Vec<f64>,
    default: f64,
    format: fn(f64) -> String,
}

impl Scale {
    /// A scale over `values` (sorted here), starting at the value nearest `default`.
    pub fn new(mut values: Vec<f64>, default: f64, format: fn(f64) -> String) -> Self {
        values.retain(|v| !v.is_nan());
        values.sort_by(f64::total_cmp);
        if values.is_empty() {
            values.push(default);
        }
        Self { values, default, format }
    }

    /// `min`, `min + step`, …, `max`, rounded to the step's decimals so that 1.0 is exactly 1.
    pub fn stepped(min: f64, max: f64, step: f64, default: f64, format: fn(f64) -> String) -> Self {
        let n = ((max - min) / step).round() as usize;
        let round = |v: f64| (v / step).round() * step;
        let values = (0..=n).map(|i| (round(min + i as f64 * step) * 1e9).round() / 1e9).collect();
        Self::new(values, default, format)
    }

    /// The last position.
    pub fn max_index(&self) -> usize {
        self.values.len() - 1
    }

    /// The position of the value nearest `value`.
    pub fn index_of(&self, value: f64) -> usize {
        if let Some(exact) = self.values.iter().position(|&v| v == value) {
            return exact;
        }
        self.values
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - value).abs().total_cmp(&(b.1 - value).abs()))
            .map_or(0, |(i, _)| i)
    }

    /// The value at position `index` (the last, past the end).
    pub fn value_at(&self, index: usize) -> f64 {
        self.values[index.min(self.max_index())]
    }

    /// The value the slider starts at.
    pub fn default(&self) -> f64 {
        self.value_at(self.index_of(self.default))
    }

    /// How `value` reads.
    pub fn format(&self, value: f64) -> String {
        (self.format)(value)
    }

    /// The value of a position as the range input reports it (text); `None` for text that is not one.
    pub fn parse(&self, text: &str) -> Option<f64> {
        text.trim().parse::<usize>().ok().map(|i| self.value_at(i))
    }
}

/// Two decimals.
fn two_decimals(v: f64) -> String {
    format!("{v:.2}")
}

/// The worked example's temperature: 0.05 to 5 in steps of 0.05, from τ = 2.
pub fn worked_tau() -> Scale {
    use crate::state::temperature::{MAX_TAU, MIN_TAU, START_TAU, TAU_STEP};
    Scale::stepped(MIN_TAU, MAX_TAU, TAU_STEP, START_TAU, two_decimals)
}

/// The bars' temperature: [`temperature_steps`], from τ = 1.
pub fn bars_tau() -> Scale {
    Scale::new(temperature_steps(), 1.0, two_decimals)
}

/// Top-k over the 27 symbols: 1 to 27, where 27 means off; from off.
pub fn top_k(vocab: usize) -> Scale {
    fn label(k: f64) -> String {
        top_k_label(top_k_from_slider(k as usize, protocol::VOCAB_SIZE), protocol::VOCAB_SIZE)
    }
    Scale::new((1..=vocab).map(|k| k as f64).collect(), vocab as f64, label)
}

/// Top-k over a vocabulary of thousands: every k up to 20, then coarser steps, then off (∞); from off.
pub fn text_top_k() -> Scale {
    let mut values: Vec<f64> = (1..=20).map(f64::from).collect();
    values.extend([25.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0, 1500.0]);
    values.push(f64::INFINITY);
    Scale::new(values, f64::INFINITY, |k| if k.is_finite() { format!("{k}") } else { "off".to_string() })
}

/// The top-k of a [`text_top_k`] position: ∞ is off.
pub fn text_top_k_from_slider(k: f64) -> TopK {
    if k.is_finite() { TopK::new(k.max(1.0) as usize) } else { TopK::OFF }
}

/// Top-p: 0.01 to 1 in hundredths, from 1 (off).
pub fn top_p() -> Scale {
    Scale::stepped(0.01, 1.0, 0.01, 1.0, two_decimals)
}

/// Min-p: 0 (off) to 0.5 in hundredths.
pub fn min_p() -> Scale {
    Scale::stepped(0.0, 0.5, 0.01, 0.0, two_decimals)
}

/// The typical mass: 0.05 to 1 (off) in steps of 0.05.
pub fn typical() -> Scale {
    Scale::stepped(0.05, 1.0, 0.05, 1.0, two_decimals)
}

/// Top-n-σ's n: 0 to 3 in tenths, then off (∞).
pub fn top_n_sigma() -> Scale {
    let mut values: Vec<f64> = (0..=30).map(|i| f64::from(i) / 10.0).collect();
    values.push(f64::INFINITY);
    Scale::new(values, f64::INFINITY, |n| if n.is_finite() { format!("{n:.1}") } else { "off".to_string() })
}

/// The repetition penalty θ: 1 (off) to 3 in tenths.
pub fn repetition() -> Scale {
    Scale::stepped(1.0, 3.0, 0.1, 1.0, |t| format!("{t:.1}"))
}

/// The beam width: 1 to 16, from 4.
pub fn beam_width() -> Scale {
    Scale::stepped(1.0, 16.0, 1.0, 4.0, |b| format!("{b}"))
}

/// The length penalty α: 0 to 1 in tenths, from 0.
pub fn length_penalty() -> Scale {
    Scale::stepped(0.0, 1.0, 0.1, 0.0, |a| format!("{a:.1}"))
}

/// The temperatures the slider offers, from 0.05 to 5: steps of 0.05 up to 0.5, of 0.02 from 0.5 to
/// 1.5 (fine around τ = 1, where the model's own distribution sits), and of 0.1 above.
pub fn temperature_steps() -> Vec<f64> {
    let mut steps: Vec<f64> = (1..=10).map(|i| f64::from(i) * 0.05).collect();
    steps.extend((1..=50).map(|i| 0.5 + f64::from(i) * 0.02));
    steps.extend((1..=35).map(|i| 1.5 + f64::from(i) * 0.1));
    // Round away the binary noise of the sums, so that 1.0 is exactly 1.
    steps.iter().map(|t| (t * 100.0).round() / 100.0).collect()
}

/// The slider position of the step nearest to `tau`.
pub fn temperature_index(steps: &[f64], tau: f64) -> usize {
    steps.iter().enumerate().min_by(|a, b| (a.1 - tau).abs().total_cmp(&(b.1 - tau).abs())).map_or(0, |(i, _)| i)
}

/// The top-k slider runs from 1 to the vocabulary size; its top end means off.
pub fn top_k_from_slider(k: usize, vocab: usize) -> TopK {
    if k >= vocab { TopK::OFF } else { TopK::new(k.max(1)) }
}

/// How a k reads: "27 (off)" at the top end.
pub fn top_k_label(k: TopK, vocab: usize) -> String {
    match k.get() {
        Some(k) if k < vocab => k.to_string(),
        _ => format!("{vocab} (off)"),
    }
}

/// The top-k slider position of a setting.
pub fn top_k_to_slider(k: TopK, vocab: usize) -> usize {
    k.get().map_or(vocab, |k| k.min(vocab))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_positions_to_values_and_back() {
        let tau = worked_tau();
        assert_eq!(tau.max_index(), 99);
        assert_eq!((tau.value_at(0), tau.value_at(99), tau.value_at(500)), (0.05, 5.0, 5.0));
        assert_eq!(tau.default(), 2.0);
        assert_eq!(tau.value_at(tau.index_of(1.0)), 1.0);
        assert_eq!(tau.value_at(tau.index_of(0.5)), 0.5);
        assert_eq!(tau.format(0.5), "0.50");
        assert_eq!(tau.parse("19"), Some(1.0));
        assert_eq!(tau.parse("hot"), None);
        let p = top_p();
        assert_eq!((p.max_index(), p.default(), p.value_at(89)), (99, 1.0, 0.9));
        let k = top_k(27);
        assert_eq!((k.default(), k.format(27.0), k.format(5.0)), (27.0, "27 (off)".to_string(), "5".to_string()));
        assert_eq!((beam_width().default(), beam_width().max_index(), beam_width().format(4.0)), (4.0, 15, "4".into()));
        let alpha = length_penalty();
        assert_eq!((alpha.max_index(), alpha.value_at(3), alpha.format(1.0)), (10, 0.3, "1.0".to_string()));
        assert_eq!(bars_tau().default(), 1.0);
        let sigma = top_n_sigma();
        assert_eq!(
            (sigma.default(), sigma.format(f64::INFINITY), sigma.format(1.5)),
            (f64::INFINITY, "off".into(), "1.5".into())
        );
        assert_eq!(sigma.index_of(f64::INFINITY), sigma.max_index());
        assert_eq!((min_p().default(), typical().default(), repetition().default()), (0.0, 1.0, 1.0));
        let odd = Scale::new(vec![f64::NAN], 3.0, two_decimals);
        assert_eq!((odd.max_index(), odd.default()), (0, 3.0));
    }

    #[test]
    fn temperature_steps_span_the_range_finely_near_one() {
        let steps = temperature_steps();
        assert_eq!(steps.first(), Some(&0.05));
        assert_eq!(steps.last(), Some(&5.0));
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "increasing");
        assert!(steps.contains(&1.0) && steps.contains(&0.5) && steps.contains(&2.0));
        assert!(steps.contains(&crate::state::bars::COLD_TAU), "the slider reaches the predicted τ");
        let gap = |t: f64| {
            let i = temperature_index(&steps, t);
            steps[i + 1] - steps[i]
        };
        assert!(gap(1.0) < gap(0.2) && gap(1.0) < gap(3.0));
        assert_eq!(steps[temperature_index(&steps, 1.0)], 1.0);
        assert_eq!(temperature_index(&steps, 99.0), steps.len() - 1);
    }

    #[test]
    fn top_k_ends() {
        assert_eq!(top_k_from_slider(27, 27), TopK::OFF);
        assert_eq!(top_k_from_slider(1, 27), TopK::new(1));
        assert_eq!(top_k_from_slider(0, 27), TopK::new(1));
        assert_eq!(top_k_label(TopK::OFF, 27), "27 (off)");
        assert_eq!(top_k_label(TopK::new(5), 27), "5");
        assert_eq!(top_k_to_slider(TopK::OFF, 27), 27);
        assert_eq!(top_k_to_slider(TopK::new(3), 27), 3);
    }
}
