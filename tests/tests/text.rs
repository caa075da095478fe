//! The Shakespeare model on the page: never fetched on first load, fetched when the learner first runs it,
//! and its greedy run from a typed prompt is the native run, token for token.

use e2e::{Key, with_page};
use model::bpe::Bpe;
use model::text::{TOKENIZER, card, greedy_run, load};

/// The text of the element `css` selects, or nothing while there is none.
async fn shown(page: &e2e::Page, css: &str) -> String {
    page.eval_with(&[serde_json::json!(css)], "return document.querySelector(arguments[0])?.textContent ?? ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn greedy_on_text_fetches_the_model_when_asked_and_writes_what_the_native_model_writes() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for("the names models", || async {
            page.eval("return document.documentElement.dataset.models").await == "settled"
        })
        .await;
        let fetched = |page: &e2e::Page| page.requested().iter().any(|p| p.ends_with("shakespeare.bpk"));
        assert!(!fetched(&page), "not on first load: {:?}", page.requested());

        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let prompt = "My lord, the queen is dead,\n";
        let field = page.by_role("textbox", "Prompt for the Shakespeare model").await;
        field.clear().await.unwrap();
        field.send_keys(prompt).await.unwrap();
        let button = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        button.send_keys(&Key::Enter.to_string()).await.unwrap();
        page.wait_for("the run", || async {
            shown(&page, "[data-testid=text-greedy-summary]").await.contains("greedy wrote")
        })
        .await;
        assert!(fetched(&page));
        page.by_role("button", "Run greedy").await;

        // The same run natively.
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/models/shakespeare.bpk")).unwrap();
        let model = load(&bytes, &model::device()).unwrap();
        let run = greedy_run(&model, &Bpe::from_json(TOKENIZER).unwrap(), prompt).unwrap();
        let ids = page
            .eval(
                "return [...document.querySelectorAll('[data-testid=text-greedy-chips] .id')].map(e => +e.textContent)",
            )
            .await;
        let native: Vec<usize> = run.tokens.iter().map(|t| t.id).collect();
        assert_eq!(ids, serde_json::json!(native));
        assert_eq!(page.text("[data-testid=text-greedy-summary]").await, web::state::text::run_summary(&run));
        assert_eq!(page.text("[data-testid=text-greedy-repeats]").await, web::state::text::repeated_summary(&run));
        let marked = shown(&page, "[data-testid=text-greedy-run] mark.cycle").await;
        let expected = run.repeat.map(|r| run.text(r.start..r.start + r.period)).unwrap_or_default();
        assert_eq!(marked, expected);
        assert_eq!(page.text("[data-testid=text-greedy-measured]").await, web::state::text::measured_summary(&card));

        // An empty prompt is a named error, and the widget goes on working.
        // Emptied as a person would, by deleting what is typed (clearing alone sends no input event).
        field.clear().await.unwrap();
        field.send_keys("x").await.unwrap();
        field.send_keys(&Key::Backspace.to_string()).await.unwrap();
        page.by_role("button", "Run greedy").await.click().await.unwrap();
        page.wait_for("the message", || async {
            shown(&page, "[data-testid=text-greedy-error]").await
                == "Type a few words first: the model continues what you write."
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_control_surface_on_shakespeare_writes_what_the_native_model_writes() {
    use protocol::control::{Model, Settings};
    with_page(|page| async move {
        page.open().await;
        page.by_role("radio", "Shakespeare (word pieces)").await.click().await.unwrap();
        for (name, value) in [("Prompt", "To be, or not to be"), ("Seed", "5")] {
            let field = page.by_role("textbox", name).await;
            field.clear().await.unwrap();
            field.send_keys(value).await.unwrap();
        }
        let output = "document.querySelector('[data-testid=control-runs] li:first-child .name')?.textContent ?? ''";
        let hash = "[data-testid=control-runs] li:first-child .hash";
        let generate = || async {
            page.by_role("button", "Generate").await.click().await.unwrap();
            page.wait_for("a run", || async {
                !page.eval(&format!("return {output}")).await.as_str().unwrap_or("").is_empty()
            })
            .await;
            (page.eval(&format!("return {output}")).await.as_str().unwrap_or("").to_string(), page.text(hash).await)
        };
        let shown = generate().await;

        let settings = Settings {
            model: Model::Shakespeare,
            prompt: "To be, or not to be".into(),
            seed: 5,
            ..Settings::default()
        };
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/models/shakespeare.bpk")).unwrap();
        let model = load(&bytes, &model::device()).unwrap();
        let native = model::text::generate(&model, &Bpe::from_json(TOKENIZER).unwrap(), &settings).unwrap();
        assert_eq!(shown, (native.text.clone(), native.hash.clone()), "the same bytes natively and in the browser");

        // The link holds the model too: opened again, it writes the same.
        let url = page.client.current_url().await.unwrap();
        assert!(url.as_str().contains("model=shakespeare"), "{url}");
        page.client.goto(url.as_str()).await.unwrap();
        page.open_here().await;
        assert_eq!(generate().await, (native.text, native.hash));
    })
    .await;
}

#[tokio::test]
async fn once_fetched_the_shakespeare_model_runs_with_the_network_gone() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for("the offline copy", || async {
            page.eval("return document.documentElement.dataset.offline === 'ready';").await == true
        })
        .await;
        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let run = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        page.press(&run, Key::Enter, 1).await;
        let summary = "[data-testid=text-greedy-summary]";
        page.wait_for("the first run", || async { shown(&page, summary).await.contains("greedy wrote") }).await;
        let first = shown(&page, summary).await;
        // The service worker holds both files (not only the browser's HTTP cache).
        let kept = "return Promise.all(['shakespeare.bpk', 'shakespeare-tokenizer.json'].map(f => \
                    caches.open('how-distributions-become-text').then(c => c.match(f)).then(r => !!r)))";
        page.wait_for("the service worker's copy", || async {
            page.eval(kept).await == serde_json::json!([true, true])
        })
        .await;

        page.stop_server();
        page.client.refresh().await.expect("the page reloads from the offline copy");
        page.open_here().await;
        let run = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        page.press(&run, Key::Enter, 1).await;
        page.wait_for("the run offline", || async { shown(&page, summary).await.contains("greedy wrote") }).await;
        assert_eq!(shown(&page, summary).await, first, "the same model, from the offline copy");
        // Still kept after the reload's own keep list, which names only the files loaded at start.
        page.wait_for("the offline copy again", || async {
            page.eval("return document.documentElement.dataset.offline === 'ready';").await == true
        })
        .await;
        assert_eq!(page.eval(kept).await, serde_json::json!([true, true]));
    })
    .await;
}
