//! Running commands, printing each step and its time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

/// The result of every task: a message for the person at the terminal on failure.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root: the folder above `crates/xtask`.
///
/// Read from `CARGO_MANIFEST_DIR` as `cargo run` sets it now, not as it was at compile time: clones that
/// share a target folder share the compiled xtask, and it must work on the clone it is run from.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
        manifest.ancestors().nth(2).expect("crates/xtask has two parents").to_path_buf()
    })
}

/// Runs `f` as a named step, printing its name before and its duration after.
pub fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\n==> {name}");
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    match &out {
        Ok(_) => println!("<== {name}: ok in {}", human(secs)),
        Err(_) => println!("<== {name}: FAILED after {}", human(secs)),
    }
    out
}

/// Seconds as "12.3 s" or "4 min 05 s".
pub fn human(secs: f64) -> String {
    if secs < 60.0 { format!("{secs:.1} s") } else { format!("{} min {:02} s", secs as u64 / 60, secs as u64 % 60) }
}

/// A command to run from the repository root.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

/// Runs a command, echoing it; fails with its exit status.
pub fn run(mut c: Command) -> Result {
    println!("$ {}", show(&c));
    let status = c.status().map_err(|e| format!("could not start `{}`: {e}", show(&c)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed ({status})", show(&c))) }
}

/// Runs a command quietly and returns its standard output, or None if it cannot run or fails.
pub fn output(mut c: Command) -> Option<String> {
    let out = c.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
