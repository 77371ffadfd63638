//! A results file (CSV or workbook) that cannot be written.

use std::io;
use std::path::PathBuf;

use crate::input::io_reason;

/// A results file that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// Creating, opening or writing the file failed.
    #[error("cannot write {}: {}", .path.display(), io_reason(.error))]
    Io {
        /// The results file.
        path: PathBuf,
        /// The operating system's error (already in the message, so not
        /// repeated as a `source()`).
        error: io::Error,
    },
    /// The file being written is no longer the one its path names: removed
    /// (its directory deleted) or replaced during the run. What it held is
    /// lost with it.
    #[error(
        "{} was removed or replaced during the run (its directory deleted?): the rows written to it are lost",
        .path.display()
    )]
    Vanished {
        /// The results file (or a workbook's journal).
        path: PathBuf,
    },
    /// The results path is the input file, which writing would destroy.
    #[error(
        "cannot write {}: it is the input file; choose another --results file",
        .path.display()
    )]
    SameAsInput {
        /// The results file.
        path: PathBuf,
    },
    /// `--results` names a format results cannot be written in.
    #[error(
        "--results {}: results are written as .xlsx (a workbook) or as CSV, not as .{extension}; \
         name the file .xlsx or .csv",
        .path.display()
    )]
    UnsupportedFormat {
        /// The results path.
        path: PathBuf,
        /// Its extension, as given.
        extension: String,
    },
    /// The journal of a results workbook would be the input file.
    #[error(
        "cannot write the journal of {}: {} is the input file; choose another --results file",
        .workbook.display(), .journal.display()
    )]
    JournalIsInput {
        /// The results workbook.
        workbook: PathBuf,
        /// Its journal (`<workbook>.journal.csv`) or problems file
        /// (`<workbook>.problems.jsonl`).
        journal: PathBuf,
    },
    /// The journal a workbook is rendered from cannot be read.
    #[error("cannot render the results workbook: {0}")]
    Journal(#[from] crate::input::InputError),
    /// The workbook library refused the workbook.
    #[error("cannot write {}: {reason}; the results are in {}", .path.display(), .journal.display())]
    Workbook {
        /// The results workbook.
        path: PathBuf,
        /// The journal it was rendered from.
        journal: PathBuf,
        /// What went wrong.
        reason: String,
    },
}
