//! The pipeline builder under the bars, driven by keyboard: stages added, moved and removed, the engines'
//! orders loaded, each checked against the core's pipeline on the same row.

use e2e::{Key, Page, with_page};
use fantoccini::Locator;
use model::{Bigram, device};
use sampling::{Engine, Knobs, Pipeline, StageKind, TopP};

/// The stage cards' titles, in order ("1. temperature", …).
async fn titles(page: &Page) -> Vec<String> {
    let mut out = Vec::new();
    for h in page.client.find_all(Locator::Css(".stage-grid .stage-card h3")).await.unwrap() {
        let text = h.text().await.unwrap();
        out.push(text.split(' ').take(2).collect::<Vec<_>>().join(" "));
    }
    out
}

fn numbered(order: &[StageKind]) -> Vec<String> {
    order.iter().enumerate().map(|(i, k)| format!("{}. {}", i + 1, k.name())).collect()
}

/// Presses Enter on the button named `name`, as a keyboard user does.
async fn press(page: &Page, name: &str) {
    let button = page.by_role("button", name).await;
    page.press(&button, Key::Enter, 1).await;
}

#[tokio::test]
async fn a_pipeline_is_built_by_keyboard_and_matches_the_core() {
    with_page(|page| async move {
        page.open().await;
        let lesson = [StageKind::Temperature, StageKind::TopK, StageKind::TopP];
        assert_eq!(titles(&page).await, numbered(&lesson));

        // Add min-p: pick it in the select with the keyboard, then press the button.
        let select = page.by_role("combobox", "Stage to add").await;
        select.send_keys("min-p").await.unwrap();
        press(&page, "Add the stage").await;
        let with_min_p = [StageKind::Temperature, StageKind::TopK, StageKind::TopP, StageKind::MinP];
        page.wait_for("min-p added", || async { titles(&page).await == numbered(&with_min_p) }).await;
        // Move it to the front, one place at a time; the first place cannot move earlier.
        for _ in 0..3 {
            press(&page, "Move min-p earlier").await;
        }
        let front = [StageKind::MinP, StageKind::Temperature, StageKind::TopK, StageKind::TopP];
        page.wait_for("min-p first", || async { titles(&page).await == numbered(&front) }).await;
        let earlier = page.by_role("button", "Move min-p earlier").await;
        assert_eq!(earlier.prop("disabled").await.unwrap().as_deref(), Some("true"));
        press(&page, "Remove min-p").await;
        page.wait_for("min-p removed", || async { titles(&page).await == numbered(&lesson) }).await;

        // llama.cpp's order, with top-p 0.5 set by keyboard: the final count is the core's.
        press(&page, "llama.cpp").await;
        page.wait_for("llama.cpp's order", || async { titles(&page).await == numbered(Engine::LlamaCpp.order()) })
            .await;
        let top_p = page.by_role("slider", "Top-p").await;
        page.press(&top_p, Key::End, 1).await;
        page.press(&top_p, Key::Left, 50).await;
        page.wait_for_text("[data-testid=stages-p]", "0.50").await;
        let context: usize =
            page.by_role("combobox", "Context").await.prop("value").await.unwrap().unwrap().parse().unwrap();
        let row = Bigram::shipped(&device()).unwrap().row(context).unwrap();
        let knobs = Knobs { top_p: TopP::new(0.5).unwrap(), ..Knobs::default() };
        for engine in [Engine::LlamaCpp, Engine::HuggingFace] {
            press(&page, engine.name()).await;
            let core = Pipeline::from_order(engine.order(), &knobs).distribution(&row, &[context]);
            let kept = core.probs().iter().filter(|p| **p > 0.0).count();
            page.wait_for_text("[data-testid=stage-final]", &kept.to_string()).await;
        }
        press(&page, "this lesson's order").await;
        page.wait_for("the lesson's order", || async { titles(&page).await == numbered(&lesson) }).await;
    })
    .await;
}
