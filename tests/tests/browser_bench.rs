//! A benchmark in Chromium, not a test: it reads the page's own performance measures and prints them.
//! Run it with `cargo xtask bench` (which builds the bundle first); it asserts nothing about speed.

use std::time::Duration;

use e2e::{Key, Page, Pointer, with_page};
use fantoccini::elements::Element;

/// The durations (ms) of every performance measure named `name`.
async fn measures(page: &Page, name: &str) -> Vec<f64> {
    let script = format!("return performance.getEntriesByName('{name}').map(e => e.duration)");
    let value = page.client.execute(&script, vec![]).await.expect("the script runs");
    value.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).collect()
}

/// One row of the table: how many, the median and the 95th percentile.
/// Drags `element` up and down for ten seconds, 20 ms a move, and returns the durations (ms) of the long
/// tasks (over 50 ms) Chromium saw meanwhile, and of every update measured as `measure`.
async fn ten_second_drag(page: &Page, element: &Element, measure: &str, pointer: Pointer) -> (Vec<f64>, Vec<f64>) {
    page.client
        .execute(
            &format!(
                "performance.clearMeasures('{measure}'); window.longTasks = []; \
                 new PerformanceObserver(list => {{ for (const e of list.getEntries()) window.longTasks.push(e.duration); }}) \
                   .observe({{type: 'longtask'}});"
            ),
            vec![],
        )
        .await
        .expect("the observer starts");
    // A triangle wave of ±60 px, 500 moves of 20 ms each.
    let path: Vec<f64> = (0..500).map(|i| 60.0 - (f64::from(i % 100) - 50.0).abs() * 2.4).collect();
    page.drag_along(element, 0.0, &path, Duration::from_millis(20), pointer).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let long = page.client.execute("return window.longTasks", vec![]).await.expect("the long tasks are read");
    let long = long.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).collect();
    (long, measures(page, measure).await)
}

fn summary(label: &str, ms: &[f64]) -> String {
    let mut sorted = ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
    format!("| {label} | {} | {:.3} ms | {:.3} ms |", ms.len(), at(0.5), at(0.95))
}

#[tokio::test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
async fn widget_speed_in_chromium() {
    with_page(|page| async move {
        page.open().await;
        let draw = page.by_role("button", "Draw 10,000").await;
        for _ in 0..10 {
            draw.click().await.unwrap();
        }
        page.wait_for_text("[data-testid=bars-samples]", "100000").await;
        let mut rows = vec![
            "\n### The page in Chromium (the page's own performance measures)\n".to_string(),
            "| measure | n | median | 95th percentile |".to_string(),
            "|---|---:|---:|---:|".to_string(),
        ];
        let batches = measures(&page, "draw-10000").await;
        let mean = batches.iter().sum::<f64>() / batches.len() as f64;
        rows.push(summary("10,000 draws from the bigram row (sampling and counts)", &batches));
        let draws_per_second = 10_000.0 / mean * 1000.0;

        page.by_role("button", "Play samples").await.click().await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        page.by_role("button", "Pause samples").await.click().await.unwrap();
        rows.push(summary("one animation frame of 200 draws", &measures(&page, "draw-frame").await));

        let bar = page.by_role("slider", "P(e)").await;
        page.press(&bar, Key::Up, 30).await;
        page.drag(&bar, 0.0, -40.0, Pointer::Mouse).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        rows.push(summary("one bar drag update, until rendered", &measures(&page, "drag-update").await));

        let line = page.by_role("slider", "p threshold").await;
        page.drag(&line, 0.0, 80.0, Pointer::Mouse).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        rows.push(summary("one p-line drag update, until rendered", &measures(&page, "p-line-update").await));

        for (label, role, name, measure) in [
            ("the bar P(e)", "slider", "P(e)", "drag-update"),
            ("the p-line", "slider", "p threshold", "p-line-update"),
        ] {
            for pointer in [Pointer::Mouse, Pointer::Touch] {
                let element = page.by_role(role, name).await;
                let (long, updates) = ten_second_drag(&page, &element, measure, pointer).await;
                let worst = long.iter().copied().fold(0.0, f64::max);
                rows.push(summary(&format!("10-second {pointer:?} drag on {label}: one update"), &updates));
                rows.push(format!("| … long tasks over 50 ms during it | {} | longest {worst:.0} ms | |", long.len()));
            }
        }

        // The KV cache's two paths, timed in the model worker over two windows: five runs, each read from
        // the widget's own report.
        let measure = page.by_role("button", "Measure both paths").await;
        let (mut on, mut off) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let before = page.text("[data-testid=kv-measured]").await;
            measure.click().await.unwrap();
            page.wait_for("a measurement", || async {
                let now = page.text("[data-testid=kv-measured]").await;
                now.contains("speedup") && now != before
            })
            .await;
            let text = page.text("[data-testid=kv-measured]").await;
            let ms = |after: &str| -> f64 {
                let rest = &text[text.find(after).map_or(text.len(), |i| i + after.len())..];
                rest.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(f64::NAN)
            };
            on.push(ms("cache on "));
            off.push(ms("cache off "));
        }
        let measured = page.text("[data-testid=kv-measured]").await;
        rows.push(summary("one token with the KV cache (in the model worker, 32-token runs)", &on));
        rows.push(summary("one token without the KV cache (in the model worker, 32-token runs)", &off));

        // The same on the Shakespeare model, over a run of a full window (128 tokens) from the first prompt.
        let card = model::text::card().expect("the Shakespeare model's card");
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        page.by_role("button", &format!("Record a run (fetches the model once: {kb} KB)")).await.click().await.unwrap();
        let measure = page.by_role("button", "Measure both paths on text").await;
        let (mut on, mut off, mut speedups) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let before = page.text("[data-testid=text-kv-measured]").await;
            measure.click().await.unwrap();
            page.wait_for("a measurement on text", || async {
                let now = page.text("[data-testid=text-kv-measured]").await;
                now.contains("speedup") && now != before
            })
            .await;
            let text = page.text("[data-testid=text-kv-measured]").await;
            let number = |after: &str| -> f64 {
                let rest = &text[text.find(after).map_or(text.len(), |i| i + after.len())..];
                rest.split([' ', '×']).next().and_then(|n| n.parse().ok()).unwrap_or(f64::NAN)
            };
            on.push(number("cache on "));
            off.push(number("cache off "));
            speedups.push(number("measured speedup "));
        }
        let on_text = page.text("[data-testid=text-kv-measured]").await;
        rows.push(summary(
            "one token with the KV cache on the Shakespeare model (in the model worker, 128-token runs)",
            &on,
        ));
        rows.push(summary("one token without it on the Shakespeare model (128-token runs)", &off));
        speedups.sort_by(f64::total_cmp);
        rows.push(format!(
            "\nDraws per second (V = 27): {draws_per_second:.2e}. KV cache, last of five runs: {measured} On the \
             Shakespeare model, median speedup of five runs {:.1}×; the last: {on_text}\n",
            speedups[2]
        ));
        write_out(&rows.join("\n"));
    })
    .await;
}

/// Starts recording the page thread's long tasks (over 50 ms), from now.
async fn watch_long_tasks(page: &Page) {
    page.eval(
        "window.longTasks = []; \
         if (!window.longTaskObserver) { \
           window.longTaskObserver = new PerformanceObserver(list => { \
             for (const e of list.getEntries()) window.longTasks.push(e.duration); }); \
           window.longTaskObserver.observe({ type: 'longtask' }); }",
    )
    .await;
}

/// The long tasks recorded since [`watch_long_tasks`], in ms.
async fn long_tasks(page: &Page) -> Vec<f64> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let long = page.eval("return window.longTasks").await;
    long.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).collect()
}

/// Waits until the element matching `css` holds text containing `part` (patiently: some actions run
/// hundreds of steps of the model).
async fn wait_for_part(page: &Page, css: &str, part: &str) {
    let start = std::time::Instant::now();
    loop {
        let found = page
            .eval_with(&[css.into()], "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';")
            .await;
        if found.as_str().is_some_and(|t| t.contains(part)) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{css} never showed {part:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
async fn main_thread_during_widget_actions() {
    with_page(|page| async move {
        page.open().await;
        let mut rows = vec![
            "\n### The page's thread during every widget action (unthrottled: long tasks over 50 ms from the press to the answer shown)\n".to_string(),
            "| action | long tasks over 50 ms | longest |".to_string(),
            "|---|---:|---:|".to_string(),
        ];
        let mut row = |label: &str, long: Vec<f64>| {
            let longest = long.iter().copied().fold(0.0, f64::max);
            rows.push(format!("| {label} | {} | {} |", long.len(), if long.is_empty() { "none".to_string() } else { format!("{longest:.0} ms") }));
        };
        let click = |role: &'static str, name: &'static str| {
            let page = page.clone();
            async move { page.by_role(role, name).await.click().await.expect("the control is pressed") }
        };

        watch_long_tasks(&page).await;
        click("button", "Run greedy and sampling").await;
        wait_for_part(&page, "[data-testid=greedy-cycle]", "period").await;
        row("greedy and sampling, run on through the window (about 540 steps of the transformer)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        let width = page.by_role("slider", "Beam width").await;
        page.press(&width, Key::End, 1).await;
        wait_for_part(&page, ".beam h3", "The 16 best names").await;
        row("beam search at B = 16", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        let alpha = page.by_role("slider", "Length penalty α").await;
        page.press(&alpha, Key::End, 1).await;
        wait_for_part(&page, "[data-testid=beam-length]", "length^1.0").await;
        row("beam search at B = 16, α = 1", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Measure both paths").await;
        wait_for_part(&page, "[data-testid=kv-measured]", "speedup").await;
        row("Measure both paths (KV cache on and off, 32 tokens each)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        let draft = page.by_role("button", "Draft and check").await;
        page.press(&draft, Key::Enter, 8).await;
        page.wait_for_text("[data-testid=spec-passes]", "8").await;
        row("eight speculative rounds, pressed at once", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Draw 10,000 by the rule").await;
        wait_for_part(&page, "[data-testid=spec-draws]", "10000 draws").await;
        row("10,000 draws by the rule (on the page, 500 a frame)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Measure in this browser").await;
        wait_for_part(&page, "[data-testid=spec-measured]", "measured speedup").await;
        row("Measure in this browser (speculative, 2 × 20 names)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Generate").await;
        wait_for_part(&page, "[data-testid=control-runs]", "?prompt=").await;
        row("Generate (the control surface)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Transformer").await;
        let start = page.by_role("textbox", "Start of a name").await;
        start.send_keys("mar").await.unwrap();
        wait_for_part(&page, "[data-testid=bars-source]", "after ·mar.").await;
        row("the bars on the transformer, a prefix typed", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        let engines = page.by_role("textbox", "Start of a name for the engines").await;
        engines.send_keys("k").await.unwrap();
        wait_for_part(&page, "[data-testid=engines-model] caption", "after ·mak:").await;
        row("the order lab, a prefix typed", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Draw 10,000").await;
        wait_for_part(&page, "[data-testid=bars-samples]", "10000").await;
        row("Draw 10,000 from the bars", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        let card = model::text::card().expect("the Shakespeare model's card");
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await.click().await.unwrap();
        wait_for_part(&page, "[data-testid=text-greedy-summary]", "greedy wrote").await;
        row("greedy on text: the Shakespeare model fetched, loaded and run until its window is full", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Ten more tokens").await;
        wait_for_part(&page, "[data-testid=text-loop-step]", "step 10 of 10").await;
        row("the loop on text, ten steps (the sampler on 2,048 logits on the page)", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Show the next token's distribution").await;
        wait_for_part(&page, "[data-testid=text-bars-tail]", "The other").await;
        let k = page.by_role("slider", "Top-k for the bars on text").await;
        page.press(&k, Key::Left, 10).await;
        wait_for_part(&page, "[data-testid=text-bars-alive]", "50 of").await;
        click("button", "Draw 10,000 tokens").await;
        wait_for_part(&page, "[data-testid=text-bars-draws]", "10000").await;
        row("the bars on text: shown, top-k moved ten places, 10,000 tokens drawn", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Search").await;
        wait_for_part(&page, "[data-testid=text-beam-summary]", "The best line").await;
        let alpha = page.by_role("slider", "Length penalty α on text").await;
        page.press(&alpha, Key::End, 1).await;
        wait_for_part(&page, ".text-beam h3", "α = 1.0").await;
        row("beam search on text: B = 16 at α = 0, then at α = 1, with three sampled lines each", long_tasks(&page).await);

        watch_long_tasks(&page).await;
        click("button", "Record a run").await;
        wait_for_part(&page, "[data-testid=text-kv-step]", "t = 1 ").await;
        let t = page.by_role("slider", "Step t on text").await;
        page.press(&t, Key::End, 1).await;
        wait_for_part(&page, "[data-testid=text-kv-step]", "t = 128").await;
        click("button", "Measure both paths on text").await;
        wait_for_part(&page, "[data-testid=text-kv-measured]", "speedup").await;
        row("the KV cache on text: a run recorded, stepped to t = 128, both paths measured", long_tasks(&page).await);

        write_out(&rows.join("\n"));
    })
    .await;
}

/// Prints `table` and appends it to the file named by BENCH_OUT (each benchmark adds its part).
fn write_out(table: &str) {
    println!("{table}");
    if let Some(path) = std::env::var_os("BENCH_OUT") {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("BENCH_OUT is writable");
        writeln!(file, "{table}").expect("BENCH_OUT is writable");
    }
}

/// A link to emulate: name, download and upload in bits per second, round trip in ms.
struct Link {
    name: &'static str,
    down: f64,
    up: f64,
    rtt: f64,
}

/// The links the load is measured on: none; "Fast 3G" as Lighthouse and the issue define it (1.6 Mb/s
/// down, 750 kb/s up, 150 ms); and Chrome DevTools' "Slow 4G" preset (1.44 Mb/s down, 675 kb/s up,
/// 562.5 ms: the same bandwidth with the latency of a congested mobile network).
const LINKS: [Link; 3] = [
    Link { name: "unthrottled", down: 0.0, up: 0.0, rtt: 0.0 },
    Link { name: "Fast 3G", down: 1.6e6, up: 7.5e5, rtt: 150.0 },
    Link { name: "Slow 4G", down: 1.44e6, up: 6.75e5, rtt: 562.5 },
];

/// What one load of the page shows, in ms from the start of navigation (and the layout-shift score).
const LOAD_FIGURES: &str = "
    const done = arguments[arguments.length - 1];
    const seen = (type) => new Promise((resolve) => {
        new PerformanceObserver((list) => resolve(list.getEntries())).observe({ type, buffered: true });
        setTimeout(() => resolve([]), 300);
    });
    // The models load in the worker after the page is alive: wait for them to settle (at most 30 s).
    const settled = new Promise((resolve) => {
        const start = performance.now();
        const poll = () => document.documentElement.dataset.models === 'settled' || performance.now() - start > 30000
            ? resolve() : setTimeout(poll, 50);
        poll();
    });
    settled.then(() => Promise.all([seen('largest-contentful-paint'), seen('layout-shift'), seen('longtask')])).then(([lcp, shifts, long]) => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const measures = performance.getEntriesByType('measure');
        const islands = measures.filter((m) => m.name.startsWith('island:'));
        const steps = measures.filter((m) => m.name.startsWith('island:') || m.name === 'opening');
        const slider = (m) => {
            const e = document.querySelector(`[data-island=\"${m.name.slice(7)}\"]`);
            return e && e.querySelector('[role=slider], input[type=range]');
        };
        const ready = islands.filter(slider).map((m) => m.startTime + m.duration);
        const first = ready.length ? Math.min(...ready) : Infinity;
        // The bytes (as sent, compressed) of every file that had arrived when the first slider came alive.
        const arrived = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
            .filter((r) => r.responseEnd <= first).reduce((sum, r) => sum + r.encodedBodySize, 0);
        done({
            fcp: fcp ? fcp.startTime : null,
            lcp: lcp.length ? lcp[lcp.length - 1].startTime : null,
            cls: shifts.filter((s) => !s.hadRecentInput).reduce((sum, s) => sum + s.value, 0),
            slider: ready.length ? first : null,
            bytes: arrived / 1000,
            live: Math.max(0, ...islands.map((m) => m.startTime + m.duration)),
            models: (performance.getEntriesByName('models-settled')[0] || { startTime: null }).startTime,
            longest: Math.max(0, ...long.map((t) => t.duration)),
            islands: steps.map((m) => [m.name, m.duration]),
            mount: measures.filter((m) => m.name === 'mount').map((m) => m.duration)[0] ?? null,
            long: long.map((t) => [Math.round(t.startTime), Math.round(t.duration)]),
            files: performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                .map((r) => [r.name.split('/').pop().slice(0, 12), Math.round(r.startTime), Math.round(r.responseStart), Math.round(r.responseEnd)]),
            marks: steps.concat(measures.filter((m) => m.name === 'mount')).map((m) => [m.name, m.startTime, m.duration]),
        });
    });
";

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::test]
#[ignore = "a benchmark: run it with `cargo xtask bench`"]
async fn loading_on_slow_links() {
    with_page(|page| async move {
        let mut rows = vec![
            "\n### Loading (median of five loads, no cache, files served precompressed; the slow links with a 4× CPU slowdown)\n".to_string(),
            "| link | first contentful paint | largest contentful paint | layout shift | first slider responds | KB arrived by then | every widget alive | both models loaded (worker) | longest task |".to_string(),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|".to_string(),
        ];
        let mut islands: Vec<(String, f64)> = Vec::new();
        page.cdp("Network.enable", serde_json::json!({})).await;
        page.cdp("Network.setCacheDisabled", serde_json::json!({ "cacheDisabled": true })).await;
        page.cdp("Network.setBypassServiceWorker", serde_json::json!({ "bypass": true })).await;
        // `BENCH_LINKS=unthrottled` (names, comma-separated) measures only those links.
        let only = std::env::var("BENCH_LINKS").ok();
        for link in LINKS.into_iter().filter(|l| only.as_ref().is_none_or(|o| o.split(',').any(|n| n == l.name))) {
            let throttled = link.down > 0.0;
            let rate = if throttled { 4 } else { 1 };
            page.cdp("Emulation.setCPUThrottlingRate", serde_json::json!({ "rate": rate })).await;
            let conditions = serde_json::json!({
                "offline": false,
                "latency": link.rtt,
                "downloadThroughput": if throttled { link.down / 8.0 } else { -1.0 },
                "uploadThroughput": if throttled { link.up / 8.0 } else { -1.0 },
            });
            page.cdp("Network.emulateNetworkConditions", conditions).await;
            let mut figures: [Vec<f64>; 8] = Default::default();
            for _ in 0..5 {
                page.client.goto("about:blank").await.unwrap();
                page.open().await;
                let f = page.client.execute_async(LOAD_FIGURES, vec![]).await.expect("the load figures can be read");
                eprintln!("{}: fcp {} files {} long tasks (start, ms) {} during {}", link.name, f["fcp"], f["files"], f["long"], f["marks"]);
                for (column, key) in
                    figures.iter_mut().zip(["fcp", "lcp", "cls", "slider", "bytes", "live", "models", "longest"])
                {
                    column.push(f[key].as_f64().unwrap_or(f64::NAN));
                }
                if !throttled {
                    islands.extend(f["islands"].as_array().into_iter().flatten().filter_map(|i| {
                        Some((i[0].as_str()?.to_string(), i[1].as_f64()?))
                    }));
                }
            }
            let [fcp, lcp, cls, slider, bytes, live, models, longest] = figures.map(|mut c| median(&mut c));
            rows.push(format!(
                "| {} | {fcp:.0} ms | {lcp:.0} ms | {cls:.3} | {slider:.0} ms | {bytes:.0} KB | {live:.0} ms | {models:.0} ms | {longest:.0} ms |",
                link.name
            ));
        }
        rows.push("\nThe start-up's tasks, unthrottled: reading the opening data the page was sent with, then mounting each island:\n".into());
        rows.push("| task | n | median | 95th percentile |".into());
        rows.push("|---|---:|---:|---:|".into());
        let mut names: Vec<String> = islands.iter().map(|(n, _)| n.clone()).collect();
        names.dedup();
        names.sort();
        names.dedup();
        for name in names {
            let durations: Vec<f64> = islands.iter().filter(|(n, _)| *n == name).map(|(_, d)| *d).collect();
            rows.push(summary(&name, &durations));
        }
        write_out(&rows.join("\n"));
    })
    .await;
}
