//! `cargo xtask mutants [ARGS...]`: mutation testing of the sampling core with cargo-mutants
//! (crates.io). Each mutant is a small edit of the code (a `<` made `<=`, a function made to return a
//! default); a mutant the crate's own tests do not notice points at behaviour no test checks. Slow (a
//! build and the test suite per mutant), so not part of `cargo xtask test`. Extra arguments go to
//! cargo-mutants (for example `--file crates/sampling/src/beam.rs`). Mutants that cannot change
//! behaviour are excluded in `.cargo/mutants.toml`, each with its reason.

use crate::run::{Result, cmd, root, step};
use crate::tools::cargo_subcommand;

/// cargo-mutants from crates.io.
const CARGO_MUTANTS_VERSION: &str = "27.1.0";

/// cargo-mutants' exit status when every mutant was caught but some ran past the timeout.
const TIMEOUTS_ONLY: i32 = 3;

/// Runs cargo-mutants on the sampling crate and prints the score. Fails when a mutant was missed or
/// cargo-mutants could not run; a mutant that timed out counts as detected.
pub fn mutants(args: &[String]) -> Result {
    step("tools: cargo-mutants", || cargo_subcommand("mutants", "cargo-mutants", CARGO_MUTANTS_VERSION))?;
    let out = root().join("target").join("mutants");
    step("mutants of the sampling crate (cargo mutants -p sampling)", || {
        let mut c = cmd("cargo", &["mutants", "--package", "sampling", "--test-package", "sampling", "--output"]);
        c.arg(&out).args(args);
        println!("$ {c:?}");
        let status = c.status().map_err(|e| format!("could not start cargo-mutants: {e}"))?;
        let outcomes = out.join("mutants.out").join("outcomes.json");
        if status.success() || status.code() == Some(TIMEOUTS_ONLY) {
            let text = std::fs::read_to_string(&outcomes).map_err(|e| format!("{}: {e}", outcomes.display()))?;
            println!("\n{}", score(&text)?.0);
            Ok(())
        } else if let Some(text) = std::fs::read_to_string(&outcomes).ok().filter(|_| status.code() == Some(2)) {
            let (line, missed) = score(&text)?;
            println!("\n{line}");
            Err(format!("{missed} mutants missed: see {}", outcomes.display()))
        } else {
            Err(format!("cargo-mutants failed ({status})"))
        }
    })
}

/// "C of V viable mutants detected (P %): K caught, T timed out, M missed; U unviable" from
/// cargo-mutants' `outcomes.json`, and how many were missed. A mutant that makes the tests run past the
/// timeout (an endless loop) is detected: the suite does not pass with it.
fn score(json: &str) -> Result<(String, u64)> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("outcomes.json: {e}"))?;
    let count = |key: &str| value.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let (caught, missed, timeout, unviable) = (count("caught"), count("missed"), count("timeout"), count("unviable"));
    let viable = caught + missed + timeout;
    let detected = caught + timeout;
    let percent = if viable == 0 { 0.0 } else { 100.0 * detected as f64 / viable as f64 };
    let line = format!(
        "{detected} of {viable} viable mutants detected ({percent:.1} %): {caught} caught, {timeout} timed out, \
         {missed} missed; {unviable} unviable"
    );
    Ok((line, missed))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_score_counts_caught_over_viable() {
        let json = r#"{"total_mutants": 10, "caught": 7, "missed": 2, "timeout": 1, "unviable": 3, "success": 0}"#;
        assert_eq!(
            super::score(json).unwrap(),
            ("8 of 10 viable mutants detected (80.0 %): 7 caught, 1 timed out, 2 missed; 3 unviable".to_string(), 2)
        );
        assert!(super::score("not json").is_err());
    }
}
