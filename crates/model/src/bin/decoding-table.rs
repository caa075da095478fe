//! Compares decoding methods on the shipped transformer and on the Shakespeare model, writes
//! `assets/models/decoding.json` and `assets/models/text-decoding.json` (which the page shows) and the same
//! tables into the README. Run it as `cargo xtask decoding-table`; tests recompute them on fewer names
//! and prompts and another checks the README's copies.

use std::path::Path;

use model::{Gpt, decoding_table, device};

/// Names per method, the sampled methods' seed, and the continuous runs: `RUNS` of `RUN_LENGTH` symbols.
const GENERATIONS: usize = 100;
const SEED: u64 = 2020;
const RUN_LENGTH: usize = 200;
const RUNS: usize = 20;

/// On text: prompts (lines of the held-out plays), and the tokens written after each.
const PROMPTS: usize = 50;
const LENGTH: usize = 200;

/// Puts `markdown` into the README between `<!-- {name}:begin -->` and `<!-- {name}:end -->`.
fn into_readme(root: &Path, name: &str, markdown: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (begin, end) = (format!("<!-- {name}:begin -->\n"), format!("<!-- {name}:end -->"));
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)?;
    let (Some(a), Some(b)) = (readme.find(&begin), readme.find(&end)) else {
        return Err(format!("README.md has no {name}:begin / {name}:end markers").into());
    };
    std::fs::write(readme_path, format!("{}{begin}{markdown}{}", &readme[..a], &readme[b..]))?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let table = decoding_table(&Gpt::shipped(&device())?, GENERATIONS, SEED, RUN_LENGTH, RUNS)?;
    let markdown = table.markdown();
    print!("{markdown}");
    std::fs::write(root.join("assets/models/decoding.json"), serde_json::to_string_pretty(&table)?)?;
    into_readme(&root, "decoding", &markdown)?;

    let model = model::text::load(&std::fs::read(root.join("assets/models/shakespeare.bpk"))?, &device())?;
    let bpe = model::bpe::Bpe::from_json(model::text::TOKENIZER)?;
    let validation = std::fs::read_to_string(root.join("assets/corpus/shakespeare/validation.txt"))?;
    let passages = model::text_decoding::passages(&validation, PROMPTS);
    let started = std::time::Instant::now();
    let table = model::text_decoding::text_decoding_table(&model, &bpe, &passages, LENGTH, SEED)?;
    let markdown = table.markdown();
    print!("{markdown}");
    println!("(on text: {:.0} s)", started.elapsed().as_secs_f64());
    std::fs::write(root.join("assets/models/text-decoding.json"), serde_json::to_string_pretty(&table)?)?;
    into_readme(&root, "text-decoding", &markdown)?;
    Ok(())
}
