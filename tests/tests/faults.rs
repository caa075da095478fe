//! Faults the page must survive: weights files that are damaged or cut short, and a model worker that
//! cannot start. Each widget that needs a model says why inline; the rest of the page keeps working.

use e2e::{Key, bundle_copy, with_bundle};

/// Writes `bytes` as `name` in the bundle copy, with fresh brotli and gzip copies beside it (the server
/// sends those to a browser that accepts them).
fn replace(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the copy is writable");
    std::fs::write(site::with_suffix(&path, "br"), site::brotli(bytes).unwrap()).expect("a brotli copy");
    std::fs::write(site::with_suffix(&path, "gz"), site::gzip(bytes).unwrap()).expect("a gzip copy");
}

/// The text of every alert the page shows, joined.
async fn alerts(page: &e2e::Page) -> String {
    page.eval("return [...document.querySelectorAll('[role=alert]')].map(e => e.textContent).join(' | ');")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn damaged_weights_are_named_where_they_are_needed_and_the_rest_works() {
    let copy = bundle_copy();
    let dir = copy.path().to_path_buf();
    let gpt = std::fs::read(dir.join("gpt.bpk")).unwrap();
    let mut flipped = gpt.clone();
    flipped[gpt.len() / 2] ^= 0x5a;
    replace(&dir, "gpt.bpk", &flipped);
    let bigram = std::fs::read(dir.join("bigram.bpk")).unwrap();
    replace(&dir, "bigram.bpk", &bigram[..bigram.len() / 2]);
    // The Shakespeare model's tokens are gone: 404.
    for suffix in ["", ".br", ".gz"] {
        std::fs::remove_file(dir.join(format!("shakespeare-tokenizer.json{suffix}"))).expect("the tokens are removed");
    }
    with_bundle(&dir, &["shakespeare-tokenizer.json"], |page| async move {
        page.open().await;
        // The model fetched on demand says which of its files is missing.
        let card = model::text::card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let run = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        page.press(&run, Key::Enter, 1).await;
        page.wait_for("the text widget's message", || async {
            alerts(&page).await.contains(
                "The Shakespeare model could not be loaded: shakespeare-tokenizer.json could not be fetched (the \
                 server answered 404)",
            )
        })
        .await;
        // The transformer's widgets say what is wrong with its file.
        page.by_role("button", "Run greedy and sampling").await.click().await.unwrap();
        page.wait_for("the greedy widget's message", || async {
            alerts(&page)
                .await
                .contains("The transformer could not be loaded: gpt.bpk does not match its card's SHA-256")
        })
        .await;
        // The transformer's row after · came with the page; one after typed letters needs the model.
        page.by_role("button", "Transformer").await.click().await.unwrap();
        page.by_role("textbox", "Start of a name").await.send_keys("ma").await.unwrap();
        page.wait_for("the bars' message", || async {
            page.text("[data-testid=bars-prefix-error]").await.contains("gpt.bpk does not match")
        })
        .await;
        // Speculative sampling needs both: the bigram's file was cut short.
        page.by_role("button", "Draft and check").await.click().await.unwrap();
        page.wait_for("the speculative widget's message", || async {
            alerts(&page).await.contains("bigram.bpk has 1586 bytes where its card says 3172")
        })
        .await;
        // The rest of the page works: the bigram's bars come from the page's own data.
        page.by_role("button", "Bigram").await.click().await.unwrap();
        let before = page.text("[data-testid=bars-samples]").await;
        assert_eq!(before, "0");
        page.by_role("button", "Draw 100").await.click().await.unwrap();
        page.wait_for_text("[data-testid=bars-samples]", "100").await;
        page.assert_responds().await;
        let slider = page.by_role("slider", "p threshold").await;
        page.press(&slider, Key::Home, 1).await;
        page.wait_for_text("[data-testid=nucleus-p]", "0.01").await;
    })
    .await;
}

#[tokio::test]
async fn a_worker_that_cannot_start_is_named_and_the_rest_works() {
    let copy = bundle_copy();
    let dir = copy.path().to_path_buf();
    for suffix in ["", ".br", ".gz"] {
        std::fs::remove_file(dir.join(format!("worker_bg.wasm{suffix}"))).expect("the worker's module is removed");
    }
    with_bundle(&dir, &["worker_bg.wasm"], |page| async move {
        page.open().await;
        page.by_role("button", "Generate").await.click().await.unwrap();
        page.wait_for("the control surface's message", || async {
            page.text("[data-testid=control-error]")
                .await
                .starts_with("The models could not be started in the background")
        })
        .await;
        page.by_role("button", "Measure both paths").await.click().await.unwrap();
        page.wait_for("the KV widget's message", || async {
            page.text("[data-testid=kv-measured]").await.contains("The models could not be started in the background")
        })
        .await;
        page.assert_responds().await;
        page.by_role("button", "Step forward").await.click().await.unwrap();
        page.wait_for_text("[data-testid=kv-step]", "1 / 12").await;
    })
    .await;
}
