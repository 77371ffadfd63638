//! One input row: the raw record, kept byte-exact for the results file, and
//! the trimmed field values read from it on demand.

use super::field::{CustomerFields, Field};
use super::layout::{Layout, RESULT_COLUMN_COUNT};
use crate::results::{PreviousResult, RowResult};
use crate::validate::{Problem, ProblemKind};

/// One data row of the input. Reuse one value with
/// [`InputReader::read_row`](super::InputReader::read_row) to read without
/// allocating per row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputRow {
    /// Spreadsheet row number: the header is row 1, the first data row is
    /// row 2; blank lines count as rows, like in Excel.
    pub number: u64,
    /// 1-based line of the file where the record starts.
    pub line: u64,
    /// The fields exactly as in the file; padded with empty fields to at
    /// least the header's length.
    pub record: csv::ByteRecord,
}

impl InputRow {
    /// An empty row to read into.
    pub fn new() -> Self {
        Self::default()
    }

    /// The trimmed values of the known fields, and the problems found reading
    /// them: a value that is not valid UTF-8 (it reads as empty), and values
    /// beyond the header's last column.
    pub fn fields<'a>(&'a self, layout: &Layout) -> (CustomerFields<'a>, Vec<Problem>) {
        let mut fields = CustomerFields::new();
        let mut problems = Vec::new();
        // One UTF-8 check for the whole record is much faster than one per
        // field; a field is then a cheap slice of it (`get` also rejects a
        // boundary inside a character, split across two invalid fields).
        let whole = std::str::from_utf8(self.record.as_slice()).ok();
        for field in Field::ALL {
            let Some(column) = layout.column(field) else {
                continue;
            };
            let Some(range) = self.record.range(column) else {
                continue;
            };
            let value = match whole.and_then(|text| text.get(range.clone())) {
                Some(value) => Ok(value),
                None => std::str::from_utf8(self.record.as_slice().get(range).unwrap_or_default()),
            };
            match value {
                Ok(value) => fields.set(field, value),
                Err(_) => problems.push(Problem {
                    field,
                    kind: ProblemKind::Invalid,
                    message: format!(
                        "{field} is not valid UTF-8 (save the file as UTF-8; it looks like \
                         Latin-1/Windows-1252)"
                    ),
                }),
            }
        }
        let width = layout.headers.len();
        if self.record.len() > width && self.record.iter().skip(width).any(is_not_blank) {
            problems.push(Problem {
                // A row-level problem: reported against the row's key column,
                // which sorts first and carries no other reading problem.
                field: Field::ExternalId,
                kind: ProblemKind::Invalid,
                message: format!(
                    "row has {} fields, header has {width} (quote values that contain `{}`)",
                    self.record.len(),
                    char::from(layout.delimiter).escape_default(),
                ),
            });
        }
        (fields, problems)
    }

    /// The result of an earlier run carried by this row (the input is a
    /// fed-back results file). `None` without a `status` column, or when the
    /// status cell is empty or not a known status.
    pub fn previous(&self, layout: &Layout) -> Option<PreviousResult> {
        let cells: [&[u8]; RESULT_COLUMN_COUNT] = layout
            .result_columns
            .map(|column| column.and_then(|c| self.record.get(c)).unwrap_or_default());
        RowResult::from_cells(cells)
    }
}

fn is_not_blank(value: &[u8]) -> bool {
    !value.iter().all(u8::is_ascii_whitespace)
}
