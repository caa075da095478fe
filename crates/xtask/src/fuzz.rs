//! `cargo xtask fuzz [SECONDS]`: grows the committed corpus with libFuzzer, then shrinks it again.
//!
//! cargo-fuzz needs a nightly toolchain, which CI does not assume: CI replays `fuzz/corpus/` as ordinary
//! tests (crates/fuzzing/tests/corpus.rs). This task is the long run.

use crate::run::{Result, cmd, output, run, step};
use crate::tools::cargo_subcommand;

/// The fuzz targets, in fuzz/fuzz_targets/.
const TARGETS: [&str; 3] = ["sampler", "pipeline", "prompt"];
/// cargo-fuzz from crates.io.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Runs every target for `seconds` (default 60) each, then minimizes its corpus.
pub fn fuzz(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        None => 60,
        Some(s) => s.parse().map_err(|_| format!("usage: cargo xtask fuzz [SECONDS], not {s:?}"))?,
    };
    let toolchains = output(cmd("rustup", &["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        return Err("cargo-fuzz needs a nightly toolchain: `rustup toolchain install nightly` (CI replays the \
                    committed corpus on stable instead)"
            .into());
    }
    step("tools: cargo-fuzz", || cargo_subcommand("fuzz", "cargo-fuzz", CARGO_FUZZ_VERSION))?;
    let time = format!("-max_total_time={seconds}");
    for target in TARGETS {
        step(&format!("fuzz {target} for {seconds} s"), || {
            // Short inputs keep the committed corpus small; the sampler grows large vocabularies from a seed.
            run(cmd("cargo", &["+nightly", "fuzz", "run", target, "--", &time, "-max_len=512", "-print_final_stats=1"]))
        })?;
        step(&format!("minimize the {target} corpus"), || run(cmd("cargo", &["+nightly", "fuzz", "cmin", target])))?;
    }
    println!("The corpus is in fuzz/corpus/; commit what changed so CI replays it.");
    Ok(())
}
