//! Compares decoding methods on the shipped transformer and writes `assets/models/decoding.json`,
//! which the page shows. Run it as `cargo xtask decoding-table`; a test recomputes it.

use std::path::Path;

use burn::config::Config;
use model::{Gpt, decoding_table, device};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let table = decoding_table(&Gpt::shipped(&device())?, 100, 2020)?;
    for row in &table.rows {
        println!(
            "{:<18} log-likelihood {:>7.3}  repeated trigrams {:>5.3}  distinct {:>3}",
            row.method, row.log_likelihood, row.repeated_trigrams, row.distinct
        );
    }
    table.save(root.join("assets/models/decoding.json"))?;
    Ok(())
}
