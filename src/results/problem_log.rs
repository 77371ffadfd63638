//! The problems file of a results workbook (`out.xlsx.problems.jsonl`,
//! `files::problems_path`): the typed problems of each
//! `invalid` row (and the `domain_taken` problem of a `rejected` one),
//! written beside the journal as the row is, so the workbook
//! rendered from the journal puts each problem on its cell without
//! validating again or reading messages back.
//!
//! One JSON line per row that has problems, in journal order:
//! `{"row":37,"problems":[{"column":"postal_code","kind":"invalid","code":"27002","message":"...","hint":"..."}]}`,
//! where `row` is the row's number in the journal (and in the workbook): the
//! header is row 1. Crash safety is the journal's: a row's line is written
//! (and flushed, for `run`) before the row itself, and `--resume` keeps the
//! lines of the rows it keeps and cuts the rest ([`ProblemLog::resume`]). A
//! journal without a problems file (written by an older version) renders
//! without cell notes; its `error` column says everything.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{FlushPolicy, ResultsError};
use crate::input::CellIssueKind;
use crate::validate::Problem;

/// The journal row number of the first data row (the header is row 1).
const FIRST_ROW: u64 = 2;

/// One line of the file.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    row: u64,
    #[serde(default)]
    problems: Cow<'a, [Problem]>,
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    cells: Cow<'a, [TypedCell]>,
}

/// A workbook cell of the row that was not plain text or a number (a date,
/// an error, an unsaved formula): the results workbook gives it back as it
/// was, where the journal has only its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TypedCell {
    /// Its column in the journal (and the results sheet), from 0.
    pub(crate) column: usize,
    /// What it holds.
    pub(crate) cell: CellIssueKind,
}

/// What the problems file says about one journal row.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LoggedRow {
    /// Its typed problems (an `invalid` row's are its own).
    pub(crate) problems: Vec<Problem>,
    /// Its typed cells.
    pub(crate) cells: Vec<TypedCell>,
}

/// Writes the problems file, one call per journal row
/// (`files::ResultsWriter::keep_problems`).
pub(crate) struct ProblemLog {
    writer: BufWriter<File>,
    path: PathBuf,
    /// The journal row number of the next row recorded.
    next_row: u64,
    flush: FlushPolicy,
}

impl ProblemLog {
    /// Create (or truncate) the problems file of a new journal.
    pub(crate) fn create(path: &Path, flush: FlushPolicy) -> Result<Self, ResultsError> {
        let file = File::create(path).map_err(|e| io_error(path, e))?;
        Ok(Self::new(file, path, FIRST_ROW, flush))
    }

    /// The problems file of a journal resumed after its first `kept_rows`
    /// rows: their lines are kept; the lines of later rows (cut from the
    /// journal) and a torn last line are cut. A missing file is created.
    pub(crate) fn resume(
        path: &Path,
        kept_rows: u64,
        flush: FlushPolicy,
    ) -> Result<Self, ResultsError> {
        let io = |e| io_error(path, e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        let next_row = FIRST_ROW + kept_rows;
        let keep = kept_length(BufReader::new(&mut file), next_row).map_err(io)?;
        file.set_len(keep).map_err(io)?;
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Self::new(file, path, next_row, flush))
    }

    fn new(file: File, path: &Path, next_row: u64, flush: FlushPolicy) -> Self {
        ProblemLog {
            writer: BufWriter::new(file),
            path: path.to_owned(),
            next_row,
            flush,
        }
    }

    /// Record the next journal row's problems (none for most rows: nothing
    /// is written then).
    #[cfg(test)]
    pub(crate) fn record(&mut self, problems: &[Problem]) -> Result<(), ResultsError> {
        self.record_row(problems, &[])
    }

    /// Record the next journal row's problems and typed cells (nothing is
    /// written for a row with neither).
    pub(crate) fn record_row(
        &mut self,
        problems: &[Problem],
        cells: &[TypedCell],
    ) -> Result<(), ResultsError> {
        let row = self.next_row;
        self.next_row += 1;
        if problems.is_empty() && cells.is_empty() {
            return Ok(());
        }
        let entry = Entry {
            row,
            problems: Cow::Borrowed(problems),
            cells: Cow::Borrowed(cells),
        };
        let written = serde_json::to_writer(&mut self.writer, &entry)
            .map_err(io::Error::from)
            .and_then(|()| self.writer.write_all(b"\n"));
        written.map_err(|e| io_error(&self.path, e))?;
        if self.flush == FlushPolicy::EveryRow {
            self.writer.flush().map_err(|e| io_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Flush everything to the operating system and close the file.
    pub(crate) fn finish(mut self) -> Result<(), ResultsError> {
        self.writer.flush().map_err(|e| io_error(&self.path, e))
    }
}

impl std::fmt::Debug for ProblemLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemLog")
            .field("path", &self.path)
            .field("next_row", &self.next_row)
            .finish_non_exhaustive()
    }
}

/// How many leading bytes of a problems file hold complete lines of rows
/// before `first_cut`.
fn kept_length(mut reader: impl BufRead, first_cut: u64) -> io::Result<u64> {
    let mut kept = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 || line.last() != Some(&b'\n') {
            return Ok(kept);
        }
        match serde_json::from_slice::<Entry<'_>>(&line) {
            Ok(entry) if entry.row < first_cut => kept += read as u64,
            _ => return Ok(kept),
        }
    }
}

/// Reads a problems file alongside its journal, row by row.
pub(crate) struct ProblemReader {
    lines: io::Split<BufReader<File>>,
    /// The next entry read and not yet asked for.
    ahead: Option<(u64, LoggedRow)>,
}

impl ProblemReader {
    /// Open the problems file at `path`; `None` when there is none.
    pub(crate) fn open(path: &Path) -> Result<Option<Self>, ResultsError> {
        match File::open(path) {
            Ok(file) => Ok(Some(ProblemReader {
                lines: BufReader::new(file).split(b'\n'),
                ahead: None,
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(path, e)),
        }
    }

    /// The problems of journal row `row`; rows are asked for in increasing
    /// order. A line that cannot be read (a torn end) ends the file.
    #[cfg(test)]
    pub(crate) fn problems_of(&mut self, row: u64) -> Vec<Problem> {
        self.row(row).problems
    }

    /// What the file says about journal row `row` (problems and typed
    /// cells); rows are asked for in increasing order.
    pub(crate) fn row(&mut self, row: u64) -> LoggedRow {
        loop {
            match &self.ahead {
                Some((at, _)) if *at > row => return LoggedRow::default(),
                Some((at, _)) if *at == row => {
                    return self.ahead.take().map(|(_, e)| e).unwrap_or_default();
                }
                _ => {}
            }
            let Some(Ok(line)) = self.lines.next() else {
                self.ahead = Some((u64::MAX, LoggedRow::default()));
                continue;
            };
            self.ahead = Some(match serde_json::from_slice::<Entry<'_>>(&line) {
                Ok(entry) => (
                    entry.row,
                    LoggedRow {
                        problems: entry.problems.into_owned(),
                        cells: entry.cells.into_owned(),
                    },
                ),
                Err(_) => (u64::MAX, LoggedRow::default()),
            });
        }
    }
}

impl std::fmt::Debug for ProblemReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemReader").finish_non_exhaustive()
    }
}

fn io_error(path: &Path, error: io::Error) -> ResultsError {
    ResultsError::Io {
        path: path.to_owned(),
        error,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::validate::{Field, ProblemKind};

    fn problem(field: Field, message: &str) -> Problem {
        Problem::new(field, ProblemKind::Invalid, message)
    }

    /// Record `rows` (each row's problems) into a new log at `path`.
    fn write(path: &Path, rows: &[Vec<Problem>]) {
        let mut log = ProblemLog::create(path, FlushPolicy::EveryRow).unwrap();
        for problems in rows {
            log.record(problems).unwrap();
        }
        log.finish().unwrap();
    }

    /// The problems of journal rows 2..2+rows.
    fn read(path: &Path, rows: u64) -> Vec<Vec<Problem>> {
        let mut reader = ProblemReader::open(path).unwrap().unwrap();
        (0..rows)
            .map(|i| reader.problems_of(FIRST_ROW + i))
            .collect()
    }

    #[test]
    fn each_rows_problems_come_back_typed_on_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.xlsx.problems.jsonl");
        let email = problem(Field::Email, "email \"x\" is not an address")
            .with_hint("type name@company.example");
        let rows = vec![
            vec![],
            vec![email, Problem::missing(Field::City)],
            vec![],
            vec![problem(Field::Domain, "domain \"a\" duplicates row 2")],
        ];
        write(&path, &rows);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "only rows with problems: {text}");
        assert!(
            text.starts_with(r#"{"row":3,"problems":[{"column":"email""#),
            "{text}"
        );
        assert_eq!(read(&path, 5), [rows, vec![vec![]]].concat());
    }

    #[test]
    fn a_missing_file_is_none_and_a_torn_end_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        assert!(ProblemReader::open(&path).unwrap().is_none());
        write(&path, &[vec![Problem::missing(Field::City)]]);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(br#"{"row":3,"probl"#);
        std::fs::write(&path, bytes).unwrap();
        let read = read(&path, 2);
        assert_eq!(read, [vec![Problem::missing(Field::City)], vec![]]);
    }

    #[test]
    fn resume_keeps_the_lines_of_the_kept_rows_and_continues_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        let city = Problem::missing(Field::City);
        let email = Problem::missing(Field::Email);
        // Rows 2..=5; row 3 and row 5 have problems; the file ends torn.
        write(
            &path,
            &[vec![], vec![city.clone()], vec![], vec![email.clone()]],
        );
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"row\":6,");
        std::fs::write(&path, bytes).unwrap();
        // The journal kept 3 rows (2, 3, 4): row 5's line goes, so does the tear.
        let mut log = ProblemLog::resume(&path, 3, FlushPolicy::EveryRow).unwrap();
        log.record(&[]).unwrap(); // row 5, now without problems
        log.record(std::slice::from_ref(&email)).unwrap(); // row 6
        log.finish().unwrap();
        assert_eq!(
            read(&path, 5),
            [vec![], vec![city], vec![], vec![], vec![email]]
        );
        // A missing file is created, numbered after the kept rows.
        let fresh = dir.path().join("fresh.jsonl");
        let mut log = ProblemLog::resume(&fresh, 1, FlushPolicy::Buffered).unwrap();
        log.record(&[Problem::missing(Field::Country)]).unwrap();
        log.finish().unwrap();
        let text = std::fs::read_to_string(&fresh).unwrap();
        assert!(text.starts_with(r#"{"row":3,"#), "{text}");
    }
}
