//! The newer stages, one at a time on the transformer: what each keeps or changes at a setting.

use sampling::{Distribution, Knobs, Logits, MinP, Penalties, StageKind, TokenId, TopNSigma, Typical, softmax};

use crate::state::sliders::{self, Scale};

/// The knobs with only `kind` set to `value` (the others off); `None` for a value the stage refuses.
pub fn knobs_for(kind: StageKind, value: f64) -> Option<Knobs> {
    let mut knobs = Knobs::default();
    match kind {
        StageKind::MinP => knobs.min_p = MinP::new(value).ok()?,
        StageKind::Typical => knobs.typical = Typical::new(value).ok()?,
        StageKind::TopNSigma => {
            knobs.top_n_sigma = if value.is_finite() { TopNSigma::new(value).ok()? } else { TopNSigma::OFF }
        }
        StageKind::Penalties => knobs.penalties = Penalties::new(value, 0.0, 0.0).ok()?,
        StageKind::Temperature | StageKind::TopK | StageKind::TopP => return None,
    }
    Some(knobs)
}

/// The slider of a stage's demonstration, and where it starts (a value that does something).
pub fn scale(kind: StageKind) -> (Scale, f64) {
    match kind {
        StageKind::MinP => (sliders::min_p(), 0.1),
        StageKind::Typical => (sliders::typical(), 0.5),
        StageKind::TopNSigma => (sliders::top_n_sigma(), 1.0),
        _ => (sliders::repetition(), 1.5),
    }
}

/// One stage alone on the model's logits: the distribution before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The model's distribution.
    pub before: Distribution,
    /// After the stage alone.
    pub after: Distribution,
}

impl Demo {
    /// `kind` at `value` on `logits`, the penalties reading `context`.
    pub fn run(kind: StageKind, value: f64, logits: &Logits, context: &[TokenId]) -> Option<Self> {
        let stage = knobs_for(kind, value)?.stage(kind);
        Some(Self { before: softmax(logits), after: softmax(&stage.apply(logits, context)) })
    }

    /// How many tokens have mass, before and after.
    pub fn kept(&self) -> (usize, usize) {
        let count = |d: &Distribution| d.probs().iter().filter(|p| **p > 0.0).count();
        (count(&self.before), count(&self.after))
    }

    /// The tokens the readout follows, each with its probability before → after: for the penalties the
    /// tokens of `context` (once each, in order), for the others the `n` most likely after the stage.
    pub fn followed(&self, kind: StageKind, context: &[TokenId], n: usize) -> Vec<(TokenId, f64, f64)> {
        if kind != StageKind::Penalties {
            return self.top(n);
        }
        let mut seen = Vec::new();
        for &t in context.iter().filter(|&&t| t < self.after.len()) {
            if !seen.contains(&t) {
                seen.push(t);
            }
        }
        seen.into_iter().map(|i| (i, self.before.probs()[i], self.after.probs()[i])).collect()
    }

    /// The `n` most likely tokens after the stage, each with its probability before → after.
    pub fn top(&self, n: usize) -> Vec<(TokenId, f64, f64)> {
        let after = self.after.probs();
        let mut order: Vec<TokenId> = (0..after.len()).filter(|&i| after[i] > 0.0).collect();
        order.sort_by(|&a, &b| after[b].total_cmp(&after[a]).then(a.cmp(&b)));
        order.into_iter().take(n).map(|i| (i, self.before.probs()[i], after[i])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logits() -> Logits {
        Logits::from_probs(&[0.5, 0.3, 0.15, 0.05]).unwrap()
    }

    #[test]
    fn each_stage_alone_does_what_it_says() {
        let min_p = Demo::run(StageKind::MinP, 0.2, &logits(), &[]).unwrap();
        assert_eq!(min_p.kept(), (4, 3));
        let sigma = Demo::run(StageKind::TopNSigma, f64::INFINITY, &logits(), &[]).unwrap();
        assert_eq!(sigma.kept(), (4, 4), "off");
        let typical = Demo::run(StageKind::Typical, 0.5, &logits(), &[]).unwrap();
        assert!(typical.kept().1 < 4);
        // θ = 2 on token 0, seen in the context: its logit ln 0.5 < 0 is doubled, so it loses mass.
        let penalized = Demo::run(StageKind::Penalties, 2.0, &logits(), &[0]).unwrap();
        assert!(penalized.after.probs()[0] < 0.5);
        assert_eq!(penalized.top(1)[0].0, 1, "the second token now leads");
        let followed = penalized.followed(StageKind::Penalties, &[0, 0, 9], 5);
        assert_eq!(followed.len(), 1, "each penalized token once, ids outside the vocabulary left out");
        assert!(followed[0].2 < followed[0].1);
        assert_eq!(min_p.followed(StageKind::MinP, &[0], 2), min_p.top(2));
        assert_eq!(Demo::run(StageKind::TopP, 0.5, &logits(), &[]), None);
        assert_eq!(knobs_for(StageKind::MinP, 3.0), None);
        assert_eq!(scale(StageKind::Typical).1, 0.5);
    }
}
