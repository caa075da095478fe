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

        let measure = page.by_role("button", "Measure both paths").await;
        for _ in 0..5 {
            measure.click().await.unwrap();
            page.wait_for("a measurement", || async {
                page.text("[data-testid=kv-measured]").await.contains("speedup")
            })
            .await;
        }
        let measured = page.text("[data-testid=kv-measured]").await;
        rows.push(summary("two windows (32 tokens) with the KV cache", &measures(&page, "kv-cache-on").await));
        rows.push(summary("two windows (32 tokens) without the KV cache", &measures(&page, "kv-cache-off").await));
        rows.push(format!(
            "\nDraws per second (V = 27): {draws_per_second:.2e}. KV cache, last of five runs: {measured}\n"
        ));
        let table = rows.join("\n");
        println!("{table}");
        if let Some(path) = std::env::var_os("BENCH_OUT") {
            std::fs::write(path, &table).expect("BENCH_OUT is writable");
        }
    })
    .await;
}
