#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::fs::File;
use std::io::{BufReader, Read};

use calamine::{Data, Reader, Xlsx, open_workbook};

use super::*;
use crate::results::McaStatus;
use crate::results::fixes::{FIXES, plain};
use crate::results::{FlushPolicy, ProblemLog, previous};
use crate::validate::{Problem, ProblemKind};

const INPUT_HEADER: [&str; 16] = [
    "external_id",
    "company_name",
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
    "account_manager",
];

/// A valid US customer; `n` makes its keys unique.
fn customer(n: u32) -> Vec<String> {
    let fields = [
        format!("00{n}"),
        format!("Customer {n} Inc"),
        format!("customer{n}"),
        format!("ap@customer{n}.example"),
        "en-US".into(),
        "en".into(),
        "Ann".into(),
        "Lee".into(),
        "+1 425 555 0100".into(),
        "1 Main St".into(),
        "Boston".into(),
        "MA".into(),
        "02134".into(),
        "US".into(),
        String::new(),
        "J. Park".into(),
    ];
    fields.into()
}

/// Result cells: status, customer_id, ..., attempts, error_code, error,
/// mca_status, default_gdap_sent (`on` for a created row), customer_link,
/// mca_attestation_id.
fn result(status: &str, attempts: &str, code: &str, error: &str, mca: &str) -> Vec<String> {
    let id = if matches!(status, "created" | "exists") {
        "c-1"
    } else {
        ""
    };
    let gdap = if status == "created" { "on" } else { "" };
    [
        status, id, id, id, "", "r-1", attempts, code, error, mca, gdap, "", "",
    ]
    .map(str::to_owned)
    .into()
}

/// The journal rows of most tests (sheet rows 2 to 9).
fn journal_rows() -> Vec<Vec<String>> {
    let mut created = customer(1);
    created[1] = "=SUM(A1:A2) Holdings".into();
    created[14] = String::new();
    let mut exists = customer(2);
    exists[15] = "12345678901234567890".into();
    let mut invalid = customer(3);
    invalid[3] = "not-an-address".into();
    invalid[12] = "8165".into();
    let mut duplicate = customer(9);
    duplicate[2] = "CUSTOMER1".into();
    let error = "email is not an e-mail address; postal_code 8165 is not a US ZIP code";
    let duplicate_error = "domain \"CUSTOMER1\" duplicates row 2";
    let rows = [
        (created, result("created", "1", "", "", "attested")),
        (exists, result("exists", "0", "", "", "")),
        (invalid, result("invalid", "", "27002", error, "")),
        (
            customer(4),
            result("rejected", "1", "600049", "registration number missing", ""),
        ),
        (
            customer(5),
            result("failed", "5", "503", "Service Unavailable", "skipped"),
        ),
        (customer(6), result("cancelled", "", "", "", "")),
        (customer(7), result("valid", "", "", "", "")),
        (
            duplicate,
            result("invalid", "", "27002", duplicate_error, ""),
        ),
    ];
    rows.into_iter()
        .map(|(mut input, result)| {
            input.extend(result);
            input
        })
        .collect()
}

/// The typed problems of the invalid rows of [`journal_rows`], by sheet
/// row: what the run wrote to the problems file.
fn journal_problems() -> Vec<(u64, Vec<Problem>)> {
    let invalid = |field, text: &str| Problem::new(field, ProblemKind::Invalid, text);
    vec![
        (
            4,
            vec![
                invalid(Field::Email, "email is not an e-mail address"),
                invalid(Field::PostalCode, "postal_code 8165 is not a US ZIP code"),
            ],
        ),
        (
            9,
            vec![Problem::new(
                Field::Domain,
                ProblemKind::Duplicate,
                "domain \"CUSTOMER1\" duplicates row 2",
            )],
        ),
    ]
}

/// Write the problems file of a journal of `rows` rows at `path`.
fn write_problems(path: &Path, rows: usize, problems: &[(u64, Vec<Problem>)]) {
    let mut log = ProblemLog::create(path, FlushPolicy::Buffered).unwrap();
    for row in 2..rows as u64 + 2 {
        let found = problems.iter().find(|(r, _)| *r == row);
        log.record(found.map_or(&[][..], |(_, p)| p)).unwrap();
    }
    log.finish().unwrap();
}

/// Write a journal of `rows` and its problems file ([`journal_problems`])
/// and render it; the directory, journal and workbook.
fn render(
    rows: &[Vec<String>],
    options: &WorkbookOptions,
) -> (tempfile::TempDir, PathBuf, PathBuf, WorkbookReport) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("results.xlsx.journal.csv");
    let workbook = dir.path().join("results.xlsx");
    let mut writer = csv::Writer::from_path(&journal).unwrap();
    let header = INPUT_HEADER.iter().chain(RESULT_COLUMNS.iter());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    let problems = dir.path().join("results.xlsx.problems.jsonl");
    write_problems(&problems, rows.len(), &journal_problems());
    let mut options = options.clone();
    options.problems.get_or_insert(problems);
    let report = render_workbook(&journal, &workbook, &options).unwrap();
    (dir, journal, workbook, report)
}

fn open(path: &Path) -> Xlsx<BufReader<File>> {
    open_workbook(path).unwrap()
}

/// The text of a zip member of the workbook.
fn member(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The notes of the first sheet: (cell reference, text).
fn notes(path: &Path) -> Vec<(String, String)> {
    let xml = member(path, "xl/comments1.xml");
    let mut notes = Vec::new();
    for block in xml.split("<comment ref=\"").skip(1) {
        let reference = block.split('"').next().unwrap().to_owned();
        let mut text = String::new();
        let runs = block.split("<t").skip(1);
        for run in runs.filter(|r| r.starts_with('>') || r.starts_with(' ')) {
            let body = run.split_once('>').unwrap().1;
            text.push_str(body.split("</t>").next().unwrap());
        }
        let text = text
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        notes.push((reference, text));
    }
    notes
}

/// The fill colour (RRGGBB) of a cell, if any.
fn fill(book: &mut Xlsx<BufReader<File>>, sheet: &str, cell: (u32, u32)) -> Option<String> {
    let styles = book.worksheet_style(sheet).unwrap();
    let color = styles.get(cell)?.fill.as_ref()?.foreground_color?;
    Some(format!(
        "{:02X}{:02X}{:02X}",
        color.red, color.green, color.blue
    ))
}

fn status_column() -> u32 {
    INPUT_HEADER.len() as u32
}

#[test]
fn result_column_positions_match_the_names() {
    assert_eq!(RESULT_COLUMNS[STATUS], "status");
    assert_eq!(RESULT_COLUMNS[ATTEMPTS], "attempts");
    assert_eq!(RESULT_COLUMNS[CUSTOMER_LINK], "customer_link");
}

#[test]
fn input_values_are_text_cells_and_attempts_a_number() {
    let rows = journal_rows();
    let (_dir, _journal, workbook, report) = render(&rows, &WorkbookOptions::new(None));
    assert_eq!(report.sheet, "Results");
    assert_eq!(report.summary.rows, 8);
    let mut book = open(&workbook);
    assert_eq!(book.sheet_names(), ["Results", "Summary"]);
    let range = book.worksheet_range("Results").unwrap();
    let header: Vec<&Data> = range.rows().next().unwrap().iter().collect();
    let expected: Vec<Data> = INPUT_HEADER
        .iter()
        .chain(RESULT_COLUMNS.iter())
        .map(|h| Data::String((*h).to_owned()))
        .collect();
    assert_eq!(header, expected.iter().collect::<Vec<_>>());
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let cell = range.get((r + 1, c)).unwrap_or(&Data::Empty);
            let expected = if c == INPUT_HEADER.len() + ATTEMPTS && !value.is_empty() {
                Data::Float(value.parse().unwrap())
            } else if value.is_empty() && c != INPUT_HEADER.len() + STATUS {
                Data::Empty
            } else {
                Data::String(value.clone())
            };
            assert_eq!(*cell, expected, "row {} column {c}", r + 2);
        }
    }
    // The header row is bold, frozen and filtered.
    let styles = book.worksheet_style("Results").unwrap();
    let bold = styles.get((0, 0)).unwrap().font.as_ref().unwrap().weight;
    assert_eq!(bold, calamine::FontWeight::Bold);
    let xml = member(&workbook, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(r#"<pane ySplit="1" topLeftCell="A2""#),
        "{xml}"
    );
    assert!(xml.contains(r#"<autoFilter ref="A1:AC9"/>"#), "{xml}");
}

#[test]
fn the_workbook_reads_back_as_input_with_its_results() {
    let rows = journal_rows();
    let (_dir, _journal, workbook, _) = render(&rows, &WorkbookOptions::new(None));
    let mut reader = InputReader::open(&workbook).unwrap();
    let kind = crate::results::recognise(&mut reader, &Default::default()).unwrap();
    assert_eq!(kind, crate::results::earlier::InputKind::EarlierResults);
    let layout = reader.layout().clone();
    assert_eq!(layout.sheet.as_deref(), Some("Results"));
    assert!(layout.has_previous_results());
    assert_eq!(
        layout.passthrough,
        (0..INPUT_HEADER.len()).collect::<Vec<_>>()
    );
    let mut row = InputRow::new();
    let mut read = Vec::new();
    while reader.read_row(&mut row).unwrap() {
        let record: Vec<String> = row
            .record
            .iter()
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
            .collect();
        assert!(row.cell_issues.is_empty(), "{:?}", row.cell_issues);
        read.push((record, previous(&row, &layout)));
    }
    assert_eq!(read.len(), rows.len());
    for ((record, _), expected) in read.iter().zip(&rows) {
        assert_eq!(record, expected);
    }
    let created = read[0].1.as_ref().unwrap();
    assert_eq!(created.status, Status::Created);
    assert_eq!(
        (created.customer_id.as_str(), created.attempts),
        ("c-1", Some(1))
    );
    assert_eq!(created.mca_status, McaStatus::Attested);
    let exists = read[1].1.as_ref().unwrap();
    assert!(exists.status.is_finished());
    let finished = read
        .iter()
        .filter(|(_, p)| p.as_ref().is_some_and(|p| p.status.is_finished()));
    assert_eq!(finished.count(), 2);
}

#[test]
fn status_cells_are_coloured_by_outcome() {
    let (_dir, _journal, workbook, _) = render(&journal_rows(), &WorkbookOptions::new(None));
    let mut book = open(&workbook);
    let colours: Vec<Option<String>> = (1..=8)
        .map(|row| fill(&mut book, "Results", (row, status_column())))
        .collect();
    let (green, red, amber) = (
        Some("C6EFCE".to_owned()),
        Some("FFC7CE".to_owned()),
        Some("FFEB9C".to_owned()),
    );
    // created, exists, invalid, rejected, failed, cancelled, valid, invalid
    assert_eq!(
        colours,
        [
            green.clone(),
            green,
            red.clone(),
            red.clone(),
            amber.clone(),
            amber,
            None,
            red
        ]
    );
}

#[test]
fn offending_cells_of_invalid_rows_are_highlighted_with_the_problem_as_a_note() {
    let (_dir, _journal, workbook, report) = render(&journal_rows(), &WorkbookOptions::new(None));
    let notes = notes(&workbook);
    let refs: Vec<&str> = notes.iter().map(|(r, _)| r.as_str()).collect();
    // Row 4: email (D) and postal_code (M); row 9: domain (C), a duplicate of row 2.
    assert_eq!(refs, ["D4", "M4", "C9"]);
    assert!(notes[0].1.starts_with("email "), "{}", notes[0].1);
    assert!(notes[1].1.contains("8165"), "{}", notes[1].1);
    assert!(notes[2].1.contains("duplicates row 2"), "{}", notes[2].1);
    assert_eq!(report.summary.flagged_cells, 3);
    let mut book = open(&workbook);
    for cell in [(3, 3), (3, 12), (8, 2)] {
        assert_eq!(
            fill(&mut book, "Results", cell).as_deref(),
            Some("FFC7CE"),
            "{cell:?}"
        );
    }
    // Not flagged: the same columns in a valid row, and the rejected row
    // (refused online: its message stays in `error`).
    for cell in [(2, 3), (2, 12), (4, 14)] {
        assert_eq!(fill(&mut book, "Results", cell), None, "{cell:?}");
    }
}

#[test]
fn the_summary_counts_rows_and_gives_the_fix_for_each_error_code() {
    let mut options = WorkbookOptions::new(None);
    options.facts.input = Some(PathBuf::from("customers.csv"));
    options.facts.mode = "run --sandbox".to_owned();
    let (_dir, journal, workbook, report) = render(&journal_rows(), &options);
    let mut book = open(&workbook);
    let range = book.worksheet_range("Summary").unwrap();
    let lines: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
    let find = |first: &str| {
        lines
            .iter()
            .find(|l| l.first().is_some_and(|c| c == first))
            .unwrap_or_else(|| panic!("no line `{first}` in {lines:?}"))
    };
    assert_eq!(find("input")[1], "customers.csv");
    assert_eq!(find("mode")[1], "run --sandbox");
    assert_eq!(find("journal")[1], journal.display().to_string());
    assert_eq!(find("rows")[1], "8");
    for (status, count) in [
        ("created", "1"),
        ("invalid", "2"),
        ("failed", "1"),
        ("valid", "1"),
    ] {
        assert_eq!(find(status)[1], count, "{status}");
    }
    assert_eq!(find("attested")[1], "1");
    assert_eq!(find("skipped")[1], "1");
    let invalid = find("27002");
    assert_eq!(invalid[1..3], ["2", "4, 9"]);
    let fix = FIXES.iter().find(|f| f.codes.contains(&"27002")).unwrap();
    assert_eq!(invalid[3], plain(fix.meaning));
    assert_eq!(invalid[4], plain(fix.fix));
    assert_eq!(
        find("503")[4],
        "run the results file again later; nothing is created twice"
    );
    assert_eq!(
        find("600049")[4],
        "fill registration_number (INN, CNPJ, PAN, ...)"
    );
    assert_eq!(report.summary.codes.len(), 3);
}

#[test]
fn the_results_sheet_is_named_after_the_sheet_the_rows_came_from() {
    let mut options = WorkbookOptions::new(Some("Klanten"));
    options.facts.input = Some(PathBuf::from("klanten.xlsx"));
    let (_dir, _journal, workbook, _) = render(&journal_rows(), &options);
    let mut book = open(&workbook);
    assert_eq!(book.sheet_names(), ["Klanten", "Summary"]);
    let summary = book.worksheet_range("Summary").unwrap();
    let sheet = summary
        .rows()
        .find(|r| r[0] == Data::String("sheet".into()))
        .unwrap();
    assert_eq!(sheet[1], Data::String("Klanten".into()));
    // `--sheet Klanten` reads the results workbook too.
    let options = InputOptions {
        sheet: Some("klanten".into()),
        columns: Vec::new(),
        ..InputOptions::default()
    };
    assert!(InputReader::open_with(&workbook, &options).is_ok());

    let (_dir, _journal, workbook, _) =
        render(&journal_rows(), &WorkbookOptions::new(Some("Summary")));
    assert_eq!(open(&workbook).sheet_names(), ["Summary", "Run summary"]);
}

#[test]
fn header_overrides_find_the_fields_of_the_journal() {
    let mut rows = journal_rows();
    rows.truncate(3);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.csv");
    let header = INPUT_HEADER.map(|h| if h == "email" { "Factuur e-mail" } else { h });
    let mut writer = csv::Writer::from_path(&journal).unwrap();
    writer
        .write_record(header.iter().chain(RESULT_COLUMNS.iter()))
        .unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    let problems = dir.path().join("out.xlsx.problems.jsonl");
    write_problems(&problems, rows.len(), &journal_problems());
    let workbook = dir.path().join("out.xlsx");
    let error = render_workbook(&journal, &workbook, &WorkbookOptions::new(None)).unwrap_err();
    assert!(matches!(error, ResultsError::Journal(_)), "{error:?}");
    assert!(!workbook.exists());
    let mut options = WorkbookOptions::new(None);
    options.problems = Some(problems);
    options.columns = vec![(Field::Email, "factuur email".to_owned())];
    render_workbook(&journal, &workbook, &options).unwrap();
    assert_eq!(notes(&workbook)[0].0, "D4");
}

#[test]
fn a_failed_render_keeps_the_old_workbook_and_leaves_no_temporary_file() {
    let (dir, journal, workbook, _) = render(&journal_rows(), &WorkbookOptions::new(None));
    let before = std::fs::read(&workbook).unwrap();
    // An impossible sheet name makes the workbook library refuse.
    let mut options = WorkbookOptions::new(None);
    options.sheet = "a/b".to_owned();
    let error = render_workbook(&journal, &workbook, &options).unwrap_err();
    assert!(matches!(error, ResultsError::Workbook { .. }), "{error:?}");
    assert!(error.to_string().contains("the results are in"), "{error}");
    assert_eq!(std::fs::read(&workbook).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "journal, problems, workbook: {names:?}");
}

#[test]
fn text_that_is_not_utf8_is_replaced_and_noted() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.csv");
    let mut row = customer(1);
    row.extend(result(
        "invalid",
        "",
        "27002",
        "city is not valid UTF-8",
        "",
    ));
    let mut text = INPUT_HEADER.join(",").into_bytes();
    text.push(b',');
    text.extend(RESULT_COLUMNS.join(",").into_bytes());
    text.push(b'\n');
    text.extend(row.join(",").replace("Boston", "M\u{1}nchen").into_bytes());
    text.push(b'\n');
    let at = text.iter().position(|b| *b == 1).unwrap();
    text[at] = 0xFC; // Latin-1 `ü`
    std::fs::write(&journal, text).unwrap();
    let problems = dir.path().join("out.xlsx.problems.jsonl");
    let city = Problem::new(Field::City, ProblemKind::Invalid, "city is not valid UTF-8");
    write_problems(&problems, 1, &[(2, vec![city])]);
    let workbook = dir.path().join("out.xlsx");
    let mut options = WorkbookOptions::new(None);
    options.problems = Some(problems);
    render_workbook(&journal, &workbook, &options).unwrap();
    let range = open(&workbook).worksheet_range("Results").unwrap();
    assert_eq!(
        range.get((1, 10)),
        Some(&Data::String("M\u{fffd}nchen".into()))
    );
    let notes = notes(&workbook);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, "K2");
    assert!(
        notes[0].1.starts_with("city is not valid UTF-8"),
        "{}",
        notes[0].1
    );
}

#[test]
fn a_value_longer_than_a_cell_is_cut_with_a_note_saying_so() {
    let mut rows = journal_rows();
    rows[6][15] = "x".repeat(40_000);
    let (_dir, _journal, workbook, report) = render(&rows, &WorkbookOptions::new(None));
    let range = open(&workbook).worksheet_range("Results").unwrap();
    let cell = range.get((7, 15)).unwrap().to_string();
    assert_eq!(cell.len(), crate::results::xlsx_style::MAX_CELL_CHARS);
    let notes = notes(&workbook);
    let note = notes.iter().find(|(r, _)| r == "P8").unwrap();
    assert!(
        note.1.contains("the whole value is in the journal"),
        "{}",
        note.1
    );
    // A cut value is not a problem of the row.
    assert_eq!(report.summary.flagged_cells, 3);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text as people paste it: letters, digits, a leading `=`, `+` or
    /// zero, spaces at either end, line breaks, tabs, quotes, `_x0041_`
    /// (Excel's escape syntax), accents and emoji.
    fn cell_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[A-Za-z0-9 ]{1,8}",
            Just("=".to_owned()),
            Just("+".to_owned()),
            Just("0".to_owned()),
            Just("  ".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\t".to_owned()),
            Just("\"".to_owned()),
            Just("_x0041_".to_owned()),
            Just("é".to_owned()),
            Just("😀".to_owned()),
            Just("12345678901234567890".to_owned()),
        ];
        prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn every_input_value_reads_back_from_the_workbook_as_the_same_text(
            values in prop::collection::vec(cell_text(), 3)
        ) {
            let mut rows = journal_rows();
            rows.truncate(2);
            // Free text in pass-through and known columns of a finished row.
            rows[0][15].clone_from(&values[0]);
            rows[0][9].clone_from(&values[1]);
            rows[1][1].clone_from(&values[2]);
            let (_dir, _journal, workbook, _) = render(&rows, &WorkbookOptions::new(None));
            let mut reader = InputReader::open(&workbook).unwrap();
            let mut row = InputRow::new();
            for expected in &rows {
                prop_assert!(reader.read_row(&mut row).unwrap());
                let got: Vec<String> = row
                    .record
                    .iter()
                    .map(|v| String::from_utf8(v.to_vec()).unwrap())
                    .collect();
                prop_assert_eq!(&got[..INPUT_HEADER.len()], &expected[..INPUT_HEADER.len()]);
            }
        }
    }
}

#[test]
fn past_the_note_limit_offending_cells_are_highlighted_without_a_note() {
    let mut options = WorkbookOptions::new(None);
    options.max_notes = 2;
    let (_dir, _journal, workbook, report) = render(&journal_rows(), &options);
    let tally = &report.summary;
    assert_eq!(
        (tally.flagged_cells, tally.notes, tally.notes_left_out),
        (3, 2, 1)
    );
    let refs: Vec<String> = notes(&workbook).into_iter().map(|(r, _)| r).collect();
    assert_eq!(refs, ["D4", "M4"]);
    let mut book = open(&workbook);
    assert_eq!(
        fill(&mut book, "Results", (8, 2)).as_deref(),
        Some("FFC7CE")
    );
    let summary = book.worksheet_range("Summary").unwrap();
    let line = summary
        .rows()
        .find(|r| r[0] == Data::String("notes".into()))
        .unwrap();
    assert!(
        line[1]
            .to_string()
            .starts_with("the first 2 have a note; 1 more"),
        "{line:?}"
    );
}
