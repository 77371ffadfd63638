//! The result columns in the contract's order, `default_gdap_sent` and
//! `customer_link` last (README, "Results"): written by every command,
//! shown by the workbook (the link clickable), and a results file with an
//! earlier set of them still read as one.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::run_mca::run_app_user;
use crate::support::*;
use crate::typed_problems::summary_line;

/// The result columns, in the contract's order.
pub(crate) const CONTRACT: [&str; 13] = [
    "status",
    "customer_id",
    "tenant_id",
    "commerce_id",
    "admin_user",
    "request_id",
    "attempts",
    "error_code",
    "error",
    "mca_status",
    "default_gdap_sent",
    "customer_link",
    "mca_attestation_id",
];

#[test]
fn the_result_columns_are_the_contracts_in_its_order() {
    assert_eq!(pc_onboard::results::RESULT_COLUMNS, CONTRACT);
}

#[tokio::test]
async fn a_results_file_without_the_three_newest_columns_is_read_and_written_back_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "tencols");
    let sb = sandbox(quiet()).await;
    let first = dir.path().join("first.csv");
    let out = run_against(&sb, &run_args(&input, &first, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    // What an older version wrote: the first ten result columns (without
    // default_gdap_sent, customer_link and mca_attestation_id).
    let r = Results::read(&first);
    let older = dir.path().join("older.csv");
    let mut w = csv::Writer::from_path(&older).unwrap();
    let keep = r.header.len() - 3;
    w.write_record(&r.header[..keep]).unwrap();
    for row in &r.rows {
        w.write_record(&row[..keep]).unwrap();
    }
    w.flush().unwrap();
    let again = dir.path().join("again.csv");
    let before = sb.state().stats().calls_to("POST /v1/customers");
    let out = run_against(&sb, &run_args(&older, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let again = Results::read(&again);
    let n = again.header.len() - CONTRACT.len();
    assert_eq!(
        &again.header[n..],
        CONTRACT,
        "each result column once, in order"
    );
    assert_eq!(again.column("status"), ["created", "created"]);
    assert_eq!(again.column("customer_id"), r.column("customer_id"));
    assert_eq!(
        again.column("default_gdap_sent"),
        ["", ""],
        "an older version did not say what it sent"
    );
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), before);
}

/// The sheet XML of the results sheet of `workbook`.
fn sheet_xml(workbook: &Path) -> String {
    let mut archive = zip::ZipArchive::new(File::open(workbook).unwrap()).unwrap();
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn the_workbook_shows_the_new_columns_with_a_link_that_opens_and_their_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "book");
    let sb = sandbox(quiet()).await;
    sb.state().reserve_domain("bookcust1.onmicrosoft.com");
    let workbook = dir.path().join("results.xlsx");
    let out = run_app_user(&sb, &run_args(&input, &workbook, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let mut book: Xlsx<BufReader<File>> = open_workbook(&workbook).unwrap();
    let range = book.worksheet_range("Results").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let n = header.len() - CONTRACT.len();
    assert_eq!(&header[n..], CONTRACT);
    let cell = |row: usize, name: &str| {
        let column = n + CONTRACT.iter().position(|c| *c == name).unwrap();
        range.get((row, column)).cloned().unwrap_or(Data::Empty)
    };
    assert_eq!(cell(1, "status"), Data::String("created".into()));
    assert_eq!(cell(1, "default_gdap_sent"), Data::String("on".into()));
    let link = pc_onboard::sandbox::invitation_link(None);
    assert_eq!(cell(2, "customer_link"), Data::String(link.clone()));
    let xml = sheet_xml(&workbook);
    // 14 input columns (A to N), then the result columns: customer_link is Z.
    assert!(
        xml.contains("<hyperlink ref=\"Z3\""),
        "the link is clickable: {xml}"
    );
    let gdap = summary_line(
        &workbook,
        "Default GDAP: 1 of the 1 customers created have it",
    );
    assert!(gdap.is_some(), "the summary sheet says it");
    let roles = summary_line(
        &workbook,
        "Default GDAP gives your organisation these Entra roles in each: Directory Readers, \
         Directory Writers, License Administrator, Service Support Administrator, User \
         Administrator, Privileged Role Administrator, Helpdesk Administrator, Privileged \
         Authentication Administrator, Cloud Application Administrator, Application \
         Administrator, Global Reader (9 for an indirect reseller's customers, without Cloud \
         Application Administrator and Application Administrator)",
    );
    assert!(roles.is_some(), "and which roles it grants");
}
