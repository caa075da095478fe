//! Compares decoding methods on the shipped transformer, writes `assets/models/decoding.json` (which
//! the page shows) and the same table into the README. Run it as `cargo xtask decoding-table`; a test
//! recomputes it and another checks the README's copy.

use std::path::Path;

use model::{Gpt, decoding_table, device};

/// Names per method, the sampled methods' seed, and the continuous runs: `RUNS` of `RUN_LENGTH` symbols.
const GENERATIONS: usize = 100;
const SEED: u64 = 2020;
const RUN_LENGTH: usize = 200;
const RUNS: usize = 20;

/// Where the README's copy of the table sits.
const BEGIN: &str = "<!-- decoding:begin -->\n";
const END: &str = "<!-- decoding:end -->";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let table = decoding_table(&Gpt::shipped(&device())?, GENERATIONS, SEED, RUN_LENGTH, RUNS)?;
    let markdown = table.markdown();
    print!("{markdown}");
    std::fs::write(root.join("assets/models/decoding.json"), serde_json::to_string_pretty(&table)?)?;
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)?;
    let (Some(a), Some(b)) = (readme.find(BEGIN), readme.find(END)) else {
        return Err("README.md has no decoding:begin / decoding:end markers".into());
    };
    let updated = format!("{}{BEGIN}{markdown}{}", &readme[..a], &readme[b..]);
    std::fs::write(readme_path, updated)?;
    Ok(())
}
