//! Inline quizzes: a question, an answer computed by the core, and a check of what the learner typed.

use protocol::{Cache, GptConfig};
use sampling::{Distribution, Nucleus, Temperature, TopP, examples, softmax};

/// One question with a numeric answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    /// A short title.
    pub title: &'static str,
    /// The question, also the answer field's accessible name.
    pub question: String,
    /// The right answer.
    pub answer: f64,
    /// How far off an answer may be and still count (half of the last shown decimal).
    pub tolerance: f64,
    /// Shown after a wrong answer: a pointer to the reasoning, never the number.
    pub hint: &'static str,
    /// Shown after a right answer, or with the answer when the learner asks for it.
    pub explanation: String,
}

/// Which quiz is which, by its place on the page.
pub mod ids {
    /// Greedy as top-k with k = 1.
    pub const GREEDY: usize = 0;
    /// p₁ of (2, 1, 0) at τ = 1.
    pub const TAU_ONE: usize = 1;
    /// p₁ of (2, 1, 0) at τ = 0.5.
    pub const TAU_HALF: usize = 2;
    /// The six-token example's nucleus at p = 0.9.
    pub const NUCLEUS: usize = 3;
    /// The growth of the uncached work.
    pub const CACHE: usize = 4;
    /// Top-p's kept count with temperature last.
    pub const ENGINES: usize = 5;
    /// The chance that speculative sampling accepts a drafted token.
    pub const SPECULATIVE: usize = 6;
}

/// What the learner's answer was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Right.
    Right,
    /// A number, but not the answer.
    Wrong,
    /// Not a number at all.
    NotANumber,
}

impl Quiz {
    /// The answer as the page writes it: to two decimals when the tolerance allows any, else whole.
    pub fn answer_text(&self) -> String {
        if self.tolerance > 0.0 { format!("{:.2}", self.answer) } else { format!("{}", self.answer) }
    }

    /// Checks typed text: a number within the tolerance of the answer.
    pub fn check(&self, typed: &str) -> Verdict {
        match typed.trim().replace(',', ".").parse::<f64>() {
            Ok(v) if (v - self.answer).abs() <= self.tolerance + 1e-9 => Verdict::Right,
            Ok(_) => Verdict::Wrong,
            Err(_) => Verdict::NotANumber,
        }
    }
}

/// The learner's attempts at one quiz: ask first, then a hint, then the answer on request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    wrong: u32,
    last: Option<Verdict>,
    shown: bool,
}

/// After how many wrong answers the answer is offered.
pub const OFFER_AFTER: u32 = 2;

impl Attempts {
    /// Checks what the learner typed and remembers the verdict.
    pub fn submit(&mut self, quiz: &Quiz, typed: &str) -> Verdict {
        let verdict = quiz.check(typed);
        if verdict == Verdict::Wrong {
            self.wrong += 1;
        }
        self.last = Some(verdict);
        verdict
    }

    /// Whether the "Show the answer" button is offered: after two wrong answers, until it is used or
    /// the learner gets it right.
    pub fn can_show(&self) -> bool {
        self.wrong >= OFFER_AFTER && !self.shown && self.last != Some(Verdict::Right)
    }

    /// Shows the answer, if it is offered.
    pub fn show_answer(&mut self) {
        if self.can_show() {
            self.shown = true;
        }
    }

    /// What the page says under the quiz.
    pub fn feedback(&self, quiz: &Quiz) -> String {
        match (self.last, self.shown) {
            (Some(Verdict::Right), _) => format!("Right. {}", quiz.explanation),
            (_, true) => format!("The answer is {}. {}", quiz.answer_text(), quiz.explanation),
            (Some(Verdict::NotANumber), _) => "Type a number, such as 0.5 or 3.".to_string(),
            (Some(Verdict::Wrong), _) if self.can_show() => {
                format!("Not quite. Hint: {} Try again, or show the answer.", quiz.hint)
            }
            (Some(Verdict::Wrong), _) => format!("Not quite. Hint: {} Try again.", quiz.hint),
            (None, false) => String::new(),
        }
    }
}

/// p₁ of softmax((2, 1, 0) / τ), to two decimals.
fn top_probability(tau: f64) -> f64 {
    let logits = examples::three_logits();
    let p = softmax(&Temperature::new(tau).expect("a valid τ").apply(&logits)).probs()[0];
    (p * 100.0).round() / 100.0
}

/// "e^a / (e^a + e^b + e^c) = x / y = p" for the logits (2, 1, 0) divided by τ, every number computed.
fn softmax_explanation(tau: f64) -> String {
    let scaled = [2.0 / tau, 1.0 / tau, 0.0];
    let exps = scaled.map(f64::exp);
    let total: f64 = exps.iter().sum();
    format!(
        "e^{} / (e^{} + e^{} + e^{}) = {:.2} / {:.2} = {:.3}.",
        scaled[0],
        scaled[0],
        scaled[1],
        scaled[2],
        exps[0],
        total,
        exps[0] / total
    )
}

/// How much the uncached total grows when T doubles to the window.
fn uncached_growth(config: &GptConfig) -> f64 {
    let t = config.context;
    config.cumulative_flops(t, Cache::Off) as f64 / config.cumulative_flops(t / 2, Cache::Off) as f64
}

/// The growth exponent of the uncached work: log₂ of [`uncached_growth`], rounded.
fn uncached_exponent(config: &GptConfig) -> f64 {
    uncached_growth(config).log2().round()
}

/// Why the answer is 2, with the counts that show it and the limit where it stops holding.
fn uncached_explanation(config: &GptConfig) -> String {
    format!(
        "Step t redoes the per-token work (projections, MLP, head) for all t tokens, and 1 + 2 + … + T = \
         T(T + 1)/2 grows as T². By the exact counts, doubling T from {} to {} multiplies this model's \
         uncached total by {:.2}, close to 2² = 4. Attention adds a term in T³, but with a small coefficient: \
         summed over a whole generation, it would overtake the T² term only from about {} tokens, which \
         this model's window of {} never reaches.",
        config.context / 2,
        config.context,
        uncached_growth(config),
        config.uncached_crossover(),
        config.context
    )
}

/// The quizzes, in the order of the page. Every answer is computed by the core.
pub fn quizzes(config: &GptConfig) -> Vec<Quiz> {
    let nucleus = Nucleus::new(&examples::six_tokens(), TopP::new(0.9).expect("a valid p"));
    let sums = examples::listed(&nucleus.cumulative()[..nucleus.size()]);
    vec![
        Quiz {
            title: "Greedy as a degenerate top-k",
            question: "Greedy decoding is the same as top-k sampling with which k?".into(),
            answer: 1.0,
            tolerance: 0.0,
            hint: "Top-k draws among the k largest logits. How many may it keep for the draw to have a single \
                   possible outcome, the largest?",
            explanation: "With k = 1 only the largest logit survives, so the draw always returns the argmax.".into(),
        },
        Quiz {
            title: "Temperature 1, top probability",
            question: "Logits (2, 1, 0) at τ = 1: what is p₁, to two decimals?".into(),
            answer: top_probability(1.0),
            tolerance: 0.005,
            hint: "Exponentiate each logit, then divide e² by the sum of all three exponentials.",
            explanation: softmax_explanation(1.0),
        },
        Quiz {
            title: "Temperature 0.5, top probability",
            question: "The same logits at τ = 0.5: what is p₁, to two decimals?".into(),
            answer: top_probability(0.5),
            tolerance: 0.005,
            hint: "Dividing by τ = 0.5 doubles every logit. Run the same softmax on the doubled logits.",
            explanation: format!("Halving τ doubles the logits to (4, 2, 0): {}", softmax_explanation(0.5)),
        },
        Quiz {
            title: "The nucleus of the six-token example",
            question: format!(
                "Sorted probabilities {} and p = 0.9: how many tokens are in the nucleus?",
                examples::listed(&examples::SIX_TOKENS)
            ),
            answer: nucleus.size() as f64,
            tolerance: 0.0,
            hint: "Add the probabilities one at a time, largest first, and stop at the first running sum that \
                   is at least 0.9. Count the tokens you added, the one that crossed 0.9 included.",
            explanation: format!(
                "The running sums are {}: token {} is the first to reach 0.9, so {} tokens with mass {:.2}.",
                sums.trim_matches(['(', ')']),
                nucleus.size(),
                nucleus.size(),
                nucleus.kept_mass()
            ),
        },
        Quiz {
            title: "The cost of not caching",
            question: "Without a KV cache, step t recomputes every token in the context. Counting the per-token \
                       work (projections, MLP, head), which dominates in a model this size, generating T tokens \
                       costs O(T^?) in all. What is the exponent?"
                .into(),
            answer: uncached_exponent(config),
            tolerance: 0.0,
            hint: "Without the cache, step t runs all t tokens again. Sum that work over the steps t = 1 … T: \
                   which power of T does the sum grow like?",
            explanation: uncached_explanation(config),
        },
        engines_quiz(),
        speculative_quiz(),
    ]
}

/// The acceptance of a drafted token the draft over-proposes, from the worked example; the explanation
/// adds where the rejected mass goes.
fn speculative_quiz() -> Quiz {
    use sampling::examples::{DRAFT_Q, TARGET_P};
    let (q, p) = (DRAFT_Q[0], TARGET_P[0]);
    let accept = sampling::speculative::acceptance(p, q);
    let residual = Distribution::from_probs(TARGET_P.to_vec())
        .and_then(|p| sampling::speculative::residual(&p, &Distribution::from_probs(DRAFT_Q.to_vec())?))
        .map(|r| r.probs().to_vec())
        .unwrap_or_default();
    Quiz {
        title: "Accepting a draft",
        question: format!(
            "Over three tokens, a draft model has q = {} and the target p = {}. The draft proposes the first \
             token. With what probability is it accepted, to two decimals?",
            examples::listed(&DRAFT_Q),
            examples::listed(&TARGET_P)
        ),
        answer: accept,
        tolerance: 0.005,
        hint: "The draft proposes this token more often than the target would draw it. Accepting it every time \
               would keep the draft's rate; by what factor must that rate be thinned to become the target's?",
        explanation: format!(
            "It is accepted with probability min(1, p/q) = min(1, {p} / {q}) = {accept:.2}, so it comes out with \
             probability q × {accept:.2} = {:.2} = p, as the target's. A rejection draws from the residual \
             max(0, p − q), normalized: {}, the mass the draft gave too little.",
            q * accept,
            examples::listed(&residual)
        ),
    }
}

/// The order lab's question: the kept count of the worked example under llama.cpp's order, with the
/// numbers that explain it.
fn engines_quiz() -> Quiz {
    use crate::state::engines::{compare, worked_logits};
    let knobs = sampling::Knobs {
        temperature: Temperature::new(0.5).expect("a valid τ"),
        top_p: TopP::new(0.8).expect("a valid p"),
        ..sampling::Knobs::default()
    };
    let rows = compare(&worked_logits(), &[], &knobs);
    let kept = |engine| rows.iter().find(|r| r.engine == engine).map_or(0, |r| r.kept().len());
    let at = |tau: f64| softmax(&Temperature::new(tau).expect("a valid τ").apply(&worked_logits())).probs().to_vec();
    let (cool, plain) = (at(0.5), at(1.0));
    let last = rows.iter().find(|r| r.engine == sampling::Engine::LlamaCpp).map(|r| r.probs.probs().to_vec());
    let last = last.unwrap_or_default();
    Quiz {
        title: "Temperature last",
        question: "Logits (2, 1, 0) with τ = 0.5 and top-p 0.8, in llama.cpp's order (temperature last): how many \
                   tokens does top-p keep?"
            .into(),
        answer: kept(sampling::Engine::LlamaCpp) as f64,
        tolerance: 0.0,
        hint: "With temperature last, top-p sees the probabilities at τ = 1. Add them, largest first, until the \
               sum reaches 0.8.",
        explanation: format!(
            "At τ = 1 the probabilities are {:.3}, {:.3}, {:.3}: the first alone is below 0.8 and the first two \
             reach {:.3}, so top-p keeps {}; temperature then sharpens those to {:.3} and {:.3}. Temperature \
             first makes them {:.3}, {:.3}, {:.3}, and top-p keeps {}.",
            plain[0],
            plain[1],
            plain[2],
            plain[0] + plain[1],
            kept(sampling::Engine::LlamaCpp),
            last.first().copied().unwrap_or_default(),
            last.get(1).copied().unwrap_or_default(),
            cool[0],
            cool[1],
            cool[2],
            kept(sampling::Engine::HuggingFace)
        ),
    }
}

/// Progress as stored in the browser: one digit per quiz, 1 for answered.
pub fn encode_progress(answered: &[bool]) -> String {
    answered.iter().map(|&a| if a { '1' } else { '0' }).collect()
}

/// Stored progress for `n` quizzes, or `None` if it is unreadable or from another version of the page.
pub fn decode_progress(stored: &str, n: usize) -> Option<Vec<bool>> {
    let answered: Option<Vec<bool>> = stored
        .chars()
        .map(|c| match c {
            '1' => Some(true),
            '0' => Some(false),
            _ => None,
        })
        .collect();
    answered.filter(|a| a.len() == n)
}

/// The words a reader sees in `html`: the text between its tags, without what scripts, styles and
/// `noscript` elements hold.
pub fn visible_words(html: &str) -> usize {
    let mut words = 0;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        words += rest[..open].split_whitespace().count();
        let tag = &rest[open + 1..];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let after = tag.find('>').map_or(tag.len(), |end| end + 1);
        rest = &tag[after..];
        if ["script", "style", "noscript"].contains(&name.as_str()) {
            let close = format!("</{name}>");
            rest = rest.find(&close).map_or("", |end| &rest[end + close.len()..]);
        }
    }
    words + rest.split_whitespace().count()
}

/// Minutes to read `words` words at 200 words a minute, at least 1.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// "answered / asked", the page's progress readout.
pub fn progress(answered: usize, asked: usize) -> String {
    format!("{answered} / {asked}")
}

/// The code of a markdown snippet as the page shows it: without the fences and the lines hidden from
/// readers (`# ` lines, which only make the doctest run).
pub fn shown_code(markdown: &str) -> String {
    markdown.lines().filter(|l| !l.starts_with("```") && !l.starts_with("# ")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_words_skip_tags_scripts_and_noscript() {
        let html = r#"<main><h1 class="x">Two words</h1><p>and <b>three</b> more</p><script type="a">x y z</script><noscript><p>hidden words</p></noscript>end</main>"#;
        assert_eq!(visible_words(html), 6);
        assert_eq!(visible_words("plain text"), 2);
        assert_eq!(visible_words("<p unclosed"), 0);
    }

    fn all() -> Vec<Quiz> {
        quizzes(&GptConfig::new())
    }

    #[test]
    fn the_answers_are_the_lessons() {
        let answers: Vec<f64> = all().iter().map(|q| q.answer).collect();
        assert_eq!(answers, vec![1.0, 0.67, 0.87, 4.0, 2.0, 2.0, 0.4]);
    }

    #[test]
    fn checking_accepts_the_answer_in_any_spelling() {
        let q = &all()[1];
        for typed in ["0.67", " .67", "0,67", "0.670", "0.665"] {
            assert_eq!(q.check(typed), Verdict::Right, "{typed}");
        }
        assert_eq!(q.check("0.7"), Verdict::Wrong);
        assert_eq!(q.check("two thirds"), Verdict::NotANumber);
        assert_eq!(q.check(""), Verdict::NotANumber);
        assert_eq!(all()[0].check("1"), Verdict::Right);
        assert_eq!(all()[0].check("1.5"), Verdict::Wrong);
    }

    #[test]
    fn explanations_show_the_computed_numbers() {
        assert_eq!(all()[1].explanation, "e^2 / (e^2 + e^1 + e^0) = 7.39 / 11.11 = 0.665.");
        assert!(all()[2].explanation.ends_with("= 54.60 / 62.99 = 0.867."), "{}", all()[2].explanation);
        assert!(all()[3].explanation.contains("4 tokens with mass 0.93"));
    }

    #[test]
    fn the_caching_explanation_counts_the_shipped_shape() {
        let text = uncached_explanation(&GptConfig::new().with_width(48));
        assert!(text.contains("from 8 to 16 multiplies this model's uncached total by 3."), "{text}");
        assert!(text.contains("it would overtake the T² term only from about 883 tokens"), "{text}");
    }

    #[test]
    fn a_wrong_answer_gets_a_hint_then_the_answer_is_offered() {
        let q = &all()[ids::TAU_ONE];
        let mut a = Attempts::default();
        assert_eq!(a.feedback(q), "");
        assert!(!a.can_show());
        a.submit(q, "lots");
        assert_eq!(a.feedback(q), "Type a number, such as 0.5 or 3.");
        a.submit(q, "0.5");
        assert_eq!(a.feedback(q), format!("Not quite. Hint: {} Try again.", q.hint));
        assert!(!a.can_show(), "one wrong answer: a hint only");
        a.show_answer();
        assert!(!a.feedback(q).contains("0.67"));
        a.submit(q, "0.9");
        assert!(a.can_show());
        assert!(a.feedback(q).ends_with("Try again, or show the answer."));
        a.show_answer();
        assert!(!a.can_show());
        assert!(a.feedback(q).starts_with("The answer is 0.67. e^2 / (e^2"), "{}", a.feedback(q));
        assert_eq!(a.submit(q, "0.67"), Verdict::Right);
        assert!(a.feedback(q).starts_with("Right."));
    }

    #[test]
    fn hints_point_at_the_reasoning_never_the_number() {
        for q in all() {
            assert!(!q.hint.contains(&q.answer_text()), "{}: {}", q.title, q.hint);
            assert!(!q.explanation.is_empty());
        }
        assert_eq!(all()[ids::NUCLEUS].answer_text(), "4");
        let mut right_away = Attempts::default();
        right_away.submit(&all()[0], "1");
        assert!(!right_away.can_show());
    }

    #[test]
    fn the_speculative_explanation_thins_the_draft_to_the_target() {
        let q = &all()[ids::SPECULATIVE];
        assert!(q.question.contains("q = (0.50, 0.30, 0.20) and the target p = (0.20, 0.30, 0.50)"), "{}", q.question);
        assert!(q.explanation.contains("min(1, 0.2 / 0.5) = 0.40"), "{}", q.explanation);
        assert!(q.explanation.contains("q × 0.40 = 0.20 = p"), "{}", q.explanation);
        assert!(q.explanation.ends_with("normalized: (0.00, 0.00, 1.00), the mass the draft gave too little."));
    }

    #[test]
    fn the_engines_explanation_shows_both_orders() {
        let q = &all()[ids::ENGINES];
        assert_eq!(
            q.explanation,
            "At τ = 1 the probabilities are 0.665, 0.245, 0.090: the first alone is below 0.8 and the first two \
             reach 0.910, so top-p keeps 2; temperature then sharpens those to 0.881 and 0.119. Temperature first \
             makes them 0.867, 0.117, 0.016, and top-p keeps 1."
        );
    }

    #[test]
    fn stored_progress_round_trips_and_junk_is_dropped() {
        let answered = vec![true, false, true, false, false];
        assert_eq!(decode_progress(&encode_progress(&answered), 5), Some(answered));
        assert_eq!(decode_progress("10", 5), None);
        assert_eq!(decode_progress("1x101", 5), None);
        assert_eq!(decode_progress("", 5), None);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(200), 1);
        assert_eq!(reading_minutes(201), 2);
    }

    #[test]
    fn progress_and_code() {
        assert_eq!(progress(0, 5), "0 / 5");
        assert_eq!(shown_code("```rust\nlet a = 1;\n# hidden\n```"), "let a = 1;");
    }
}
