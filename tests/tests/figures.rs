//! The figures as a reader sees them, at 1280 px, at 390 px and in the dark scheme. Every widget is
//! photographed (test artifacts under `target/e2e-artifacts/figures/`, for a person to look at; not
//! golden images), and what can be asserted is: every plot has a title on both axes, no text covers
//! another text, its lines and labels stand at least 3:1 against their background, and at 390 px no
//! plot is narrower than 280 px.

use std::path::PathBuf;

use e2e::{Page, with_page};
use fantoccini::Locator;

/// What the checks found on the page, one line per problem.
const CHECK_PLOTS: &str = r#"
const rgb = (c) => {
  const m = /rgba?\(([^)]+)\)/.exec(c || '');
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const lum = ({ r, g, b }) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const background = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
const opacity = (el, stop) => {
  let o = 1;
  for (let e = el; e && e !== stop; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
  return o;
};
const out = { plots: [], problems: [] };
const plots = [...document.querySelectorAll('svg')].filter((s) => s.querySelector(':scope > .axes'));
for (const svg of plots) {
  const box = svg.getBoundingClientRect();
  if (box.width === 0) continue;
  const name = svg.getAttribute('aria-label') || svg.getAttribute('class');
  out.plots.push(name);
  if (box.width < arguments[0]) out.problems.push(`${name}: ${box.width.toFixed(0)} px wide`);
  const titles = [...svg.querySelectorAll(':scope > .axes .axis-title')].map((t) => t.textContent.trim());
  if (titles.filter(Boolean).length !== 2) out.problems.push(`${name}: axis titles ${JSON.stringify(titles)}`);
  const ticks = svg.querySelectorAll(':scope > .axes .tick-label').length;
  if (ticks < 2) out.problems.push(`${name}: ${ticks} tick labels`);
  const texts = [...svg.querySelectorAll('text')]
    .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map((t) => [t.textContent.trim(), t.getBoundingClientRect()]);
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const [[s, a], [t, b]] = [texts[i], texts[j]];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      // A glyph box is taller than its ink: half a pixel of shared edge is no overlap.
      if (w > 0.5 && h > 0.5) out.problems.push(`${name}: "${s}" overlaps "${t}" (${w.toFixed(1)} × ${h.toFixed(1)} px)`);
    }
  }
  const bg = background(svg);
  for (const mark of svg.querySelectorAll('polyline, .axis-line, .tick-mark, text')) {
    if (mark.getBoundingClientRect().width === 0 && mark.getBoundingClientRect().height === 0) continue;
    const style = getComputedStyle(mark);
    const paint = rgb(mark.tagName === 'text' ? style.fill : style.stroke);
    if (!paint) continue;
    const alpha = paint.a * opacity(mark, svg.parentElement);
    const seen = { r: paint.r * alpha + bg.r * (1 - alpha), g: paint.g * alpha + bg.g * (1 - alpha), b: paint.b * alpha + bg.b * (1 - alpha) };
    const ratio = contrast(seen, bg);
    if (ratio < 3) {
      const what = mark.getAttribute('class') || mark.tagName;
      out.problems.push(`${name}: ${what} "${mark.textContent.trim()}" at ${ratio.toFixed(2)}:1`);
    }
  }
}
return out;
"#;

/// Where the screenshots go: `E2E_ARTIFACTS`, or `target/e2e-artifacts` at the repository root.
fn artifacts(view: &str) -> PathBuf {
    let root = std::env::var_os("E2E_ARTIFACTS")
        .map_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/e2e-artifacts")), PathBuf::from);
    let dir = root.join("figures").join(view);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Photographs every widget and every formula into `artifacts(view)`, named by their order and class.
async fn photograph(page: &Page, view: &str) {
    let dir = artifacts(view);
    let widgets = page.client.find_all(Locator::Css(".widget")).await.expect("the widgets");
    assert!(widgets.len() >= 8, "only {} widgets", widgets.len());
    let formulas = page.client.find_all(Locator::Css("math[display=block]")).await.expect("the formulas");
    assert!(formulas.len() >= 5, "only {} formulas", formulas.len());
    let named = widgets.iter().map(|w| (w, "widget")).chain(formulas.iter().map(|f| (f, "formula")));
    for (i, (widget, kind)) in named.enumerate() {
        let class = widget.attr("class").await.ok().flatten().unwrap_or_default();
        let name = class.split_whitespace().find(|c| *c != "widget").unwrap_or(kind).to_string();
        page.eval_with(
            &[serde_json::to_value(widget).expect("an element")],
            "arguments[0].scrollIntoView({block: 'center'});",
        )
        .await;
        let png = widget.screenshot().await.unwrap_or_else(|e| panic!("no screenshot of {name}: {e}"));
        let path = dir.join(format!("{i:02}-{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// Runs the checks and fails with every problem found.
async fn check_plots(page: &Page, view: &str, narrowest: f64) {
    let found = page.eval_with(&[narrowest.into()], CHECK_PLOTS).await;
    let plots = found["plots"].as_array().map_or(0, Vec::len);
    // The bars, their distance plot, the stage view's charts, the nucleus, the KV widget's work, and
    // speculative sampling's residual and draws.
    assert!(plots >= 9, "{view}: only {plots} plots with axes: {}", found["plots"]);
    let problems: Vec<String> =
        found["problems"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(String::from)).collect();
    assert!(problems.is_empty(), "{view}:\n{}", problems.join("\n"));
}

/// Draws samples, so the distance plot has a curve; before that it says what will appear.
async fn draw_samples(page: &Page) {
    let empty = page.text(".tv-plot .empty").await;
    assert_eq!(empty, "Draw to see the distance fall");
    page.by_role("button", "Draw 10,000").await.click().await.expect("the button clicks");
    page.wait_for("the distance plot's curve", || async {
        page.client.find(Locator::Css(".tv-plot .empty")).await.is_err()
            && page.number("return document.querySelector('.tv-plot .tv').points.numberOfItems").await >= 10.0
    })
    .await;
}

/// Shows speculative sampling's two charts: the draws by the rule, and the residual after a rejected
/// guess (rounds are run until one is rejected).
async fn speculative_charts(page: &Page) {
    page.by_role("button", "Draw 10,000 by the rule").await.click().await.expect("the button clicks");
    page.wait_for("the draws' chart", || async {
        page.client.find(Locator::Css("[data-testid=spec-draws-chart] .third")).await.is_ok()
    })
    .await;
    let draft = page.by_role("button", "Draft and check").await;
    for _ in 0..30 {
        if page.client.find(Locator::Css("[data-testid=spec-residual]")).await.is_ok() {
            return;
        }
        draft.click().await.expect("the button clicks");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no guess was rejected in 30 rounds");
}

#[tokio::test]
async fn every_plot_has_axes_no_overlaps_and_contrast_at_1280_390_and_in_the_dark() {
    with_page(|page| async move {
        page.client.set_window_size(1280, 900).await.expect("a 1280 px window");
        page.open().await;
        draw_samples(&page).await;
        speculative_charts(&page).await;
        check_plots(&page, "1280 px, light", 0.0).await;
        photograph(&page, "1280-light").await;

        page.color_scheme("dark").await;
        check_plots(&page, "1280 px, dark", 0.0).await;
        photograph(&page, "1280-dark").await;

        page.color_scheme("light").await;
        page.phone(390, 844).await;
        check_plots(&page, "390 px, light", 280.0).await;
        photograph(&page, "390-light").await;
        page.color_scheme("dark").await;
        check_plots(&page, "390 px, dark", 280.0).await;
        photograph(&page, "390-dark").await;
    })
    .await;
}
