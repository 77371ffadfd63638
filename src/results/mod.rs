//! The results file: one row per input row, the input's columns then the
//! result columns, in input order.
//!
//! - [`schema`]: the result columns and what they hold ([`Status`],
//!   [`McaStatus`], [`RowResult`]), and reading them back from a fed-back
//!   results file ([`previous`]).
//! - [`ordered`]: [`ReorderBuffer`], which puts rows that finish out of
//!   order back in input order.
//! - [`counts`]: [`Tally`], rows counted by status and MCA outcome, which
//!   every summary and the exit code are made of.
//! - [`xlsx`]: [`render_workbook`], the results as an Excel workbook,
//!   rendered from the results CSV (the journal) and the problems file
//!   ([`problem_log`]: the typed problems of the invalid rows, for the cell
//!   notes) at the end of a run; [`summary`] and [`fixes`] make its second
//!   sheet, [`xlsx_style`] its looks.
//! - [`recognise`]: whether an input is an earlier results file (its result
//!   columns are then replaced), or has columns of its own named like
//!   result columns (refused: an input column is never dropped).
//! - [`ResultsError`]: a results file or workbook that cannot be written.
//!
//! The results *file* (the CSV writer, the journal's and the problems
//! file's paths, `--resume`) is in [`crate::files`].

mod cell_notes;
pub mod counts;
mod earlier;
mod error;
pub mod fixes;
mod flush;
mod mca_status;
pub mod notices;
pub mod ordered;
pub mod problem_log;
pub mod schema;
pub mod summary;
pub mod xlsx;
mod xlsx_cells;
pub mod xlsx_style;

pub use counts::{McaCounts, StatusCounts, Tally, needs_sign_in};
pub use earlier::{
    InputKind, NamedLikeResults, NotResults, ResultColumnsError, mark_result_columns, recognise,
};
pub use error::ResultsError;
pub use flush::FlushPolicy;
pub use notices::{GdapCounts, ListedRows, Notices, PendingAcceptance, RowFacts};
pub use ordered::ReorderBuffer;
pub use problem_log::{LoggedRow, ProblemLog, ProblemReader, TypedCell};
pub use schema::{
    McaOutcome, McaStatus, ParseStatusError, PreviousResult, RESULT_COLUMNS, RowResult, Status,
    previous,
};
pub use summary::{CodeRows, RunFacts, SheetSummary};
pub use xlsx::{WorkbookOptions, WorkbookReport, render_workbook};
