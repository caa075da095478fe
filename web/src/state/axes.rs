//! Axes for the page's plots: where a value is drawn, which values get a tick, and how a tick reads.
//! The plots draw them with [`crate::widgets::axes::Axes`].

/// How values are spaced along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spacing {
    /// Equal steps of value are equal steps on screen.
    Linear,
    /// Equal ratios of value are equal steps on screen: a power law is a straight line.
    Log10,
    /// Distance from `min` grows with the square root of the value: small probabilities stay visible
    /// beside a dominant one.
    Sqrt,
}

/// One axis: values from `min` to `max` drawn from the screen coordinate `start` to `end`. A vertical
/// axis starts at its bottom, so there `start` is the larger y (SVG's y grows downward).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    /// The value drawn at `start` (above 0 on a log axis).
    pub min: f64,
    /// The value drawn at `end`.
    pub max: f64,
    /// Where `min` is drawn.
    pub start: f64,
    /// Where `max` is drawn.
    pub end: f64,
    /// How the values between are spaced.
    pub spacing: Spacing,
}

/// A labelled mark on an axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// The value it marks.
    pub value: f64,
    /// Where it is drawn.
    pub at: f64,
    /// What it reads.
    pub label: String,
}

impl Axis {
    /// Where `value` is drawn. A value outside [`min`, `max`] is drawn at the nearer end; NaN (and, on a
    /// log axis, a value at or below 0) at `start`.
    pub fn at(&self, value: f64) -> f64 {
        let fraction = match self.spacing {
            Spacing::Linear => (value - self.min) / (self.max - self.min),
            Spacing::Log10 => (value.log10() - self.min.log10()) / (self.max.log10() - self.min.log10()),
            Spacing::Sqrt => ((value - self.min) / (self.max - self.min)).max(0.0).sqrt(),
        };
        let fraction = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
        self.start + fraction * (self.end - self.start)
    }

    /// The value drawn at `position`: the inverse of [`Axis::at`], clamped to [`min`, `max`].
    pub fn value_at(&self, position: f64) -> f64 {
        let fraction = (position - self.start) / (self.end - self.start);
        let fraction = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
        match self.spacing {
            Spacing::Linear => self.min + fraction * (self.max - self.min),
            Spacing::Log10 => 10f64.powf(self.min.log10() + fraction * (self.max.log10() - self.min.log10())),
            Spacing::Sqrt => self.min + fraction * fraction * (self.max - self.min),
        }
    }

    /// The ticks, at most `most` of them (at least 2 asked): on a log axis every power of ten in range,
    /// thinned to every second or third decade if there are too many; on a linear axis the multiples of
    /// the smallest step of 1, 2 or 5 × 10ⁿ that gives no more than `most`; on a square-root axis the
    /// ends and the round values (1, 2, 2.5 or 5 × 10ⁿ) nearest to evenly spaced points between.
    pub fn ticks(&self, most: usize) -> Vec<Tick> {
        let most = most.max(2);
        let (low, high) = (self.min.min(self.max), self.min.max(self.max));
        let values: Vec<f64> = match self.spacing {
            Spacing::Log10 => {
                let (first, last) = (low.log10().ceil() as i32, high.log10().floor() as i32);
                let decades = (last - first).max(0) as usize + 1;
                let every = decades.div_ceil(most).max(1);
                (first..=last).step_by(every).map(power_of_ten).collect()
            }
            Spacing::Sqrt => {
                let inner = (1..most - 1)
                    .map(|i| self.value_at(self.start + (self.end - self.start) * i as f64 / (most - 1) as f64));
                let mut values: Vec<f64> = [low].into_iter().chain(inner.map(round_value)).chain([high]).collect();
                values.dedup();
                values
            }
            Spacing::Linear => {
                let span = high - low;
                if !(span > 0.0 && span.is_finite()) {
                    return Vec::new();
                }
                let magnitude = span.log10().floor() as i32 - 1;
                // Ends a rounding error away from a multiple (0.3 / 0.1 is 2.999…) count as on it.
                let first = |step: Step| (low / step.get() - 1e-9).ceil();
                let last = |step: Step| (high / step.get() + 1e-9).floor();
                let count = |step: Step| last(step) - first(step) + 1.0;
                let steps = (magnitude..=magnitude + 2).flat_map(|e| [1, 2, 5].map(|m| Step { m, e }));
                let Some(step) = steps.into_iter().find(|&s| count(s) <= most as f64) else {
                    return Vec::new();
                };
                (first(step) as i64..=last(step) as i64).map(|k| step.times(k)).collect()
            }
        };
        values.into_iter().map(|value| Tick { value, at: self.at(value), label: tick_label(value) }).collect()
    }
}

/// A tick step m × 10ᵉ.
#[derive(Debug, Clone, Copy)]
struct Step {
    m: i64,
    e: i32,
}

impl Step {
    fn get(self) -> f64 {
        self.times(1)
    }

    /// k steps, rounded once: k·m divided (or multiplied) by an exact power of ten, so 3 × 0.1 is 0.3.
    fn times(self, k: i64) -> f64 {
        let whole = (k * self.m) as f64;
        if self.e < 0 { whole / power_of_ten(-self.e) } else { whole * power_of_ten(self.e) }
    }
}

/// The value of the ladder 1, 2, 2.5, 5 × 10ⁿ nearest to `value` (by ratio).
fn round_value(value: f64) -> f64 {
    if !(value > 0.0 && value.is_finite()) {
        return value;
    }
    let e = value.log10().floor() as i32;
    let candidates = [(10, e - 1), (20, e - 1), (25, e - 1), (50, e - 1), (10, e)];
    let distance = |x: f64| (x / value).ln().abs();
    let as_value = |(m, e): (i64, i32)| Step { m, e }.get();
    candidates.into_iter().map(as_value).min_by(|a, b| distance(*a).total_cmp(&distance(*b))).unwrap_or(value)
}

/// 10ⁿ, correctly rounded (a product of tens is exact up to 10²², and 10⁻ⁿ is 1 / 10ⁿ).
fn power_of_ten(n: i32) -> f64 {
    if n < 0 { 1.0 / power_of_ten(-n) } else { (0..n).fold(1.0, |p, _| p * 10.0) }
}

/// How a tick value reads: "0", "0.001", "0.25", "1", "20", "1k", "2.5k", "10M".
pub fn tick_label(value: f64) -> String {
    let trimmed = |x: f64, unit: &str| format!("{}{unit}", (x * 1e3).round() / 1e3);
    let size = value.abs();
    if size >= 1e6 {
        trimmed(value / 1e6, "M")
    } else if size >= 1e3 {
        trimmed(value / 1e3, "k")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAWS: Axis = Axis { min: 1.0, max: 1e6, start: 40.0, end: 340.0, spacing: Spacing::Log10 };
    const DISTANCE: Axis = Axis { min: 1e-4, max: 1.0, start: 160.0, end: 10.0, spacing: Spacing::Log10 };

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn a_log_axis_spaces_decades_equally() {
        assert_eq!(DRAWS.at(1.0), 40.0);
        assert_eq!(DRAWS.at(1e6), 340.0);
        assert!((DRAWS.at(1e3) - 190.0).abs() < 1e-9);
        assert!((DRAWS.at(10.0) - DRAWS.at(1.0) - (DRAWS.at(1e5) - DRAWS.at(1e4))).abs() < 1e-9);
        // Upside down on screen: the bottom is the smallest distance.
        assert_eq!(DISTANCE.at(1e-4), 160.0);
        assert_eq!(DISTANCE.at(1.0), 10.0);
        assert!((DISTANCE.at(1e-2) - 85.0).abs() < 1e-9);
    }

    #[test]
    fn values_off_the_axis_are_drawn_at_its_ends() {
        assert_eq!(DRAWS.at(0.0), 40.0);
        assert_eq!(DRAWS.at(f64::NAN), 40.0);
        assert_eq!(DRAWS.at(1e9), 340.0);
        assert_eq!(DISTANCE.at(1e-7), 160.0);
        let linear = Axis { min: 0.0, max: 2.0, start: 0.0, end: 100.0, spacing: Spacing::Linear };
        assert_eq!(linear.at(-1.0), 0.0);
        assert_eq!(linear.at(3.0), 100.0);
        assert_eq!(linear.at(0.5), 25.0);
    }

    #[test]
    fn a_log_axis_ticks_its_decades() {
        assert_eq!(labels(&DRAWS.ticks(7)), ["1", "10", "100", "1k", "10k", "100k", "1M"]);
        assert_eq!(labels(&DISTANCE.ticks(5)), ["0.0001", "0.001", "0.01", "0.1", "1"]);
        assert_eq!(labels(&DRAWS.ticks(4)), ["1", "100", "10k", "1M"]);
        assert!(DRAWS.ticks(7).iter().all(|t| t.at == DRAWS.at(t.value)));
    }

    #[test]
    fn a_linear_axis_ticks_round_steps() {
        let probability = Axis { min: 0.0, max: 0.3, start: 100.0, end: 0.0, spacing: Spacing::Linear };
        assert_eq!(labels(&probability.ticks(4)), ["0", "0.1", "0.2", "0.3"]);
        assert_eq!(labels(&probability.ticks(7)), ["0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"]);
        let flops = Axis { min: 0.0, max: 1.234e7, start: 100.0, end: 0.0, spacing: Spacing::Linear };
        assert_eq!(labels(&flops.ticks(5)), ["0", "5M", "10M"]);
        assert_eq!(labels(&flops.ticks(8)), ["0", "2M", "4M", "6M", "8M", "10M", "12M"]);
        let tokens = Axis { min: 1.0, max: 32.0, start: 0.0, end: 100.0, spacing: Spacing::Linear };
        assert_eq!(labels(&tokens.ticks(5)), ["10", "20", "30"]);
        assert!(tokens.ticks(5).len() <= 5 && tokens.ticks(12).len() <= 12);
    }

    #[test]
    fn a_square_root_axis_lifts_small_values_and_inverts() {
        let probability = Axis { min: 0.0, max: 1.0, start: 200.0, end: 10.0, spacing: Spacing::Sqrt };
        assert!((probability.at(0.25) - (200.0 - 0.5 * 190.0)).abs() < 1e-9);
        for axis in [probability, DRAWS, DISTANCE, Axis { spacing: Spacing::Linear, ..probability }] {
            for i in 0..=100 {
                let position = axis.start + (axis.end - axis.start) * f64::from(i) / 100.0;
                let back = axis.at(axis.value_at(position));
                assert!((back - position).abs() < 1e-9, "{axis:?} at {position}: {back}");
            }
            let outward = 50.0 * (axis.end - axis.start).signum();
            assert_eq!(axis.value_at(axis.start - outward), axis.min);
            assert!((axis.value_at(axis.end + outward) - axis.max).abs() < 1e-12);
        }
        assert_eq!(labels(&probability.ticks(5)), ["0", "0.05", "0.25", "0.5", "1"]);
        let fitted = Axis { max: 0.2, ..probability };
        assert_eq!(labels(&fitted.ticks(4)), ["0", "0.02", "0.1", "0.2"]);
    }

    #[test]
    fn an_empty_span_has_no_ticks() {
        let flat = Axis { min: 1.0, max: 1.0, start: 0.0, end: 100.0, spacing: Spacing::Linear };
        assert!(flat.ticks(5).is_empty());
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(2500.0), "2.5k");
        assert_eq!(tick_label(1e7), "10M");
        assert_eq!(tick_label(300.0), "300");
    }
}
