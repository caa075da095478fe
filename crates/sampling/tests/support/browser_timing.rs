//! Timing in the browser for the wasm benchmarks (of the sampling core and of the models): the clock, and
//! the median time of a call. Included by path by each benchmark.

/// Milliseconds from the page's start, as the browser measures them.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Median nanoseconds per call over 11 batches of at least 20 ms each (the browser's clock is coarse),
/// after 100 ms of warm-up so that the engine has compiled the optimized code.
pub fn median_ns(mut f: impl FnMut()) -> f64 {
    let warm = now_ms();
    while now_ms() - warm < 100.0 {
        f();
    }
    let mut calls = 1;
    loop {
        let start = now_ms();
        (0..calls).for_each(|_| f());
        if now_ms() - start >= 20.0 {
            break;
        }
        calls *= 2;
    }
    let mut per_call: Vec<f64> = (0..11)
        .map(|_| {
            let start = now_ms();
            (0..calls).for_each(|_| f());
            (now_ms() - start) * 1e6 / f64::from(calls)
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[per_call.len() / 2]
}
