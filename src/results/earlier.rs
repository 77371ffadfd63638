//! Whether an input is an earlier results file fed back, and otherwise
//! that none of its columns is named like a result column.
//!
//! An input column is never dropped or overwritten. The result columns of
//! an earlier results file are the exception: they are replaced. So an
//! input is taken for an earlier results file only when it says so plainly:
//!
//! - its header has a `status` and a `request_id` column (headers compared
//!   as usual: case, spaces, `_` and `-` ignored); every version of the
//!   results has had both, and other result columns may be missing (older
//!   versions wrote nine, a user may have deleted one);
//! - every non-empty `status` cell is a status (`created` … `cancelled`, as
//!   [`Status`] reads them), and at least one row has one. Rows with an
//!   empty `status` are new rows (added at the bottom of a results sheet);
//!   a file with only its header qualifies on its header.
//!
//! Any other input with a column named like a result column (a CRM key
//! headed `Customer ID`, a CRM `Status`) is refused before anything is
//! read further or sent, naming each such column and how to rename it.

use std::fmt;
use std::path::PathBuf;

use super::schema::{RESULT_COLUMNS, Status};
use crate::input::{InputError, InputOptions, InputReader, InputRow, Layout};
use crate::validate::{Field, normalize_header};

/// Positions of the two columns that make a results file, in [`RESULT_COLUMNS`].
const STATUS: usize = 0;
const REQUEST_ID: usize = 5;

/// What [`recognise`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// No column is named like a result column: every column passes through.
    New,
    /// An earlier results file: its result columns are read as the previous
    /// results and replaced in the new ones.
    EarlierResults,
}

/// Why an input cannot be read as it is.
#[derive(Debug, thiserror::Error)]
pub enum ResultColumnsError {
    /// Reading the input failed, or a result column appears twice.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Columns named like result columns in an input that is not an earlier
    /// results file.
    #[error("{0}")]
    NamedLikeResults(Box<NamedLikeResults>),
}

/// Columns named like result columns in an input that is not an earlier
/// results file: the refusal, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLikeResults {
    /// The input.
    pub(crate) path: PathBuf,
    /// Each such column: its header, its 0-based index, the result column.
    pub(crate) columns: Vec<(String, usize, &'static str)>,
    /// Why the input is not an earlier results file.
    pub(crate) why: NotResults,
    /// The input already has an `external_id` column.
    pub(crate) has_external_id: bool,
}

/// Why an input is not an earlier results file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotResults {
    /// No `status` column.
    NoStatusColumn,
    /// A `status` column but no `request_id` column.
    NoRequestIdColumn,
    /// A `status` cell that is not a status.
    UnknownStatus {
        /// Spreadsheet row number.
        row: u64,
        /// The cell (shortened).
        value: String,
    },
    /// Rows, none with a status.
    NoStatusValues,
}

/// Decide whether `reader`'s input (opened with `options`) is an earlier
/// results file, before any row is read: mark its result columns when it
/// is one, refuse it when it is not but has columns named like result
/// columns. Only an input whose header has `status` and `request_id` is
/// read through once more, to check its statuses.
pub fn recognise(
    reader: &mut InputReader,
    options: &InputOptions,
) -> Result<InputKind, ResultColumnsError> {
    let layout = reader.layout();
    let found = locate(layout);
    if found.is_empty() {
        layout.refuse_repeated(&[])?;
        return Ok(InputKind::New);
    }
    let has = |r: usize| found.iter().any(|(result, _)| *result == r);
    let columns = match has(STATUS) && has(REQUEST_ID) {
        true => claim(layout, &found)?,
        false => Vec::new(),
    };
    let why = match columns.get(STATUS).copied().flatten() {
        Some(status) => scan_statuses(layout, options, status)?,
        None if !has(STATUS) => Some(NotResults::NoStatusColumn),
        None => Some(NotResults::NoRequestIdColumn),
    };
    if let Some(why) = why {
        let columns = found
            .iter()
            .map(|&(result, index)| (header(layout, index), index, RESULT_COLUMNS[result]))
            .collect();
        return Err(ResultColumnsError::NamedLikeResults(Box::new(
            NamedLikeResults {
                path: layout.path.clone(),
                columns,
                why,
                has_external_id: layout.column(Field::ExternalId).is_some(),
            },
        )));
    }
    layout.refuse_repeated(&columns)?;
    reader.set_result_columns(columns);
    Ok(InputKind::EarlierResults)
}

/// Mark the result columns of a results file this tool wrote itself (the
/// journal of a workbook), by their headers alone.
pub(crate) fn mark_result_columns(reader: &mut InputReader) -> Result<(), InputError> {
    let found = locate(reader.layout());
    if !found.is_empty() {
        let columns = claim(reader.layout(), &found)?;
        reader.set_result_columns(columns);
    }
    Ok(())
}

/// The columns (not a field's) named like a result column:
/// `(position in RESULT_COLUMNS, column)`, in input order.
fn locate(layout: &Layout) -> Vec<(usize, usize)> {
    let keys = RESULT_COLUMNS.map(normalize_header);
    layout
        .other_columns()
        .filter_map(|(index, key)| Some((keys.iter().position(|k| *k == key)?, index)))
        .collect()
}

/// The column of each result column; a result column named twice is an error.
fn claim(layout: &Layout, found: &[(usize, usize)]) -> Result<Vec<Option<usize>>, InputError> {
    let mut columns = vec![None; RESULT_COLUMNS.len()];
    for &(result, index) in found {
        crate::input::claim_column(
            &layout.path,
            &layout.headers,
            &mut columns[result],
            index,
            RESULT_COLUMNS[result],
        )?;
    }
    Ok(columns)
}

/// Read the input once more: every non-empty `status` must be a status, and
/// one at least must be there when there are rows.
fn scan_statuses(
    layout: &Layout,
    options: &InputOptions,
    status: usize,
) -> Result<Option<NotResults>, InputError> {
    let options = InputOptions {
        encoding: Some(layout.encoding),
        ..options.clone()
    };
    let mut reader = InputReader::open_with(&layout.path, &options)?;
    let mut row = InputRow::new();
    let (mut rows, mut statuses) = (0u64, 0u64);
    while reader.read_row(&mut row)? {
        rows += 1;
        let cell = String::from_utf8_lossy(row.record.get(status).unwrap_or_default());
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if cell.parse::<Status>().is_err() {
            let value: String = cell.chars().take(40).collect();
            return Ok(Some(NotResults::UnknownStatus {
                row: row.number,
                value,
            }));
        }
        statuses += 1;
    }
    Ok((rows > 0 && statuses == 0).then_some(NotResults::NoStatusValues))
}

fn header(layout: &Layout, index: usize) -> String {
    layout.header(index).unwrap_or_default().into_owned()
}

impl fmt::Display for NotResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotResults::NoStatusColumn => f.write_str("it has no `status` column"),
            NotResults::NoRequestIdColumn => f.write_str("it has no `request_id` column"),
            NotResults::UnknownStatus { row, value } => write!(
                f,
                "row {row}'s `status` is `{value}`, which is not a status ({})",
                Status::ALL.map(Status::as_str).join(", ")
            ),
            NotResults::NoStatusValues => f.write_str("no row has a `status`"),
        }
    }
}

impl fmt::Display for NamedLikeResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named: Vec<String> = self
            .columns
            .iter()
            .map(|(header, index, result)| {
                format!(
                    "`{header}` (column {}) is named like the result column `{result}`",
                    index + 1
                )
            })
            .collect();
        write!(
            f,
            "{}: {}, and the file is not an earlier results file: {}. An input column is never \
             dropped or overwritten, so nothing was done. Rename ",
            self.path.display(),
            named.join("; "),
            self.why
        )?;
        let renames: Vec<String> = self
            .columns
            .iter()
            .map(|(_, _, result)| format!("`crm_{result}`"))
            .collect();
        let renames = renames.join(", ");
        let first = self
            .columns
            .first()
            .map_or("", |(header, ..)| header.as_str());
        match (self.columns.len() > 1, self.has_external_id) {
            (false, false) => write!(
                f,
                "it: to `external_id` if it is your own key for each customer (a CRM id), \
                 else to a name that is not a result column (such as {renames})"
            )?,
            (true, false) => write!(
                f,
                "them: to `external_id` the one that is your own key for each customer (a CRM \
                 id), if any, and the others to names that are not result columns (such as \
                 {renames})"
            )?,
            (false, true) => write!(
                f,
                "it to a name that is not a result column (such as {renames})"
            )?,
            (true, true) => write!(
                f,
                "them to names that are not result columns (such as {renames})"
            )?,
        }
        write!(
            f,
            "; or, if a column holds a field, map it in the config file: \
             [columns] external_id = \"{first}\"."
        )
    }
}

#[cfg(test)]
#[path = "earlier_tests.rs"]
mod tests;
