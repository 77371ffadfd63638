//! The results file: one row per input row, the input's columns then the
//! result columns, in input order.
//!
//! - `schema`: the result columns and what they hold ([`Status`],
//!   `McaStatus`, [`RowResult`]), and reading them back from a fed-back
//!   results file ([`previous`]).
//! - `ordered`: `ReorderBuffer`, which puts rows that finish out of
//!   order back in input order.
//! - `counts`: `Tally`, rows counted by status and MCA outcome, which
//!   every summary and the exit code are made of.
//! - `xlsx`: [`render_workbook`], the results as an Excel workbook,
//!   rendered from the results CSV (the journal) and the problems file
//!   (`problem_log`: the typed problems of the invalid rows, for the cell
//!   notes) at the end of a run; `summary` and `fixes` make its second
//!   sheet, `xlsx_style` its looks.
//! - [`recognise`]: whether an input is an earlier results file (its result
//!   columns are then replaced), or has columns of its own named like
//!   result columns (refused: an input column is never dropped).
//! - `ResultsError`: a results file or workbook that cannot be written.
//!
//! The results *file* (the CSV writer, the journal's and the problems
//! file's paths, `--resume`) is in [`crate::files`].

mod cell_notes;
pub(crate) mod counts;
mod earlier;
mod error;
pub(crate) mod fixes;
mod flush;
mod mca_status;
pub(crate) mod notices;
pub(crate) mod ordered;
pub(crate) mod problem_log;
pub(crate) mod schema;
pub(crate) mod summary;
pub(crate) mod xlsx;
mod xlsx_cells;
pub(crate) mod xlsx_style;

pub(crate) use counts::needs_sign_in;
pub(crate) use counts::{McaCounts, StatusCounts, Tally};
pub(crate) use earlier::mark_result_columns;
pub use earlier::recognise;
pub(crate) use error::ResultsError;
pub use flush::FlushPolicy;
pub(crate) use notices::{Notices, RowFacts};
pub(crate) use ordered::ReorderBuffer;
pub(crate) use problem_log::{ProblemLog, TypedCell};
pub(crate) use schema::{McaOutcome, McaStatus, PreviousResult};
pub use schema::{RESULT_COLUMNS, RowResult, Status, previous};
pub(crate) use xlsx::WorkbookReport;
pub use xlsx::{WorkbookOptions, render_workbook};
