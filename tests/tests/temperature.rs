//! The first live element: the worked temperature example, driven by keyboard as a person would.

use e2e::{Key, with_page};

const PROBS: [&str; 3] = ["[data-testid=prob-A] .value", "[data-testid=prob-B] .value", "[data-testid=prob-C] .value"];

async fn assert_probs(page: &e2e::Page, expected: [&str; 3]) {
    for (css, want) in PROBS.iter().zip(expected) {
        page.wait_for_text(css, want).await;
    }
}

#[tokio::test]
async fn the_temperature_slider_reshapes_the_worked_example() {
    with_page(|page| async move {
        page.open().await;
        assert_eq!(page.text("h1").await, "How distributions become text");
        assert_eq!(page.client.title().await.unwrap(), "How distributions become text");

        // It opens at τ = 2; the values at τ = 1 and 0.5 wait for their quizzes.
        let slider = page.by_role("slider", "Temperature").await;
        assert_eq!(page.attr(&slider, "aria-valuetext").await, "τ = 2.00");
        assert_probs(&page, ["0.506", "0.307", "0.186"]).await;

        // Twenty steps of 0.05 down: τ = 1, hidden until its question is answered.
        page.press(&slider, Key::Left, 20).await;
        page.wait_for_text("[data-testid=tau]", "1.00").await;
        assert_probs(&page, ["?", "?", "?"]).await;
        assert!(page.text("[data-testid=temperature-hidden]").await.contains("hidden until you answer"));
        page.answer(e2e::QUIZZES[1].0, e2e::QUIZZES[1].1).await;
        assert_probs(&page, ["0.665", "0.245", "0.090"]).await;
        assert_eq!(page.text("[data-testid=temperature-hidden]").await, "");

        // Ten more: τ = 0.5, hidden until the second question is answered.
        page.press(&slider, Key::Left, 10).await;
        page.wait_for_text("[data-testid=tau]", "0.50").await;
        assert_probs(&page, ["?", "?", "?"]).await;
        page.answer(e2e::QUIZZES[2].0, e2e::QUIZZES[2].1).await;
        assert_probs(&page, ["0.867", "0.117", "0.016"]).await;

        // Home and End reach the ends of the range, and the argmax stays the first token throughout.
        page.press(&slider, Key::Home, 1).await;
        page.wait_for_text("[data-testid=tau]", "0.05").await;
        assert_probs(&page, ["1.000", "0.000", "0.000"]).await;
        page.press(&slider, Key::End, 1).await;
        page.wait_for_text("[data-testid=tau]", "5.00").await;
        assert_probs(&page, ["0.402", "0.329", "0.269"]).await;
    })
    .await;
}
