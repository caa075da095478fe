//! `cargo xtask build`: the release bundle in `dist/`, and what every other task needs of it.

use std::path::PathBuf;

use crate::run::{Result, cmd, root, run, step};
use crate::tools::{self, Tools};

/// Builds the release bundle into dist/.
pub fn build() -> Result {
    let tools = tools::ensure()?;
    step("fetch crates (Trunk builds offline)", fetch)?;
    step("release bundle (trunk build --release)", || release_bundle(&tools))
}

/// Downloads every crate the build needs, so that Trunk's offline cargo finds them.
pub fn fetch() -> Result {
    run(cmd("cargo", &["fetch"]))
}

/// Where the release bundle goes.
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
    print!("{}", size_table(&sizes));
    Ok(())
}

/// A Trunk command that uses the installed tools and never downloads.
fn trunk(tools: &Tools, args: &[&str]) -> std::process::Command {
    let mut c = cmd("trunk", args);
    c.env("PATH", &tools.path).env("TRUNK_SKIP_VERSION_CHECK", "true").env("TRUNK_OFFLINE", "true");
    c
}

/// What the page fetches on first load, file by file, raw and as the precompressed copies a server
/// sends, with the totals: a Markdown table.
pub fn size_table(sizes: &[site::Sizes]) -> String {
    let mut t = String::from("| file | bytes | brotli | gzip -9 |\n|---|---:|---:|---:|\n");
    for s in sizes {
        let name = s.path.file_name().unwrap_or_default().to_string_lossy();
        t += &format!("| {name} | {} | {} | {} |\n", s.raw, s.brotli, s.gzip);
    }
    let total = |f: fn(&site::Sizes) -> usize| sizes.iter().map(f).sum::<usize>();
    t += &format!(
        "| **total** | **{}** | **{}** | **{}** |\n",
        total(|s| s.raw),
        total(|s| s.brotli),
        total(|s| s.gzip)
    );
    t
}
