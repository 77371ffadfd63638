//! How an earlier results file is recognised when it is fed back as input
//! (README, "Results"): a `status` and a `request_id` column, and every
//! non-empty `status` one of the statuses (at least one, when there are
//! rows). Its result columns are then replaced, not duplicated; files from
//! older versions, header-only files, workbooks read back and files with a
//! result column deleted are still results files. Without `status` (or with
//! a status that is not one), the result-named columns are the user's and
//! the input is refused.

use std::path::{Path, PathBuf};

use crate::support::*;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A results file of 3 created customers, from a run against a sandbox.
async fn created_results(dir: &Path, tag: &str) -> PathBuf {
    let input = dir.join("in.csv");
    let results = dir.join("first.csv");
    write_customers(&input, 3, tag);
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    results
}

/// `results` rewritten with `edit` applied to every record (header included).
fn rewrite(results: &Path, to: &Path, edit: impl Fn(&mut Vec<String>)) {
    let r = Results::read(results);
    let mut w = csv::Writer::from_path(to).unwrap();
    let mut header = r.header.clone();
    edit(&mut header);
    w.write_record(&header).unwrap();
    for row in &r.rows {
        let mut row = row.clone();
        edit(&mut row);
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

/// A results file of 3 created customers without its column `name`.
async fn results_without(dir: &Path, tag: &str, name: &str) -> PathBuf {
    let first = created_results(dir, tag).await;
    let edited = dir.join("edited.csv");
    let column = Results::read(&first).col(name);
    rewrite(&first, &edited, |r| {
        r.remove(column);
    });
    edited
}

/// `validate INPUT --results OUT`: the output's header, with every
/// result column once, after the input's other columns.
fn validate_header(input: &Path, dir: &Path) -> Vec<String> {
    let out_path = dir.join("checked.csv");
    let out = run_plain(&["validate", s(input), "--results", s(&out_path)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let header = Results::read(&out_path).header;
    for name in pc_onboard::results::RESULT_COLUMNS {
        let times = header.iter().filter(|h| *h == name).count();
        assert_eq!(times, 1, "{name} in {header:?}");
    }
    header
}

#[tokio::test]
async fn a_results_file_of_an_older_version_without_mca_status_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let first = created_results(dir.path(), "old9").await;
    let old = dir.path().join("old.csv");
    rewrite(&first, &old, |r| {
        // mca_attestation_id, customer_link, default_gdap_sent, then mca_status,
        // the tenth result column
        r.truncate(r.len() - 4);
    });
    let header = validate_header(&old, dir.path());
    assert_eq!(
        header.last().map(String::as_str),
        Some("mca_attestation_id")
    );
}

#[tokio::test]
async fn a_results_file_with_a_deleted_result_column_is_recognised_and_copied() {
    let dir = tempfile::tempdir().unwrap();
    let edited = results_without(dir.path(), "deltn", "tenant_id").await;
    validate_header(&edited, dir.path());
    let sb = sandbox(quiet()).await;
    let again = dir.path().join("again.csv");
    let out = run_against(&sb, &run_args(&edited, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).count("created"), 3);
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        0,
        "copied, not sent"
    );
}

#[tokio::test]
async fn a_results_file_without_its_status_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let edited = results_without(dir.path(), "delst", "status").await;
    let out = run_plain(&["validate", s(&edited)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(stderr.contains("no `status` column"), "{stderr}");
    assert!(stderr.contains("`customer_id` (column "), "{stderr}");
}

#[tokio::test]
async fn rows_added_to_a_results_file_with_an_empty_status_are_new_rows() {
    let dir = tempfile::tempdir().unwrap();
    let first = created_results(dir.path(), "added").await;
    let mut text = std::fs::read_to_string(&first).unwrap();
    let width = Results::read(&first).header.len();
    let row = "added-9,Added Inc,addedcust9,ap@example.com,en-US,en,Ann,Lee,425 555 0100,9 Main St,Redmond,WA,98052,US";
    text.push_str(row);
    text.push_str(&",".repeat(width - row.split(',').count()));
    text.push('\n');
    let edited = dir.path().join("edited.csv");
    std::fs::write(&edited, text).unwrap();
    let sb = sandbox(quiet()).await;
    let again = dir.path().join("again.csv");
    let out = run_against(&sb, &run_args(&edited, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", crate::support::text(&out));
    assert_eq!(Results::read(&again).count("created"), 4);
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        1,
        "only the new row"
    );
}

#[test]
fn a_results_file_with_only_its_header_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty-results.csv");
    let columns = pc_onboard::results::RESULT_COLUMNS.join(",");
    let fields = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,country";
    std::fs::write(&input, format!("{fields},{columns}\n")).unwrap();
    let out = run_plain(&["validate", s(&input)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Nothing to do, like any header-only input; not refused for its columns.
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(stderr.contains("no data rows"), "{stderr}");
    assert!(!stderr.contains("result column"), "{stderr}");
}

#[test]
fn a_results_workbook_read_back_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("checked.xlsx");
    let out = run_plain(&["validate", s(&sample()), "--results", s(&workbook)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let again = dir.path().join("again.csv");
    let out = run_plain(&["validate", s(&workbook), "--results", s(&again)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let header = Results::read(&again).header;
    assert_eq!(header.iter().filter(|h| *h == "status").count(), 1);
    let sample_width = Results::read(&sample()).header.len();
    let result_count = pc_onboard::results::RESULT_COLUMNS.len();
    assert_eq!(header.len(), sample_width + result_count, "{header:?}");
}
