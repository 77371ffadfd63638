//! Reading input files: dialect detection, header matching, typed rows.
//!
//! [`InputReader::open`] sniffs the file (UTF-8 BOM; `,` `;` or tab; CRLF or
//! LF), maps its header row to a [`Layout`] and then streams [`InputRow`]s,
//! reusing one record buffer. Rows keep their bytes exactly for the results
//! file; [`InputRow::fields`] reads the trimmed values of the known fields.

mod csv_reader;
mod dialect;
mod error;
mod field;
mod layout;
mod reader;
mod row;

pub use dialect::{DELIMITERS, Dialect, UTF8_BOM};
pub(crate) use error::io_reason;
pub use error::{InputError, MissingColumn};
pub use field::{CustomerFields, Field, normalize_header};
pub use layout::{Layout, RESULT_COLUMN_COUNT};
pub use reader::InputReader;
pub use row::InputRow;
