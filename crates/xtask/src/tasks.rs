//! The tasks themselves.

use std::path::PathBuf;

use crate::run::{Result, cmd, root, run, step};
use crate::tools::{self, Tools};

const WASM: &str = "wasm32-unknown-unknown";
/// The crates that build for the browser (clippy checks them for wasm32).
const WASM_CRATES: [&str; 3] = ["sampling", "model", "web"];
/// The crates with wasm-bindgen tests.
const WASM_TESTED: [&str; 2] = ["sampling", "web"];

/// Installs the tools only.
pub fn setup() -> Result {
    tools::ensure().map(|_| ())
}

/// Builds and serves the page on http://127.0.0.1:8080.
pub fn serve() -> Result {
    let tools = tools::ensure()?;
    step("fetch crates (Trunk builds offline)", fetch)?;
    step("release bundle (trunk build --release, prerender, precompress)", || release_bundle(&tools))?;
    let server = site::Server::start(&dist(), 8080)?;
    println!("\nServing the lesson on {} (Ctrl-C stops it)", server.url());
    server.wait();
    Ok(())
}

/// Builds the release bundle into dist/.
pub fn build() -> Result {
    let tools = tools::ensure()?;
    step("fetch crates (Trunk builds offline)", fetch)?;
    step("release bundle (trunk build --release)", || release_bundle(&tools))
}

/// The kinds of test, in the order `cargo xtask test` runs them.
const KINDS: [&str; 4] = ["lint", "native", "wasm", "e2e"];

/// Runs every check, or the kinds named.
pub fn test(kinds: &[String]) -> Result {
    if let Some(unknown) = kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
        return Err(format!("unknown test kind `{unknown}`; the kinds are {}", KINDS.join(", ")));
    }
    let wanted = |kind: &str| kinds.is_empty() || kinds.iter().any(|k| k == kind);
    let started = std::time::Instant::now();
    let tools = tools::ensure()?;
    step("fetch crates", fetch)?;
    if wanted("lint") {
        step("format (cargo fmt --check)", || run(cmd("cargo", &["fmt", "--all", "--", "--check"])))?;
        step("clippy, native", || {
            run(cmd("cargo", &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]))
        })?;
        step("clippy, wasm32", || {
            let mut args = vec!["clippy", "--target", WASM, "--lib", "--bins", "--tests"];
            for krate in WASM_CRATES {
                args.extend(["-p", krate]);
            }
            args.extend(["--", "-D", "warnings"]);
            run(cmd("cargo", &args))
        })?;
    }
    if wanted("native") {
        step("native tests (cargo test)", || run(cmd("cargo", &["test", "--workspace", "--exclude", "e2e"])))?;
        // The design named burn-ndarray; Flex is the default because it measured faster. Both must work.
        step("the models on burn's NdArray backend (cargo test -p model --features ndarray)", || {
            run(cmd("cargo", &["test", "-p", "model", "--features", "ndarray"]))
        })?;
    }
    if wanted("wasm") {
        step("wasm tests in headless Chromium (wasm-bindgen-test)", || {
            let mut args = vec!["test", "--target", WASM];
            for krate in WASM_TESTED {
                args.extend(["-p", krate]);
            }
            let mut c = cmd("cargo", &args);
            c.env("PATH", &tools.path).env("CHROMEDRIVER", &tools.chromedriver);
            run(c)
        })?;
    }
    if wanted("e2e") {
        step("release bundle (trunk build --release)", || release_bundle(&tools))?;
        step("end-to-end tests in Chromium (fantoccini)", || run(e2e(&tools, &["test", "-p", "e2e"])))?;
    }
    println!("\nAll checks passed in {}.", crate::run::human(started.elapsed().as_secs_f64()));
    Ok(())
}

/// The long monkey run: `actions` random actions (default 2,000) on the release bundle in Chromium.
pub fn monkey(args: &[String]) -> Result {
    let actions: usize = match args.first() {
        None => 2000,
        Some(s) => s.parse().map_err(|_| format!("usage: cargo xtask monkey [ACTIONS], not {s:?}"))?,
    };
    let tools = tools::ensure()?;
    step("fetch crates", fetch)?;
    step("release bundle (trunk build --release)", || release_bundle(&tools))?;
    step(&format!("monkey test, {actions} actions"), || {
        let mut c = e2e(&tools, &["test", "-p", "e2e", "--test", "monkey", "--", "--nocapture"]);
        c.env("MONKEY_ACTIONS", actions.to_string());
        run(c)
    })
}

/// A cargo command for the end-to-end tests, told where the bundle, the browser and axe-core are.
pub fn e2e(tools: &Tools, args: &[&str]) -> std::process::Command {
    let mut c = cmd("cargo", args);
    c.env("E2E_DIST", dist()).env("CHROMEDRIVER", &tools.chromedriver).env("CHROMIUM", &tools.chromium);
    c.env("AXE_CORE", &tools.axe);
    c
}

/// Downloads every crate the build needs, so that Trunk's offline cargo finds them.
fn fetch() -> Result {
    run(cmd("cargo", &["fetch"]))
}

pub fn dist() -> PathBuf {
    root().join("dist")
}

/// Builds the page into dist/: Trunk builds the app, the lesson rendered natively goes into the HTML's
/// body (`web`'s `prerender`), and every file gets a brotli and a gzip copy beside it. Prints the sizes.
pub fn release_bundle(tools: &Tools) -> Result {
    run(trunk(tools, &["build", "--release"]))?;
    let index = dist().join("index.html");
    let mut prerender = cmd("cargo", &["run", "-p", "web", "--features", "ssr", "--bin", "prerender", "--"]);
    prerender.arg(&index);
    run(prerender)?;
    let sizes = site::precompress(&dist()).map_err(|e| format!("cannot precompress dist/: {e}"))?;
    for s in &sizes {
        let name = s.path.file_name().unwrap_or_default().to_string_lossy();
        println!("{name}: {} bytes, brotli {}, gzip {}", s.raw, s.brotli, s.gzip);
    }
    let total = |f: fn(&site::Sizes) -> usize| sizes.iter().map(f).sum::<usize>();
    println!("first load: {} bytes, brotli {}, gzip {}", total(|s| s.raw), total(|s| s.brotli), total(|s| s.gzip));
    Ok(())
}

/// A Trunk command that uses the installed tools and never downloads.
fn trunk(tools: &Tools, args: &[&str]) -> std::process::Command {
    let mut c = cmd("trunk", args);
    c.env("PATH", &tools.path).env("TRUNK_SKIP_VERSION_CHECK", "true").env("TRUNK_OFFLINE", "true");
    c
}
