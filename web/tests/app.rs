//! The app in a real browser: mount it, move the temperature slider, read the probabilities.
#![cfg(target_arch = "wasm32")]

use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Mounts the app into a fresh element and returns that element (and the handle that keeps it alive).
fn mount() -> (HtmlElement, impl Sized) {
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), web::App);
    (root, handle)
}

fn text(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).text_content().unwrap_or_default()
}

fn probs(root: &HtmlElement) -> Vec<String> {
    ["A", "B", "C"].iter().map(|l| text(root, &format!("[data-testid=prob-{l}] .value"))).collect()
}

async fn slide_to(root: &HtmlElement, value: &str) {
    let input: HtmlInputElement = root.query_selector("input#worked-temperature").unwrap().unwrap().unchecked_into();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    tick().await;
}

#[wasm_bindgen_test]
async fn the_title_and_the_models_distribution_show() {
    let (root, _handle) = mount();
    tick().await;
    assert_eq!(text(&root, "h1"), "How distributions become text");
    assert_eq!(probs(&root), ["0.665", "0.245", "0.090"]);
    assert_eq!(text(&root, "[data-testid=tau]"), "1.00");
}

#[wasm_bindgen_test]
async fn the_slider_reshapes_the_distribution() {
    let (root, _handle) = mount();
    tick().await;
    slide_to(&root, "0.5").await;
    assert_eq!(probs(&root), ["0.867", "0.117", "0.016"]);
    slide_to(&root, "2").await;
    assert_eq!(probs(&root), ["0.506", "0.307", "0.186"]);
    assert_eq!(text(&root, "[data-testid=tau]"), "2.00");
    assert_eq!(text(&root, ".error"), "");
}

#[wasm_bindgen_test]
async fn the_model_widgets_mount_with_their_first_state() {
    let (root, _handle) = mount();
    tick().await;
    let bars = root.query_selector_all("svg.bars g[role=slider]").unwrap().length();
    assert_eq!(bars, 27, "one draggable bar per symbol");
    assert_eq!(text(&root, "[data-testid=nucleus-kept]"), "4 / 6");
    assert_eq!(text(&root, "[data-testid=nucleus-mass]"), "0.930");
    assert_eq!(text(&root, "[data-testid=kv-step]"), "0 / 12");
    assert_eq!(text(&root, "[data-testid=bars-samples]"), "0");
    let alerts = root.query_selector_all("[role=alert]").unwrap();
    for i in 0..alerts.length() {
        let message = alerts.item(i).and_then(|n| n.text_content()).unwrap_or_default();
        assert!(message.is_empty(), "the page shows an error: {message}");
    }
}
