//! Slider positions ↔ sampler settings, for the native range inputs.

use sampling::TopK;

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
    fn temperature_steps_span_the_range_finely_near_one() {
        let steps = temperature_steps();
        assert_eq!(steps.first(), Some(&0.05));
        assert_eq!(steps.last(), Some(&5.0));
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "increasing");
        assert!(steps.contains(&1.0) && steps.contains(&0.5) && steps.contains(&2.0));
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
