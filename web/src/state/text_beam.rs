//! Beam search on text beside sampled lines: the rows the page shows and what it says about them. The
//! search and the draws run in the model worker (`model::text::beam_lines`); this is what is read off
//! their answer.

use protocol::text::{Continuation, NGRAM, TextBeams};

/// How many beams the table shows at most (the best ones).
pub const SHOWN_BEAMS: usize = 4;

/// One line of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRow {
    /// What wrote it: "beam 1", "sample, seed 0".
    pub label: String,
    /// Its text, a line break shown as `↵`, and `…` where it stopped at the cap instead.
    pub text: String,
    /// Its tokens.
    pub tokens: usize,
    /// Σ log p, two decimals.
    pub log_prob: String,
    /// Per token, two decimals.
    pub per_token: String,
    /// Its stretches of [`NGRAM`] tokens seen earlier in it.
    pub repeated: usize,
}

impl LineRow {
    fn new(label: String, line: &Continuation) -> Self {
        let text = line.text().replace('\n', "↵");
        Self {
            label,
            text: if line.finished { text } else { format!("{text}…") },
            tokens: line.tokens.len(),
            log_prob: minus(line.log_prob),
            per_token: minus(line.per_token()),
            repeated: line.repeated(),
        }
    }
}

/// A number with two decimals and a true minus sign.
fn minus(x: f64) -> String {
    format!("{x:.2}").replace('-', "−")
}

/// The best beams (at most [`SHOWN_BEAMS`]), then the sampled lines.
pub fn rows(found: &TextBeams) -> (Vec<LineRow>, Vec<LineRow>) {
    let beams = found.beams.iter().take(SHOWN_BEAMS).enumerate();
    let sampled = found.sampled.iter().enumerate();
    (
        beams.map(|(i, b)| LineRow::new(format!("beam {}", i + 1), b)).collect(),
        sampled.map(|(seed, s)| LineRow::new(format!("seed {seed}"), s)).collect(),
    )
}

/// The heading over the beams: which settings found them, and how many are shown.
pub fn beams_heading(found: &TextBeams) -> String {
    let shown = found.beams.len().min(SHOWN_BEAMS);
    let of =
        if shown < found.width { format!("The best {shown} of {} lines", found.width) } else { "The lines".into() };
    format!("{of} beam search keeps (B = {}, α = {:.1}), best first by Σ log p ÷ lengthᵅ", found.width, found.alpha)
}

/// What the page says about one search: the best line against the sampled ones and against held-out text
/// (`validation_loss`, nats per token), and its repetition.
pub fn summary(found: &TextBeams, validation_loss: f64) -> String {
    let Some(best) = found.beams.first() else { return String::new() };
    let per_token: Vec<f64> = found.sampled.iter().map(Continuation::per_token).collect();
    let (low, high) = per_token.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
    let repeated = match best.repeated() {
        0 => format!("no stretch of {NGRAM} tokens in it comes twice"),
        1 => format!("1 of its stretches of {NGRAM} tokens had already appeared in it"),
        n => format!("{n} of its stretches of {NGRAM} tokens had already appeared in it"),
    };
    let tokens = if best.tokens.len() == 1 { "1 token".to_string() } else { format!("{} tokens", best.tokens.len()) };
    let sampled = if per_token.is_empty() {
        String::new()
    } else {
        format!(" The sampled lines score {} to {} per token.", minus(low), minus(high))
    };
    let compared = if per_token.is_empty() {
        ""
    } else if best.per_token() > high && best.per_token() > -validation_loss {
        " The best line is likelier, token for token, than every sampled line and than Shakespeare's own text: \
         beam search finds the model's safest words, not a writer's."
    } else if best.per_token() > -validation_loss {
        " Here a sampled line scores as high as the best beam per token (beam search maximizes the score with \
         its length penalty, not the score per token), and both score above Shakespeare's own text."
    } else {
        ""
    };
    format!(
        "The best line is {tokens}, {per} nats per token; {repeated}.{sampled} Shakespeare's held-out plays score \
         {real} per token under this model (its validation loss).{compared}",
        per = minus(best.per_token()),
        real = minus(-validation_loss),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::text::TextToken;

    fn line(ids: &[usize], log_prob: f64, finished: bool) -> Continuation {
        let tokens = ids
            .iter()
            .map(|&id| {
                let piece = if id == 0 { "\n".to_string() } else { format!(" w{id}") };
                TextToken { id, shown: piece.replace(' ', "␣"), bytes: piece.into_bytes() }
            })
            .collect();
        Continuation { tokens, log_prob, finished }
    }

    fn found(width: usize) -> TextBeams {
        TextBeams {
            prompt: "O".into(),
            width,
            alpha: 1.0,
            beams: (0..width).map(|i| line(&[1, 2, 3, 4, 1, 2, 3, 4, 0], -9.0 - i as f64, true)).collect(),
            sampled: vec![line(&[5, 6, 0], -7.5, true), line(&[7; 32], -64.0, false)],
        }
    }

    #[test]
    fn rows_show_the_best_beams_then_the_sampled_lines() {
        let (beams, sampled) = rows(&found(16));
        assert_eq!(beams.len(), SHOWN_BEAMS);
        assert_eq!(
            beams[0],
            LineRow {
                label: "beam 1".into(),
                text: " w1 w2 w3 w4 w1 w2 w3 w4↵".into(),
                tokens: 9,
                log_prob: "−9.00".into(),
                per_token: "−1.00".into(),
                repeated: 1,
            }
        );
        assert_eq!(sampled[0].per_token, "−2.50");
        assert!(sampled[1].text.ends_with('…'), "stopped at the cap, not at a line break");
        assert_eq!(sampled[1].repeated, 32 - NGRAM + 1 - 1);
        assert_eq!(rows(&found(2)).0.len(), 2);
        assert_eq!(
            beams_heading(&found(16)),
            "The best 4 of 16 lines beam search keeps (B = 16, α = 1.0), best first by Σ log p ÷ lengthᵅ"
        );
        assert!(beams_heading(&found(4)).starts_with("The lines beam search keeps (B = 4"));
    }

    #[test]
    fn the_summary_compares_the_best_line_with_the_sampled_ones_and_real_text() {
        let said = summary(&found(4), 3.77);
        assert!(said.starts_with("The best line is 9 tokens, −1.00 nats per token; 1 of its stretches"), "{said}");
        assert!(said.contains("The sampled lines score −2.50 to −2.00 per token."), "{said}");
        assert!(said.contains("plays score −3.77 per token"), "{said}");
        assert!(said.contains("likelier, token for token, than every sampled line"), "{said}");
        // A sampled line above the best beam per token: the other sentence.
        let mut close = found(4);
        close.sampled[0].log_prob = -1.5;
        assert!(summary(&close, 3.77).contains("a sampled line scores as high as the best beam"));
        // Below held-out text: no comparison claimed.
        assert!(summary(&found(4), 0.5).ends_with("(its validation loss)."));
        let empty = TextBeams { beams: vec![], ..found(4) };
        assert_eq!(summary(&empty, 3.77), "");
    }
}
