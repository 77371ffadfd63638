//! Cells given back as typed: the same workbook rows get
//! the same verdict when the results workbook is validated or run again
//! unchanged, and input cells come back as they were: a date as a date
//! cell, an error as the error, a formula with a saved result as that
//! result, a formula without one as the formula.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

use crate::support::*;

const HEADER: [&str; 15] = [
    "company_name",
    "domain",
    "email",
    "culture",
    "language",
    "first_name",
    "last_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "mca_date",
    "notes",
];
const MCA_DATE: u16 = 13;
const NOTES: u16 = 14;

/// A valid US row at sheet index `row`, its domain `{tag}{row}`.
fn customer(sheet: &mut Worksheet, row: u32, tag: &str) {
    let values = [
        "Contoso",
        "",
        "ap@contoso.example",
        "en-US",
        "en",
        "Ann",
        "Lee",
        "1 Main St",
        "",
        "Boston",
        "MA",
        "02134",
        "US",
    ];
    for (col, value) in (0u16..).zip(values) {
        if !value.is_empty() {
            sheet.write_string(row, col, value).unwrap();
        }
    }
    sheet.write_string(row, 1, format!("{tag}{row}")).unwrap();
}

/// Rows 2-7: a date in mca_date (read as the date), a date in postal_code
/// (refused), a date and time in mca_date (refused), formulas with saved
/// results, an error cell in email (refused), formulas never computed in
/// address_line2 (refused) and in `notes`.
fn workbook(dir: &Path, tag: &str) -> PathBuf {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Customers").unwrap();
    for (col, name) in (0u16..).zip(HEADER) {
        sheet.write_string(0, col, name).unwrap();
    }
    for row in 1..=6 {
        customer(sheet, row, tag);
    }
    let dmy = Format::new().set_num_format("dd/mm/yyyy");
    let date = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet
        .write_datetime_with_format(1, MCA_DATE, date(2025, 1, 15), &dmy)
        .unwrap();
    sheet
        .write_datetime_with_format(2, 11, date(2021, 3, 4), &dmy)
        .unwrap();
    let at = ExcelDateTime::parse_from_str("2025-01-15 09:30:00").unwrap();
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    sheet
        .write_datetime_with_format(3, MCA_DATE, at, &stamp)
        .unwrap();
    let saved = |f: &str, r: &str| Formula::new(f).set_result(r);
    sheet
        .write_formula(4, 0, saved("=\"Fabri\"&\"kam\"", "Fabrikam"))
        .unwrap();
    sheet
        .write_formula(4, NOTES, saved("=\"x\"&\"y\"", "xy"))
        .unwrap();
    sheet.write_formula(5, 2, saved("=NA()", "#N/A")).unwrap();
    sheet
        .write_formula(6, 8, saved("=\"Suite \"&2", "UNSAVED"))
        .unwrap();
    sheet
        .write_formula(6, NOTES, saved("=1+2", "UNSAVED"))
        .unwrap();
    let path = dir.join("in.xlsx");
    book.save(&path).unwrap();
    drop_results(&path, "UNSAVED");
    path
}

/// What a script that never opens Excel leaves: formulas without results
/// (`<v>marker</v>` removed from the sheet).
fn drop_results(path: &Path, marker: &str) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        parts.push((entry.name().unwrap().into_owned(), bytes));
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        let bytes = match name.as_str() {
            "xl/worksheets/sheet1.xml" => String::from_utf8(bytes)
                .unwrap()
                .replace(&format!("<v>{marker}</v>"), "")
                .into_bytes(),
            _ => bytes,
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

/// `(status, error)` of each row of the results CSV `path`. A formula
/// never computed comes back as the formula with `#N/A` for a result
/// until Excel computes it: read again, it is that error (still refused).
fn verdicts(path: &Path) -> Vec<(String, String)> {
    let r = Results::read(path);
    let unsaved = "address_line2 is a formula whose result was never saved (open the workbook \
                   in Excel and save it, or paste the values)";
    let as_error = "address_line2 is the Excel error #N/A (fix the formula or type the value)";
    let errors = r
        .column("error")
        .into_iter()
        .map(|e| e.replace(unsaved, as_error));
    r.column("status").into_iter().zip(errors).collect()
}

/// `validate INPUT --results OUT` (OUT .xlsx or .csv).
fn validate(input: &Path, out: &Path) -> std::process::Output {
    run_plain(&[
        "validate",
        input.to_str().unwrap(),
        "--results",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_results_workbook_validated_again_unchanged_gets_the_same_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "rt");
    let (first, csv1) = (dir.path().join("r1.xlsx"), dir.path().join("r1.csv"));
    let out = validate(&input, &first);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "mca_date: date cells read as the dates they show, as YYYY-MM-DD: row 2 (2025-01-15)"
        ),
        "{err}"
    );
    validate(&input, &csv1);
    let expected = verdicts(&csv1);
    let statuses: Vec<&str> = expected.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["valid", "invalid", "invalid", "valid", "invalid", "invalid"]
    );
    assert!(
        expected[1]
            .1
            .contains("postal_code is a date cell (2021-03-04)"),
        "{expected:?}"
    );
    assert!(
        expected[2]
            .1
            .contains("mca_date is a date and time cell (2025-01-15 09:30:00) without a time zone"),
        "{expected:?}"
    );
    assert!(
        expected[4].1.contains("email is the Excel error #N/A"),
        "{expected:?}"
    );
    let errors = Results::read(&csv1).column("error");
    let unsaved = "address_line2 is a formula whose result was never saved";
    assert!(errors[5].contains(unsaved), "{errors:?}");
    // The results workbook, and its results workbook, read the same.
    let (second, csv2) = (dir.path().join("r2.xlsx"), dir.path().join("r2.csv"));
    assert_eq!(code(&validate(&first, &second)), 2);
    validate(&first, &csv2);
    assert_eq!(verdicts(&csv2), expected);
    let csv3 = dir.path().join("r3.csv");
    validate(&second, &csv3);
    assert_eq!(verdicts(&csv3), expected);
}

#[test]
fn input_cells_come_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "cb");
    let results = dir.path().join("r.xlsx");
    validate(&input, &results);
    let mut book: Xlsx<_> = open_workbook(&results).unwrap();
    let values = book.worksheet_range("Customers").unwrap();
    let formulas = book.worksheet_formula("Customers").unwrap();
    let cell = |row: u32, col: u16| values.get_value((row, u32::from(col))).cloned();
    // Dates are date cells again, with their number format.
    assert!(matches!(cell(1, MCA_DATE), Some(Data::DateTime(d)) if d.as_f64() == 45672.0));
    assert!(
        matches!(cell(2, 11), Some(Data::DateTime(_))),
        "{:?}",
        cell(2, 11)
    );
    // A formula's saved result comes back as that value.
    assert_eq!(cell(4, 0), Some(Data::String("Fabrikam".into())));
    assert_eq!(cell(4, NOTES), Some(Data::String("xy".into())));
    // An error is that error; a formula never computed is that formula.
    assert!(
        matches!(cell(5, 2), Some(Data::Error(_))),
        "{:?}",
        cell(5, 2)
    );
    let formula = |row: u32, col: u16| formulas.get_value((row, u32::from(col))).cloned();
    assert_eq!(formula(6, NOTES).as_deref(), Some("1+2"));
    assert_eq!(formula(6, 8).as_deref(), Some("\"Suite \"&2"));
}

#[test]
fn run_and_a_run_of_its_results_workbook_agree_on_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = workbook(dir.path(), "rr");
    let results = dir.path().join("r.xlsx");
    let args = |i: &Path, r: &Path| {
        let mut a = run_args(i, r, &["--sandbox"]);
        a.push("--sheet".into());
        a.push("Customers".into());
        a
    };
    let out = run_plain(&args(&input, &results));
    assert_eq!(code(&out), 2, "{}", text(&out));
    let journal = pc_onboard::files::journal_path(&results, &input).unwrap();
    let first = verdicts(&journal);
    let statuses: Vec<&str> = first.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "created", "invalid", "invalid", "created", "invalid", "invalid"
        ]
    );
    let again = dir.path().join("r2.xlsx");
    let out = run_plain(&args(&results, &again));
    assert_eq!(code(&out), 2, "{}", text(&out));
    let journal = pc_onboard::files::journal_path(&again, &results).unwrap();
    assert_eq!(
        verdicts(&journal),
        first,
        "the created rows copied, the others refused again"
    );
}
