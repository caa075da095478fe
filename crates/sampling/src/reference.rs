//! The pipeline as a textbook writes it: a full softmax and a full sort of the vocabulary.
//!
//! Slow on purpose and short enough to check by eye. The tests hold the fast path
//! ([`crate::Sampler::distribution`], [`crate::Sampler::choose`]) to it, and the benchmarks measure how
//! far the fast path is from it.

use crate::{Distribution, Logits, Sampler, TokenId};

/// The final distribution of `sampler` over `logits`, step by step.
///
/// ```
/// use sampling::{Logits, Sampler, Temperature, TopK, TopP, reference};
/// let logits = Logits::new(vec![2.0, 1.0, 0.5, 0.0])?;
/// let sampler = Sampler::new(Temperature::new(0.8)?, TopK::new(3), TopP::new(0.9)?);
/// let textbook = reference::distribution(&sampler, &logits);
/// let fast = sampler.distribution(&logits);
/// assert!(textbook.total_variation(&fast)? < 1e-12);
/// # Ok::<(), sampling::SamplingError>(())
/// ```
pub fn distribution(sampler: &Sampler, logits: &Logits) -> Distribution {
    // 1. Temperature: ℓ/τ.
    let scaled = sampler.temperature.apply(logits);
    let s = scaled.as_slice();
    // 2. Sort every live token, highest scaled logit first, the lower id first on ties.
    let mut order: Vec<TokenId> = scaled.kept().collect();
    order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
    // 3. Top-k: the first k of that order.
    if let Some(k) = sampler.top_k.get() {
        order.truncate(k);
    }
    // 4. Softmax over the survivors.
    let max = s[order[0]];
    let mut weights = vec![0.0; s.len()];
    for &id in &order {
        weights[id] = (s[id] - max).exp();
    }
    let total: f64 = weights.iter().sum();
    // 5. Top-p: walk the same order until the running mass reaches p; drop the rest.
    if !sampler.top_p.is_off() {
        let mut cumulative = 0.0;
        let size = order
            .iter()
            .position(|&id| {
                cumulative += weights[id] / total;
                sampler.top_p.is_reached_by(cumulative)
            })
            .map_or(order.len(), |j| j + 1);
        for &id in &order[size..] {
            weights[id] = 0.0;
        }
    }
    // 6. Renormalize what is left.
    let kept: f64 = weights.iter().sum();
    Distribution::from_checked(weights.into_iter().map(|w| w / kept).collect())
}

/// One draw from [`distribution`].
pub fn choose<R: rand::Rng + ?Sized>(sampler: &Sampler, logits: &Logits, rng: &mut R) -> TokenId {
    distribution(sampler, logits).sample(rng)
}

/// Logits shaped like a language model's, the same on every platform for a seed: a long low tail and a
/// few large values, rounded to `f32` as a model would produce them. The inputs of the tests and of every
/// benchmark (native, in the browser, and against other libraries).
pub fn model_like_logits(vocab: usize, seed: u64) -> Vec<f32> {
    let mut rng = crate::seeded_rng(seed);
    (0..vocab)
        .map(|_| {
            let (a, b) = (crate::uniform(&mut rng), crate::uniform(&mut rng));
            (-(a * 12.0).ln_1p() * 4.0 + b) as f32
        })
        .collect()
}
