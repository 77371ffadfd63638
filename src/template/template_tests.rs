#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::io::Read;

use super::columns::value_lists;
use super::*;
use crate::input::InputReader;
use crate::validate::{Uniqueness, check};

/// The rows of `path` as read by `validate`: the header, then each row's
/// problems.
fn read_back(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = InputReader::open(path).unwrap();
    let layout = reader.layout().clone();
    let header = layout
        .headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let mut problems = Vec::new();
    let mut row = InputRow::new();
    let mut uniqueness = Uniqueness::new();
    while reader.read_row(&mut row).unwrap() {
        assert!(row.cell_issues.is_empty(), "{:?}", row.cell_issues);
        let (fields, mut found) = row.fields(&layout);
        if let Err(more) = check(&fields) {
            found.extend(more);
        }
        found.extend(uniqueness.check(row.number, &fields));
        problems.push(found.iter().map(ToString::to_string).collect());
    }
    (header, problems)
}

fn names() -> Vec<String> {
    Field::ALL.iter().map(|f| f.name().to_owned()).collect()
}

#[test]
fn the_untouched_template_has_every_column_and_an_example_that_passes() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.xlsx", "t.csv"] {
        let path = dir.path().join(name);
        let report = write_template(&path, &Rows::Example, false).unwrap();
        assert_eq!((report.columns, report.rows), (Field::ALL.len(), 1));
        let (header, problems) = read_back(&path);
        assert_eq!(header, names(), "{name}");
        assert_eq!(problems, [Vec::<String>::new()], "{name}");
    }
    let csv = std::fs::read(dir.path().join("t.csv")).unwrap();
    assert!(csv.starts_with(b"\xef\xbb\xbfexternal_id,company_name,"));
}

#[test]
fn the_example_row_is_recognised_and_an_edited_one_is_not() {
    let example = CustomerFields::new()
        .with(Field::ExternalId, EXAMPLE_ID)
        .with(Field::Domain, EXAMPLE_DOMAIN);
    assert!(is_example(&example));
    assert!(!is_example(&example.with(Field::Domain, "fabrikam")));
    assert!(!is_example(&example.with(Field::ExternalId, "CRM-1")));
}

#[test]
fn other_formats_and_existing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.xls", "t.ods", "t", "t.txt"] {
        let error = write_template(&dir.path().join(name), &Rows::Example, false).unwrap_err();
        assert!(matches!(error, TemplateError::Format(_)), "{name}: {error}");
    }
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, "mine").unwrap();
    let error = write_template(&path, &Rows::Example, false).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{} exists: pass --force to replace it", path.display())
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"mine");
    write_template(&path, &Rows::Example, true).unwrap();
    assert_eq!(read_back(&path).0, names());
}

/// The text of `member` in the workbook `path`.
fn part(path: &Path, member: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(member)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_workbook_has_notes_drop_downs_text_cells_and_instructions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    write_template(&path, &Rows::Example, false).unwrap();
    let notes = part(&path, "xl/comments1.xml");
    assert_eq!(notes.matches("<comment ref=").count(), Field::ALL.len());
    assert!(notes.contains("Required in every row."), "{notes}");
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert_eq!(
        sheet.matches("<dataValidation ").count(),
        value_lists().len()
    );
    assert!(sheet.contains("Lists!$A$2:$A$"), "{sheet}");
    let book = part(&path, "xl/workbook.xml");
    assert!(book.contains(r#"name="Instructions""#), "{book}");
    assert!(
        book.contains(r#"name="Lists" sheetId="3" state="hidden""#),
        "{book}"
    );
    // Every column is Text: a postal code typed with a leading zero stays.
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="@""#), "{styles}");
    assert!(sheet.contains(r#"style="2""#), "columns formatted: {sheet}");
}

#[test]
fn a_template_filled_from_a_csv_keeps_its_columns_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let header = "Company Name,domain,email,culture,language,first_name,last_name,address_line1,\
                  city,state,postal_code,country,notes";
    std::fs::write(
        &input,
        format!(
            "{header}\nContoso,contoso,a@contoso.example,en-US,en,Ann,Lee,1 Main St,Boston,MA,\
             02134,US,call\n"
        ),
    )
    .unwrap();
    let path = dir.path().join("t.xlsx");
    let rows = Rows::From(input.clone(), InputOptions::default());
    let report = write_template(&path, &rows, false).unwrap();
    assert_eq!((report.columns, report.rows), (13, 1));
    let (read, problems) = read_back(&path);
    assert_eq!(read.join(","), header);
    assert_eq!(problems, [Vec::<String>::new()]);
    let mut reader = InputReader::open(&path).unwrap();
    let mut row = InputRow::new();
    reader.read_row(&mut row).unwrap();
    let (fields, _) = row.fields(reader.layout());
    assert_eq!(fields.get(Field::PostalCode), "02134");
    assert_eq!(fields.get(Field::CompanyName), "Contoso");
    assert_eq!(&row.record[12], b"call");
    // Notes on the 12 known columns, the country drop-down on column L.
    let notes = part(&path, "xl/comments1.xml");
    assert_eq!(notes.matches("<comment ref=").count(), 12);
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"sqref="L2:L1048576""#), "{sheet}");
    let same = Rows::From(path.clone(), InputOptions::default());
    let error = write_template(&path, &same, true).unwrap_err();
    assert!(matches!(error, TemplateError::SameFile(_)), "{error}");
}
