//! What the page says about greedy decoding's run and the sampled one (the runs themselves are
//! `protocol::demos::greedy`'s, run in the background).

use protocol::Vocab;
use protocol::demos::greedy::GreedyDemo;
use sampling::TokenId;

/// The greedy run as text in three parts: before the cycle, one lap of it, and the window read again.
pub fn greedy_parts(demo: &GreedyDemo) -> [String; 3] {
    let text = |t: &[TokenId]| Vocab.text(t);
    match demo.repeat {
        Some(r) => [
            text(&demo.greedy[..r.start()]),
            text(&demo.greedy[r.start()..r.start() + r.period()]),
            text(&demo.greedy[r.start() + r.period()..]),
        ],
        None => [text(&demo.greedy), String::new(), String::new()],
    }
}

/// What the page says about the greedy run.
pub fn greedy_summary(demo: &GreedyDemo) -> String {
    match demo.repeat {
        Some(r) => format!(
            "After symbol {}, the {} symbols the model reads are the same {} it read after symbol {}. \
             Greedy is a fixed function of those {}, so from symbol {} on the run repeats with period {}, \
             forever.",
            r.again,
            r.window,
            r.window,
            r.first,
            r.window,
            r.start(),
            r.period()
        ),
        None => format!("No window repeated within {} symbols.", demo.greedy.len()),
    }
}

/// What the page says about the sampled run.
pub fn sampled_summary(demo: &GreedyDemo) -> String {
    match demo.sampled_repeat {
        Some(r) => format!(
            "It read one window twice (after symbols {} and {}), but a draw need not repeat what \
             followed it.",
            r.first, r.again
        ),
        None => format!("In {} symbols it never reads the same window twice.", demo.sampled.len()),
    }
}

/// The sampled run as text.
pub fn sampled_text(demo: &GreedyDemo) -> String {
    Vocab.text(&demo.sampled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::demos::greedy::Repeat;

    #[test]
    fn the_run_is_told_in_three_parts_with_its_period() {
        // ·abc·ab through a window of 3: ·ab read after symbols 2 and 6.
        let repeat = Some(Repeat { first: 2, again: 6, window: 3 });
        let demo =
            GreedyDemo { window: 3, greedy: vec![0, 1, 2, 3, 0, 1, 2], repeat, sampled: vec![], sampled_repeat: None };
        assert_eq!(greedy_parts(&demo), ["".to_string(), "·abc".to_string(), "·ab".to_string()]);
        assert!(greedy_summary(&demo).starts_with("After symbol 6, the 3 symbols"), "{}", greedy_summary(&demo));
        assert!(greedy_summary(&demo).contains("from symbol 0 on the run repeats with period 4"));
    }

    #[test]
    fn a_run_without_a_repeat_says_so() {
        let run = vec![0, 1, 2, 3, 4];
        let demo = GreedyDemo { window: 3, greedy: run.clone(), repeat: None, sampled: run, sampled_repeat: None };
        assert_eq!(greedy_parts(&demo)[1], "");
        assert_eq!(greedy_summary(&demo), "No window repeated within 5 symbols.");
        assert_eq!(sampled_summary(&demo), "In 5 symbols it never reads the same window twice.");
        assert_eq!(sampled_text(&demo), "·abcd");
    }
}
