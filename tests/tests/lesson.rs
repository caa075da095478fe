//! The lesson as a learner reads it: sections in order, quizzes with progress, greedy's loop.

use e2e::{Key, Page, QUIZZES, with_page};
use fantoccini::Locator;

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
        // A table of contents links every section's anchor; the header gives a reading time.
        let links = page.client.find_all(Locator::Css("nav.toc a")).await.unwrap();
        assert_eq!(links.len(), expected.len());
        for (link, title) in links.iter().zip(expected) {
            assert_eq!(link.text().await.unwrap(), title);
            let target = page.attr(link, "href").await;
            let heading = page.text(&format!("{target} > h2")).await;
            assert_eq!(heading, title);
        }
        page.wait_for("the reading time", || async {
            page.text("[data-testid=reading-time]").await.ends_with("min read")
        })
        .await;
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

#[tokio::test]
async fn progress_survives_a_reload_and_bad_storage_is_dropped() {
    with_page(|page| async move {
        page.open().await;
        answer(&page, QUIZZES[0].0, "1").await;
        answer(&page, QUIZZES[3].0, "4").await;
        page.wait_for_text("[data-testid=progress]", "2 / 5").await;
        page.client.refresh().await.unwrap();
        page.open().await;
        page.wait_for_text("[data-testid=progress]", "2 / 5").await;
        for (question, right) in &QUIZZES[1..3] {
            answer(&page, question, right).await;
        }
        answer(&page, QUIZZES[4].0, "2").await;
        page.wait_for_text("[data-testid=progress]", "5 / 5").await;
        page.wait_for_text("[data-testid=complete]", "· Lesson complete: every question answered.").await;

        page.client
            .execute("localStorage.setItem('how-distributions-become-text/progress/v1', 'garbage')", vec![])
            .await
            .unwrap();
        page.client.refresh().await.unwrap();
        page.open().await;
        page.wait_for_text("[data-testid=progress]", "0 / 5").await;
        let left = page
            .client
            .execute("return localStorage.getItem('how-distributions-become-text/progress/v1')", vec![])
            .await
            .unwrap();
        assert!(left.is_null(), "the unreadable entry is removed, found {left}");
    })
    .await;
}

async fn generate(page: &Page) -> (String, String) {
    let before = page.client.find_all(Locator::Css("[data-testid=control-runs] li")).await.unwrap().len();
    page.by_role("button", "Generate").await.click().await.unwrap();
    page.wait_for("a run", || async {
        page.client.find_all(Locator::Css("[data-testid=control-runs] li")).await.unwrap().len() > before.min(4)
            || !page.text("[data-testid=control-error]").await.is_empty()
    })
    .await;
    (
        page.text("[data-testid=control-runs] li:first-child .name").await,
        page.text("[data-testid=control-runs] li:first-child .hash").await,
    )
}

async fn set_field(page: &Page, name: &str, value: &str) {
    let field = page.by_role("textbox", name).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn prompt_sampler_and_seed_decide_the_output() {
    with_page(|page| async move {
        page.open().await;
        set_field(&page, "Prompt", "jo").await;
        set_field(&page, "Seed", "11").await;
        let first = generate(&page).await;
        let again = generate(&page).await;
        assert!(first.0.starts_with("jo"), "{first:?}");
        assert_eq!(first, again, "same prompt, sampler and seed: the same bytes");
        let mut others = Vec::new();
        for seed in ["12", "13", "14"] {
            set_field(&page, "Seed", seed).await;
            others.push(generate(&page).await);
        }
        assert!(others.iter().any(|o| o.1 != first.1), "another seed takes another path: {others:?}");

        // The address now holds the last settings; opening it reproduces the run.
        let url = page.client.current_url().await.unwrap();
        assert!(url.as_str().contains("seed=14"), "{url}");
        let last = others.last().unwrap().clone();
        page.client.goto(url.as_str()).await.unwrap();
        page.open_here().await;
        assert_eq!(generate(&page).await, last);

        set_field(&page, "Prompt", "jo3").await;
        page.by_role("button", "Generate").await.click().await.unwrap();
        page.wait_for_text(
            "[data-testid=control-error]",
            "“3” (at position 2) is not in the vocabulary: only a–z and · are",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_loop_steps_append_what_was_drawn() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for_text("[data-testid=loop-step]", "step 1 / 12").await;
        let next = page.by_role("button", "Next step").await;
        for step in 2..=4 {
            let appended = page.text("[data-testid=loop-appended]").await;
            page.press(&next, Key::Enter, 1).await;
            page.wait_for_text("[data-testid=loop-step]", &format!("step {step} / 12")).await;
            // This step's context is the previous step's context with the drawn token appended.
            assert_eq!(page.text("[data-testid=loop-context]").await, appended);
        }
        let logits = page.text("[data-testid=loop-logits]").await;
        assert_eq!(logits.split(", ").count(), 5, "{logits}");
        page.by_role("button", "Run to the end").await.click().await.unwrap();
        page.wait_for_text("[data-testid=loop-step]", "step 12 / 12").await;
        let appended = page.text("[data-testid=loop-appended]").await;
        assert_eq!(appended.chars().count(), 13, "· and twelve drawn symbols: {appended}");
    })
    .await;
}

async fn best_score(page: &Page) -> f64 {
    page.text("[data-testid=beam-rows] tbody tr:first-child td:nth-child(2)").await.parse().unwrap()
}

#[tokio::test]
async fn beam_search_finds_likelier_names_than_sampling() {
    with_page(|page| async move {
        page.open().await;
        let rows = |id: &'static str| {
            let page = page.clone();
            async move { page.client.find_all(Locator::Css(&format!("[data-testid={id}] tbody tr"))).await.unwrap().len() }
        };
        assert_eq!(rows("beam-rows").await, 4);
        assert_eq!(rows("sampled-rows").await, 5);
        let slider = page.by_role("slider", "Beam width").await;
        page.press(&slider, Key::Home, 1).await;
        page.wait_for_text("[data-testid=beam-width]", "1").await;
        page.wait_for("one beam", || async { rows("beam-rows").await == 1 }).await;
        let greedy = best_score(&page).await;
        page.press(&slider, Key::End, 1).await;
        page.wait_for_text("[data-testid=beam-width]", "16").await;
        page.wait_for("sixteen beams", || async { rows("beam-rows").await == 16 }).await;
        assert!(best_score(&page).await >= greedy - 1e-9);
        // The 100-names-per-method table: greedy and beam write one name, sampling a hundred.
        let table = page.client.find_all(Locator::Css("[data-testid=decoding-table] tbody tr")).await.unwrap();
        assert_eq!(table.len(), 7);
        assert_eq!(page.text("[data-testid=decoding-table] tbody tr:first-child td:last-child").await, "1");
        // Every sampled name scores below the search's best.
        let best = best_score(&page).await;
        for cell in page.client.find_all(Locator::Css("[data-testid=sampled-rows] tbody td:nth-child(2)")).await.unwrap() {
            let score: f64 = cell.text().await.unwrap().parse().unwrap();
            assert!(score < best, "a sample scored {score}, the best beam {best}");
        }
    })
    .await;
}
