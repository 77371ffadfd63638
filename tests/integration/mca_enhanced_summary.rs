//! The pending MCA acceptances in the summaries, so a partner can send the
//! links: the first few on the terminal, all of them in `--summary-json`
//! and on the results workbook's summary sheet.

use crate::mca_enhanced::{BILLING, quick};
use crate::run_mca::{row, run_app_user, write};
use crate::support::*;

use std::fs::File;
use std::io::BufReader;

use calamine::{Data, Reader, Xlsx, open_workbook};

#[tokio::test]
async fn every_pending_acceptance_is_listed_with_its_link_in_json_and_the_workbook_the_first_on_the_terminal()
 {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    let rows: Vec<String> = (1..=7)
        .map(|i| row(&format!("S-{i}"), &format!("sendlink{i}"), "", BILLING))
        .collect();
    write(&input, &rows);
    let workbook = dir.path().join("results.xlsx");
    let summary = dir.path().join("summary.json");
    let summary_arg = summary.to_str().unwrap();
    let out = run_app_user(
        &sb,
        &quick(&input, &workbook, &["--summary-json", summary_arg]),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let journal = Results::read(&dir.path().join("results.xlsx.journal.csv"));
    let links = journal.column("customer_link");
    assert!(
        links.iter().all(|l| l.starts_with(sb.base_url())),
        "{links:?}"
    );

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("7 customers have to accept"), "{stderr}");
    assert!(
        stderr.contains(&format!("row 6 (sendlink5): {}", links[4])),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&links[5]),
        "bounded on the terminal: {stderr}"
    );
    assert!(stderr.contains("and 2 more in customer_link"), "{stderr}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["mca_pending"]["rows"], 7);
    let listed: Vec<&str> = json["mca_pending"]["acceptances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["link"].as_str().unwrap())
        .collect();
    assert_eq!(listed, links.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(json["mca_pending"]["acceptances"][6]["domain"], "sendlink7");
    assert_eq!(json["results_file"]["mca"]["pending"], 7);

    let mut book: Xlsx<BufReader<File>> = open_workbook(&workbook).unwrap();
    let range = book.worksheet_range("Summary").unwrap();
    let sheet: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(Data::to_string).collect())
        .collect();
    for (i, link) in links.iter().enumerate() {
        let line = sheet
            .iter()
            .find(|cells| cells.get(2) == Some(link))
            .unwrap_or_else(|| panic!("{link} on the summary sheet: {sheet:?}"));
        assert_eq!(line[0], (i + 2).to_string(), "the sheet row");
        assert_eq!(line[1], format!("sendlink{}", i + 1));
    }
    assert!(
        sheet
            .iter()
            .any(|cells| cells.first().map(String::as_str) == Some("pending")),
        "the mca_status count: {sheet:?}"
    );
}
