//! The browser, when there is one. The page is also rendered natively, at build time, into the HTML the
//! server sends; there no window exists, and these return nothing or do nothing.

/// The window, in a browser.
pub fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") { web_sys::window() } else { None }
}

/// The document, in a browser.
pub fn document() -> Option<web_sys::Document> {
    window().and_then(|w| w.document())
}

/// Runs `f` once the browser has drawn the next frame; never when rendering natively.
pub fn after_redraw(f: impl FnOnce() + 'static) {
    if cfg!(target_arch = "wasm32") {
        leptos::prelude::request_animation_frame(f);
    }
}

/// Runs `f` once the browser has painted what the page shows now: a long computation started here
/// leaves its "working" notice on screen. Never when rendering natively.
pub fn after_paint(f: impl FnOnce() + 'static) {
    // An animation frame runs just before a paint; a task queued from it runs after that paint.
    after_redraw(move || leptos::prelude::set_timeout(f, std::time::Duration::ZERO));
}
