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

pub mod csv_writer;
pub mod ordered;
pub mod schema;

pub use csv_writer::{FlushPolicy, ResultsError, ResultsWriter};
pub use ordered::{FinishedRow, ReorderBuffer, write_in_order};
pub use schema::{
    McaStatus, ParseStatusError, PreviousResult, RESULT_COLUMNS, RowResult, Status, previous,
};
