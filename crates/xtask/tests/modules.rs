//! No import cycle between the modules of any crate: each module may use only modules below it, so a
//! newcomer can read a crate from the bottom up. A module's dependencies are the paths it names
//! (`crate::…`, `super::…`, `self::…`, and names the crate root re-exports); its tests are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates of the workspace, by the folder that holds `src/`.
const CRATES: [&str; 8] = [
    "crates/sampling",
    "crates/protocol",
    "crates/model",
    "crates/fuzzing",
    "crates/site",
    "crates/xtask",
    "web",
    "tests",
];

/// The crate root's node.
const ROOT: &str = "crate";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, binaries' folder left out (each binary is a crate of its own).
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "bin") {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines, as a path of names ("fast/top_p"); the crate root for lib.rs and main.rs.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [one] if one == "lib" || one == "main" => ROOT.into(),
        [dirs @ .., last] if last == "mod" => dirs.join("/"),
        all => all.join("/"),
    }
}

/// The code of a file without comments, string contents, and anything from its first `#[cfg(test)]` on.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The paths named after `crate::`, `super::` or `self::`, with their prefix, one level of braces opened:
/// `use crate::{a::B, c};` gives `crate::a::B` and `crate::c`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < bytes.len() {
        if !word(bytes[i]) || (i > 0 && (word(bytes[i - 1]) || bytes[i - 1] == ':')) {
            i += 1;
            continue;
        }
        // Read a path a::b::c, stopping at a brace.
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && word(bytes[j]) {
                j += 1;
            }
            segments.push(bytes[start..j].iter().collect::<String>());
            if j + 2 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' && word(bytes[j + 2]) {
                j += 2;
            } else {
                break;
            }
        }
        let prefixed = matches!(segments[0].as_str(), "crate" | "super" | "self");
        if prefixed && j + 2 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' && bytes[j + 2] == '{' {
            let close = (j + 3..bytes.len()).find(|&k| bytes[k] == '}').unwrap_or(bytes.len());
            let inner: String = bytes[j + 3..close].iter().collect();
            for item in inner.split(',') {
                let item: Vec<String> =
                    item.trim().split("::").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                if !item.is_empty() && item.iter().all(|s| s.chars().all(word)) {
                    out.push(segments.iter().cloned().chain(item).collect());
                }
            }
            i = close;
        } else {
            if prefixed && segments.len() > 1 {
                out.push(segments);
            }
            i = j;
        }
    }
    out
}

/// The module graph of one crate: each module and the modules it uses.
fn graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = dir.join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    // Names the root re-exports, and names it defines.
    let root_file = files.iter().find(|f| module_of(&src, f) == ROOT).cloned();
    let root_text = root_file.map(|f| std::fs::read_to_string(f).unwrap_or_default()).unwrap_or_default();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for line in code(&root_text).lines().map(str::trim).filter(|l| l.starts_with("pub use ")) {
        let path = line.trim_start_matches("pub use ").trim_end_matches(';');
        let (module, names) = match path.split_once("::{") {
            Some((m, names)) => (m.to_string(), names.trim_end_matches('}').to_string()),
            None => match path.rsplit_once("::") {
                Some((m, name)) => (m.to_string(), name.to_string()),
                None => continue,
            },
        };
        let module = module.trim_start_matches("crate::").replace("::", "/");
        for name in names.split(',').map(|n| n.split(" as ").last().unwrap_or(n).trim()) {
            if modules.contains(&module) && !name.is_empty() {
                owner.insert(name.to_string(), module.clone());
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        let text = code(&std::fs::read_to_string(file).unwrap_or_default());
        let here: Vec<&str> = if module == ROOT { vec![] } else { module.split('/').collect() };
        let used = edges.entry(module.clone()).or_default();
        for path in paths(&text) {
            let (mut base, rest): (Vec<&str>, &[String]) = match path[0].as_str() {
                "crate" => (vec![], &path[1..]),
                "super" => (here[..here.len().saturating_sub(1)].to_vec(), &path[1..]),
                _ => (here.clone(), &path[1..]),
            };
            // The longest run of segments that names a module; otherwise a name the root re-exports.
            let mut target = None;
            for segment in rest {
                base.push(segment);
                let candidate = base.join("/");
                if modules.contains(&candidate) {
                    target = Some(candidate);
                }
            }
            let target = target.or_else(|| {
                let first = rest.first()?;
                match path[0].as_str() {
                    "crate" => owner.get(first).cloned().or(Some(ROOT.into())),
                    _ => None,
                }
            });
            if let Some(target) = target.filter(|t| *t != module) {
                // The root only declares modules and re-exports them; what it defines itself is a node.
                if target != ROOT || module != ROOT {
                    used.insert(target);
                }
            }
        }
    }
    // The root's own `mod` and `pub use` lines are declarations, not uses.
    if let Some(from_root) = edges.get_mut(ROOT) {
        let declared: BTreeSet<String> = owner.values().cloned().collect();
        from_root.retain(|m| !declared.contains(m) || uses_beyond_reexport(&root_text, m));
    }
    edges
}

/// Whether the root's code names `module` other than in its `pub use` lines.
fn uses_beyond_reexport(root_text: &str, module: &str) -> bool {
    let path = module.replace('/', "::");
    code(root_text)
        .lines()
        .filter(|l| !l.trim_start().starts_with("pub use ") && !l.trim_start().starts_with("mod "))
        .any(|l| l.contains(&format!("{path}::")) || l.contains(&format!("crate::{path}")))
}

/// A cycle in `edges`, if there is one, as the modules along it.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut found = stack[at..].to_vec();
                    found.push(next.clone());
                    return Some(found);
                }
                Some(_) => {}
                None => {
                    if let Some(found) = visit(next, edges, state, stack) {
                        return Some(found);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    edges.keys().find_map(|n| if state.contains_key(n) { None } else { visit(n, edges, &mut state, &mut Vec::new()) })
}

#[test]
fn no_crate_has_an_import_cycle() {
    for dir in CRATES {
        let edges = graph(&root().join(dir));
        assert!(edges.len() > 1 || dir.ends_with("fuzzing") || dir.ends_with("site"), "{dir}: no modules found");
        if let Some(found) = cycle(&edges) {
            panic!("{dir}: the modules import each other: {}", found.join(" → "));
        }
    }
}

#[test]
fn the_checker_finds_a_cycle_and_reads_braces() {
    let found: Vec<Vec<String>> = paths("use crate::{a::B, c};\nlet x = super::d::e(); crate::f::G");
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["crate::a::B", "crate::c", "super::d::e", "crate::f::G"]);
    let edges = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(cycle(&edges), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let mut acyclic = edges.clone();
    acyclic.insert("c".into(), BTreeSet::new());
    assert_eq!(cycle(&acyclic), None);
}
