//! The library's shape (docs/architecture.md): no library module imports
//! the command line (`cli`, `commands`), and no two top-level modules
//! import each other, directly or around a cycle. Test code is left out
//! (a test may reach across): every `#[cfg(test)]` item, wherever it sits
//! in a file, and the files of `#[cfg(test)]` modules; everything else of
//! every file is read (`layering_strip` finds the test items).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::layering_strip::{crate_paths, strip_test_code};

const LIBRARY: [&str; 13] = [
    "bom",
    "secrets",
    "files",
    "login",
    "input",
    "validate",
    "pipeline",
    "partner_center",
    "results",
    "sandbox",
    "settings",
    "template",
    "logging",
];
const EDGE: [&str; 2] = ["cli", "commands"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file's code without its test items, and the files that are
/// test modules (declared `#[cfg(test)] mod name;`), which are left out.
fn non_test_sources() -> BTreeMap<PathBuf, String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut code = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let stripped = strip_test_code(&text);
        for module in stripped.test_modules {
            test_files.extend(module.files(&file));
        }
        if !stripped.whole_file_is_test {
            code.insert(file, stripped.code);
        }
    }
    for file in &test_files {
        code.remove(file);
    }
    let named_tests: Vec<_> = code
        .keys()
        .filter(|f| f.to_string_lossy().ends_with("_tests.rs"))
        .collect();
    assert!(
        named_tests.is_empty(),
        "files named as tests but not declared #[cfg(test)]: {named_tests:?}"
    );
    code
}

/// The top-level module a file of `src/` belongs to, and its module path
/// below the crate root (`src/partner_center/client/mod.rs`: partner_center,
/// [partner_center, client]).
fn module_of(file: &Path) -> (String, Vec<String>) {
    let relative = file.strip_prefix(src()).unwrap().with_extension("");
    let mut path: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if path.last().is_some_and(|l| l == "mod") {
        path.pop();
    }
    (path[0].clone(), path)
}

/// Top-level module → the other top-level modules its code names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = LIBRARY
        .iter()
        .chain(EDGE.iter())
        .map(|m| ((*m).to_owned(), BTreeSet::new()))
        .collect();
    for (file, code) in non_test_sources() {
        let (module, path) = module_of(&file);
        let Some(used) = graph.get_mut(&module) else {
            continue; // lib.rs, main.rs
        };
        for name in crate_paths(&code, &path) {
            if name != module && (LIBRARY.contains(&name.as_str()) || EDGE.contains(&name.as_str()))
            {
                used.insert(name);
            }
        }
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
    // only the leaves `bom` and `secrets`, which import nothing.
    assert!(graph["bom"].is_empty(), "{:?}", graph["bom"]);
    assert!(graph["secrets"].is_empty(), "{:?}", graph["secrets"]);
    assert!(
        graph["partner_center"]
            .iter()
            .all(|m| m == "bom" || m == "secrets"),
        "{:?}",
        graph["partner_center"]
    );
}

#[test]
fn test_module_files_are_left_out_and_every_other_file_is_read() {
    let mut all = Vec::new();
    rust_files(&src(), &mut all);
    let sources = non_test_sources();
    let left_out: Vec<_> = all.iter().filter(|f| !sources.contains_key(*f)).collect();
    // `#[cfg(test)] mod test_support;`, `#[path = "xlsx_tests.rs"] mod tests;`…
    assert!(left_out.len() >= 3, "{left_out:?}");
    assert!(
        left_out
            .iter()
            .any(|f| f.ends_with("input/test_support.rs")),
        "{left_out:?}"
    );
    assert!(sources.len() > 100, "{} files read", sources.len());
}
