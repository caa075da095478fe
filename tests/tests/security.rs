//! The page talks only to its own origin, obeys a strict Content-Security-Policy, and keeps working
//! offline after one visit.

use e2e::{Page, with_page};

/// Runs the transformer from the control surface and waits for its name (computed in the model worker).
async fn generate_a_name(page: &Page) {
    page.by_role("button", "Generate").await.click().await.unwrap();
    page.wait_for("a generated name", || async {
        let name = page.eval("const n = document.querySelector('[data-testid=control-runs] li .name'); return n ? n.textContent : '';").await;
        name.as_str().is_some_and(|n| !n.is_empty())
    })
    .await;
}

/// Every address the page has fetched (its document and every resource).
async fn fetched(page: &Page) -> Vec<String> {
    let list = page
        .eval(
            "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)] \
             .filter(u => !u.startsWith('data:'));",
        )
        .await;
    list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect()
}

#[tokio::test]
async fn the_page_fetches_only_from_its_own_origin_under_a_strict_policy() {
    with_page(|page| async move {
        page.open().await;
        page.assert_responds().await;
        // Use the models too: the transformer's card, a generation, a KV step.
        generate_a_name(&page).await;

        let urls = fetched(&page).await;
        assert!(urls.len() >= 3, "the document (its styles inlined), bindings and module: {urls:?}");
        let foreign: Vec<&String> = urls.iter().filter(|u| !u.starts_with(page.base())).collect();
        assert!(foreign.is_empty(), "requests outside {}: {foreign:?}", page.base());

        // The policy: only this origin, and compiling WebAssembly.
        let policy =
            page.eval("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;").await;
        let policy = policy.as_str().unwrap_or_default().to_string();
        assert!(policy.contains("default-src 'self'"), "{policy}");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'"), "{policy}");
        let others = policy.replace("'wasm-unsafe-eval'", "");
        assert!(!others.contains("unsafe-") && !others.contains("http"), "{policy}");
        // No inline script: the one element of the kind without a source is the opening data, which is no
        // script (its type is not one a browser runs).
        let inline = page
            .eval("return [...document.querySelectorAll('script:not([src])')].filter((s) => !s.type || /javascript|module/i.test(s.type)).length;")
            .await;
        assert_eq!(inline, 0);
        let data = page.eval("return document.querySelector('script#opening').type;").await;
        assert_eq!(data, "application/octet-stream");

        // The policy is enforced, and a violation reaches the console, which fails every journey.
        let outcome = page
            .eval(
                "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; \
                 document.body.append(s); s.remove(); return window.inlineRan === true;",
            )
            .await;
        assert_eq!(outcome, false, "an inline script ran");
        let mut reported = Vec::new();
        for _ in 0..100 {
            reported.extend(page.console_errors().await);
            if reported.iter().any(|e| e.contains("Content Security Policy")) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(reported.iter().any(|e| e.contains("Content Security Policy")), "no violation reported: {reported:?}");
    })
    .await;
}

#[tokio::test]
async fn after_one_visit_the_lesson_works_with_the_network_gone() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for("the offline copy", || async {
            page.eval("return document.documentElement.dataset.offline === 'ready';").await == true
        })
        .await;
        page.stop_server();
        page.client.refresh().await.expect("the page reloads from the offline copy");
        page.open_here().await;
        page.assert_responds().await;
        // The transformer still runs: generate a name.
        generate_a_name(&page).await;
    })
    .await;
}

#[tokio::test]
async fn bad_state_from_the_address_or_storage_falls_back_with_a_message() {
    with_page(|page| async move {
        page.open_at("?prompt=jo&t=-1&seed=x&len=9999&%F0%9F%A6%80=1").await;
        let notice = page.text("[data-testid=control-notice]").await;
        for part in ["t=-1: τ must be a positive number", "seed=x: the seed must be a whole number", "len=9999"] {
            assert!(notice.contains(part), "{notice}");
        }
        let value = |name: &'static str| {
            let page = page.clone();
            async move { page.by_role("textbox", name).await.prop("value").await.unwrap().unwrap_or_default() }
        };
        assert_eq!(value("Temperature τ").await, "0.8", "the default τ");
        assert_eq!(value("Seed").await, "7", "the default seed");
        assert_eq!(value("Prompt").await, "jo", "the usable value is kept");
        assert!(page.text("[data-testid=progress-notice]").await.is_empty());

        // Stored progress that cannot be read is dropped with a note; the quizzes start afresh.
        page.eval("localStorage.setItem('how-distributions-become-text/progress/v2', '1x\u{1F980}'); return 0;").await;
        page.open().await;
        assert!(page.text("[data-testid=control-notice]").await.is_empty(), "a clean address has no notice");
        let note = page.text("[data-testid=progress-notice]").await;
        assert!(note.contains("could not be read"), "{note}");
        assert_eq!(&page.text("[data-testid=progress]").await, &format!("0 / {}", e2e::QUIZZES.len()));
        let stored = page.eval("return localStorage.getItem('how-distributions-become-text/progress/v2');").await;
        assert!(stored.is_null(), "the unreadable value is removed: {stored}");
        page.assert_responds().await;
    })
    .await;
}
