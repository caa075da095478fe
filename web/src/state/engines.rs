//! The order lab: the same logits and settings through each engine's default order of stages.

use sampling::{Distribution, Engine, Knobs, Logits, Pipeline, TokenId, examples};

/// One engine's result.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineRow {
    /// Whose default order this row runs.
    pub engine: Engine,
    /// Its order, as "penalties → temperature → …".
    pub order: String,
    /// The distribution drawn from.
    pub probs: Distribution,
}

impl EngineRow {
    /// The tokens kept, most likely first (ties to the lower id).
    pub fn kept(&self) -> Vec<TokenId> {
        let p = self.probs.probs();
        let mut kept: Vec<TokenId> = (0..p.len()).filter(|&i| p[i] > 0.0).collect();
        kept.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        kept
    }

    /// The kept tokens with their probabilities, "a 0.881, e 0.119", at most `n` of them, `label` naming
    /// each token.
    pub fn describe(&self, n: usize, label: impl Fn(TokenId) -> String) -> String {
        let kept = self.kept();
        let mut text: Vec<String> =
            kept.iter().take(n).map(|&i| format!("{} {:.3}", label(i), self.probs.probs()[i])).collect();
        if kept.len() > n {
            text.push(format!("and {} more", kept.len() - n));
        }
        text.join(", ")
    }
}

/// Every engine's order on `logits` with the same `knobs`; `context` is what the penalties read.
pub fn compare(logits: &Logits, context: &[TokenId], knobs: &Knobs) -> Vec<EngineRow> {
    Engine::ALL
        .iter()
        .map(|&engine| EngineRow {
            engine,
            order: engine.order().iter().map(|k| k.name()).collect::<Vec<_>>().join(" → "),
            probs: Pipeline::from_order(engine.order(), knobs).distribution(logits, context),
        })
        .collect()
}

/// The worked example's logits (2, 1, 0), labelled A, B, C as in the temperature section.
pub fn worked_logits() -> Logits {
    examples::three_logits()
}

/// A, B, C for the worked example.
pub fn letter(id: TokenId) -> String {
    char::from(b'A' + (id % 26) as u8).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sampling::{Temperature, TopP};

    fn lesson_knobs() -> Knobs {
        Knobs { temperature: Temperature::new(0.5).unwrap(), top_p: TopP::new(0.8).unwrap(), ..Knobs::default() }
    }

    #[test]
    fn temperature_first_keeps_one_and_temperature_last_keeps_two() {
        let rows = compare(&worked_logits(), &[], &lesson_knobs());
        let sizes: Vec<(Engine, usize)> = rows.iter().map(|r| (r.engine, r.kept().len())).collect();
        assert_eq!(sizes, [(Engine::HuggingFace, 1), (Engine::LlamaCpp, 2), (Engine::Vllm, 1)]);
        // Temperature last: top-p keeps A and B at τ = 1, then τ = 0.5 sharpens them to e⁴ : e².
        let llama = &rows[1];
        assert_eq!(llama.describe(5, letter), "A 0.881, B 0.119");
        assert!(llama.order.ends_with("→ temperature"));
        assert_eq!(rows[0].describe(5, letter), "A 1.000");
        assert_eq!(rows[0].describe(0, letter), "and 1 more");
    }
}
