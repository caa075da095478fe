//! `cargo xtask test`: install what is missing, then every check: fmt, clippy (native and wasm32), native
//! tests (the models also on NdArray), wasm tests in headless Chromium, the release bundle, end-to-end
//! tests in Chromium.

use crate::build::{dist, fetch, release_bundle};
use crate::run::{Result, cmd, run, step};
use crate::tools::{self, Tools};

const WASM: &str = "wasm32-unknown-unknown";
/// The crates that build for the browser (clippy checks them for wasm32).
const WASM_CRATES: [&str; 5] = ["sampling", "protocol", "model", "worker", "web"];
/// The crates with wasm-bindgen tests.
const WASM_TESTED: [&str; 2] = ["sampling", "web"];

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

/// A cargo command for the end-to-end tests, told where the bundle, the browser and axe-core are.
pub fn e2e(tools: &Tools, args: &[&str]) -> std::process::Command {
    let mut c = cmd("cargo", args);
    c.env("E2E_DIST", dist()).env("CHROMEDRIVER", &tools.chromedriver).env("CHROMIUM", &tools.chromium);
    c.env("AXE_CORE", &tools.axe);
    c
}
