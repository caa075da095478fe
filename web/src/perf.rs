//! Performance marks, so that speed is measured in the browser by benchmarks rather than asserted.
//! A benchmark reads them back with `performance.getEntriesByName(name)`.

fn performance() -> Option<web_sys::Performance> {
    crate::browser::window().and_then(|w| w.performance())
}

/// Runs `f` and records its duration as a performance measure named `name`.
pub fn measure<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let start = format!("{name}:start");
    if let Some(p) = performance() {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = performance() {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    out
}

/// Runs `f` (a state update) and records, as a measure named `name`, the time until the page has
/// applied it: Leptos queues its DOM updates as tasks, and a task queued after them runs once they
/// are done.
pub fn measure_until_rendered(name: impl Into<String>, f: impl FnOnce()) {
    let name = name.into();
    let start = format!("{name}:start");
    if let Some(p) = performance() {
        let _ = p.mark(&start);
    }
    f();
    leptos::task::spawn_local(async move {
        if let Some(p) = performance() {
            let _ = p.measure_with_start_mark(&name, &start);
            p.clear_marks_with_mark_name(&start);
        }
    });
}
