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
    // The page's opening data, computed here from the shipped models as the build computes it.
    let parts = web::parts::Parts::new(Ok(model::opening().expect("the shipped models compute the opening")));
    let handle = leptos::mount::mount_to(root.clone(), move || leptos::view! { <web::App parts reading=None /> });
    (root, handle)
}

fn text(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).text_content().unwrap_or_default()
}

fn probs(root: &HtmlElement) -> Vec<String> {
    ["A", "B", "C"].iter().map(|l| text(root, &format!("[data-testid=prob-{l}] .value"))).collect()
}

/// Moves the worked example's slider to the position of `tau`.
async fn slide_to(root: &HtmlElement, tau: f64) {
    let selector = "[aria-labelledby=temperature-example-title] input[type=range]";
    let input: HtmlInputElement = root.query_selector(selector).unwrap().unwrap().unchecked_into();
    input.set_value(&web::state::sliders::worked_tau().index_of(tau).to_string());
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
    // The worked example opens at τ = 2, away from the two temperatures its quizzes ask about.
    assert_eq!(probs(&root), ["0.506", "0.307", "0.186"]);
    assert_eq!(text(&root, "[data-testid=tau]"), "2.00");
}

#[wasm_bindgen_test]
async fn the_slider_reshapes_the_distribution() {
    let (root, _handle) = mount();
    tick().await;
    slide_to(&root, 0.5).await;
    // Hidden until its quiz is answered.
    assert_eq!(probs(&root), ["?", "?", "?"]);
    slide_to(&root, 5.0).await;
    assert_eq!(probs(&root), ["0.402", "0.329", "0.269"]);
    assert_eq!(text(&root, "[data-testid=tau]"), "5.00");
}

#[wasm_bindgen_test]
async fn the_model_widgets_mount_with_their_first_state() {
    let (root, _handle) = mount();
    tick().await;
    let bars = root.query_selector_all("svg.bars g[role=slider]").unwrap().length();
    assert_eq!(bars, 27, "one draggable bar per symbol");
    // The nucleus widget opens on the confident preset: one token of eight.
    assert_eq!(text(&root, "[data-testid=nucleus-kept]"), "1 / 8");
    assert_eq!(text(&root, "[data-testid=kv-step]"), "0 / 12");
    assert_eq!(text(&root, "[data-testid=bars-samples]"), "0");
    let alerts = root.query_selector_all("[role=alert]").unwrap();
    for i in 0..alerts.length() {
        let message = alerts.item(i).and_then(|n| n.text_content()).unwrap_or_default();
        assert!(message.is_empty(), "the page shows an error: {message}");
    }
}
