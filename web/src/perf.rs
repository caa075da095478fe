//! Performance marks, so that speed is measured in the browser by benchmarks rather than asserted.
//! A benchmark reads them back with `performance.getEntriesByName(name)`.

/// Runs `f` and records its duration as a performance measure named `name`.
pub fn measure<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}:start");
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    out
}
