//! The encodings Excel writes (README.md, "Input"): "CSV (Comma delimited)" on a
//! Western Windows is Windows-1252, "Unicode Text" is UTF-16LE with a BOM and
//! tabs, both with CRLF. `validate` reads them and writes UTF-8 results with
//! a BOM; `--encoding` overrides the guess; `--resume` compares transcoded
//! rows with UTF-8 results.

use crate::support;

use std::path::{Path, PathBuf};

use pc_onboard::files::{FlushPolicy, ResultsWriter, prepare_resume};
use pc_onboard::input::{InputOptions, InputReader, InputRow, TextEncoding};
use pc_onboard::results::{RESULT_COLUMNS, RowResult, Status};
use support::*;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Three rows as Excel saves them: CRLF, non-ASCII in known and pass-through
/// columns (`€` is 0x80 in Windows-1252), a value over two lines, and one
/// invalid e-mail (spreadsheet row 3).
fn table(delimiter: char) -> String {
    let rows = [
        "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,notes",
        "1,Société Générale,socgen1,ap@example.com,en-US,en,Jürgen,Weiß,+1 425 555 0100,1 Main St,Redmond,WA,98052,US,Preis 5 €",
        "2,Café Ltd,cafe2,not-an-email,en-US,en,Zoë,Lee,+1 425 555 0100,2 Main St,Redmond,WA,98052,US,\"zwei\r\nZeilen\"",
        "3,Müller AG,mueller3,m@example.com,en-US,en,Åsa,Ørsted,+1 425 555 0100,3 Main St,Redmond,WA,98052,US,ß",
    ];
    let mut text = rows.join("\r\n").replace(',', &delimiter.to_string());
    text.push_str("\r\n");
    text
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn records(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// `validate INPUT --results FILE ARGS`: the output and the results bytes.
fn validate(input: &Path, args: &[&str]) -> (std::process::Output, Vec<u8>) {
    let results = input.with_file_name("results.csv");
    let mut all = vec![
        "validate",
        input.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let out = run_plain(&all);
    let bytes = std::fs::read(&results).unwrap_or_default();
    (out, bytes)
}

/// The results are UTF-8 with a BOM, in the input's delimiter and CRLF, and
/// hold the input's values unchanged, then the statuses.
fn check_utf8_results(bytes: &[u8], delimiter: char) {
    let body = bytes
        .strip_prefix(BOM)
        .expect("results start with a UTF-8 BOM");
    let text = std::str::from_utf8(body).expect("results are UTF-8");
    assert!(!text.contains('\u{FFFD}'), "{text}");
    assert!(!text.contains(BOM_CHAR), "a second BOM: {text}");
    assert_eq!(text.matches("\r\n").count(), 5, "CRLF line ends: {text:?}");
    let want = records(table(delimiter).as_bytes(), delimiter as u8);
    let got = records(body, delimiter as u8);
    assert_eq!(got.len(), 4);
    let width = want[0].len();
    assert_eq!(&got[0][width..], RESULT_COLUMNS);
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(&got[..width], &want[..], "values intact");
    }
    let statuses: Vec<&str> = got[1..].iter().map(|r| r[width].as_str()).collect();
    assert_eq!(statuses, ["valid", "invalid", "valid"]);
    assert!(text.contains("Société Générale"), "{text}");
    assert!(text.contains("Preis 5 €"), "{text}");
}

const BOM_CHAR: char = '\u{FEFF}';

#[test]
fn validate_reads_a_windows_1252_file_with_a_notice_and_writes_utf8_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(&input, windows_1252(&table(','))).unwrap();
    let (out, bytes) = validate(&input, &[]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "customers.csv is not UTF-8: read as Windows-1252 (use --encoding to choose another)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("row 3: "), "{stderr}");
    assert!(!stderr.contains("not valid UTF-8"), "{stderr}");
    check_utf8_results(&bytes, ',');
}

#[test]
fn validate_reads_excel_unicode_text_and_writes_utf8_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.txt");
    std::fs::write(&input, utf16le_with_bom(&table('\t'))).unwrap();
    let (out, bytes) = validate(&input, &[]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("is not UTF-8"),
        "a BOM is no guess: {stderr}"
    );
    assert!(stderr.contains("row 3: "), "{stderr}");
    check_utf8_results(&bytes, '\t');
}

#[test]
fn encoding_utf8_keeps_non_utf8_values_a_row_problem() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(&input, windows_1252(&table(','))).unwrap();
    let (out, bytes) = validate(&input, &["--encoding", "utf-8"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("is not UTF-8: read as"), "{stderr}");
    assert!(
        stderr.contains("company_name is not valid UTF-8: byte 0xE9 at character 5 (after `i`)"),
        "{stderr}"
    );
    assert!(
        !bytes.starts_with(BOM),
        "UTF-8 input, UTF-8 results without a BOM"
    );
    // The input's bytes pass through unchanged.
    assert!(bytes.windows(6).any(|w| w == b"Soci\xE9t"));
}

#[test]
fn an_unknown_encoding_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(&input, table(',')).unwrap();
    let (out, bytes) = validate(&input, &["--encoding", "klingon"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown encoding `klingon`"), "{stderr}");
    assert!(bytes.is_empty());
}

/// The files Excel and others write that used to be refused or `invalid`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/encodings")
        .join(name)
}

#[test]
fn the_former_bad_encoding_files_are_read() {
    for (name, value) in [
        ("latin1.csv", "Société Générale"),
        ("utf16le.csv", "Customer 1 Inc"),
        ("invalid_utf8.csv", "Customer ÿþÃ Inc"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join(name);
        std::fs::copy(fixture(name), &input).unwrap();
        let (out, bytes) = validate(&input, &[]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out));
        let body = bytes.strip_prefix(BOM).expect("a BOM");
        let text = std::str::from_utf8(body).expect("UTF-8 results");
        assert!(text.contains(value), "{name}: {text}");
    }
}

#[test]
fn resume_compares_a_windows_1252_input_with_its_utf8_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    let results = dir.path().join("results.csv");
    std::fs::write(&input, windows_1252(&table(';'))).unwrap();
    let options = InputOptions::default();
    let mut reader = InputReader::open_with(&input, &options).unwrap();
    let layout = reader.layout().clone();
    assert_eq!(layout.encoding, TextEncoding::WINDOWS_1252);

    // An interrupted run: two rows done, the third torn mid-line.
    let mut writer = ResultsWriter::create(&results, &layout, FlushPolicy::EveryRow).unwrap();
    let mut row = InputRow::new();
    for status in [Status::Created, Status::Invalid] {
        assert!(reader.read_row(&mut row).unwrap());
        writer.write(&row, &RowResult::new(status)).unwrap();
    }
    writer.finish().unwrap();
    let complete = std::fs::read(&results).unwrap();
    let mut torn = complete.clone();
    torn.extend_from_slice("3;Müller".as_bytes());
    std::fs::write(&results, &torn).unwrap();

    let point = prepare_resume(&results, &input, &options, &layout).unwrap();
    assert_eq!(point.kept_rows, 2);
    assert_eq!(point.truncated_bytes, "3;Müller".len() as u64);
    assert_eq!(std::fs::read(&results).unwrap(), complete);

    // The resumed run appends the third row: still one BOM, all UTF-8.
    let mut writer = ResultsWriter::append(&results, &layout, FlushPolicy::EveryRow).unwrap();
    assert!(reader.read_row(&mut row).unwrap());
    writer
        .write(&row, &RowResult::new(Status::Created))
        .unwrap();
    writer.finish().unwrap();
    let bytes = std::fs::read(&results).unwrap();
    let body = bytes.strip_prefix(BOM).expect("a BOM");
    let text = std::str::from_utf8(body).unwrap();
    assert!(!text.contains(BOM_CHAR), "{text}");
    let got = records(body, b';');
    let want = records(table(';').as_bytes(), b';');
    assert_eq!(got.len(), 4);
    for (got, want) in got.iter().zip(&want) {
        assert_eq!(&got[..want.len()], &want[..]);
    }

    // A results file of another input (one value differs) is refused.
    let other = String::from_utf8(complete)
        .unwrap()
        .replace("Jürgen", "Jurgen");
    std::fs::write(&results, other).unwrap();
    let error = prepare_resume(&results, &input, &options, &layout).unwrap_err();
    assert!(error.to_string().contains("row 2 of"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_and_resume_warn_once_and_keep_utf8_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    let results = dir.path().join("results.csv");
    std::fs::write(&input, windows_1252(&table(','))).unwrap();
    let sb = sandbox(quiet()).await;
    let notice = "customers.csv is not UTF-8: read as Windows-1252";
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "60000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches(notice).count(), 1, "{stderr}");
    let first = std::fs::read(&results).unwrap();
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["created", "invalid", "created"]);
    assert_eq!(r.column("company_name")[0], "Société Générale");

    // Resuming the finished file reads the input three times and keeps
    // every row: nothing is sent again, nothing is cut.
    let out = run_against(
        &sb,
        &run_args(&input, &results, &["--rate", "60000", "--resume"]),
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches(notice).count(), 1, "{stderr}");
    assert_eq!(std::fs::read(&results).unwrap(), first, "{}", text(&out));
}
