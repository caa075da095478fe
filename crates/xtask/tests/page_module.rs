//! The page's module is built without burn: every model runs in the model worker. Read from cargo's own
//! dependency tree for the browser target, so that a dependency added anywhere under `web` that pulls
//! burn in fails here.

use std::process::Command;

/// The crates `package` depends on when built for the browser (normal dependencies, features as the
/// build has them), one name a line.
fn browser_dependencies(package: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["tree", "-p", package, "--target", "wasm32-unknown-unknown", "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}", "--offline"])
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree -p {package} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn no_burn_crate_enters_the_page_but_the_worker_has_burn() {
    let page = browser_dependencies("web");
    assert!(page.iter().any(|c| c == "leptos") && page.iter().any(|c| c == "sampling"), "{page:?}");
    let burn: Vec<&String> = page.iter().filter(|c| c.starts_with("burn") || *c == "model").collect();
    assert!(burn.is_empty(), "the page's module would hold {burn:?}");
    let worker = browser_dependencies("worker");
    assert!(worker.iter().any(|c| c == "burn-flex"), "the worker runs the models on burn: {worker:?}");
}
