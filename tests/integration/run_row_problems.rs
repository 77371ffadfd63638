//! `run` on the terminal: the first rows that did
//! not go through are listed as they are written (20 at most, then how
//! many more are in the results file), `-q` lists none, JSON logs carry
//! one event per row; rows that only need App+User credentials are not
//! data problems: counted apart in the summary, `--summary-json` and the
//! workbook's summary sheet, with "sign in" as the fix.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,\
                      last_name,address_line1,city,state,postal_code,country,associated_partner_id";

/// `valid` good rows, `bad` rows with a wrong postal code, `reseller` rows
/// for an indirect reseller (App+User only).
fn input(path: &Path, tag: &str, valid: usize, bad: usize, reseller: usize) {
    let mut text = format!("{HEADER}\n");
    let row = |i: usize, zip: &str, partner: &str| {
        format!(
            "{tag}-{i},Customer {i},{tag}c{i},ap@c{i}.example,en-US,en,Ann,Lee,{i} Main St,\
             Boston,MA,{zip},US,{partner}\n"
        )
    };
    let reseller_id = "4f5e9d5c-1c1e-4b8a-9a2b-0d6c2e1f3a7b";
    for i in 0..valid + bad + reseller {
        text.push_str(&match i {
            i if i < valid => row(i, "02134", ""),
            i if i < valid + bad => row(i, "8165", ""),
            i => row(i, "02134", reseller_id),
        });
    }
    std::fs::write(path, text).unwrap();
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn run_lists_the_first_twenty_rows_with_problems_then_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    input(&path, "lst", 3, 25, 0);
    let sb = sandbox(quiet()).await;
    let results = dir.path().join("out.csv");
    let out = run_against(&sb, &run_args(&path, &results, &[])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let err = stderr(&out);
    let listed: Vec<&str> = err.lines().filter(|l| l.starts_with("row ")).collect();
    assert_eq!(listed.len(), 20, "{err}");
    assert_eq!(
        listed[0],
        "row 5: invalid: postal_code \"8165\" does not match the US format (e.g. 95014, 22162-1010)"
    );
    let more = format!("... and 5 more rows with problems in {}", results.display());
    assert!(err.contains(&more), "{err}");
    let quiet = dir.path().join("quiet.csv");
    let out = run_against(&sb, &run_args(&path, &quiet, &["-q"])).await;
    // Quiet keeps the one warning of a loss that cannot be undone.
    let err = stderr(&out);
    assert!(!err.contains("row ") && !err.contains("more rows"), "{err}");
    assert!(
        err.starts_with("warning: 3 initial admin passwords"),
        "{err}"
    );
}

#[tokio::test]
async fn json_logs_carry_one_event_per_listed_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    input(&path, "jsn", 1, 2, 0);
    let sb = sandbox(quiet()).await;
    let results = dir.path().join("out.csv");
    let args = run_args(&path, &results, &["--log-format", "json"]);
    let out = run_against(&sb, &args).await;
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &serde_json::Value| e["event"] == "row_problem")
        .collect();
    let rows: Vec<(u64, &str, &str)> = events
        .iter()
        .map(|e| {
            let (status, code) = (e["status"].as_str(), e["error_code"].as_str());
            (e["row"].as_u64().unwrap(), status.unwrap(), code.unwrap())
        })
        .collect();
    assert_eq!(rows, [(3, "invalid", "27002"), (4, "invalid", "27002")]);
}

#[tokio::test]
async fn rows_that_need_sign_in_are_counted_apart_with_sign_in_as_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    input(&path, "sgn", 2, 1, 3);
    // App-only credentials: the reseller rows cannot be sent.
    let sb = sandbox(quiet()).await;
    let results = dir.path().join("out.xlsx");
    let summary = dir.path().join("summary.json");
    let args = run_args(
        &path,
        &results,
        &["--summary-json", summary.to_str().unwrap()],
    );
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let err = stderr(&out);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("row ")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("3 invalid rows need App+User credentials"),
        "{err}"
    );
    assert!(
        err.contains(
            "4 rows did not go through; fix the invalid one (see `error`) and sign in for the \
             3 that need App+User credentials, then: "
        ),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["needs_sign_in"], 3);
    assert_eq!(json["results_file"]["needs_sign_in"], 3);
    assert_eq!(json["counts"]["invalid"], 4);
    // The workbook's summary sheet: a line of its own, with the fix.
    let mut book: Xlsx<BufReader<File>> = open_workbook(&results).unwrap();
    let sheet = book.worksheet_range("Summary").unwrap();
    let line = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("of the invalid: need sign-in".into())))
        .expect("a sign-in line");
    assert_eq!(line[1], Data::Float(3.0));
    assert!(
        line[2]
            .to_string()
            .starts_with("nothing to fix in these rows: sign in")
    );
}
