//! A workbook is refused before it is read when one of its parts expands
//! far more than spreadsheet XML does: calamine reads a worksheet's XML
//! whole, so a small file holding gigabytes of compressed whitespace (a
//! "zip bomb") would exhaust memory and abort the process. Real worksheet
//! and shared-strings XML compresses 10 to 20 times (a 200,000-row sheet
//! written by pc-onboard: 121 MB in 9 MB, 13.5 times).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::error::InputError;

/// Parts smaller than this are read whatever their ratio.
const SMALL_PART: u64 = 64 * 1024 * 1024;
/// No spreadsheet XML compresses this much.
const MAX_RATIO: u64 = 100;
/// No worksheet pc-onboard can use is this large (a sheet of 1,048,576
/// rows of 30 columns is about 1.5 GB).
const MAX_PART: u64 = 4 * 1024 * 1024 * 1024;

/// `Err` naming the part when one would expand beyond belief; `Ok` too
/// when the file is not a readable zip (calamine says why).
pub(crate) fn check(path: &Path) -> Result<(), InputError> {
    let Ok(file) = File::open(path) else {
        return Ok(());
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    for index in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(index) else {
            continue;
        };
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let bomb = size > MAX_PART || (size > SMALL_PART && size / packed > MAX_RATIO);
        if bomb {
            return Err(InputError::Workbook {
                path: path.to_owned(),
                reason: format!(
                    "its part {} expands from {} to {} MB ({} times; spreadsheet XML \
                     compresses 10 to 20 times), so it is not read: open the file in Excel \
                     and save it again, or export the sheet as \"CSV UTF-8\"",
                    entry.name().unwrap_or_default(),
                    megabytes(packed),
                    megabytes(size),
                    size / packed
                ),
            });
        }
    }
    Ok(())
}

fn megabytes(bytes: u64) -> String {
    match bytes / 1_000_000 {
        0 => format!("{:.1}", bytes as f64 / 1e6),
        n => n.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(name: &str, bytes: u64) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut zip = zip::ZipWriter::new(file.reopen().unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(bytes > u64::from(u32::MAX));
        zip.start_file(name, options).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..bytes / chunk.len() as u64 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
        file
    }

    #[test]
    fn a_part_of_compressed_whitespace_is_refused_before_it_is_read() {
        let bomb = zip_with("xl/worksheets/sheet1.xml", 80 << 20);
        let err = check(bomb.path()).unwrap_err().to_string();
        assert!(
            err.contains("xl/worksheets/sheet1.xml expands from"),
            "{err}"
        );
        assert!(err.contains("CSV UTF-8"), "{err}");
    }

    #[test]
    fn small_parts_and_files_that_are_not_zips_pass_to_calamine() {
        let small = zip_with("xl/worksheets/sheet1.xml", 8 << 20);
        assert!(check(small.path()).is_ok());
        let not_zip = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(not_zip.path(), b"name,domain\n").unwrap();
        assert!(check(not_zip.path()).is_ok());
    }
}
