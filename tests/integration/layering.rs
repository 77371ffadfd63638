//! The library's shape (docs/architecture.md): no library module imports
//! the command line (`cli`, `commands`), and no two top-level modules
//! import each other, directly or around a cycle. Test code is left out
//! (a test may reach across).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LIBRARY: [&str; 10] = [
    "bom",
    "files",
    "input",
    "validate",
    "pipeline",
    "partner_center",
    "results",
    "sandbox",
    "settings",
    "logging",
];
const EDGE: [&str; 2] = ["cli", "commands"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.to_string_lossy().ends_with("_tests.rs")
        {
            out.push(path);
        }
    }
}

/// The code of a file without its `#[cfg(test)]` part (test modules sit at
/// the end of their files in this crate).
fn non_test_code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..cut]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level module → the other top-level modules its code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let names = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut graph = BTreeMap::new();
    for module in LIBRARY.iter().chain(EDGE.iter()) {
        let mut files = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        } else {
            files.push(src.join(format!("{module}.rs")));
        }
        let mut used = BTreeSet::new();
        for file in files {
            for caps in names.captures_iter(&non_test_code(&file)) {
                let name = caps[1].to_owned();
                if name != *module
                    && (LIBRARY.contains(&name.as_str()) || EDGE.contains(&name.as_str()))
                {
                    used.insert(name);
                }
            }
        }
        graph.insert((*module).to_owned(), used);
    }
    graph
}

#[test]
fn the_library_never_imports_the_command_line() {
    let graph = imports();
    for module in LIBRARY {
        let edge: Vec<_> = graph[module]
            .iter()
            .filter(|m| EDGE.contains(&m.as_str()))
            .collect();
        assert!(edge.is_empty(), "{module} imports {edge:?}");
    }
}

#[test]
fn top_level_modules_import_each_other_in_one_direction_only() {
    let graph = imports();
    // Depth-first search for a cycle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import cycle: {} -> {node}", path[at..].join(" -> "));
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in &graph[node] {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
    // The API client knows nothing of rows, files or validation: it uses
    // only the leaf `bom`, which imports nothing.
    assert!(graph["bom"].is_empty(), "{:?}", graph["bom"]);
    assert!(
        graph["partner_center"].iter().all(|m| m == "bom"),
        "{:?}",
        graph["partner_center"]
    );
}
