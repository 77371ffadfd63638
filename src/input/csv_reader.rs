//! The CSV source: one streaming `csv::Reader` over the file's text as UTF-8
//! (transcoded when the file is in another encoding), records read into the
//! caller's reused `ByteRecord`, with exact line and spreadsheet-row numbers.

use std::fs::File;
use std::io::{self, Chain, Cursor, Read};
use std::path::{Path, PathBuf};

use super::dialect::{Dialect, UTF8_BOM, binary_reason, not_csv_reason};
use super::encoding::{Detected, TextEncoding, detect, utf8_text};
use super::error::InputError;
use super::row::InputRow;

/// How much of the file is read up front to sniff the dialect.
const SAMPLE_BYTES: usize = 64 * 1024;

/// The CSV reader's buffer.
const BUFFER_BYTES: usize = 64 * 1024;

/// The file's text as UTF-8: the sniffed sample, then the rest.
type Text = Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>;

/// Reads the records of one CSV file.
pub(crate) struct CsvSource {
    reader: csv::Reader<Tap<Text>>,
    path: PathBuf,
    dialect: Dialect,
    encoding: Detected,
    /// The line the next record starts on unless blank lines come first.
    next_line: u64,
    /// The spreadsheet row of the next record unless blank lines come first.
    next_number: u64,
}

impl CsvSource {
    /// Open `path`, reject content that is not CSV text, decide the encoding
    /// (`chosen`: `--encoding`) and sniff the dialect from the decoded text.
    pub(crate) fn open(path: &Path, chosen: Option<TextEncoding>) -> Result<CsvSource, InputError> {
        let io_error = |error| InputError::Io {
            path: path.to_owned(),
            error,
        };
        let not_csv = |reason| InputError::NotCsv {
            path: path.to_owned(),
            reason,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let raw = read_sample(&mut file).map_err(io_error)?;
        let encoding = detect(&raw, &mut file, chosen).map_err(io_error)?;
        let utf16 = encoding.encoding.is_utf16();
        let extension = path.extension().and_then(|e| e.to_str());
        if let Some(reason) = not_csv_reason(&raw, extension, utf16) {
            return Err(not_csv(reason));
        }
        let mut text = utf8_text(encoding.encoding, raw, file);
        let mut sample = read_sample(&mut text).map_err(io_error)?;
        if let Some(reason) = binary_reason(&sample).filter(|_| utf16) {
            return Err(not_csv(reason));
        }
        let complete = sample.len() < SAMPLE_BYTES;
        let dialect = Dialect::sniff(&sample, complete);
        if dialect.bom {
            sample.drain(..UTF8_BOM.len());
        }
        encoding.warn(path);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter)
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(Tap::new(Cursor::new(sample).chain(text)));
        Ok(CsvSource {
            reader,
            path: path.to_owned(),
            dialect,
            encoding,
            next_line: 1,
            next_number: 1,
        })
    }

    /// The encoding the file is read in, and whether it was guessed.
    pub(crate) fn encoding(&self) -> Detected {
        self.encoding
    }

    /// The dialect detected at open.
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Read the next record (the first one is the header) into `row.record`
    /// and set `row.line` and `row.number`. `false` at the end of the file.
    pub(crate) fn read_record(&mut self, row: &mut InputRow) -> Result<bool, InputError> {
        let found = self
            .reader
            .read_byte_record(&mut row.record)
            .map_err(|e| InputError::from_csv(&self.path, self.next_line, e))?;
        if !found {
            return Ok(false);
        }
        // csv's line counter stands after the bytes consumed: blank lines
        // skipped before the record, its quoted newlines, and its terminator
        // when that is `\n` (a CRLF's `\n` is consumed with the next record).
        let after = self.reader.position();
        let last_byte = after
            .byte()
            .checked_sub(1)
            .and_then(|at| self.reader.get_ref().byte_at(at));
        let terminator_lines = u64::from(last_byte == Some(b'\n'));
        let content_lines = row
            .record
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let end_line = after.line().saturating_sub(terminator_lines);
        let start_line = end_line.saturating_sub(content_lines).max(1);
        let blank_lines = start_line.saturating_sub(self.next_line);
        row.line = start_line;
        row.number = self.next_number.saturating_add(blank_lines);
        self.next_line = end_line.saturating_add(1);
        self.next_number = row.number.saturating_add(1);
        Ok(true)
    }
}

/// Up to [`SAMPLE_BYTES`] from the start of `reader`.
fn read_sample(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    reader.take(SAMPLE_BYTES as u64).read_to_end(&mut sample)?;
    Ok(sample)
}

/// A reader that remembers the last two chunks it handed out, so the byte
/// that ended a record can be looked up by its offset.
struct Tap<R> {
    inner: R,
    current: Vec<u8>,
    current_start: u64,
    previous: Vec<u8>,
    previous_start: u64,
}

impl<R> Tap<R> {
    fn new(inner: R) -> Self {
        Tap {
            inner,
            current: Vec::new(),
            current_start: 0,
            previous: Vec::new(),
            previous_start: 0,
        }
    }

    /// The byte at stream offset `at`, if it is in one of the last two chunks.
    fn byte_at(&self, at: u64) -> Option<u8> {
        let lookup = |chunk: &[u8], start: u64| {
            let offset = usize::try_from(at.checked_sub(start)?).ok()?;
            chunk.get(offset).copied()
        };
        lookup(&self.current, self.current_start)
            .or_else(|| lookup(&self.previous, self.previous_start))
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            std::mem::swap(&mut self.previous, &mut self.current);
            self.previous_start = self.current_start;
            self.current_start = self.previous_start + self.previous.len() as u64;
            self.current.clear();
            self.current.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use crate::input::test_support::{HEADER, ROW, file, read_all};
    use crate::input::{InputError, InputOptions, InputReader, TextEncoding};
    use crate::validate::Field;

    fn open(path: &std::path::Path, encoding: Option<&str>) -> Result<InputReader, InputError> {
        let options = InputOptions {
            encoding: encoding.map(|label| label.parse().unwrap()),
            ..InputOptions::default()
        };
        InputReader::open_with(path, &options)
    }

    /// `text` as Windows-1252 (every character must have a byte there).
    fn windows_1252(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(!unmappable, "{text}");
        bytes.into_owned()
    }

    /// `text` as UTF-16 with its byte order mark, as Excel's "Unicode Text".
    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let units = std::iter::once(0xFEFF).chain(text.encode_utf16());
        if little_endian {
            units.flat_map(u16::to_le_bytes).collect()
        } else {
            units.flat_map(u16::to_be_bytes).collect()
        }
    }

    /// A row whose city, company and first name are `city`, `company` and `name`.
    fn row(company: &str, name: &str, city: &str) -> String {
        ROW.replace("Contoso Ltd", company)
            .replace("Ann", name)
            .replace("Redmond", city)
    }

    #[test]
    fn windows_1252_is_guessed_and_read_as_utf8() {
        let text = format!(
            "{HEADER}\r\n{}\r\n",
            row("Café € Ltd", "Jürgen", "Straßburg")
        );
        let (_dir, path) = file(windows_1252(&text));
        let mut reader = open(&path, None).unwrap();
        let layout = reader.layout().clone();
        assert_eq!(layout.encoding, TextEncoding::WINDOWS_1252);
        assert!(layout.encoding_guessed);
        assert!(layout.crlf);
        assert!(!layout.bom);
        let rows = read_all(&mut reader);
        let (fields, problems) = rows[0].fields(&layout);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fields.get(Field::CompanyName), "Café € Ltd");
        assert_eq!(fields.get(Field::FirstName), "Jürgen");
        assert_eq!(fields.get(Field::City), "Straßburg");
        assert_eq!(&rows[0].record[1], "Café € Ltd".as_bytes());
    }

    #[test]
    fn utf8_is_not_guessed() {
        let (_dir, path) = file(format!("{HEADER}\n{}\n", row("Café", "Zoë", "Köln")));
        let reader = open(&path, None).unwrap();
        assert_eq!(reader.layout().encoding, TextEncoding::UTF_8);
        assert!(!reader.layout().encoding_guessed);
    }

    #[test]
    fn utf16le_with_bom_and_tabs_reads_like_excel_unicode_text() {
        let text = format!(
            "{HEADER}\r\n{}\r\n{}\r\n",
            row("Zoë 中文 €", "Zoë", "München"),
            row("Two", "Bo", "Oslo")
        )
        .replace(',', "\t");
        let (_dir, path) = file(utf16(&text, true));
        let mut reader = open(&path, None).unwrap();
        let layout = reader.layout().clone();
        assert_eq!(layout.delimiter, b'\t');
        assert!(layout.crlf);
        assert!(!layout.bom, "no UTF-8 BOM");
        assert_eq!(layout.encoding, TextEncoding::UTF_16LE);
        assert!(!layout.encoding_guessed);
        assert_eq!(&layout.headers[0], b"external_id");
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 2);
        let (fields, problems) = rows[0].fields(&layout);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fields.get(Field::CompanyName), "Zoë 中文 €");
        assert_eq!(fields.get(Field::City), "München");
        assert_eq!(fields.get(Field::Country), "US");
        assert_eq!((rows[1].number, rows[1].line), (3, 3));
    }

    #[test]
    fn utf16be_with_bom_is_read() {
        let text = format!("{HEADER}\n{}\n", row("Ærø", "Åse", "Tromsø"));
        let (_dir, path) = file(utf16(&text, false));
        let mut reader = open(&path, None).unwrap();
        assert_eq!(reader.layout().encoding, TextEncoding::UTF_16BE);
        assert_eq!(reader.layout().delimiter, b',');
        let rows = read_all(&mut reader);
        let (fields, _) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::CompanyName), "Ærø");
        assert_eq!(fields.get(Field::City), "Tromsø");
    }

    #[test]
    fn the_encoding_option_overrides_the_guess() {
        // ISO-8859-15 has `€` where Windows-1252 has `¤`.
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(row("Euro \u{0}", "Ann", "Redmond").as_bytes());
        let at = bytes.iter().position(|&b| b == 0).unwrap();
        bytes[at] = 0xA4;
        let (_dir, path) = file(&bytes);
        let company = |encoding| {
            let mut reader = open(&path, encoding).unwrap();
            let rows = read_all(&mut reader);
            let layout = reader.layout();
            let (fields, _) = rows[0].fields(layout);
            let value = fields.get(Field::CompanyName).to_owned();
            (value, layout.encoding.name(), layout.encoding_guessed)
        };
        assert_eq!(company(None), ("Euro ¤".to_owned(), "windows-1252", true));
        assert_eq!(
            company(Some("iso-8859-15")),
            ("Euro €".to_owned(), "ISO-8859-15", false)
        );
    }

    #[test]
    fn utf16_without_a_bom_needs_the_option() {
        let text = format!("{HEADER}\r\n{}\r\n", row("Zoë", "Ann", "Köln")).replace(',', "\t");
        let bytes: Vec<u8> = utf16(&text, true).split_off(2);
        let (_dir, path) = file(&bytes);
        let Err(error) = open(&path, None) else {
            panic!("UTF-16 without a BOM was read");
        };
        let message = error.to_string();
        assert!(matches!(error, InputError::NotCsv { .. }), "{message}");
        assert!(message.contains("--encoding utf-16le"), "{message}");
        let mut reader = open(&path, Some("utf-16le")).unwrap();
        let rows = read_all(&mut reader);
        let (fields, _) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::City), "Köln");
    }

    #[test]
    fn an_invalid_byte_past_64_kib_is_read_as_windows_1252() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        let rows_before = 1000;
        for _ in 0..rows_before {
            bytes.extend_from_slice(format!("{ROW}\n").as_bytes());
        }
        assert!(bytes.len() > 64 * 1024);
        bytes.extend_from_slice(&windows_1252(&format!("{}\n", row("X", "Y", "Münster"))));
        let (_dir, path) = file(&bytes);
        let mut reader = open(&path, None).unwrap();
        assert_eq!(reader.layout().encoding, TextEncoding::WINDOWS_1252);
        assert!(reader.layout().encoding_guessed);
        let rows = read_all(&mut reader);
        let last = rows.last().unwrap();
        let (fields, problems) = last.fields(reader.layout());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(fields.get(Field::City), "Münster");
        assert_eq!(last.number, rows_before + 2);
        assert_eq!(last.line, rows_before + 2);
    }

    #[test]
    fn line_and_row_numbers_hold_in_every_encoding() {
        // Multi-line values, blank lines, CRLF, non-ASCII; past 64 KiB so
        // the sample's end and the decoder's buffers are crossed.
        let long = "é".repeat(3000);
        let mut text = format!("{HEADER},notes\r\n");
        let mut expected = Vec::new();
        let (mut line, mut number) = (2, 2);
        for i in 0..60 {
            let notes = if i % 3 == 0 {
                format!("\"{long}\r\n€ {i}\"")
            } else {
                format!("ß{i}")
            };
            text.push_str(&format!("{},{notes}\r\n", row("Café", "Zoë", "Köln")));
            expected.push((number, line));
            line += if i % 3 == 0 { 2 } else { 1 };
            number += 1;
            if i % 7 == 0 {
                text.push_str("\r\n");
                line += 1;
                number += 1;
            }
        }
        let encodings = [
            ("UTF-8", text.clone().into_bytes()),
            ("windows-1252", windows_1252(&text)),
            ("UTF-16LE", utf16(&text, true)),
            ("UTF-16BE", utf16(&text, false)),
        ];
        for (name, bytes) in encodings {
            let (_dir, path) = file(&bytes);
            let mut reader = open(&path, None).unwrap();
            assert_eq!(reader.layout().encoding.name(), name);
            let rows = read_all(&mut reader);
            let numbers: Vec<(u64, u64)> = rows.iter().map(|r| (r.number, r.line)).collect();
            assert_eq!(numbers, expected, "{name}");
            let notes = rows[57].record.get(12).unwrap();
            assert_eq!(notes, format!("{long}\r\n€ 57").as_bytes(), "{name}");
        }
    }

    #[test]
    fn binary_data_that_is_not_utf8_is_still_refused() {
        let (_dir, path) = file(b"company_name,domain\n\xFF\xFE\x00\x01\x02\x03\x80");
        let Err(error) = open(&path, None) else {
            panic!("binary data was read");
        };
        assert!(matches!(error, InputError::NotCsv { .. }), "{error:?}");
        assert!(error.to_string().contains("NUL byte"), "{error}");
    }
}
