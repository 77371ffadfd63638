//! The results file: one row per input row, the input's columns then the
//! result columns, in input order.
//!
//! - [`schema`]: the result columns and what they hold ([`Status`],
//!   [`McaStatus`], [`RowResult`]), and reading them back from a fed-back
//!   results file ([`previous`]).
//! - [`csv_writer`]: [`ResultsWriter`], which keeps the input's dialect
//!   (delimiter, BOM, line ending) and its pass-through columns byte for
//!   byte. It never holds passwords: there is no column for them.
//! - [`ordered`]: [`ReorderBuffer`], which puts rows that finish out of
//!   order back in input order.
//! - [`counts`]: [`Tally`], rows counted by status and MCA outcome, which
//!   every summary and the exit code are made of.
//! - [`xlsx`]: [`render_workbook`], the results as an Excel workbook,
//!   rendered from the results CSV (the journal) at the end of a run;
//!   [`results_format`], [`journal_path`] and [`problems_path`]
//!   ([`workbook_path`]) decide whether `--results` is a workbook and where
//!   its journal and its problems file ([`problem_log`]: the typed problems
//!   of the invalid rows, for the cell notes) go;
//!   [`summary`] and [`fixes`] make its second sheet, [`xlsx_style`] its looks.

mod cell_notes;
pub mod counts;
pub mod csv_writer;
pub mod fixes;
pub mod ordered;
pub mod problem_log;
pub mod schema;
pub mod summary;
pub mod workbook_path;
pub mod xlsx;
pub mod xlsx_style;

pub use counts::{McaCounts, StatusCounts, Tally};
pub use csv_writer::{FlushPolicy, ResultsError, ResultsWriter};
pub use ordered::ReorderBuffer;
pub use problem_log::{ProblemLog, ProblemReader};
pub use schema::{
    McaOutcome, McaStatus, ParseStatusError, PreviousResult, RESULT_COLUMNS, RowResult, Status,
    previous,
};
pub use summary::{CodeRows, RunFacts, SheetSummary};
pub use workbook_path::{
    JOURNAL_SUFFIX, PROBLEMS_SUFFIX, ResultsFormat, journal_path, problems_path, results_format,
};
pub use xlsx::{WorkbookOptions, WorkbookReport, render_workbook};
