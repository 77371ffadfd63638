//! `.xlsx` input: cells read as Excel shows them, Excel row numbers, sheets,
//! CSV results, and a run against the sandbox. The workbook is generated
//! here with rust_xlsxwriter.

use crate::support;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const HEADER: [&str; 17] = [
    "external_id",
    "Company Name",
    "domain",
    "email",
    "culture",
    "language",
    "first_name",
    "last_name",
    "phone_number",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "country",
    "registration_number",
    "notes",
    "signed_on",
];

/// The workbook:
///
/// Sheet `Customers` (first):
/// - row 1: header
/// - row 2: US, postal code typed as text `02134` (Text format), phone and
///   external id as numbers, a date in the pass-through `signed_on` column
/// - row 3: blank
/// - row 4: US, postal code the number 2134 formatted `00000`
/// - row 5: RU, registration number the number 7707083893 (General)
/// - row 6: company name a formula with its cached result
/// - row 7: postal code a date (invalid)
/// - row 8: email the error #N/A (invalid)
///
/// Sheet `Later` (second): one valid GB row.
fn workbook(dir: &Path, tag: &str) -> PathBuf {
    let mut workbook = Workbook::new();
    let text = Format::new().set_num_format("@");
    let zip = Format::new().set_num_format("00000");
    let date = Format::new().set_num_format("yyyy-mm-dd");

    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers").unwrap();
    for (col, name) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    let us = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, n: u32| {
        sheet
            .write_string(row, 1, format!("Customer {n} Inc"))
            .unwrap();
        sheet.write_string(row, 2, format!("{tag}x{n}")).unwrap();
        sheet
            .write_string(row, 3, format!("ap{n}@example.com"))
            .unwrap();
        for (col, value) in [(4, "en-US"), (5, "en"), (6, "Ann"), (7, "Lee")] {
            sheet.write_string(row, col, value).unwrap();
        }
        sheet.write_string(row, 9, format!("{n} Main St")).unwrap();
        sheet.write_string(row, 10, "Boston").unwrap();
        sheet.write_string(row, 11, "MA").unwrap();
        sheet.write_string(row, 13, "US").unwrap();
    };

    // Row 2 (index 1).
    sheet.write_number(1, 0, 1001.0).unwrap();
    us(sheet, 1, 1);
    sheet.write_number(1, 8, 4255550100.0).unwrap();
    sheet
        .write_string_with_format(1, 12, "02134", &text)
        .unwrap();
    sheet.write_string(1, 15, "  keep   my spaces ").unwrap();
    let signed = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 16, &signed, &date)
        .unwrap();

    // Row 4 (index 3), after a blank row 3.
    sheet.write_number(3, 0, 1002.0).unwrap();
    us(sheet, 3, 2);
    sheet.write_number_with_format(3, 12, 2134.0, &zip).unwrap();
    sheet.write_number(3, 15, 1.5).unwrap();

    // Row 5 (index 4): Russia, registration number as a big number.
    let ru = [
        (1, "ООО Ромашка"),
        (2, &*format!("{tag}romashka")),
        (3, "buh@romashka.example"),
        (4, "ru-RU"),
        (5, "ru"),
        (6, "Иван"),
        (7, "Петров"),
        (8, "+7 495 555 01 01"),
        (9, "ул. Тверская, 7"),
        (10, "Москва"),
        (11, "Москва"),
        (13, "RU"),
    ];
    sheet.write_string(4, 0, "CRM-RU").unwrap();
    for (col, value) in ru {
        sheet.write_string(4, col, value).unwrap();
    }
    sheet.write_number(4, 12, 125009.0).unwrap();
    sheet.write_number(4, 14, 7707083893.0).unwrap();
    sheet.write_number(4, 15, 1.2e9).unwrap();

    // Row 6 (index 5): the company name is a formula.
    sheet.write_number(5, 0, 1004.0).unwrap();
    us(sheet, 5, 4);
    sheet
        .write_formula(
            5,
            1,
            Formula::new("=\"Fabrikam\"&\" Ltd\"").set_result("Fabrikam Ltd"),
        )
        .unwrap();
    sheet
        .write_string_with_format(5, 12, "02134", &text)
        .unwrap();

    // Row 7 (index 6): the postal code is a date.
    sheet.write_number(6, 0, 1005.0).unwrap();
    us(sheet, 6, 5);
    let when = ExcelDateTime::from_ymd(2021, 3, 4).unwrap();
    sheet
        .write_datetime_with_format(6, 12, &when, &date)
        .unwrap();

    // Row 8 (index 7): the e-mail is #N/A.
    sheet.write_number(7, 0, 1006.0).unwrap();
    us(sheet, 7, 6);
    sheet
        .write_formula(7, 3, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet
        .write_string_with_format(7, 12, "02134", &text)
        .unwrap();

    let later = workbook.add_worksheet();
    later.set_name("Later").unwrap();
    for (col, name) in HEADER.iter().enumerate() {
        later.write_string(0, col as u16, *name).unwrap();
    }
    let gb = [
        (0, "GB-1"),
        (1, "Contoso UK"),
        (2, &*format!("{tag}uk")),
        (3, "ap@contoso.example"),
        (4, "en-GB"),
        (5, "en"),
        (6, "Ann"),
        (7, "Lee"),
        (9, "1 High St"),
        (10, "London"),
        (12, "SW1A 1AA"),
        (13, "GB"),
    ];
    for (col, value) in gb {
        later.write_string(1, col, value).unwrap();
    }

    let path = dir.join("customers.xlsx");
    workbook.save(&path).unwrap();
    path
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
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
