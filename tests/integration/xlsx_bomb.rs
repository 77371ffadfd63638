//! A workbook whose worksheet expands from kilobytes to a huge size (a
//! "zip bomb") is refused before calamine reads it whole: exit 1 with
//! what to do, never an allocation failure that aborts the process.

use std::io::Write;

use crate::support::*;

#[test]
fn a_worksheet_of_compressed_whitespace_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(b"<worksheet><sheetData>").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..96 {
        zip.write_all(&spaces).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
    assert!(
        std::fs::metadata(&path).unwrap().len() < 1 << 20,
        "small on disk"
    );

    let out = run_plain(&["validate", path.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = text(&out);
    assert!(
        err.contains("xl/worksheets/sheet1.xml expands from") && err.contains("CSV UTF-8"),
        "{err}"
    );
}
