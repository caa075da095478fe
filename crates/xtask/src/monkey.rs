//! `cargo xtask monkey [ACTIONS]`: the long run of the seeded monkey test on the release bundle in
//! Chromium (CI runs a short one as part of the end-to-end tests).

use crate::build::{fetch, release_bundle};
use crate::run::{Result, run, step};
use crate::test::e2e;
use crate::tools;

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
