//! The lesson as a learner reads it: sections in order, quizzes with progress, greedy's loop.

use e2e::{Key, Page, with_page};
use fantoccini::Locator;

const QUIZZES: [(&str, &str); 5] = [
    ("Greedy decoding is the same as top-k sampling with which k?", "1"),
    ("Logits (2, 1, 0) at τ = 1: what is p₁, to two decimals?", "0.67"),
    ("The same logits at τ = 0.5: what is p₁, to two decimals?", "0.87"),
    ("Sorted probabilities (0.50, 0.20, 0.15, 0.08, 0.05, 0.02) and p = 0.9: how many tokens are in the nucleus?", "4"),
    ("Without a KV cache, generating T tokens costs O(T^?) in all. What is the exponent?", "2"),
];

async fn answer(page: &Page, question: &str, typed: &str) {
    let field = page.by_role("textbox", question).await;
    field.clear().await.unwrap();
    field.send_keys(typed).await.unwrap();
    page.press(&field, Key::Enter, 1).await;
}

#[tokio::test]
async fn the_sections_follow_the_source_lesson() {
    with_page(|page| async move {
        page.open().await;
        let mut titles = Vec::new();
        for h in page.client.find_all(Locator::Css("main section > h2")).await.unwrap() {
            titles.push(h.text().await.unwrap());
        }
        let expected = [
            "The same forward pass, no loss",
            "Greedy: why deterministic decoding loops",
            "Temperature: divide before softmax",
            "Top-k: cut the tail by rank",
            "Top-p, the nucleus: cut the tail by mass",
            "The order of the pipeline",
            "Why not beam search",
            "The KV cache",
            "Prompt, sampler, seed: the whole control surface",
            "Summary",
        ];
        assert_eq!(titles, expected);
        // Formulas are MathML, rendered by the browser.
        assert_eq!(page.client.find_all(Locator::Css(".formula math")).await.unwrap().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn quizzes_check_answers_and_count_progress() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for_text("[data-testid=progress]", "0 / 5").await;
        answer(&page, QUIZZES[1].0, "half").await;
        page.wait_for_text("[data-testid=quiz-1-feedback]", "Type a number, such as 0.5 or 3.").await;
        answer(&page, QUIZZES[1].0, "0.5").await;
        page.wait_for_text("[data-testid=quiz-1-feedback]", "Not quite: try again.").await;
        page.wait_for_text("[data-testid=progress]", "0 / 5").await;
        for (i, (question, right)) in QUIZZES.iter().enumerate() {
            answer(&page, question, right).await;
            page.wait_for("the answer to be accepted", || async {
                page.text(&format!("[data-testid=quiz-{i}-feedback]")).await.starts_with("Right.")
            })
            .await;
            page.wait_for_text("[data-testid=progress]", &format!("{} / 5", i + 1)).await;
        }
        // Answering again does not count twice.
        answer(&page, QUIZZES[0].0, "1").await;
        page.wait_for_text("[data-testid=progress]", "5 / 5").await;
    })
    .await;
}

#[tokio::test]
async fn greedy_loops_and_sampling_does_not() {
    with_page(|page| async move {
        page.open().await;
        let looped = page.text("[data-testid=greedy-run] mark.cycle").await;
        assert!(looped.len() >= 20, "the loop covers most of the run: {looped}");
        let cycle = page.text("[data-testid=greedy-cycle]").await;
        assert!(cycle.contains("repeats with period"), "{cycle}");
        // The period names one full name and its ·: the loop text is that unit over and over.
        let period: usize = cycle.rsplit("period ").next().unwrap().trim_end_matches('.').parse().unwrap();
        let unit: String = looped.chars().take(period).collect();
        assert!(looped.starts_with(&unit.repeat(2)));
        assert_eq!(page.text("[data-testid=sampled-cycle]").await, "It never repeats.");
    })
    .await;
}
