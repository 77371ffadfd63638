//! A row's problems travel as typed values (column, kind, code, message,
//! hint) from validation to `--json`, the results workbook's cell notes and
//! summary sheet, and the run summary. The workbook is rendered from its
//! journal and the problems file beside it (`out.xlsx.problems.jsonl`),
//! which `--resume` keeps in step with the journal.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The notes of the results sheet of `workbook`: (cell, text), by cell.
pub(crate) fn notes(workbook: &Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(File::open(workbook).unwrap()).unwrap();
    let mut xml = String::new();
    match archive.by_name("xl/comments1.xml") {
        Ok(mut comments) => comments.read_to_string(&mut xml).unwrap(),
        Err(_) => return Vec::new(),
    };
    let mut notes: Vec<(String, String)> = xml
        .split("<comment ref=\"")
        .skip(1)
        .map(|block| {
            let cell = block.split('"').next().unwrap().to_owned();
            let text: String = block
                .split("<t")
                .skip(1)
                .filter_map(|run| run.split_once('>'))
                .map(|(_, body)| body.split("</t>").next().unwrap())
                .collect();
            (cell, text.replace("&quot;", "\""))
        })
        .collect();
    notes.sort();
    notes
}

/// The summary sheet's line that starts with `first`.
pub(crate) fn summary_line(workbook: &Path, first: &str) -> Option<Vec<String>> {
    let mut book: Xlsx<BufReader<File>> = open_workbook(workbook).unwrap();
    let range = book.worksheet_range("Summary").unwrap();
    range
        .rows()
        .find(|row| row.first() == Some(&Data::String(first.to_owned())))
        .map(|row| row.iter().map(|c| c.to_string()).collect())
}

/// The cells the sample's six broken rows have notes on.
const SAMPLE_NOTES: [&str; 10] = [
    "C39", "C40", "D39", "F39", "H39", "I38", "N36", "O37", "P38", "P41",
];

#[test]
fn json_problems_carry_their_kind_and_code() {
    let out = run_plain(&["validate", s(&sample()), "--json"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let rows = crate::support::json_lines(&out.stdout);
    // CRM-1037: a Russian row without phone and registration number.
    let ru = &rows[35 + 1];
    let problems = ru["problems"].as_array().unwrap();
    let kinds: Vec<(&str, &str, &str)> = problems
        .iter()
        .map(|p| {
            let field = |k: &str| p[k].as_str().unwrap();
            (field("column"), field("kind"), field("code"))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("phone_number", "phone_missing", "600051"),
            ("registration_number", "registration_missing", "600049"),
        ]
    );
    assert_eq!(
        ru["error_code"],
        serde_json::Value::Null,
        "not a --json key"
    );
    let messages: Vec<&str> = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert_eq!(ru["error"], messages.join("; "));
    assert!(problems.iter().all(|p| p.get("hint").is_none()));
}

#[tokio::test]
async fn the_run_summary_counts_the_problems_by_kind_and_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let summary = dir.path().join("summary.json");
    let sb = sandbox(quiet()).await;
    let args = run_args(
        &sample(),
        &results,
        &["--rate", "6000", "--summary-json", s(&summary)],
    );
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("  problems in the invalid rows: 1 missing (2001), 5 invalid (27002), "),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let problems = json["problems"].as_array().unwrap();
    let duplicate = problems.iter().find(|p| p["kind"] == "duplicate").unwrap();
    assert_eq!(
        (&duplicate["code"], &duplicate["count"]),
        (&"27002".into(), &1.into())
    );
    assert_eq!(json["results_file"]["counts"]["invalid"], 6);

    // A resume of the finished file: nothing new, the whole file still counted.
    let resume = [&args[..], &["--resume".to_owned()]].concat();
    let out = run_against(&sb, &resume).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the whole results file: 34 created, 6 invalid"),
        "{stderr}"
    );
    assert!(stderr.contains("fix the 6 invalid ones"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["counts"]["invalid"], 0, "this run's rows");
    assert_eq!(json["results_file"]["rows"], 40);
}

#[tokio::test]
async fn a_resumed_workbook_keeps_the_notes_of_the_rows_it_kept_and_redoes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("results.xlsx");
    let sb = sandbox(quiet()).await;
    let args = run_args(&sample(), &workbook, &["--rate", "6000"]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let cells: Vec<String> = notes(&workbook).into_iter().map(|(c, _)| c).collect();
    assert_eq!(cells, SAMPLE_NOTES);

    // As if killed while writing row 39: the journal ends in a torn row,
    // the problems file already has row 39's line and one of row 40 that
    // is not its own (a stale line must not reach the workbook).
    let journal = dir.path().join("results.xlsx.journal.csv");
    let problems = dir.path().join("results.xlsx.problems.jsonl");
    let text_journal = std::fs::read_to_string(&journal).unwrap();
    let kept: Vec<&str> = text_journal.lines().take(38).collect();
    std::fs::write(&journal, format!("{}\nCRM-1038,Tailsp", kept.join("\n"))).unwrap();
    let lines: Vec<String> = std::fs::read_to_string(&problems)
        .unwrap()
        .lines()
        .map(|l| l.replace("duplicates row 2", "STALE"))
        .collect();
    assert!(lines.len() >= 5, "{lines:?}");
    std::fs::write(&problems, lines.join("\n") + "\n").unwrap();

    let resume = [&args[..], &["--resume".to_owned()]].concat();
    let out = run_against(&sb, &resume).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let found = notes(&workbook);
    let cells: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(cells, SAMPLE_NOTES, "{found:?}");
    let duplicate = found.iter().find(|(c, _)| c == "C40").unwrap();
    assert!(duplicate.1.contains("duplicates row 2"), "{duplicate:?}");
    assert!(found.iter().all(|(_, t)| !t.contains("STALE")), "{found:?}");
    assert_eq!(sb.state().stats().customers, SAMPLE_VALID_ROWS as u64);
}

#[tokio::test]
async fn problems_found_online_are_noted_on_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write_customers(&input, 3, "online");
    let sb = sandbox(quiet()).await;
    sb.state().reserve_domain("onlinecust1.onmicrosoft.com");
    let workbook = dir.path().join("checked.xlsx");
    let args = [
        "validate",
        s(&input),
        "--results",
        s(&workbook),
        "--online",
        "--rate",
        "6000",
    ];
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let found = notes(&workbook);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "C3", "the domain of the second row");
    assert!(found[0].1.contains("is already taken"), "{found:?}");
    assert!(
        !dir.path().join("checked.xlsx.problems.jsonl").exists(),
        "validate keeps neither journal nor problems file"
    );
}

#[tokio::test]
async fn a_row_that_needs_app_user_credentials_has_its_own_code_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write_customers(&input, 2, "appuser");
    let text_in = std::fs::read_to_string(&input).unwrap();
    let mut lines: Vec<String> = text_in.lines().map(str::to_owned).collect();
    lines[0].push_str(",mca_date");
    lines[1].push_str(",2026-01-15");
    lines[2].push(',');
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let sb = sandbox(quiet()).await;
    let workbook = dir.path().join("results.xlsx");
    // App-only credentials: the MCA row is not sent (the legacy flow).
    let legacy = ["--rate", "6000", "--mca-flow", "legacy"];
    let out = run_against(&sb, &run_args(&input, &workbook, &legacy)).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let journal = Results::read(&dir.path().join("results.xlsx.journal.csv"));
    assert_eq!(journal.column("status"), ["invalid", "created"]);
    assert_eq!(journal.column("error_code")[0], "600006");
    let found = notes(&workbook);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "O2", "on the mca_date cell");
    let line = summary_line(&workbook, "600006").expect("600006 on the summary sheet");
    assert!(line[4].contains("PC_REFRESH_TOKEN"), "{line:?}");
}
