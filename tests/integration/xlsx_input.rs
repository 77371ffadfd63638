//! `.xlsx` input: cells read as Excel shows them, Excel row numbers, sheets,
//! CSV results, and a run against the sandbox. The workbook is generated
//! with rust_xlsxwriter (`xlsx_workbook`).

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::support::*;
use crate::xlsx_workbook::{HEADER, workbook};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn cell(results: &Results, row: usize, column: &str) -> String {
    results.rows[row][results.col(column)].clone()
}

#[test]
fn validate_reads_cells_as_excel_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "v");
    let out_csv = dir.path().join("out.csv");
    let out = run_plain(&["validate", s(&input), "--results", s(&out_csv)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&out_csv);
    assert_eq!(r.header[..HEADER.len()], HEADER.map(str::to_owned));
    assert_eq!(r.rows.len(), 6, "the blank row is skipped");
    assert_eq!(
        r.column("status"),
        ["valid", "valid", "valid", "valid", "invalid", "invalid"]
    );
    // Leading zeros, big numbers and integers as shown.
    assert_eq!(cell(&r, 0, "external_id"), "1001");
    assert_eq!(cell(&r, 0, "phone_number"), "4255550100");
    assert_eq!(cell(&r, 0, "postal_code"), "02134");
    assert_eq!(cell(&r, 1, "postal_code"), "02134", "format 00000");
    assert_eq!(cell(&r, 2, "registration_number"), "7707083893");
    assert_eq!(cell(&r, 2, "postal_code"), "125009");
    // Pass-through columns: text untouched, numbers and dates as shown.
    assert_eq!(cell(&r, 0, "notes"), "  keep   my spaces ");
    assert_eq!(cell(&r, 1, "notes"), "1.5");
    assert_eq!(cell(&r, 2, "notes"), "1200000000");
    assert_eq!(cell(&r, 0, "signed_on"), "2024-03-01");
    // A formula gives its cached value.
    assert_eq!(cell(&r, 3, "Company Name"), "Fabrikam Ltd");
    // A date where a postal code belongs, and an error cell, are row problems.
    let error = cell(&r, 4, "error");
    assert!(
        error.contains("postal_code is a date cell (2021-03-04)"),
        "{error}"
    );
    assert_eq!(cell(&r, 4, "postal_code"), "2021-03-04");
    let error = cell(&r, 5, "error");
    assert!(error.contains("email is the Excel error #N/A"), "{error}");
    assert!(!error.contains("email is required"), "{error}");
    // Results of a workbook are CSV: comma, no BOM.
    let bytes = std::fs::read(&out_csv).unwrap();
    assert!(bytes.starts_with(b"external_id,Company Name,"));
    // Row numbers are Excel's: the blank row 3 counts.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 7: postal_code is a date cell"), "{err}");
    assert!(
        err.contains("row 8: email is the Excel error #N/A"),
        "{err}"
    );
}

#[test]
fn json_rows_carry_excel_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "j");
    let out = run_plain(&["validate", s(&input), "--json"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let rows = crate::support::json_lines(&out.stdout);
    let numbers: Vec<u64> = rows.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 4, 5, 6, 7, 8]);
}

#[test]
fn sheet_picks_the_worksheet_and_an_unknown_one_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "s");
    let out_csv = dir.path().join("later.csv");
    let out = run_plain(&[
        "validate",
        s(&input),
        "--sheet",
        "later",
        "--results",
        s(&out_csv),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&out_csv);
    assert_eq!(r.column("external_id"), ["GB-1"]);

    let out = run_plain(&["validate", s(&input), "--sheet", "Klanten"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no sheet `Klanten`; its sheets are `Customers`, `Later`"),
        "{err}"
    );

    let csv = dir.path().join("plain.csv");
    write_customers(&csv, 1, "p");
    let out = run_plain(&["validate", s(&csv), "--sheet", "Customers"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--sheet applies to .xlsx workbooks"),
        "{}",
        text(&out)
    );
}

#[test]
fn xlsx_results_are_a_workbook_and_other_spreadsheet_formats_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "r");
    let results = dir.path().join("results.xlsx");
    let out = run_plain(&["validate", s(&input), "--results", s(&results)]);
    assert!(matches!(code(&out), 0 | 2), "{}", text(&out));
    let mut reader = pc_onboard::input::InputReader::open(&results).unwrap();
    pc_onboard::results::recognise(&mut reader, &Default::default()).unwrap();
    assert!(reader.layout().has_previous_results());
    let mut row = pc_onboard::input::InputRow::new();
    assert!(reader.read_row(&mut row).unwrap());
    assert!(
        !dir.path().join("results.xlsx.journal.csv").exists(),
        "validate keeps no journal"
    );
    for refused in ["results.xls", "results.ods", "results.xlsm"] {
        let results = dir.path().join(refused);
        let out = run_plain(&["validate", s(&input), "--results", s(&results)]);
        assert_eq!(code(&out), 1, "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(".xlsx") && err.contains(".csv"), "{err}");
        assert!(!results.exists());
    }
}

#[test]
fn a_damaged_workbook_is_a_clear_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("broken.xlsx");
    std::fs::write(&input, "external_id,company_name\n1,x\n").unwrap();
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read") && err.contains("broken.xlsx as an Excel workbook"),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
}

#[tokio::test]
async fn run_onboards_a_workbook_against_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "run");
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(
        r.column("status"),
        [
            "created", "created", "created", "created", "invalid", "invalid"
        ]
    );
    let customers = sb.state().customers();
    assert_eq!(customers.len(), 4);
    let postal = |domain: &str| {
        let customer = customers
            .iter()
            .find(|c| c.company_profile.domain.eq_ignore_ascii_case(domain))
            .unwrap_or_else(|| panic!("no customer {domain}"));
        customer.billing_profile.as_ref().unwrap()["defaultAddress"]["postalCode"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(postal("runx1.onmicrosoft.com"), "02134");
    assert_eq!(postal("runx2.onmicrosoft.com"), "02134");
    assert_eq!(postal("runromashka.onmicrosoft.com"), "125009");

    // The results file is a valid input for the re-run, which sends nothing new.
    let again = dir.path().join("results-2.csv");
    let calls = sb.state().stats().calls_to("POST /v1/customers");
    let out = run_against(&sb, &run_args(&results, &again, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), calls);
    assert_eq!(Results::read(&again).count("created"), 4);
}

#[tokio::test]
async fn resume_reads_the_same_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "res");
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "run".to_owned(),
            s(&input).to_owned(),
            "--sheet".to_owned(),
            "Later".to_owned(),
            "--results".to_owned(),
            s(&results).to_owned(),
            "--no-progress".to_owned(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let first = args(&[]);
    let out = run_against(&sb, &first.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let resumed = args(&["--resume"]);
    let out = run_against(&sb, &resumed.iter().map(String::as_str).collect::<Vec<_>>()).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).column("status"), ["created"]);
}

#[test]
fn a_hidden_first_sheet_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let lookup = workbook.add_worksheet();
    lookup.set_name("Lookup").unwrap();
    lookup.write_string(0, 0, "country codes").unwrap();
    lookup.set_hidden(true);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers").unwrap();
    sheet.set_active(true);
    let row = [
        "company_name",
        "domain",
        "email",
        "culture",
        "language",
        "first_name",
        "last_name",
        "address_line1",
        "city",
        "postal_code",
        "country",
    ];
    let values = [
        "Contoso GmbH",
        "hiddenfirst",
        "ap@contoso.example",
        "de-DE",
        "de",
        "Jörg",
        "Bauer",
        "Hauptstraße 1",
        "Berlin",
        "01067",
        "DE",
    ];
    for (col, (name, value)) in row.iter().zip(values).enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
        sheet.write_string(1, col as u16, value).unwrap();
    }
    let input = dir.path().join("book.xlsx");
    workbook.save(&input).unwrap();
    let out = run_plain(&["validate", s(&input), "--json"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let row: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(row["domain"], "hiddenfirst");
}
