//! What the page says about greedy decoding on the Shakespeare model: the run as token chips (the
//! prompt's, the written ones, one lap of the repeating stretch and the laps after it), and sentences
//! built from the run and from the card's measurement. The run is computed by the model worker.

use protocol::text::{CLAIMED_WITHIN, TextCard, TextRun};

use crate::state::kv::group_thousands;
use sampling::TokenId;

/// What part of a run a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipKind {
    /// Typed by the learner.
    Prompt,
    /// Written before the repeating stretch.
    Written,
    /// The first lap of the repeating stretch.
    Lap,
    /// The laps after it.
    Again,
}

impl ChipKind {
    /// The chip's class on the page.
    pub fn class(self) -> &'static str {
        match self {
            Self::Prompt => "chip prompt",
            Self::Written => "chip written",
            Self::Lap => "chip lap",
            Self::Again => "chip again",
        }
    }
}

/// One token as a chip: its piece as shown, its id, and its part of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    /// The piece, with `␣` for a leading space and `↵` for a line break.
    pub shown: String,
    /// The token's id.
    pub id: TokenId,
    /// Its part of the run.
    pub kind: ChipKind,
}

/// The run's tokens as chips.
pub fn chips(run: &TextRun) -> Vec<Chip> {
    run.tokens
        .iter()
        .enumerate()
        .map(|(at, token)| {
            let kind = match run.repeat {
                _ if at < run.prompt_len => ChipKind::Prompt,
                Some(r) if at >= r.start + r.period => ChipKind::Again,
                Some(r) if at >= r.start => ChipKind::Lap,
                _ => ChipKind::Written,
            };
            Chip { shown: token.shown.clone(), id: token.id, kind }
        })
        .collect()
}

/// The run as text in four parts: the prompt, what was written before the repeating stretch, its first
/// lap, and the laps after it.
pub fn text_parts(run: &TextRun) -> [String; 4] {
    let n = run.tokens.len();
    let (start, again) = run.repeat.map_or((n, n), |r| (r.start, r.start + r.period));
    [run.text(0..run.prompt_len), run.text(run.prompt_len..start), run.text(start..again), run.text(again..n)]
}

/// What the page says about one run.
pub fn run_summary(run: &TextRun) -> String {
    let written = run.tokens.len() - run.prompt_len;
    let prompt = match run.prompt_len {
        1 => "Your prompt is 1 token".to_string(),
        n => format!("Your prompt is {n} tokens"),
    };
    match run.repeat {
        Some(r) => {
            let laps = (run.tokens.len() - r.start) as f64 / r.period as f64;
            let lap = if r.period == 1 { "1 token".to_string() } else { format!("{} tokens", r.period) };
            let after = match r.start - run.prompt_len {
                0 => "From its first written token".to_string(),
                1 => "After 1 written token".to_string(),
                n => format!("After {n} written tokens"),
            };
            format!(
                "{prompt}; greedy wrote {written} more until the window of {} was full. {after} it fell into a \
                 stretch of {lap} that it wrote {laps:.1} times over, to the end.",
                run.tokens.len(),
            )
        }
        None => format!(
            "{prompt}; greedy wrote {written} more until the window of {} was full, and did not fall into a \
             repeating stretch before then.",
            run.tokens.len()
        ),
    }
}

/// How much of what greedy wrote had been written before: of the written stretches of `n` tokens, how
/// many appeared earlier in the run (the prompt included), and how many there were.
pub fn repeated_stretches(run: &TextRun, n: usize) -> (usize, usize) {
    let ids: Vec<TokenId> = run.tokens.iter().map(|t| t.id).collect();
    let mut seen: std::collections::HashSet<&[TokenId]> = std::collections::HashSet::new();
    let (mut repeated, mut written) = (0, 0);
    for end in n..=ids.len() {
        let stretch = &ids[end - n..end];
        // A stretch is written when its last token is.
        if end > run.prompt_len {
            written += 1;
            if seen.contains(stretch) {
                repeated += 1;
            }
        }
        seen.insert(stretch);
    }
    (repeated, written)
}

/// The stretch length [`repeated_stretches`] is read at on the page.
pub const STRETCH: usize = 4;

/// What the page says about the run's repeated stretches.
pub fn repeated_summary(run: &TextRun) -> String {
    let (repeated, written) = repeated_stretches(run, STRETCH);
    if written == 0 {
        return String::new();
    }
    let share = 100.0 * repeated as f64 / written as f64;
    let counted = format!(
        "Of the {written} stretches of {STRETCH} tokens greedy wrote, {repeated} ({share:.0}%) had already appeared earlier in the run"
    );
    // Only a run that repeated something is said to bring phrases back.
    match (repeated, run.repeat) {
        (0, _) => format!("{counted}."),
        (_, None) => format!("{counted}: phrases come back even though no exact lap is found."),
        (_, Some(_)) => format!("{counted}: phrases come back, and the run ends in an exact lap."),
    }
}

/// Kilobytes as the page shows them.
pub fn kilobytes(bytes: u64) -> String {
    format!("{}", (bytes as f64 / 1000.0).round() as u64)
}

/// What the page says about greedy decoding measured over the card's validation prompts.
pub fn measured_summary(card: &TextCard) -> String {
    let m = &card.greedy;
    let (runs, repeated) = (m.repeats.len(), m.onsets().len());
    let median = m.median_onset().map_or_else(|| "—".to_string(), |v| format!("{v}"));
    let (fewest, most) =
        (m.onsets().first().copied().unwrap_or_default(), m.onsets().last().copied().unwrap_or_default());
    format!(
        "Measured by the training task, from {runs} lines of the held-out plays: greedy fell into \
         a repeating stretch before its window of {} tokens was full in {repeated} of {runs} runs, after a median \
         of {median} written tokens (fewest {fewest}, most {most}); {} of {runs} within {CLAIMED_WITHIN} tokens.",
        m.window,
        m.within(CLAIMED_WITHIN),
    )
}

/// What the model is, in one line: its size and how well it predicts held-out text.
pub fn model_line(card: &TextCard) -> String {
    format!(
        "A transformer of {} parameters over {} word pieces, trained by this project on Shakespeare's works; on \
         the plays held out from training it scores {:.2} nats a character (a bigram of characters: {:.2}, of \
         word pieces: {:.2}). Its weights are {} KB, fetched the first time you run it.",
        group_thousands(card.parameters as u64),
        group_thousands(card.config.vocab as u64),
        card.validation_loss_per_character,
        card.character_bigram_per_character,
        card.token_bigram_per_character,
        kilobytes(card.weights_bytes),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::text::{Stretch, TextToken};

    fn run(ids: &[usize], prompt_len: usize) -> TextRun {
        let tokens = ids
            .iter()
            .map(|&id| TextToken { id, shown: format!("␣w{id}"), bytes: format!(" w{id}").into_bytes() })
            .collect::<Vec<_>>();
        let all: Vec<usize> = ids.to_vec();
        TextRun { tokens, prompt_len, repeat: protocol::text::repeating_end(&all, prompt_len) }
    }

    #[test]
    fn chips_mark_the_prompt_the_lap_and_the_laps_after_it() {
        // Prompt 7 8, written 9, then 1 2 1 2 1 2 1 2 (period 2 from index 3).
        let r = run(&[7, 8, 9, 1, 2, 1, 2, 1, 2, 1, 2], 2);
        assert_eq!(r.repeat, Some(Stretch { start: 3, period: 2 }));
        let kinds: Vec<ChipKind> = chips(&r).iter().map(|c| c.kind).collect();
        use ChipKind::*;
        assert_eq!(kinds, [Prompt, Prompt, Written, Lap, Lap, Again, Again, Again, Again, Again, Again]);
        assert_eq!(text_parts(&r), [" w7 w8".to_string(), " w9".into(), " w1 w2".into(), " w1 w2 w1 w2 w1 w2".into()]);
        let said = run_summary(&r);
        assert!(said.starts_with("Your prompt is 2 tokens; greedy wrote 9 more until the window of 11"), "{said}");
        assert!(
            said.contains("After 1 written token it fell into a stretch of 2 tokens that it wrote 4.0 times"),
            "{said}"
        );
    }

    #[test]
    fn repeated_stretches_count_what_was_written_before() {
        // Prompt 1 2; written 3 1 2 3 9: the stretches of 2 ending in the written part are (2 3), (3 1),
        // (1 2), (2 3), (3 9); (1 2) was in the prompt and (2 3) was written before.
        let r = run(&[1, 2, 3, 1, 2, 3, 9], 2);
        assert_eq!(repeated_stretches(&r, 2), (2, 5));
        assert_eq!(repeated_stretches(&run(&[1, 2, 3], 3), 2), (0, 0), "nothing written");
        assert!(
            repeated_summary(&r).starts_with("Of the 4 stretches of 4 tokens greedy wrote, 0 (0%) had already"),
            "{}",
            repeated_summary(&r)
        );
        assert_eq!(repeated_summary(&run(&[1, 2], 2)), "");
        assert!(repeated_summary(&r).ends_with("earlier in the run."), "nothing repeated, nothing claimed");
        // Prompt 5 6; written 1 2 3 4 1 2 3 4 9: the second 1 2 3 4 was written before, and no lap ends the run.
        let circling = run(&[5, 6, 1, 2, 3, 4, 1, 2, 3, 4, 9], 2);
        assert!(
            repeated_summary(&circling).ends_with("phrases come back even though no exact lap is found."),
            "{}",
            repeated_summary(&circling)
        );
    }

    #[test]
    fn a_run_that_never_repeats_says_so() {
        let r = run(&[1, 2, 3, 4, 5], 1);
        assert!(chips(&r).iter().skip(1).all(|c| c.kind == ChipKind::Written));
        assert_eq!(text_parts(&r)[2], "");
        assert!(run_summary(&r).contains("did not fall into a repeating stretch"));
    }
}
