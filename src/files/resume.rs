//! `--resume`: find where an interrupted run's results file ends, repair a
//! torn last line, and check that the rows it holds belong to this input.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use crate::input::{InputError, InputOptions, InputReader, InputRow, Layout};
use crate::results::{RESULT_COLUMNS, Status};

/// Why a results file cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// There is nothing to resume.
    #[error("--resume: {0} does not exist; run without --resume to start")]
    Missing(PathBuf),
    /// Reading or truncating failed.
    #[error("--resume: cannot read {path}: {}", crate::input::io_reason(.error))]
    Io {
        /// The results file.
        path: PathBuf,
        /// The OS error (in the message, so not repeated as a `source()`).
        error: std::io::Error,
    },
    /// The header is not this input's pass-through columns plus the result columns.
    #[error(
        "--resume: {path} was not written for this input: its columns differ ({detail}); use a new --results file"
    )]
    OtherColumns {
        /// The results file.
        path: PathBuf,
        /// What differs.
        detail: String,
    },
    /// A kept row does not match the input row at the same position.
    #[error(
        "--resume: row {row} of {path} does not match row {row} of the input: the results belong to another input or the input changed; use a new --results file"
    )]
    OtherRows {
        /// The results file.
        path: PathBuf,
        /// Spreadsheet row number.
        row: u64,
    },
    /// The results file has more rows than the input.
    #[error("--resume: {path} has more rows than the input; use a new --results file")]
    TooManyRows {
        /// The results file.
        path: PathBuf,
    },
    /// Reading the input failed.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// Where the resumed run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    /// Input rows already finished in the results file (kept).
    pub kept_rows: u64,
    /// Bytes cut from the end: a torn last line, or rows from the first `cancelled` on.
    pub truncated_bytes: u64,
    /// What those bytes held, in rows.
    pub(crate) cut: CutRows,
}

/// The rows a resume cuts from the results file: those from the first row
/// the interrupted run did not finish on. Rows finish out of order and are
/// written in order, so rows sent when the run stopped may come after one
/// it never started: they are done again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CutRows {
    /// Complete rows that had been sent (`created`, `exists`, `rejected`,
    /// `failed`): sent again, with the same request ids, so Partner Center
    /// answers with what it did the first time.
    pub(crate) sent: u64,
    /// Complete rows that had not been sent (`cancelled`, `invalid`, ...).
    pub(crate) not_sent: u64,
    /// The last line was cut short (the process was killed as it wrote it).
    pub(crate) torn: bool,
}

impl CutRows {
    fn count(&mut self, status: Option<Status>) {
        let sent = matches!(
            status,
            Some(Status::Created | Status::Exists | Status::Rejected | Status::Failed)
        );
        if sent {
            self.sent += 1;
        } else {
            self.not_sent += 1;
        }
    }
}

/// Inspect `results` (written for `input`, read with `options`), cut what must be redone and
/// report how many leading input rows are done.
///
/// Kept: every complete row before the first one a run has not finished:
/// `cancelled` (never attempted), `would_create` (a dry run's plan) or
/// `valid` (a `validate` result): a resume finishes *a run*, so a results
/// file written by `--dry-run` or `validate` is carried on from its first
/// such row. A last line without its line break, or with the wrong number
/// of fields, is torn: cut.
pub fn prepare_resume(
    results: &Path,
    input: &Path,
    options: &InputOptions,
    layout: &Layout,
) -> Result<ResumePoint, ResumeError> {
    let io = |error| ResumeError::Io {
        path: results.to_path_buf(),
        error,
    };
    let bytes = match std::fs::read(results) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ResumeError::Missing(results.to_path_buf()));
        }
        Err(e) => return Err(io(e)),
    };
    let body = crate::bom::strip_bom(&bytes);
    let offset = (bytes.len() - body.len()) as u64;
    // A file killed between its creation and its header holds nothing
    // finished: emptied, the append writer writes the header.
    let (kept_rows, keep_end, cut) = if body.iter().all(u8::is_ascii_whitespace) {
        (0, 0, CutRows::default())
    } else {
        let mut input_rows = InputReader::open_with(input, options)?;
        kept_rows(results, body, layout, &mut input_rows)?
    };
    let new_len = if kept_rows == 0 && keep_end == 0 {
        0
    } else {
        offset + keep_end
    };
    let truncated_bytes = bytes.len() as u64 - new_len;
    if truncated_bytes > 0 {
        let file = OpenOptions::new().write(true).open(results).map_err(io)?;
        file.set_len(new_len).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    Ok(ResumePoint {
        kept_rows,
        truncated_bytes,
        cut,
    })
}

/// The rows of `body` (a results file's text after its BOM) that a resume
/// keeps, checked against the input's rows, and where the last one ends.
fn kept_rows(
    results: &Path,
    body: &[u8],
    layout: &Layout,
    input_rows: &mut InputReader,
) -> Result<(u64, u64, CutRows), ResumeError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let expected_width = layout.passthrough.len() + RESULT_COLUMNS.len();
    let mut record = csv::ByteRecord::new();
    let header_ok = reader.read_byte_record(&mut record).unwrap_or(false);
    if !header_ok || record.len() != expected_width || !header_matches(&record, layout) {
        return Err(ResumeError::OtherColumns {
            path: results.to_path_buf(),
            detail: format!(
                "expected {expected_width} columns ending in {}, found {}",
                RESULT_COLUMNS.join(","),
                record.len()
            ),
        });
    }
    let mut keep_end = record_end(&reader, body);
    let status_col = layout.passthrough.len();
    let mut input_row = InputRow::new();
    let mut kept = 0u64;
    let mut cut = CutRows::default();
    let mut cutting = false;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let end = record_end(&reader, body);
        let terminated = end > 0 && matches!(body.get(end as usize - 1), Some(b'\n' | b'\r'));
        if record.len() != expected_width || !terminated {
            cut.torn = true;
            break;
        }
        let status = std::str::from_utf8(&record[status_col])
            .ok()
            .and_then(|s| s.parse::<Status>().ok());
        cutting = cutting || status.is_none_or(|s| !finished_by_a_run(s));
        if cutting {
            cut.count(status);
            continue;
        }
        if !input_rows.read_row(&mut input_row)? {
            return Err(ResumeError::TooManyRows {
                path: results.to_path_buf(),
            });
        }
        let same = layout
            .passthrough
            .iter()
            .enumerate()
            .all(|(i, &col)| input_row.record.get(col).unwrap_or(b"") == &record[i]);
        if !same {
            return Err(ResumeError::OtherRows {
                path: results.to_path_buf(),
                row: input_row.number,
            });
        }
        kept += 1;
        keep_end = end;
    }
    Ok((kept, keep_end, cut))
}

/// A status a run leaves a row in when it is done with it: not
/// `cancelled`, nor a dry run's `would_create` or `validate`'s `valid`.
fn finished_by_a_run(status: Status) -> bool {
    !matches!(
        status,
        Status::Cancelled | Status::WouldCreate | Status::Valid
    )
}

/// Where the record just read ends, its line break included: csv stops
/// after the CR of a CRLF, whose LF belongs to this record too.
fn record_end(reader: &csv::Reader<&[u8]>, body: &[u8]) -> u64 {
    let end = reader.position().byte();
    let crlf = end > 0
        && body.get(end as usize - 1) == Some(&b'\r')
        && body.get(end as usize) == Some(&b'\n');
    end + u64::from(crlf)
}

fn header_matches(record: &csv::ByteRecord, layout: &Layout) -> bool {
    let passthrough_same = layout
        .passthrough
        .iter()
        .enumerate()
        .all(|(i, &col)| layout.headers.get(col) == record.get(i));
    let results_same = RESULT_COLUMNS
        .iter()
        .enumerate()
        .all(|(i, name)| record.get(layout.passthrough.len() + i) == Some(name.as_bytes()));
    passthrough_same && results_same
}
