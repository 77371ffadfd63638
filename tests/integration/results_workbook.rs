//! Results as a workbook: the sample workbook matches the sample CSV, and
//! the Excel round trip (input workbook, results workbook, fix, re-run)
//! against the sandbox. The run writes its results CSV (the journal) and
//! the workbook is rendered from it, as `--results out.xlsx` does.

use crate::support;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use pc_onboard::files::journal_path;
use pc_onboard::input::{InputOptions, InputReader, InputRow};
use pc_onboard::results::previous;
use pc_onboard::sandbox::RunningSandbox;
use rust_xlsxwriter::Workbook;
use support::*;

/// Every record of `path` (the header first), as text.
fn records(path: &Path) -> Vec<Vec<String>> {
    let mut reader = InputReader::open(path).unwrap();
    let header = reader.layout().headers.iter();
    let mut out = vec![
        header
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect(),
    ];
    let mut row = InputRow::new();
    while reader.read_row(&mut row).unwrap() {
        assert!(row.cell_issues.is_empty(), "{:?}", row.cell_issues);
        out.push(
            row.record
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect(),
        );
    }
    out
}

#[test]
fn samples_workbook_holds_the_rows_of_the_csv() {
    let workbook = sample().with_extension("xlsx");
    let from_workbook = records(&workbook);
    assert_eq!(
        from_workbook,
        records(&sample()),
        "samples/customers.xlsx differs from samples/customers.csv: \
         run `cargo run -- template samples/customers.xlsx --from samples/customers.csv --force`"
    );
    let book: Xlsx<BufReader<File>> = open_workbook(&workbook).unwrap();
    assert_eq!(book.sheet_names(), ["Customers", "Instructions", "Lists"]);
}

/// `run INPUT --sheet Customers --results <journal of WORKBOOK>`, then the
/// workbook rendered from the journal.
async fn run_to_workbook(sb: &RunningSandbox, input: &Path, workbook: &Path) {
    let args = run_args(
        input,
        workbook,
        &["--sheet", "Customers", "--rate", "60000"],
    );
    let out = run_against(sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let journal = journal_path(workbook, input).unwrap();
    assert!(journal.exists(), "run keeps its journal for --resume");
}

/// The cells of the note references in the first sheet of `workbook`.
fn note_cells(workbook: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(File::open(workbook).unwrap()).unwrap();
    let mut xml = String::new();
    let mut comments = archive.by_name("xl/comments1.xml").unwrap();
    comments.read_to_string(&mut xml).unwrap();
    let mut cells: Vec<String> = xml
        .split("<comment ref=\"")
        .skip(1)
        .map(|block| block.split('"').next().unwrap().to_owned())
        .collect();
    cells.sort();
    cells
}

/// What a user does in Excel: change cells of the results sheet and save
/// (here: copy every cell, with `fixes` applied, to a new workbook).
fn fix_in_excel(results: &Path, fixed: &Path, fixes: &[((usize, usize), &str)]) {
    let mut book: Xlsx<BufReader<File>> = open_workbook(results).unwrap();
    let range = book.worksheet_range("Customers").unwrap();
    let mut out = Workbook::new();
    let sheet = out.add_worksheet();
    sheet.set_name("Customers").unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r32, c16) = (r as u32, c as u16);
            match fixes.iter().find(|(at, _)| *at == (r, c)) {
                Some((_, value)) => sheet.write_string(r32, c16, *value).map(drop),
                None => match cell {
                    Data::String(text) => sheet.write_string(r32, c16, text).map(drop),
                    Data::Float(n) => sheet.write_number(r32, c16, *n).map(drop),
                    Data::Empty => Ok(()),
                    other => panic!("unexpected cell {other:?}"),
                },
            }
            .unwrap();
        }
    }
    out.save(fixed).unwrap();
}

#[tokio::test]
async fn excel_round_trip_fix_the_red_cells_and_rerun_the_results_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let input: PathBuf = sample().with_extension("xlsx");
    let results = dir.path().join("results.xlsx");
    let sb = sandbox(quiet()).await;
    run_to_workbook(&sb, &input, &results).await;
    let posts = sb.state().stats().calls_to("POST /v1/customers");
    assert_eq!(posts, SAMPLE_VALID_ROWS as u64);
    // The offending cells of the six broken rows carry notes: postal_code
    // (N36), country (O37), phone and registration number (I38, P38),
    // domain, email, language, last_name (C39, D39, F39, H39), the
    // duplicate domain (C40), the registration number (P41).
    let expected = [
        "C39", "C40", "D39", "F39", "H39", "I38", "N36", "O37", "P38", "P41",
    ];
    assert_eq!(note_cells(&results), expected);

    // Fix two rows in the results workbook: the ZIP code, and UK → GB.
    let fixed = dir.path().join("fixed.xlsx");
    fix_in_excel(&results, &fixed, &[((35, 13), "81657"), ((36, 14), "GB")]);
    let again = dir.path().join("results-2.xlsx");
    run_to_workbook(&sb, &fixed, &again).await;
    // Only the two fixed rows were sent; the created rows were copied.
    let posts_now = sb.state().stats().calls_to("POST /v1/customers");
    assert_eq!(posts_now, posts + 2);
    let options = InputOptions {
        sheet: Some("Customers".to_owned()),
        columns: Vec::new(),
        ..InputOptions::default()
    };
    let mut reader = InputReader::open_with(&again, &options).unwrap();
    pc_onboard::results::recognise(&mut reader, &options).unwrap();
    let layout = reader.layout().clone();
    let mut row = InputRow::new();
    let mut statuses = Vec::new();
    while reader.read_row(&mut row).unwrap() {
        let result = previous(&row, &layout).unwrap();
        statuses.push(result.status.to_string());
    }
    let created = statuses.iter().filter(|s| *s == "created").count();
    assert_eq!(created, SAMPLE_VALID_ROWS + 2, "{statuses:?}");
    assert_eq!(note_cells(&again).len(), expected.len() - 2);
}
