//! Rows hidden in Excel (by hand or by a filter) are processed like the
//! others, as Excel's own "Save as CSV" would keep them, but never without
//! a word: `validate` and `run` warn, naming the hidden rows, so a user who
//! hid the rows they did not mean to send can delete them first.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;

use crate::support::*;

/// A workbook of `rows` generated customers on sheet `Customers`, rows
/// `hidden` (Excel row numbers, 1 is the header) hidden.
fn workbook_with_hidden_rows(dir: &Path, rows: usize, hidden: &[u32]) -> PathBuf {
    let csv = dir.join("rows.csv");
    write_customers(&csv, rows, "hidden");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Customers").unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, value) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    for &row in hidden {
        sheet.set_row_hidden(row - 1).unwrap();
    }
    let path = dir.join("book.xlsx");
    book.save(&path).unwrap();
    path
}

#[tokio::test]
async fn hidden_rows_are_named_in_a_warning_and_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook_with_hidden_rows(dir.path(), 12, &[3, 7, 8, 9]);
    let path = input.to_str().unwrap();
    let out = run_plain(&["validate", path]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("4 rows of sheet Customers are hidden"),
        "{stderr}"
    );
    assert!(stderr.contains("rows 3, 7-9"), "{stderr}");
    assert!(stderr.contains("processed like the others"), "{stderr}");

    let sb = sandbox(quiet()).await;
    let results = dir.path().join("r.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rows 3, 7-9"), "{stderr}");
    assert_eq!(Results::read(&results).count("created"), 12);
}

#[test]
fn a_workbook_without_hidden_rows_says_nothing_about_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook_with_hidden_rows(dir.path(), 3, &[]);
    let out = run_plain(&["validate", input.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hidden"));
}
