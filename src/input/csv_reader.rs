//! The CSV source: one streaming `csv::Reader`, records read into the caller's
//! reused `ByteRecord`, with exact line and spreadsheet-row numbers.

use std::fs::File;
use std::io::{self, Chain, Cursor, Read};
use std::path::{Path, PathBuf};

use super::dialect::{Dialect, UTF8_BOM, not_csv_reason};
use super::error::InputError;
use super::row::InputRow;

/// How much of the file is read up front to sniff the dialect.
const SAMPLE_BYTES: usize = 64 * 1024;

/// The CSV reader's buffer.
const BUFFER_BYTES: usize = 64 * 1024;

/// Reads the records of one CSV file.
pub(crate) struct CsvSource {
    reader: csv::Reader<Tap<Chain<Cursor<Vec<u8>>, File>>>,
    path: PathBuf,
    dialect: Dialect,
    /// The line the next record starts on unless blank lines come first.
    next_line: u64,
    /// The spreadsheet row of the next record unless blank lines come first.
    next_number: u64,
}

impl CsvSource {
    /// Open `path`, reject content that is not CSV text, sniff the dialect.
    pub(crate) fn open(path: &Path) -> Result<CsvSource, InputError> {
        let io_error = |error| InputError::Io {
            path: path.to_owned(),
            error,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let mut sample = Vec::with_capacity(SAMPLE_BYTES);
        (&mut file)
            .take(SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(io_error)?;
        let complete = sample.len() < SAMPLE_BYTES;
        let extension = path.extension().and_then(|e| e.to_str());
        if let Some(reason) = not_csv_reason(&sample, extension) {
            return Err(InputError::NotCsv {
                path: path.to_owned(),
                reason,
            });
        }
        let dialect = Dialect::sniff(&sample, complete);
        if dialect.bom {
            sample.drain(..UTF8_BOM.len());
        }
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter)
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(Tap::new(Cursor::new(sample).chain(file)));
        Ok(CsvSource {
            reader,
            path: path.to_owned(),
            dialect,
            next_line: 1,
            next_number: 1,
        })
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
