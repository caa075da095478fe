//! The KV-cache step-through on the shipped transformer.

use e2e::{Key, Page, with_page};
use fantoccini::Locator;
use model::{Cache, GptCard};

async fn rows(page: &Page, grid: &str) -> usize {
    page.client.find_all(Locator::Css(&format!("[data-testid={grid}] tr"))).await.unwrap().len()
}

/// The breakdown's parts, read from their exact counts, and its total.
async fn breakdown(page: &Page) -> (Vec<u64>, u64) {
    let mut parts = Vec::new();
    for cell in page.client.find_all(Locator::Css("[data-testid=kv-breakdown] tbody td[data-flops]")).await.unwrap() {
        parts.push(page.attr(&cell, "data-flops").await.parse().unwrap());
    }
    let total =
        page.attr(&page.client.find(Locator::Css("[data-testid=kv-step-total]")).await.unwrap(), "data-flops").await;
    (parts, total.parse().unwrap())
}

async fn flashing(page: &Page) -> usize {
    page.client.find_all(Locator::Css("[data-testid=k-rows] tr[data-computed=true]")).await.unwrap().len()
}

/// A readout such as "1.23 M flops" as a number of operations.
fn flops(text: &str) -> f64 {
    let mut parts = text.split_whitespace();
    let number: f64 = parts.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no number in {text}"));
    number
        * match parts.next() {
            Some("k") => 1e3,
            Some("M") => 1e6,
            Some("G") => 1e9,
            _ => 1.0,
        }
}

fn close(shown: f64, exact: u64) -> bool {
    (shown - exact as f64).abs() <= exact as f64 * 0.006 + 0.5
}

#[tokio::test]
async fn stepping_fills_the_caches_with_the_exact_work() {
    with_page(|page| async move {
        page.open().await;
        let config = GptCard::shipped().unwrap().config;
        page.wait_for_text("[data-testid=kv-step]", "0 / 12").await;
        let forward = page.by_role("button", "Step forward").await;
        for t in 1..=12usize {
            // The keyboard presses the focused button.
            page.press(&forward, Key::Enter, 1).await;
            page.wait_for_text("[data-testid=kv-step]", &format!("{t} / 12")).await;
            assert_eq!(rows(&page, "k-rows").await, t);
            assert_eq!(flashing(&page).await, 1, "with the cache only the new row is computed");
            let on = flops(&page.text("[data-testid=kv-work-on]").await);
            let off = flops(&page.text("[data-testid=kv-work-off]").await);
            assert!(close(on, config.cumulative_flops(t, Cache::On)), "step {t}: {on}");
            assert!(close(off, config.cumulative_flops(t, Cache::Off)), "step {t}: {off}");
            // This step, part by part: five parts summing to the exact count of the step.
            let (parts, total) = breakdown(&page).await;
            let exact = config.step_flops(t, Cache::On);
            assert_eq!(parts, vec![exact.projections, exact.scores, exact.weighted_sum, exact.mlp, exact.head]);
            assert_eq!((parts.iter().sum::<u64>(), total), (exact.total(), exact.total()));
        }
        assert_eq!(rows(&page, "v-rows").await, 12);
        let ratio = config.cumulative_flops(12, Cache::Off) as f64 / config.cumulative_flops(12, Cache::On) as f64;
        page.wait_for_text("[data-testid=kv-ratio]", &format!("{ratio:.2}×")).await;
        assert_eq!(page.text("[data-testid=kv-text]").await.chars().count(), 12);

        // Without the cache every row is computed again, and the work as set is the uncached total.
        let toggle = page.by_role("button", "KV cache").await;
        assert_eq!(page.attr(&toggle, "aria-pressed").await, "true");
        let before = page.text("[data-testid=kv-work]").await;
        toggle.click().await.unwrap();
        page.wait_for_text("[data-testid=kv-cache]", "off").await;
        assert_eq!(flashing(&page).await, 12);
        assert_ne!(page.text("[data-testid=kv-work]").await, before);
        assert_eq!(page.text("[data-testid=kv-work]").await, page.text("[data-testid=kv-work-off]").await);
        let (parts, total) = breakdown(&page).await;
        assert_eq!((parts.iter().sum::<u64>(), total), (config.step_flops(12, Cache::Off).total(), total));

        page.press(&page.by_role("button", "Step back").await, Key::Enter, 1).await;
        page.wait_for_text("[data-testid=kv-step]", "11 / 12").await;
        assert_eq!(rows(&page, "k-rows").await, 11);
        page.by_role("button", "Reset").await.click().await.unwrap();
        page.wait_for_text("[data-testid=kv-step]", "0 / 12").await;
        assert_eq!(rows(&page, "k-rows").await, 0);
    })
    .await;
}

#[tokio::test]
async fn both_paths_are_measured_and_agree() {
    with_page(|page| async move {
        page.open().await;
        page.by_role_in(".kv-widget", "radio", "about the FLOP ratio (within 15 %)").await.click().await.unwrap();
        assert_eq!(page.text("[data-testid=kv-reveal]").await, "", "nothing is revealed before the measurement");
        // Every notice the status line shows while the measurement runs, as it shows them.
        page.eval(
            "window.shownProgress = []; const status = document.querySelector('[data-testid=kv-progress]'); \
             new MutationObserver(() => { const t = status.textContent.trim(); \
               if (t) window.shownProgress.push(t); }).observe(status, { childList: true, subtree: true, characterData: true });",
        )
        .await;
        page.by_role("button", "Measure both paths").await.click().await.unwrap();
        page.wait_for("the measurement", || async { page.text("[data-testid=kv-measured]").await.contains("speedup") })
            .await;
        let shown = page.eval("return window.shownProgress").await;
        let shown: Vec<&str> = shown.as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        // The measurement runs in the model worker: the line says so while it is awaited (loading, or running).
        assert!(!shown.is_empty(), "a notice while the measurement is awaited");
        for notice in &shown {
            assert!(
                notice.starts_with("The transformer is ") && (notice.contains("loading") || notice.ends_with("running…")),
                "{shown:?}"
            );
        }
        assert_eq!(page.text("[data-testid=kv-progress]").await, "", "the notice goes when the figures come");
        let text = page.text("[data-testid=kv-measured]").await;
        let difference: f64 = text.rsplit(": ").next().unwrap().trim_end_matches('.').parse().unwrap();
        assert!(difference < 1e-4, "{text}");
        assert!(text.contains("ms per token"), "{text}");
        let reveal = page.text("[data-testid=kv-reveal]").await;
        assert!(reveal.starts_with("You predicted about the FLOP ratio (within 15 %). It is "), "{reveal}");
    })
    .await;
}
