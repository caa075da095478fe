//! The parts of the page that respond, mounted into the page the server sent.
//!
//! At build time the page is rendered natively (`prerender`) into the HTML the server sends: the prose,
//! the formulas, and every island (a widget, a quiz, the progress readout) in its first state, computed
//! by the same code from the same shipped models, inert until it is alive. A reader sees all of it before
//! the WebAssembly arrives.
//!
//! In the browser the page's module renders nothing but the islands: each is mounted into the element
//! the server sent for it, in place of the nodes it held, in one task, so the first frame it draws is
//! the frame the reader was already looking at; the prose around it is never touched. The islands come
//! alive one per task, nearest the viewport first.

use leptos::prelude::*;

use crate::parts::Parts;

/// What marks an island's element, and names it.
pub const ATTRIBUTE: &str = "data-island";

/// Set on the document's root element once every island is alive.
pub const LIVE: &str = "data-live";

/// An island as the page places it: natively, its first state, inert, with a line for readers without
/// JavaScript; in the browser (a test mounting the whole page), alive at once.
pub fn island(name: &'static str, parts: &Parts) -> AnyView {
    let content = crate::islands::render(name, parts);
    if cfg!(target_arch = "wasm32") {
        view! { <div class="island" data-island=name>{content}</div> }.into_any()
    } else {
        view! {
            <div class="island" data-island=name inert=true>{content}</div>
            <noscript>
                <p class="needs-js">"Shown in its first state: this responds once JavaScript runs."</p>
            </noscript>
        }
        .into_any()
    }
}

/// Brings the page the server sent to life: reads the opening data it was sent with, then mounts each
/// island into its element, one per task, nearest the viewport first. Does nothing outside a browser.
pub fn start() {
    let Some(document) = crate::browser::document() else { return };
    let owner = Owner::new();
    owner.set();
    let parts = crate::perf::measure("opening", || Parts::in_browser(&document));
    let names: Vec<String> = elements(&document).iter().filter_map(|e| e.get_attribute(ATTRIBUTE)).collect();
    wake(names, parts);
    // The page's reactive state lives as long as the page.
    std::mem::forget(owner);
}

/// The islands' elements the page holds, in the order of the page.
fn elements(document: &web_sys::Document) -> Vec<web_sys::Element> {
    use wasm_bindgen::JsCast;
    let Ok(all) = document.query_selector_all(&format!("[{ATTRIBUTE}]")) else { return Vec::new() };
    (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok()).collect()
}

/// Mounts the waiting island nearest the viewport, then, in a later task, the next; marks the document
/// and starts the models in the background once none is left.
fn wake(mut waiting: Vec<String>, parts: Parts) {
    set_timeout(
        move || {
            let Some(document) = crate::browser::document() else { return };
            let height =
                crate::browser::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
            let element = |name: &str| document.query_selector(&format!("[{ATTRIBUTE}=\"{name}\"]")).ok().flatten();
            let distance = |name: &str| {
                element(name).map_or(f64::INFINITY, |e| {
                    let rect = e.get_bounding_client_rect();
                    (rect.top() - height).max(-rect.bottom()).max(0.0)
                })
            };
            let nearest = (0..waiting.len()).min_by(|&a, &b| distance(&waiting[a]).total_cmp(&distance(&waiting[b])));
            let Some(next) = nearest else {
                if let Some(root) = document.document_element() {
                    let _ = root.set_attribute(LIVE, "all");
                }
                parts.models.start();
                return;
            };
            let name = waiting.remove(next);
            if let Some(element) = element(&name).and_then(|e| wasm_bindgen::JsCast::dyn_into(e).ok()) {
                mount(&name, element, &parts);
            }
            wake(waiting, parts);
        },
        std::time::Duration::ZERO,
    );
}

/// Replaces the island's sent nodes with the live island, in one task.
fn mount(name: &str, element: web_sys::HtmlElement, parts: &Parts) {
    let Some(name) = crate::islands::NAMES.iter().copied().find(|n| *n == name) else { return };
    let parts = parts.clone();
    crate::perf::measure_until_rendered(format!("island:{name}"), move || {
        element.set_text_content(None);
        let _ = element.remove_attribute("inert");
        leptos::mount::mount_to(element, move || crate::islands::render(name, &parts)).forget();
    });
}
