//! Bytes that are not what the file claims. A UTF-8 export with one bad
//! byte is UTF-8 with one bad row (named, with the byte and how to fix
//! the export), not a Windows-1252 file whose every accented name is
//! garbled; and a value Excel could not encode (`??????????` where
//! Japanese or Chinese text was) is a problem that says how to export
//! "CSV UTF-8".

use std::path::Path;

use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country\n";

/// Row `i` with `company` as its company name (bytes as given).
fn row(i: usize, company: &[u8]) -> Vec<u8> {
    let mut row = format!("ext-{i},").into_bytes();
    row.extend_from_slice(company);
    row.extend_from_slice(
        format!(
            ",bytes{i},ap{i}@example.com,de-DE,de,Jürgen,Groß,Hauptstraße {i},Köln,,50667,DE\n"
        )
        .as_bytes(),
    );
    row
}

/// The results file, values read lossily (a bad byte passes through).
fn read_results(path: &Path) -> Results {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let text = |r: &csv::ByteRecord| -> Vec<String> {
        r.iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    };
    let header = text(reader.byte_headers().unwrap());
    let rows = reader.byte_records().map(|r| text(&r.unwrap())).collect();
    Results { header, rows }
}

fn validate(dir: &Path, bytes: &[u8]) -> (std::process::Output, Results) {
    let input = dir.join("in.csv");
    std::fs::write(&input, bytes).unwrap();
    let results = dir.join("checked.csv");
    let out = run_plain(&[
        "validate",
        input.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
    ]);
    (out, read_results(&results))
}

#[test]
fn one_bad_byte_in_a_utf8_file_makes_one_row_invalid_and_garbles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = HEADER.as_bytes().to_vec();
    for i in 1..3000 {
        bytes.extend(row(i, format!("Müller {i} GmbH").as_bytes()));
    }
    // Row 3,000: `ü` as Windows-1252 would write it (one byte, 0xFC).
    bytes.extend(row(3000, b"M\xFCller 3000 GmbH"));
    let (out, results) = validate(dir.path(), &bytes);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(results.count("valid"), 2999, "{stderr}");
    assert_eq!(results.count("invalid"), 1);
    let names = results.column("company_name");
    assert_eq!(names[0], "Müller 1 GmbH");
    assert!(names[..2999].iter().all(|n| n.starts_with("Müller ")));
    let cities = results.column("city");
    assert!(cities.iter().all(|c| c == "Köln"), "no city garbled");
    let error = &results.column("error")[2999];
    assert!(error.contains("company_name"), "{error}");
    assert!(error.contains("0xFC"), "{error}");
    assert!(error.contains("CSV UTF-8"), "{error}");
    // The warning names the line of the bad byte; no guess of Windows-1252.
    assert!(stderr.contains("line 3001"), "{stderr}");
    assert!(!stderr.contains("read as Windows-1252"), "{stderr}");
}

#[test]
fn a_windows_1252_file_is_still_read_as_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let latin = format!(
        "{HEADER}{}{}",
        String::from_utf8(row(1, "Müller GmbH".as_bytes())).unwrap(),
        String::from_utf8(row(2, "Café Crème SARL".as_bytes())).unwrap()
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin);
    let (out, results) = validate(dir.path(), &bytes);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        results.column("company_name"),
        ["Müller GmbH", "Café Crème SARL"]
    );
}

#[test]
fn question_marks_where_excel_could_not_encode_the_text_are_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend(row(1, b"??????????"));
    bytes.extend(row(2, b"?? Trading ??????"));
    bytes.extend(row(3, b"Who? Ltd"));
    bytes.extend(row(4, b"Contoso"));
    let (out, results) = validate(dir.path(), &bytes);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(
        results.column("status"),
        ["invalid", "invalid", "valid", "valid"]
    );
    for error in &results.column("error")[..2] {
        assert!(error.contains("company_name"), "{error}");
        assert!(error.contains("Excel"), "{error}");
        assert!(error.contains("CSV UTF-8"), "{error}");
    }
}
