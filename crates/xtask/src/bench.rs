//! `cargo xtask bench`: every benchmark in one run, and one Markdown table of the results.
//!
//! 1. The core against candle-transformers, llm-samplers, the textbook pipeline and the floors
//!    (criterion, `crates/peers`), on the model-like logits and on every shape of `reference::Shape`.
//! 2. The same core benchmarks compiled to wasm32, timed in headless Chromium.
//! 3. The release bundle, part by part, raw and gzipped.
//! 4. The widgets in Chromium (the page's own performance measures), and the load on slow links.
//! 5. Lighthouse's audit on its mobile profile, the files served precompressed.
//!
//! The table goes to `bench/latest.md` and between the bench markers of the README.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sampling::reference::{self, BENCH_CHAIN_VOCABS, BENCH_VOCABS};
use serde_json::Value;

use crate::build::{dist, release_bundle, size_table};
use crate::run::{Result, cmd, output, root, run, step};
use crate::test::e2e;
use crate::tools::{self, Tools};

const WASM: &str = "wasm32-unknown-unknown";
const README_BEGIN: &str = "<!-- bench:begin -->";
const README_END: &str = "<!-- bench:end -->";

/// The heading the page's part of the table starts with.
const PAGE_PART: &str = "\n### First load";

/// Runs everything and writes the table. Extra arguments go to criterion; `page` alone reruns only the
/// page's part (the bundle, the page in Chromium, Lighthouse) and keeps the rest of the last table.
pub fn bench(args: &[String]) -> Result {
    let tools = tools::ensure()?;
    if args.first().is_some_and(|a| a == "text") {
        let table = step("the Shakespeare model's step, natively and in Chromium", || text_table(&tools, &args[1..]))?;
        let out = root().join("bench/text.md");
        std::fs::create_dir_all(root().join("bench")).map_err(|e| format!("cannot create bench/: {e}"))?;
        std::fs::write(&out, &table).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!("\n{table}\nwritten to {}", out.display());
        return Ok(());
    }
    if args.first().is_some_and(|a| a == "page") {
        let out = root().join("bench/latest.md");
        let last = std::fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        let kept = last.find(PAGE_PART).map_or(last.as_str(), |at| &last[..at]);
        step("release bundle (trunk build --release)", || release_bundle(&tools))?;
        let page = step("widget benchmark in Chromium (performance measures)", || browser_figures(&tools))?;
        let audit = step("Lighthouse (npm), mobile profile", || lighthouse_table(&tools))?;
        let table = [kept.trim_end().to_string(), bundle_table()?, page, audit].join("\n");
        std::fs::write(&out, &table).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        update_readme(&table)?;
        println!("\n{table}\nwritten to {} and the README", out.display());
        return Ok(());
    }
    let manifest = root().join("crates/peers/Cargo.toml");
    step("the core against other libraries (criterion, crates/peers)", || {
        let mut c = cmd("cargo", &["bench", "--manifest-path"]);
        c.arg(&manifest).args(["--bench", "peers", "--"]).args(args);
        // Every contender compiled alike, for this machine's CPU (vector exponentials need AVX to pay).
        c.env("RUSTFLAGS", NATIVE_FLAGS).env("CARGO_TARGET_DIR", bench_target());
        run(c)
    })?;
    let native = step("read criterion's medians", || criterion_medians("peers"))?;
    let speculative = step("speculative sampling on the page's models (criterion, crates/model)", || {
        let totals = std::env::temp_dir().join("distributions-become-text-speculative.json");
        let mut c = cmd("cargo", &["bench", "-p", "model", "--bench", "speculative", "--"]);
        c.args(args).env("RUSTFLAGS", NATIVE_FLAGS).env("CARGO_TARGET_DIR", bench_target());
        c.env("SPECULATIVE_OUT", &totals);
        run(c)?;
        let text = std::fs::read_to_string(&totals).map_err(|e| format!("no speculative totals: {e}"))?;
        speculative_table(&criterion_medians("speculative")?, &text)
    })?;
    let shapes = step("read criterion's medians on every shape", || criterion_medians("shapes"))?;
    let wasm = step("the core in Chromium (wasm32, wasm-bindgen-test)", || wasm_medians(&tools, "sampling"))?;
    let text = step("the Shakespeare model's step, natively and in Chromium", || text_table(&tools, args))?;
    step("release bundle (trunk build --release)", || release_bundle(&tools))?;
    let page = step("widget benchmark in Chromium (performance measures)", || browser_figures(&tools))?;
    let audit = step("Lighthouse (npm), mobile profile", || lighthouse_table(&tools))?;
    let table = [
        machine(),
        sampler_table(&native, &wasm),
        shape_table(&shapes, &wasm),
        speculative,
        text,
        bundle_table()?,
        page,
        audit,
    ]
    .join("\n");
    let out = root().join("bench/latest.md");
    std::fs::create_dir_all(root().join("bench")).map_err(|e| format!("cannot create bench/: {e}"))?;
    std::fs::write(&out, &table).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    update_readme(&table)?;
    println!("\n{table}\nwritten to {} and the README", out.display());
    Ok(())
}

/// The flags of the native benchmark build.
const NATIVE_FLAGS: &str = "-C target-cpu=native";

/// A target folder of its own for the native-CPU build, beside the usual one, so neither rebuilds the other.
fn bench_target() -> PathBuf {
    let mut c = cmd("cargo", &["metadata", "--format-version", "1", "--no-deps"]);
    c.env_remove("RUSTFLAGS");
    let meta = output(c).and_then(|m| serde_json::from_str::<Value>(&m).ok());
    let target =
        meta.as_ref().and_then(|m| m["target_directory"].as_str()).map_or_else(|| root().join("target"), PathBuf::from);
    target.join("bench-native")
}

/// Median nanoseconds by benchmark id ("core/top_p0.9/50257"), from criterion's files for `group`.
fn criterion_medians(group: &str) -> Result<BTreeMap<String, f64>> {
    let target = bench_target();
    let mut medians = BTreeMap::new();
    for function in read_dir(&target.join("criterion").join(group))? {
        for param in read_dir(&function)? {
            let new = param.join("new");
            let (Ok(id), Ok(est)) = (
                std::fs::read_to_string(new.join("benchmark.json")),
                std::fs::read_to_string(new.join("estimates.json")),
            ) else {
                continue;
            };
            let id: Value = serde_json::from_str(&id).map_err(|e| e.to_string())?;
            let est: Value = serde_json::from_str(&est).map_err(|e| e.to_string())?;
            let name =
                format!("{}/{}", id["function_id"].as_str().unwrap_or("?"), id["value_str"].as_str().unwrap_or("?"));
            if let Some(ns) = est["median"]["point_estimate"].as_f64() {
                medians.insert(name, ns);
            }
        }
    }
    Ok(medians)
}

/// The table of speculative sampling: per γ, the totals the benchmark counted (JSON, one object per
/// contender, γ null for plain cached sampling) and the median time of a batch, against plain sampling's
/// in the same run.
fn speculative_table(medians: &BTreeMap<String, f64>, totals: &str) -> Result<String> {
    let rows: Vec<Value> = serde_json::from_str(totals).map_err(|e| format!("speculative totals: {e}"))?;
    let count = |r: &Value, key: &str| r[key].as_f64().unwrap_or(f64::NAN);
    let batch = rows.first().map_or(f64::NAN, |r| count(r, "batch"));
    let time = |id: &str| medians.get(&format!("{id}/{batch}")).copied().unwrap_or(f64::NAN);
    let plain = time("plain");
    let mut t = String::from("\n### Speculative sampling on the page's models (natively, median per batch)\n\n");
    t += &format!(
        "The bigram drafts γ tokens a round (from its table of rows), the transformer checks them in one pass with \
         its KV cache. Totals over {} names from `·` (seeds 0 to {}, τ 1, no top-k or top-p); time per batch of \
         {batch} names, each contender on the same seeds, in one run. Passes per token and acceptance are \
         counted, not timed; the speedup is the measured time of plain cached sampling over each. With a \
         draft that costs a table lookup and a target of 60,000 parameters on a CPU, a pass over γ + 1 positions costs more than one \
         step, so fewer passes buy little time here; the passes are what a large target on a GPU would save.\n\n",
        rows.first().map_or(0.0, |r| count(r, "names")),
        rows.first().map_or(0.0, |r| count(r, "names") - 1.0),
    );
    t += "| drafts a round (γ) | drafted tokens accepted | target passes per token | tokens per pass | time per batch | speedup over plain |\n";
    t += "|---:|---:|---:|---:|---:|---:|\n";
    for r in &rows {
        let (passes, tokens) = (count(r, "target_passes"), count(r, "tokens"));
        let (id, gamma, accepted) = match r["gamma"].as_u64() {
            Some(g) => (
                format!("gamma{g}"),
                g.to_string(),
                format!("{:.0} %", 100.0 * count(r, "accepted") / count(r, "drafted")),
            ),
            None => ("plain".to_string(), "0 (plain cached sampling)".to_string(), "–".to_string()),
        };
        let ns = time(&id);
        t += &format!(
            "| {gamma} | {accepted} | {:.2} | {:.2} | {:.2} ms | {:.2}× |\n",
            passes / tokens,
            tokens / passes,
            ns / 1e6,
            plain / ns
        );
    }
    Ok(t)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    Ok(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
}

/// The Shakespeare model's cached step at t = 64 against the floor (a plain f32 matrix–vector product of
/// the same FLOPs), natively (criterion, `-C target-cpu=native`) and in Chromium, each in one run.
fn text_table(tools: &Tools, args: &[String]) -> Result<String> {
    let mut c = cmd("cargo", &["bench", "-p", "model", "--bench", "text", "--"]);
    c.args(args).env("RUSTFLAGS", NATIVE_FLAGS).env("CARGO_TARGET_DIR", bench_target());
    run(c)?;
    let native = criterion_medians("text")?;
    // The same ids as criterion's, without the group's name.
    let wasm: BTreeMap<String, f64> = wasm_medians(tools, "model")?
        .into_iter()
        .filter_map(|(id, ns)| Some((id.strip_prefix("text/")?.to_string(), ns)))
        .collect();
    let card: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("assets/models/shakespeare.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let config: protocol::GptConfig = serde_json::from_value(card["config"].clone()).map_err(|e| e.to_string())?;
    let flops = config.step_flops(64, protocol::Cache::On).total() as f64;
    let mut t = String::from(
        "\n### The Shakespeare model: one cached step at t = 64 (median), against a plain f32 matrix–vector loop of the same FLOPs\n\n",
    );
    t += &format!("FLOPs per step: {flops:.0}.\n\n");
    t += "| where | step | tokens/s | GFLOP/s | floor (matvec) | floor GFLOP/s | step ÷ floor |\n|---|---|---|---|---|---|---|\n";
    for (place, medians) in [("natively", &native), ("in Chromium (wasm32)", &wasm)] {
        let (step, floor) = (medians.get("step/64").copied(), medians.get("matvec/64").copied());
        let gflops = |ns: Option<f64>| ns.map_or("—".to_string(), |ns| format!("{:.2}", flops / ns));
        t += &format!(
            "| {place} | {} | {} | {} | {} | {} | {} |\n",
            us(step.unwrap_or(f64::NAN)),
            step.map_or("—".to_string(), |ns| format!("{:.0}", 1e9 / ns)),
            gflops(step),
            us(floor.unwrap_or(f64::NAN)),
            gflops(floor),
            ratio(step, floor),
        );
    }
    Ok(t)
}

/// Runs `package`'s wasm benchmark in Chromium and reads its `bench <id> <ns>` lines.
fn wasm_medians(tools: &Tools, package: &str) -> Result<BTreeMap<String, f64>> {
    let mut c = cmd("cargo", &["test", "--release", "--target", WASM, "-p", package, "--test", "wasm_bench"]);
    c.args(["--", "--include-ignored", "--nocapture"]);
    c.env("PATH", &tools.path).env("CHROMEDRIVER", &tools.chromedriver);
    // The runner gives a whole run 20 s by default; every case and shape takes about a minute.
    c.env("WASM_BINDGEN_TEST_TIMEOUT", "900");
    let out = output(c).ok_or("the wasm benchmark failed")?;
    Ok(out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("bench "))
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(id, ns)| Some((id.to_string(), ns.trim().parse().ok()?)))
        .collect())
}

/// Runs the widget benchmark; it writes its figures as Markdown to the file named by BENCH_OUT.
fn browser_figures(tools: &Tools) -> Result<String> {
    let out = std::env::temp_dir().join("distributions-become-text-page-bench.md");
    // Each benchmark appends its part.
    let _ = std::fs::remove_file(&out);
    // One benchmark at a time: run side by side on two cores they would time each other.
    let args = ["test", "--release", "-p", "e2e", "--test", "browser_bench", "--", "--ignored", "--nocapture"];
    let mut c = e2e(tools, &args);
    c.arg("--test-threads=1");
    c.env("BENCH_OUT", &out);
    run(c)?;
    let figures = std::fs::read_to_string(&out).map_err(|e| format!("no page figures: {e}"))?;
    let _ = std::fs::remove_file(&out);
    Ok(figures)
}

/// How many times Lighthouse audits the page; the table shows the run with the median score.
const LIGHTHOUSE_RUNS: usize = 3;

/// Lighthouse's audit of the built page, served precompressed, on its default (mobile) profile:
/// simulated slow 4G and a 4× slower CPU.
fn lighthouse_table(tools: &Tools) -> Result<String> {
    let lighthouse = tools::lighthouse()?;
    let server = site::Server::start(&dist(), 0)?;
    let report = std::env::temp_dir().join("distributions-become-text-lighthouse.json");
    let mut runs: Vec<Value> = Vec::new();
    for _ in 0..LIGHTHOUSE_RUNS {
        let mut c = cmd(&lighthouse.to_string_lossy(), &[&server.url(), "--quiet", "--output=json"]);
        c.arg(format!("--output-path={}", report.display()));
        c.arg("--chrome-flags=--headless=new --no-sandbox").env("CHROME_PATH", &tools.chromium);
        run(c)?;
        let text = std::fs::read_to_string(&report).map_err(|e| format!("no Lighthouse report: {e}"))?;
        runs.push(serde_json::from_str(&text).map_err(|e| format!("Lighthouse's report is not JSON: {e}"))?);
    }
    let _ = std::fs::remove_file(&report);
    let score = |r: &Value, c: &str| r["categories"][c]["score"].as_f64().unwrap_or(f64::NAN) * 100.0;
    runs.sort_by(|a, b| score(a, "performance").total_cmp(&score(b, "performance")));
    let r = &runs[runs.len() / 2];
    let audit = |id: &str| r["audits"][id]["displayValue"].as_str().unwrap_or("–").replace('\u{a0}', " ");
    let mut t = format!(
        "\n### Lighthouse {} (mobile: simulated slow 4G, 4× CPU slowdown; the median of {LIGHTHOUSE_RUNS} runs by performance score)\n\n",
        r["lighthouseVersion"].as_str().unwrap_or("?")
    );
    t += "| performance | accessibility | best practices | SEO | first contentful paint | largest contentful paint | total blocking time | layout shift | speed index |\n";
    t += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    t += &format!(
        "| {:.0} | {:.0} | {:.0} | {:.0} | {} | {} | {} | {} | {} |\n",
        score(r, "performance"),
        score(r, "accessibility"),
        score(r, "best-practices"),
        score(r, "seo"),
        audit("first-contentful-paint"),
        audit("largest-contentful-paint"),
        audit("total-blocking-time"),
        audit("cumulative-layout-shift"),
        audit("speed-index"),
    );
    let scores: Vec<String> = runs.iter().map(|r| format!("{:.0}", score(r, "performance"))).collect();
    t += &format!("\nPerformance scores of the {LIGHTHOUSE_RUNS} runs: {}.\n", scores.join(", "));
    Ok(t)
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU", |m| m.trim_start_matches([' ', '\t', ':']));
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let date = output(cmd("date", &["-u", "+%Y-%m-%d"])).unwrap_or_default();
    let rustc = output(cmd("rustc", &["--version"])).unwrap_or_default();
    let chromium = output(cmd("chromium", &["--version"])).unwrap_or_default();
    format!(
        "Measured {} on {cpu} ({cores} cores), {}, {}; all figures from one run of `cargo xtask bench`.\n",
        date.trim(),
        rustc.trim(),
        chromium.trim()
    )
}

/// Microseconds with three significant digits.
fn us(ns: f64) -> String {
    let us = ns / 1000.0;
    if us >= 100.0 {
        format!("{us:.0} µs")
    } else if us >= 10.0 {
        format!("{us:.1} µs")
    } else {
        format!("{us:.2} µs")
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.1}×", a / b),
        _ => "–".into(),
    }
}

fn sampler_table(native: &BTreeMap<String, f64>, wasm: &BTreeMap<String, f64>) -> String {
    let mut t = String::from(
        "\n### The sampler: one token from V logits (median per call)\n\n\
         Natively every contender is compiled with `-C target-cpu=native`; in Chromium the core is plain wasm32. \
         Floor: one pass for the maximum (top-k, greedy, the llama.cpp chain, which starts with top-k), or the \
         maximum and V exponentials (top-p alone, min-p alone). candle has no min-p or typical; for the two \
         chains, \"textbook\" is the staged pipeline, every stage over the whole vocabulary.\n\n\
         | setting | V | core | floor | core ÷ floor | candle | candle ÷ core | llm-samplers | llm-samplers ÷ core | textbook | core in Chromium | wasm ÷ native |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    // The ids, labels and floors are the benchmarks' own (sampling::reference).
    let settings = reference::bench_settings().map(|c| (c.id, c.label, c.floor));
    let rows = settings.into_iter().flat_map(|c| BENCH_VOCABS.map(|v| (c, v)));
    let chains = reference::bench_chains().map(|c| (c.id, c.label, c.floor));
    let chains = chains.into_iter().flat_map(|c| BENCH_CHAIN_VOCABS.map(|v| (c, v)));
    for ((id, label, floor), v) in rows.chain(chains) {
        let get = |who: &str| native.get(&format!("{who}/{id}/{v}")).copied();
        let core = get("core");
        let floor = native.get(&format!("floor/{}/{v}", floor.id())).copied();
        let (candle, llm, textbook) = (get("candle"), get("llm-samplers"), get("textbook"));
        let in_wasm = wasm.get(&format!("core/{id}/{v}")).copied();
        let show = |x: Option<f64>| x.map_or("–".into(), us);
        t += &format!(
            "| {label} | {v} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            show(core),
            show(floor),
            ratio(core, floor),
            show(candle),
            ratio(candle, core),
            show(llm),
            ratio(llm, core),
            show(textbook),
            show(in_wasm),
            ratio(in_wasm, core),
        );
    }
    t
}

/// Every sampling setting on every shape of logits (`reference::Shape`): the core's time and its ratio to
/// the floor on each shape, the worst shape against the model-like one, and (natively) how far behind the
/// core the nearest other library stays on its best shape for it. Then the same in Chromium, where the
/// core and the floors run as wasm32 and the other libraries are not built.
fn shape_table(native: &BTreeMap<String, f64>, wasm: &BTreeMap<String, f64>) -> String {
    let mut t = String::from(
        "\n### The sampler on every shape of logits (median per call)\n\n\
         Each cell: the core, and its ratio to the floor on the same logits. Shapes: model-like (the table \
         above), a confident step (five tokens 14 to 16 above a flat sea), bfloat16 ties, flat (every logit \
         within half a unit). \"Nearest peer ÷ core\": candle's or llm-samplers' time over the core's, \
         the smallest over every shape (above 1: the core ahead on every shape).\n\n#### Natively\n\n",
    );
    t += &shape_rows(native, true);
    t += "\n#### In Chromium (wasm32)\n\n";
    t += &shape_rows(wasm, false);
    t
}

fn shape_rows(figures: &BTreeMap<String, f64>, with_peers: bool) -> String {
    let shapes = reference::Shape::ALL;
    let mut t = String::from("| setting | V |");
    for shape in shapes {
        t += &format!(" {} |", shape.id().replace('_', "-"));
    }
    t += " worst ÷ model-like |";
    t += if with_peers { " nearest peer ÷ core |" } else { "" };
    t += "\n|---|---:|";
    t += &"---:|".repeat(shapes.len() + 1 + usize::from(with_peers));
    t += "\n";
    for case in reference::bench_shape_settings() {
        for v in BENCH_CHAIN_VOCABS {
            let get = |who: &str, shape: reference::Shape| {
                figures.get(&format!("{who}/{}/{}/{v}", case.id, shape.id())).copied()
            };
            let floor = |shape: reference::Shape| {
                figures.get(&format!("floor/{}/{}/{v}", case.floor.id(), shape.id())).copied()
            };
            t += &format!("| {} | {v} |", case.label);
            for shape in shapes {
                let core = get("core", shape);
                t += &format!(" {} ({}) |", core.map_or("–".into(), us), ratio(core, floor(shape)));
            }
            let cores: Vec<Option<f64>> = shapes.map(|s| get("core", s)).to_vec();
            let worst = cores.iter().copied().flatten().reduce(f64::max);
            t += &format!(" {} |", ratio(worst, cores[0]));
            if with_peers {
                let peers = shapes.iter().flat_map(|&s| {
                    let core = get("core", s);
                    ["candle", "llm-samplers"].map(|who| get(who, s).zip(core).map(|(p, c)| p / c))
                });
                let nearest = peers.flatten().reduce(f64::min);
                t += &format!(" {} |", nearest.map_or("–".into(), |r| format!("{r:.1}×")));
            }
            t += "\n";
        }
    }
    t
}

/// What the page fetches on first load, part by part (the bundle step wrote the copies).
fn bundle_table() -> Result<String> {
    let sizes = site::sizes(&dist()).map_err(|e| format!("cannot read dist/: {e}"))?;
    Ok(format!(
        "{PAGE_PART}, and the rest of the bundle: the page's files, the model worker's (its module and the names models' weights, fetched once the page is alive) and the Shakespeare model's (its weights and tokens, fetched only when the learner first runs it)\n\n{}",
        size_table(&sizes)
    ))
}

fn update_readme(table: &str) -> Result {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let (Some(begin), Some(end)) = (readme.find(README_BEGIN), readme.find(README_END)) else {
        return Err(format!("README.md has no {README_BEGIN} … {README_END} section"));
    };
    let updated = format!("{}{README_BEGIN}\n{table}\n{}", &readme[..begin], &readme[end..]);
    std::fs::write(&path, updated).map_err(|e| format!("cannot write README.md: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table finds the benchmarks by the ids they run under: core 300 ns against a floor of 100 ns
    /// on the top-p row reads 3.0×, and a setting without figures shows dashes.
    #[test]
    fn the_table_reads_the_benchmarks_own_ids() {
        let native = BTreeMap::from([
            ("core/top_p0.9/32000".to_string(), 300.0),
            ("floor/max_sum_exp/32000".to_string(), 100.0),
            ("core/min_p0.05/50257".to_string(), 200.0),
            ("floor/max_sum_exp/50257".to_string(), 100.0),
        ]);
        let table = sampler_table(&native, &BTreeMap::new());
        let row = |start: &str| table.lines().find(|l| l.starts_with(start)).unwrap_or_default().to_string();
        assert!(row("| top-p 0.9 | 32000 |").contains("| 0.30 µs | 0.10 µs | 3.0× |"), "{table}");
        assert!(row("| min-p 0.05 | 50257 |").contains("| 0.20 µs | 0.10 µs | 2.0× |"), "{table}");
        assert!(row("| greedy | 32000 |").contains("| – | – | – |"), "{table}");
    }

    /// Every shape of a setting on one row: each cell the core and its ratio to that shape's floor, the
    /// worst shape over the model-like one, and the nearest peer over the core on its best shape for it.
    #[test]
    fn the_shape_table_reads_every_shape_of_a_setting() {
        let mut native = BTreeMap::new();
        for (shape, core) in [("model_like", 200.0), ("confident", 300.0), ("ties", 500.0), ("flat", 250.0)] {
            native.insert(format!("core/top_p0.9/{shape}/50257"), core);
            native.insert(format!("floor/max_sum_exp/{shape}/50257"), 100.0);
            native.insert(format!("candle/top_p0.9/{shape}/50257"), 10.0 * core);
            native.insert(format!("llm-samplers/top_p0.9/{shape}/50257"), 4.0 * core);
        }
        native.insert("llm-samplers/top_p0.9/ties/50257".into(), 1500.0);
        let wasm = BTreeMap::from([
            ("core/top_p0.9/flat/50257".to_string(), 600.0),
            ("floor/max_sum_exp/flat/50257".to_string(), 300.0),
        ]);
        let table = shape_table(&native, &wasm);
        let (native_part, wasm_part) = table.split_once("In Chromium").expect("two parts");
        let row = native_part.lines().find(|l| l.starts_with("| top-p 0.9 | 50257 |")).unwrap_or_default();
        assert!(row.contains("| 0.20 µs (2.0×) | 0.30 µs (3.0×) | 0.50 µs (5.0×) | 0.25 µs (2.5×) |"), "{table}");
        assert!(row.ends_with("| 2.5× | 3.0× |"), "{row}");
        let empty = native_part.lines().find(|l| l.starts_with("| top-p 0.9 | 151936 |")).unwrap_or_default();
        assert!(empty.ends_with("| – (–) | – | – |"), "{empty}");
        // In Chromium: the core and the floors only, no peer column.
        let row = wasm_part.lines().find(|l| l.starts_with("| top-p 0.9 | 50257 |")).unwrap_or_default();
        assert!(row.ends_with("| – (–) | – (–) | – (–) | 0.60 µs (2.0×) | – |"), "{row}");
    }

    /// A row per contender: acceptance and passes per token from the counted totals, the speedup from
    /// the batch times; plain sampling's row reads 1.00 pass per token and 1.00×.
    #[test]
    fn the_speculative_table_reads_the_totals_and_the_times() {
        let totals = r#"[{"gamma": null, "names": 500, "batch": 16, "target_passes": 400, "drafted": 0, "accepted": 0, "tokens": 400},
            {"gamma": 2, "names": 500, "batch": 16, "target_passes": 200, "drafted": 400, "accepted": 300, "tokens": 500}]"#;
        let medians = BTreeMap::from([("plain/16".to_string(), 6e6), ("gamma2/16".to_string(), 4e6)]);
        let table = speculative_table(&medians, totals).unwrap();
        assert!(table.contains("| 0 (plain cached sampling) | – | 1.00 | 1.00 | 6.00 ms | 1.00× |"), "{table}");
        assert!(table.contains("| 2 | 75 % | 0.40 | 2.50 | 4.00 ms | 1.50× |"), "{table}");
        assert!(speculative_table(&medians, "not json").is_err());
    }
}
