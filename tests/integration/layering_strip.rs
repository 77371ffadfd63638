//! A Rust source without its test code, for `layering`: strings, chars and
//! comments blanked (so no brace or `crate::` inside them counts), then
//! every item under `#[cfg(test)]` removed by matching its braces, wherever
//! it sits in the file; `#[cfg(test)] mod name;` declarations name the
//! files that are test modules. Positions and line breaks are kept.
//!
//! A small lexer rather than `syn`: the crate's sources only need strings,
//! raw strings, chars (not lifetimes), nested block comments and brackets
//! told apart, and this stays fast and dependency-free.

use std::path::{Path, PathBuf};

/// A file's code without its test items.
pub(crate) struct Stripped {
    /// The code, test items and comments blanked out.
    pub(crate) code: String,
    /// `#![cfg(test)]` at the top: the whole file is test code.
    pub(crate) whole_file_is_test: bool,
    /// The `#[cfg(test)] mod name;` declarations.
    pub(crate) test_modules: Vec<TestModule>,
}

/// A test module declared in another file.
pub(crate) struct TestModule {
    name: String,
    /// Its `#[path = "…"]`, if any.
    path: Option<String>,
}

impl TestModule {
    /// The files it may live in, declared in `declaring`.
    pub(crate) fn files(&self, declaring: &Path) -> Vec<PathBuf> {
        let dir = declaring.parent().unwrap();
        if let Some(path) = &self.path {
            return vec![dir.join(path)];
        }
        let stem = declaring.file_stem().unwrap().to_string_lossy();
        let base = if ["mod", "lib", "main"].contains(&stem.as_ref()) {
            dir.to_path_buf()
        } else {
            dir.join(stem.as_ref())
        };
        vec![
            base.join(format!("{}.rs", self.name)),
            base.join(&self.name).join("mod.rs"),
        ]
    }
}

/// `text` with every string, char literal and comment replaced by spaces
/// (line breaks kept), so that only code is left.
pub(crate) fn blank_literals_and_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut i = 0;
    while i < b.len() {
        let end = if b[i..].starts_with(b"//") {
            b[i..]
                .iter()
                .position(|c| *c == b'\n')
                .map_or(b.len(), |n| i + n)
        } else if b[i..].starts_with(b"/*") {
            block_comment_end(b, i)
        } else if (b[i] == b'r' || b[i..].starts_with(b"br")) && !ident(i) {
            let start = if b[i] == b'b' { i + 2 } else { i + 1 };
            raw_string_end(b, start).unwrap_or(i + 1)
        } else if b[i] == b'"' {
            string_end(b, i + 1, b'"')
        } else if b[i] == b'\'' {
            char_end(b, i).unwrap_or(i + 1)
        } else {
            i + 1
        };
        if end > i + 1 {
            blank(&mut out, i, end);
        }
        i = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// After `/*` at `at`: the end of the (nested) comment.
fn block_comment_end(b: &[u8], at: usize) -> usize {
    let (mut depth, mut i) = (0, at);
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// `r#*"…"#*` starting at the `#`s or quote at `at`: its end, or `None`
/// when this `r` starts no raw string.
fn raw_string_end(b: &[u8], at: usize) -> Option<usize> {
    let hashes = b[at..].iter().take_while(|c| **c == b'#').count();
    if b.get(at + hashes) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"').chain(vec![b'#'; hashes]).collect();
    let body = at + hashes + 1;
    let found = b[body..].windows(close.len()).position(|w| w == close);
    Some(found.map_or(b.len(), |n| body + n + close.len()))
}

/// A string's end from `at` (just inside it), honouring escapes.
fn string_end(b: &[u8], mut at: usize, quote: u8) -> usize {
    while at < b.len() && b[at] != quote {
        at += if b[at] == b'\\' { 2 } else { 1 };
    }
    (at + 1).min(b.len())
}

/// A char literal's end at `at` (a `'`), or `None` for a lifetime or label.
fn char_end(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at + 1) == Some(&b'\\') {
        return Some(string_end(b, at + 1, b'\''));
    }
    // One character (of up to four UTF-8 bytes), then the closing quote.
    let width = match b.get(at + 1)? {
        c if *c < 0x80 => 1,
        c if *c >= 0xF0 => 4,
        c if *c >= 0xE0 => 3,
        _ => 2,
    };
    (b.get(at + 1 + width) == Some(&b'\'')).then_some(at + 2 + width)
}

/// The end of the bracketed group (`[…]`, `(…)`, `{…}`) opening at `at`.
fn group_end(code: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    for (i, c) in code.iter().enumerate().skip(at) {
        match c {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The end of the item starting at `at`: after its `{…}` body, or its `;`
/// when it has none; brackets and parentheses on the way are skipped whole.
fn item_end(code: &[u8], mut at: usize) -> usize {
    while at < code.len() {
        match code[at] {
            b';' => return at + 1,
            b'{' => return group_end(code, at),
            b'[' | b'(' => at = group_end(code, at),
            _ => at += 1,
        }
    }
    code.len()
}

/// `#[cfg(test)]`, in any spacing, at `at`: its end.
fn cfg_test_at(code: &str, at: usize) -> Option<usize> {
    let rest = &code[at..];
    let rest = rest.strip_prefix('#')?.trim_start();
    let inner = rest.strip_prefix('[')?;
    let attr_end = at + (code[at..].len() - inner.len()) - 1;
    let end = group_end(code.as_bytes(), attr_end);
    let words: String = code[attr_end..end].split_whitespace().collect();
    (words == "[cfg(test)]").then_some(end)
}

/// `text` without its test items (see the module's comment).
pub(crate) fn strip_test_code(text: &str) -> Stripped {
    let blanked = blank_literals_and_comments(text);
    let whole_file_is_test = blanked.trim_start().starts_with("#![cfg(test)]");
    let code = blanked.as_bytes();
    let mut out = code.to_vec();
    let mut test_modules = Vec::new();
    let mut at = 0;
    while let Some(found) = blanked[at..].find('#') {
        let start = at + found;
        let Some(mut item) = cfg_test_at(&blanked, start) else {
            at = start + 1;
            continue;
        };
        // Further attributes (`#[path = "…"]`, `#[allow(…)]`), then the item.
        let mut path = None;
        loop {
            item += blanked[item..].len() - blanked[item..].trim_start().len();
            if !blanked[item..].starts_with("#[") {
                break;
            }
            let end = group_end(code, item + 1);
            let attr = &text[item..end];
            if let Some(value) = attr.split('"').nth(1).filter(|_| attr.contains("path")) {
                path = Some(value.to_owned());
            }
            item = end;
        }
        let end = item_end(code, item);
        let words: Vec<&str> = blanked[item..end].split_whitespace().collect();
        if let [.., "mod", name] = words.as_slice()
            && let Some(name) = name.strip_suffix(';')
        {
            let name = name.to_owned();
            test_modules.push(TestModule { name, path });
        }
        for c in &mut out[start..end] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        at = end;
    }
    Stripped {
        code: String::from_utf8_lossy(&out).into_owned(),
        whole_file_is_test,
        test_modules,
    }
}

/// The top-level modules `code` names through `crate::…` (also in
/// `crate::{a, b::c}` groups) or through `super::` chains that reach the
/// crate root from the module at `module_path`.
pub(crate) fn crate_paths(code: &str, module_path: &[String]) -> Vec<String> {
    let path =
        regex::Regex::new(r"\b(crate|super(?:\s*::\s*super)*)\s*::\s*(\{[^}]*\}|[a-z_]+)").unwrap();
    let name = regex::Regex::new(r"(?:^|[{,])\s*([a-z_]+)").unwrap();
    let mut found = Vec::new();
    for caps in path.captures_iter(code) {
        let supers = caps[1].matches("super").count();
        if caps[1].starts_with("super") && supers < module_path.len() {
            continue; // stays inside its top-level module
        }
        let named = &caps[2];
        if named.starts_with('{') {
            found.extend(name.captures_iter(named).map(|n| n[1].to_owned()));
        } else {
            found.push(named.to_owned());
        }
    }
    found
}

/// A library file as the old check read it, cut at its first
/// `#[cfg(test)]`, and as it is: code after a test module counts.
const AFTER_A_TEST_MODULE: &str = r##"use crate::input::Row;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cli::Args;
    fn braces() -> (&'static str, char, &'static str) {
        ("}", '}', r#"}"{"#) /* } { */ // }
    }
    fn lifetime<'a>(x: &'a str) -> &'a str { x }
}

/// Non-test code after the test module.
pub fn after<'a>(s: &'a str) -> &'a str {
    crate::commands::run(s)
}

#[cfg(test)]
use crate::sandbox::Thing;
#[cfg(test)]
fn helper(buffer: [u8; 4]) -> usize { crate::logging::init(); buffer.len() }
#[cfg(test)]
#[path = "after_tests.rs"]
mod later;
#[cfg(test)] mod support;
pub(crate) use crate::{results::Status, validate};
"##;

#[test]
fn the_code_after_a_test_module_is_kept_and_only_test_items_go() {
    let stripped = strip_test_code(AFTER_A_TEST_MODULE);
    let code = &stripped.code;
    let names = crate_paths(code, &["input".to_owned()]);
    assert_eq!(
        names,
        ["input", "commands", "results", "validate"],
        "{code}"
    );
    for test_only in [
        "cli",
        "sandbox",
        "logging",
        "braces",
        "lifetime",
        "mod later",
    ] {
        assert!(!code.contains(test_only), "{test_only} left in:\n{code}");
    }
    assert!(code.contains("pub fn after<'a>(s: &'a str)"), "{code}");
    assert_eq!(code.lines().count(), AFTER_A_TEST_MODULE.lines().count());
    // What the old check read: the library's `crate::commands` call
    // after the test module was never seen.
    let cut = &AFTER_A_TEST_MODULE[..AFTER_A_TEST_MODULE.find("#[cfg(test)]").unwrap()];
    assert_eq!(crate_paths(cut, &[]), ["input"]);
}

#[test]
fn test_module_declarations_name_their_files() {
    let stripped = strip_test_code(AFTER_A_TEST_MODULE);
    let declaring = Path::new("/src/results/xlsx.rs");
    let files: Vec<Vec<PathBuf>> = stripped
        .test_modules
        .iter()
        .map(|m| m.files(declaring))
        .collect();
    assert_eq!(files[0], [PathBuf::from("/src/results/after_tests.rs")]);
    assert_eq!(
        files[1],
        [
            PathBuf::from("/src/results/xlsx/support.rs"),
            PathBuf::from("/src/results/xlsx/support/mod.rs")
        ]
    );
    let in_mod_rs = stripped.test_modules[1].files(Path::new("/src/input/mod.rs"));
    assert_eq!(in_mod_rs[0], PathBuf::from("/src/input/support.rs"));
    assert!(!stripped.whole_file_is_test);
    assert!(strip_test_code("//! tests\n#![cfg(test)]\nuse crate::cli;\n").whole_file_is_test);
}

#[test]
fn super_chains_that_leave_the_top_level_module_count_as_crate_paths() {
    let code = "use super::super::cli::Args;\nuse super::error::Error;\n";
    let in_pipeline_preflight = ["pipeline".to_owned(), "preflight".to_owned()];
    assert_eq!(crate_paths(code, &in_pipeline_preflight), ["cli"]);
    let in_pipeline_preflight_rules = [&in_pipeline_preflight[..], &["rules".to_owned()]].concat();
    assert!(crate_paths(code, &in_pipeline_preflight_rules).is_empty());
}
