//! Reading input files: dialect detection, header matching, typed rows.
//!
//! [`InputReader::open`] sniffs a CSV file (its encoding: a BOM, else UTF-8
//! if valid, else Windows-1252, transcoded to UTF-8 as it streams; then `,`
//! `;` or tab; CRLF or LF) or loads one worksheet of an `.xlsx` workbook (cells as the text
//! Excel shows), maps its header row to a `Layout` and then streams
//! [`InputRow`]s, reusing one record buffer. Rows keep their bytes exactly
//! for the results file; [`InputRow::fields`] reads the trimmed values of
//! the known fields. [`InputOptions`] pick the sheet and map non-standard
//! headers.

mod cell_text;
mod csv_reader;
mod dialect;
mod encoding;
mod error;
mod layout;
mod lookalike;
mod options;
mod reader;
mod row;
#[cfg(test)]
mod test_support;
mod watch;
mod xlsx_guard;
mod xlsx_hidden;
mod xlsx_reader;

#[cfg(test)]
pub(crate) use dialect::Dialect;
pub(crate) use dialect::UTF8_BOM;
pub use encoding::TextEncoding;
pub use error::InputError;
pub(crate) use error::io_reason;

pub(crate) use layout::Layout;
pub(crate) use layout::claim as claim_column;
pub(crate) use lookalike::columns_line;
pub use options::InputOptions;
pub use reader::InputReader;
pub(crate) use reader::{DatesRead, is_workbook_path};
pub(crate) use row::CellIssueKind;
pub use row::InputRow;
