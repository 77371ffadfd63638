//! A scratch directory with an input in it, for the tests of the files a
//! run reads and writes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crate::support::write_customers;

/// `path` as `&str` (test paths are UTF-8).
pub fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A directory with `in.csv` holding `rows` generated customers (`tag`).
pub fn customers_dir(tag: &str, rows: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("in.csv");
    write_customers(&input, rows, tag);
    (dir, input)
}
