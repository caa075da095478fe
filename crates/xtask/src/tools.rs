//! Installing the tools, from the package registries only, and only when missing.
//!
//! Nothing here downloads from anywhere but crates.io, Debian's archive and the npm registry, so the
//! same steps work on an offline build machine that mirrors those. Each check is quick when the tool is
//! already there at the right version.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::run::{Result, cmd, output, root, run, step};

/// Trunk 0.22 needs rustc 1.96.1; 0.21.14 is the newest that builds with rustc 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// A current Binaryen from npm. Debian's binaryen 108 silently breaks wasm-bindgen 0.2.130's output.
const BINARYEN_VERSION: &str = "132.0.0";
/// axe-core from npm: the accessibility rules the end-to-end tests inject into the page.
const AXE_CORE_VERSION: &str = "4.14.1";
/// Lighthouse from npm: the load audit `cargo xtask bench` runs (version 12, its mobile profile).
const LIGHTHOUSE_VERSION: &str = "12.8.2";
/// The Debian packages of the browser and its WebDriver.
const BROWSER_PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

/// Where the installed tools are, for the commands that need them.
#[derive(Debug, Clone)]
pub struct Tools {
    /// A PATH with the installed tools first.
    pub path: OsString,
    /// The ChromeDriver binary.
    pub chromedriver: PathBuf,
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// axe-core's browser script, `axe.min.js`.
    pub axe: PathBuf,
}

/// Makes sure every tool is installed, installing what is missing.
pub fn ensure() -> Result<Tools> {
    step("tools: wasm32-unknown-unknown target", wasm_target)?;
    step("tools: wasm-bindgen-cli", wasm_bindgen_cli)?;
    step("tools: trunk", trunk)?;
    let binaryen_bin = step("tools: wasm-opt (npm binaryen)", wasm_opt)?;
    let (chromium, chromedriver) = step("tools: chromium and chromedriver", browser)?;
    let axe = step("tools: axe-core (npm)", axe_core)?;
    let mut dirs = vec![binaryen_bin, cargo_bin()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(dirs).map_err(|e| format!("cannot build PATH: {e}"))?;
    Ok(Tools { path, chromedriver, chromium, axe })
}

/// The folder `cargo install` puts binaries in.
fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The version a tool prints with `--version`, looked up in cargo's bin folder first.
fn version_of(tool: &str) -> Option<String> {
    let local = cargo_bin().join(tool);
    let program = if local.exists() { local.to_string_lossy().into_owned() } else { tool.to_string() };
    output(cmd(&program, &["--version"]))
}

fn wasm_target() -> Result {
    let installed = output(cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        println!("already installed");
        return Ok(());
    }
    run(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI and the test runner must match it exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == r#"name = "wasm-bindgen""#
            && let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(version.trim_matches('"').to_string());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen_cli() -> Result {
    let want = locked_wasm_bindgen()?;
    let have = version_of("wasm-bindgen").unwrap_or_default();
    let runner = cargo_bin().join("wasm-bindgen-test-runner").exists();
    if have.split_whitespace().nth(1) == Some(want.as_str()) && runner {
        println!("wasm-bindgen {want} already installed");
        return Ok(());
    }
    // Not --locked: the CLI's own lock file pins a webpki-roots release that the registry no longer serves.
    run(cmd("cargo", &["install", "wasm-bindgen-cli", "--version", &format!("={want}")]))
}

fn trunk() -> Result {
    let have = version_of("trunk").unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        println!("trunk {TRUNK_VERSION} already installed");
        return Ok(());
    }
    println!("building trunk {TRUNK_VERSION} from crates.io (about 15 minutes on 2 cores, once per machine)");
    run(cmd("cargo", &["install", "--locked", "trunk", "--version", &format!("={TRUNK_VERSION}")]))
}

/// Installs Binaryen's wasm-opt from npm into the target folder and returns the folder of its binary.
fn wasm_opt() -> Result<PathBuf> {
    let prefix = npm_prefix("binaryen", BINARYEN_VERSION)?;
    let bin = prefix.join("node_modules").join(".bin");
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    let version = output(cmd(&bin.join("wasm-opt").to_string_lossy(), &["--version"])).unwrap_or_default();
    if version.contains(&format!("version {major}")) {
        println!("{}", version.trim());
        return Ok(bin);
    }
    npm_install(&prefix, "binaryen", BINARYEN_VERSION, "the current wasm-opt")?;
    Ok(bin)
}

/// Installs axe-core from npm into the target folder and returns its browser script.
fn axe_core() -> Result<PathBuf> {
    let prefix = npm_prefix("axe-core", AXE_CORE_VERSION)?;
    let package = prefix.join("node_modules").join("axe-core");
    let script = package.join("axe.min.js");
    let manifest = std::fs::read_to_string(package.join("package.json")).unwrap_or_default();
    if !(script.exists() && manifest.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\""))) {
        npm_install(&prefix, "axe-core", AXE_CORE_VERSION, "the accessibility audit")?;
    }
    println!("axe-core {AXE_CORE_VERSION}: {}", script.display());
    Ok(script)
}

/// Installs Lighthouse from npm into the target folder (for the benchmark only) and returns its command.
pub fn lighthouse() -> Result<PathBuf> {
    let prefix = npm_prefix("lighthouse", LIGHTHOUSE_VERSION)?;
    let bin = prefix.join("node_modules").join(".bin").join("lighthouse");
    let version = output(cmd(&bin.to_string_lossy(), &["--version"])).unwrap_or_default();
    if version.trim() != LIGHTHOUSE_VERSION {
        npm_install(&prefix, "lighthouse", LIGHTHOUSE_VERSION, "the load audit")?;
    }
    println!("Lighthouse {LIGHTHOUSE_VERSION}: {}", bin.display());
    Ok(bin)
}

/// The folder an npm package is installed into: one per package and version, in the target folder.
fn npm_prefix(package: &str, version: &str) -> Result<PathBuf> {
    Ok(target_dir()?.join("xtask-tools").join(format!("{package}-{version}")))
}

/// `npm install package@version` into `prefix`, installing npm from Debian first if it is missing.
fn npm_install(prefix: &Path, package: &str, version: &str, why: &str) -> Result {
    if output(cmd("npm", &["--version"])).is_none() {
        apt_install(&["nodejs", "npm"], &format!("npm (for {why}, from the npm package {package})"))?;
    }
    std::fs::create_dir_all(prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let prefix_arg = prefix.to_string_lossy().into_owned();
    run(cmd("npm", &["install", "--prefix", &prefix_arg, "--no-audit", "--no-fund", &format!("{package}@{version}")]))
}

fn browser() -> Result<(PathBuf, PathBuf)> {
    let chromium = env_path("CHROMIUM", "/usr/bin/chromium");
    let driver = env_path("CHROMEDRIVER", "/usr/bin/chromedriver");
    if !(chromium.exists() && driver.exists()) {
        apt_install(&BROWSER_PACKAGES, "Chromium and ChromeDriver (for the browser tests)")?;
    }
    for tool in [&chromium, &driver] {
        if !tool.exists() {
            return Err(format!("{} is still missing after installing {}", tool.display(), BROWSER_PACKAGES.join(" ")));
        }
    }
    let version = output(cmd(&driver.to_string_lossy(), &["--version"])).unwrap_or_default();
    println!("{}", version.trim());
    Ok((chromium, driver))
}

fn env_path(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Installs Debian packages when running as root; otherwise says which to install.
fn apt_install(packages: &[&str], what: &str) -> Result {
    let is_root = output(cmd("id", &["-u"])).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "{what} missing. Install the Debian packages as root, then run this again:\n    sudo apt-get install -y {}",
            packages.join(" ")
        ));
    }
    let mut update = cmd("apt-get", &["update"]);
    update.env("DEBIAN_FRONTEND", "noninteractive");
    run(update)?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(packages);
    let mut install = cmd("apt-get", &args);
    install.env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// Cargo's target folder (honours CARGO_TARGET_DIR and config).
pub fn target_dir() -> Result<PathBuf> {
    let meta = output(cmd("cargo", &["metadata", "--format-version", "1", "--no-deps", "--offline"]))
        .or_else(|| output(cmd("cargo", &["metadata", "--format-version", "1", "--no-deps"])))
        .ok_or("cargo metadata failed")?;
    let key = r#""target_directory":""#;
    let start = meta.find(key).ok_or("cargo metadata has no target_directory")? + key.len();
    let end = meta[start..].find('"').ok_or("malformed cargo metadata")? + start;
    Ok(PathBuf::from(meta[start..end].replace("\\\\", "\\")))
}

/// Installs `krate` at `version` from crates.io, unless `cargo <subcommand> --version` reports it.
pub fn cargo_subcommand(subcommand: &str, krate: &str, version: &str) -> Result {
    let have = output(cmd("cargo", &[subcommand, "--version"])).unwrap_or_default();
    if have.contains(version) {
        println!("{}", have.trim());
        return Ok(());
    }
    run(cmd("cargo", &["install", "--locked", krate, "--version", &format!("={version}")]))
}

/// `cargo xtask setup`: installs the tools only.
pub fn setup() -> Result {
    ensure().map(|_| ())
}
