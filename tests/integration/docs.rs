//! The repository's documents and comments stand on their own: every file
//! they cite is in the repository, they cite no issue numbers (a reader of
//! the repository has no issue tracker), and what they count is counted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (recursively) whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                files(&path, exts, out);
            }
        } else if exts.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

/// The documents: Markdown, shell scripts, Rust sources (their comments).
/// Not the test data: `tests/data/real-payloads/INDEX.md` is Microsoft's
/// corpus's own description, citing Microsoft's files.
fn documents() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(root(), &[".md", ".sh", ".rs"], &mut out);
    files(&root().join(".ci"), &["run"], &mut out);
    out.retain(|p| !relative(p).starts_with("tests/data/real-payloads/"));
    out.sort();
    assert!(out.len() > 50, "found {} files", out.len());
    out
}

/// The names of every file in the repository (for citations by bare name).
fn basenames() -> BTreeSet<String> {
    let mut all = Vec::new();
    files(root(), &[""], &mut all);
    all.iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

/// A cited path exists: from the repository root or the citing file's
/// directory; a bare file name anywhere in the repository.
fn exists(cited: &str, citing: &Path, names: &BTreeSet<String>) -> bool {
    let dir = citing.parent().unwrap();
    root().join(cited).exists()
        || dir.join(cited).exists()
        || (!cited.contains('/') && names.contains(cited))
}

#[test]
fn documents_cite_only_files_in_the_repository() {
    let names = basenames();
    // A path under one of the repository's folders (or above it) or a
    // Markdown file's name: in backticks, in a Markdown link, or bare (as a
    // comment cites a document and its section).
    let top = r"(?:\.\./|src/|docs/|tests/|benches/|scripts/|samples/|data/|examples/|shared/)";
    let cited = Regex::new(&format!(
        r"`({top}[^`\s*<>]+|[\w./-]+\.md)`|\]\(({top}[^)#\s]*|[\w./-]+\.md)[)#]|\b([\w./-]+\.md)\b"
    ))
    .unwrap();
    let mut missing = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        for caps in cited.captures_iter(&text) {
            let Some(found) = caps.get(1).or(caps.get(2)).or(caps.get(3)) else {
                continue;
            };
            let found = found.as_str().trim_end_matches(['.', ',', ':']);
            if !exists(found, &path, &names) {
                missing.push(format!("{}: {found}", relative(&path)));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited but not in the repository (say what they are, or bring them in):\n{}",
        missing.join("\n")
    );
}

#[test]
fn documents_cite_no_issue_numbers() {
    let issue = Regex::new(r"(?i)\bissues?\s+#?\d+").unwrap();
    let mut found = Vec::new();
    for path in documents() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(m) = issue.find(line) {
                found.push(format!("{}:{}: {}", relative(&path), n + 1, m.as_str()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "issue numbers mean nothing to a reader of the repository:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_sample_readme_counts_the_sample_countries() {
    let mut reader = csv::Reader::from_path(root().join("samples/customers.csv")).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "country")
        .unwrap();
    let countries: BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .filter(|c| isocountry::CountryCode::for_alpha2(c).is_ok())
        .collect();
    let readme = std::fs::read_to_string(root().join("samples/README.md"))
        .unwrap()
        .replace('\n', " ");
    let said = Regex::new(r"across (\d+) countries \(([A-Z, ]+)[;)]").unwrap();
    let caps = said
        .captures(&readme)
        .expect("`across N countries (XX, ...)`");
    let listed: BTreeSet<String> = caps[2].split(", ").map(str::to_owned).collect();
    assert_eq!(listed, countries, "the countries listed");
    assert_eq!(caps[1].parse::<usize>().unwrap(), countries.len());
}
