//! `pc-onboard template`, the round trip a new user
//! makes: write the template, validate it untouched, fill it in, run it
//! against the sandbox into a results workbook, run the results workbook
//! again. The untouched example row is never sent.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Format, Workbook};

use crate::support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Three customers, by column name; the German postal code keeps its zero.
const CUSTOMERS: [&[(&str, &str)]; 3] = [
    &[
        ("external_id", "CRM-1"),
        ("company_name", "Northwind Traders BV"),
        ("domain", "northwindtemplate"),
        ("email", "ap@northwind.example"),
        ("culture", "nl-NL"),
        ("language", "nl"),
        ("first_name", "Anna"),
        ("last_name", "de Vries"),
        ("address_line1", "Damrak 1"),
        ("city", "Amsterdam"),
        ("postal_code", "1012 LG"),
        ("country", "NL"),
    ],
    &[
        ("external_id", "CRM-2"),
        ("company_name", "Dresden Werke GmbH"),
        ("domain", "dresdentemplate"),
        ("email", "ap@dresden.example"),
        ("culture", "de-DE"),
        ("language", "de"),
        ("first_name", "Jonas"),
        ("last_name", "Becker"),
        ("address_line1", "Altmarkt 1"),
        ("city", "Dresden"),
        ("postal_code", "01067"),
        ("country", "DE"),
    ],
    &[
        ("external_id", "CRM-3"),
        ("company_name", "Contoso Japan KK"),
        ("domain", "contosojptemplate"),
        ("email", "ap@contoso-jp.example"),
        ("culture", "ja-JP"),
        ("language", "ja"),
        ("first_name", "Yui"),
        ("last_name", "Sato"),
        ("address_line1", "1-1 Marunouchi"),
        ("city", "Chiyoda-ku"),
        ("state", "13"),
        ("postal_code", "100-0005"),
        ("country", "JP"),
    ],
];

/// The header and the cells of the sheet `Customers` of `path`.
fn customers_sheet(path: &Path) -> (Vec<String>, Range<Data>) {
    let mut book: Xlsx<BufReader<File>> = open_workbook(path).unwrap();
    let range = book.worksheet_range("Customers").unwrap();
    let first = range.rows().next().unwrap();
    (first.iter().map(ToString::to_string).collect(), range)
}

/// What a user does in Excel: type the customers over the example row and
/// below it, and save (here: the template's header and the typed rows,
/// as Text cells, in a new workbook).
fn fill_in(template: &Path, filled: &Path) {
    let (header, _) = customers_sheet(template);
    let mut out = Workbook::new();
    let sheet = out.add_worksheet();
    sheet.set_name("Customers").unwrap();
    let text = Format::new().set_num_format("@");
    for (col, name) in (0u16..).zip(&header) {
        sheet.write_string(0, col, name).unwrap();
    }
    for (row, customer) in (1u32..).zip(CUSTOMERS) {
        for (name, value) in customer {
            let col = header.iter().position(|h| h == name).unwrap();
            sheet
                .write_string_with_format(row, col as u16, *value, &text)
                .unwrap();
        }
    }
    out.save(filled).unwrap();
}

#[test]
fn the_template_round_trip_write_validate_fill_run_and_rerun_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("customers.xlsx");
    let out = run_plain(&["template", s(&template)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let next = format!(
        "fill it in, then check it with: {} validate",
        printed_program()
    );
    assert!(stderr(&out).contains(&next), "{}", stderr(&out));
    // Untouched, it passes validation and says its example row is one.
    let out = run_plain(&["validate", s(&template)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        stderr(&out).contains("row 2: this is the template's example row"),
        "{}",
        text(&out)
    );
    // run never sends the example.
    let untouched = dir.path().join("untouched.csv");
    let out = run_plain(&run_args(&template, &untouched, &["--sandbox"]));
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&untouched);
    assert_eq!(r.column("status"), ["invalid"]);
    assert_eq!(r.column("attempts"), [""]);
    assert!(
        r.column("error")[0].contains("it is never sent"),
        "{:?}",
        r.rows
    );

    let filled = dir.path().join("filled.xlsx");
    fill_in(&template, &filled);
    let out = run_plain(&["validate", s(&filled)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let results = dir.path().join("results.xlsx");
    let out = run_plain(&run_args(&filled, &results, &["--sandbox"]));
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(stderr(&out).contains("3 created"), "{}", text(&out));
    // The results workbook keeps the zero of 01067 and runs again as it is.
    let (header, range) = customers_sheet(&results);
    let postal = header.iter().position(|h| h == "postal_code").unwrap();
    assert_eq!(range.get((2, postal)), Some(&Data::String("01067".into())));
    let again = dir.path().join("results-2.xlsx");
    let args = run_args(&results, &again, &["--sandbox", "--sheet", "Customers"]);
    let out = run_plain(&args);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        stderr(&out).contains("0 sent to Partner Center, 3 copied from the earlier results"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_csv_template_passes_validation_and_an_existing_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("customers.csv");
    assert_eq!(code(&run_plain(&["template", s(&template)])), 0);
    let out = run_plain(&["validate", s(&template)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let before = std::fs::read(&template).unwrap();
    let out = run_plain(&["template", s(&template)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        stderr(&out).contains("exists: pass --force to replace it"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&template).unwrap(), before);
    let out = run_plain(&["template", s(&dir.path().join("customers.ods"))]);
    assert_eq!(code(&out), 1, "{}", text(&out));
}

#[test]
fn the_sample_workbook_is_the_template_filled_with_the_sample_csv() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("customers.xlsx");
    let csv = sample();
    let out = run_plain(&["template", s(&made), "--from", s(&csv)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sheet = |path: &Path| {
        let mut book: Xlsx<BufReader<File>> = open_workbook(path).unwrap();
        let names = book.sheet_names();
        (names, book.worksheet_range("Customers").unwrap())
    };
    assert_eq!(
        sheet(&made),
        sheet(&csv.with_extension("xlsx")),
        "samples/customers.xlsx is not made from samples/customers.csv: run \
         `cargo run -- template samples/customers.xlsx --from samples/customers.csv --force`"
    );
}
