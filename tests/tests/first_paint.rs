//! The words arrive with the HTML: what a reader sees before the WebAssembly runs (or without
//! JavaScript at all), that nothing moves when the widgets come alive, and that the files a server
//! sends precompressed are the files themselves.

use e2e::{Page, QUIZZES, with_page, with_page_without_javascript};
use fantoccini::Locator;

/// The texts of every element `css` matches.
async fn texts(page: &Page, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in page.client.find_all(Locator::Css(css)).await.expect("elements can be listed") {
        out.push(element.text().await.expect("text can be read"));
    }
    out
}

#[tokio::test]
async fn without_javascript_the_lesson_still_reads_top_to_bottom() {
    with_page_without_javascript(|page| async move {
        page.client.goto(page.base()).await.expect("the page loads");
        let headings = texts(&page, "main h2").await;
        let titles: Vec<String> = web::sections::SECTIONS.iter().map(|(_, t)| t.to_string()).collect();
        assert_eq!(headings, titles, "every section heading, in order");
        let questions = texts(&page, "main .quiz label").await.join("\n");
        for (question, _) in QUIZZES {
            assert!(questions.contains(question), "the quiz \"{question}\" is missing from the sent page");
        }
        // Each widget is there in its first state, inert, with a line saying it needs JavaScript.
        let islands = page.client.find_all(Locator::Css("[data-island][inert]")).await.unwrap().len();
        let lines = texts(&page, "p.needs-js").await;
        assert!(islands >= 10, "{islands} widgets in the sent page");
        assert_eq!(lines.len(), islands, "one line per widget");
        assert!(lines.iter().all(|l| l.contains("JavaScript")), "{lines:?}");
        assert!(page.client.find(Locator::Css("html[data-live]")).await.is_err(), "nothing came alive");
        // No control looks alive while it is dead: every one sits in an inert island.
        let loose = page
            .eval(
                "return [...document.querySelectorAll('input, button, select, textarea, [role=slider], [tabindex]')] \
                   .filter((e) => !e.closest('[inert]') && !e.closest('.formula, pre.code, .table-scroll')) \
                   .map((e) => e.outerHTML.slice(0, 80));",
            )
            .await;
        assert_eq!(loose, serde_json::json!([]), "controls outside every inert island");
    })
    .await;
}

/// The largest paint of the first screen, and when: its element's tag and class, its time, and the
/// first contentful paint's.
const LARGEST: &str = "
    const done = arguments[arguments.length - 1];
    new PerformanceObserver((list) => {
        const all = list.getEntries();
        const last = all[all.length - 1];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        done([last.element ? `${last.element.tagName} ${last.element.className}` : '?', last.startTime, fcp.startTime, all.length]);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
";

#[tokio::test]
async fn the_largest_paint_is_the_first_one_and_the_prose_is_never_drawn_again() {
    with_page(|page| async move {
        // Before any script of the page: once parsed, every change to the body is counted, inside an
        // island or outside one.
        let watch = "
            window.outsideIslands = []; window.insideIslands = 0;
            document.addEventListener('DOMContentLoaded', () => {
                new MutationObserver((records) => {
                    for (const r of records) {
                        const at = r.target.nodeType === 1 ? r.target : r.target.parentElement;
                        if (at && at.closest('[data-island]')) window.insideIslands += 1;
                        else window.outsideIslands.push(`${r.type} ${at ? at.tagName + '.' + at.className : '?'}`);
                    }
                }).observe(document.body, { childList: true, characterData: true, subtree: true });
            });";
        page.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": watch })).await;
        for (width, height) in [(1280, 900), (390, 844)] {
            page.client.set_window_size(width, height).await.unwrap();
            page.open().await;
            let largest = page.client.execute_async(LARGEST, vec![]).await.expect("the paints can be read");
            let (what, at, first) = (largest[0].as_str().unwrap_or(""), largest[1].as_f64(), largest[2].as_f64());
            assert_eq!(what, "P lede", "at {width} px the largest paint is the lede: {largest}");
            assert_eq!(at, first, "at {width} px the largest paint came with the first: {largest}");
            // Nothing outside the islands changed once the page was parsed: the prose was never drawn again.
            let outside = page.eval("return window.outsideIslands;").await;
            assert_eq!(outside, serde_json::json!([]), "at {width} px the page changed outside its islands");
            let inside = page.eval("return window.insideIslands;").await.as_f64().unwrap_or(0.0);
            assert!(inside > 0.0, "the observer saw the islands come alive");
        }
    })
    .await;
}

/// Every layout shift the browser recorded since the page started loading, as (score, largest move of
/// any element in CSS pixels, what moved).
const SHIFTS: &str = "
    const done = arguments[arguments.length - 1];
    const report = (entries) => entries.filter((e) => !e.hadRecentInput).map((e) => {
        const moves = e.sources.map((s) => Math.max(
            Math.abs(s.currentRect.x - s.previousRect.x), Math.abs(s.currentRect.y - s.previousRect.y),
            Math.abs(s.currentRect.height - s.previousRect.height)));
        const what = e.sources.map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?');
        return [e.value, Math.max(0, ...moves), what.join(' ')];
    });
    new PerformanceObserver((list) => done(report(list.getEntries()))).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => done([]), 500);
";

#[tokio::test]
async fn nothing_moves_when_the_widgets_come_alive() {
    with_page(|page| async move {
        for (width, height) in [(1280, 900), (390, 844)] {
            page.client.set_window_size(width, height).await.unwrap();
            page.open().await;
            if width == 1280 {
                // The document came compressed (later loads come from the offline copy, uncompressed).
                let sizes = page
                    .eval(
                        "const n = performance.getEntriesByType('navigation')[0]; \
                         return [n.encodedBodySize, n.decodedBodySize];",
                    )
                    .await;
                let (sent, read) = (sizes[0].as_f64().unwrap_or(0.0), sizes[1].as_f64().unwrap_or(0.0));
                assert!(sent > 0.0 && sent < read / 3.0, "the page came as {sent} bytes for {read}");
            }
            let shifts = page.client.execute_async(SHIFTS, vec![]).await.expect("the layout shifts can be read");
            let shifts = shifts.as_array().cloned().unwrap_or_default();
            let score: f64 = shifts.iter().filter_map(|s| s[0].as_f64()).sum();
            let largest = shifts.iter().filter_map(|s| s[1].as_f64()).fold(0.0, f64::max);
            assert!(largest <= 4.0, "at {width} px something moved {largest} px: {shifts:?}");
            assert!(score < 0.01, "layout shift {score} at {width} px: {shifts:?}");
        }
        // The measure sees a move when there is one: push the lesson down by 40 px.
        page.eval(
            "const gap = document.createElement('div'); gap.style.height = '40px'; \
             document.querySelector('main header').prepend(gap); return true;",
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let shifts = page.client.execute_async(SHIFTS, vec![]).await.expect("the layout shifts can be read");
        let largest = shifts.as_array().into_iter().flatten().filter_map(|s| s[1].as_f64()).fold(0.0, f64::max);
        assert!(largest >= 30.0, "a 40 px push measured as {largest} px: {shifts:?}");
    })
    .await;
}

#[test]
fn every_precompressed_file_decompresses_to_its_original() {
    let dist = std::env::var_os("E2E_DIST")
        .map_or_else(|| std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../dist")), Into::into);
    let files: Vec<_> = std::fs::read_dir(&dist)
        .expect("the built bundle")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !site::is_copy(p))
        .collect();
    assert!(files.iter().any(|f| f.extension().is_some_and(|e| e == "wasm")), "a module in {}", dist.display());
    for file in &files {
        let original = std::fs::read(file).unwrap();
        for (_, suffix) in site::ENCODINGS {
            let copy = std::fs::read(site::with_suffix(file, suffix))
                .unwrap_or_else(|e| panic!("no {suffix} copy of {}: {e}", file.display()));
            assert_eq!(site::decompress(&copy, suffix).unwrap(), original, "{} .{suffix}", file.display());
        }
    }
}
