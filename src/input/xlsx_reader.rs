//! The `.xlsx` source: one worksheet read with calamine, its rows handed
//! out as the same `ByteRecord`s the CSV source gives.
//!
//! calamine reads a whole sheet into memory (values, formulas and number
//! formats), so a workbook costs memory in proportion to its size, unlike a
//! CSV file: fine for spreadsheets (Excel stops at 1,048,576 rows); use CSV
//! for bigger inputs. Row numbers are Excel's; rows whose cells are all
//! empty are skipped, like blank lines in CSV. Rows hidden in Excel are
//! read like the others, with a warning naming them (`xlsx_hidden`).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use calamine::{
    Data, Range, Reader, SheetType, SheetVisible, StyleRange, Xlsx, XlsxError, open_workbook,
};

use super::cell_text::cell_text;
use super::error::InputError;
use super::row::{CellIssue, CellIssueKind, InputRow};

/// Reads the rows of one worksheet.
pub(crate) struct XlsxSource {
    sheet: String,
    values: Range<Data>,
    formulas: Range<String>,
    styles: StyleRange,
    /// Index (relative to the range) of the next row to look at.
    next: usize,
    /// Reused for each cell's text.
    text: String,
}

impl XlsxSource {
    /// Open the workbook at `path` and load `sheet` (matched ignoring case),
    /// or the first visible worksheet.
    pub(crate) fn open(path: &Path, sheet: Option<&str>) -> Result<XlsxSource, InputError> {
        super::xlsx_guard::check(path)?;
        let mut workbook: Xlsx<BufReader<File>> =
            open_workbook(path).map_err(|e| workbook_error(path, e))?;
        let worksheets: Vec<(String, bool)> = workbook
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect();
        let name = match sheet {
            Some(wanted) => worksheets
                .iter()
                .map(|(name, _)| name)
                .find(|name| name.trim().to_lowercase() == wanted.trim().to_lowercase())
                .cloned()
                .ok_or_else(|| InputError::UnknownSheet {
                    path: path.to_owned(),
                    sheet: wanted.to_owned(),
                    available: worksheets.iter().map(|(name, _)| name.clone()).collect(),
                })?,
            None => worksheets
                .iter()
                .find(|(_, visible)| *visible)
                .or(worksheets.first())
                .map(|(name, _)| name.clone())
                .ok_or_else(|| InputError::Workbook {
                    path: path.to_owned(),
                    reason: "it has no worksheet".to_owned(),
                })?,
        };
        let values = workbook
            .worksheet_range(&name)
            .map_err(|e| workbook_error(path, e))?;
        let formulas = workbook
            .worksheet_formula(&name)
            .map_err(|e| workbook_error(path, e))?;
        let styles = workbook
            .worksheet_style(&name)
            .map_err(|e| workbook_error(path, e))?;
        warn_of_hidden_rows(path, &name, &values);
        Ok(XlsxSource {
            sheet: name,
            values,
            formulas,
            styles,
            next: 0,
            text: String::new(),
        })
    }

    /// The worksheet being read, as the workbook spells it.
    pub(crate) fn sheet(&self) -> &str {
        &self.sheet
    }

    /// Rows with at least one non-empty cell not read yet.
    pub(crate) fn remaining_rows(&self) -> u64 {
        self.values
            .rows()
            .skip(self.next)
            .filter(|cells| !is_blank_row(cells))
            .count() as u64
    }

    /// Read the next non-blank row (the first one is the header) into
    /// `row`: its cells' text into `row.record`, unusual cells into
    /// `row.cell_issues`, its Excel row number into `row.number` and `row.line`.
    pub(crate) fn read_record(&mut self, row: &mut InputRow) -> Result<bool, InputError> {
        let Some((first_row, first_column)) = self.values.start() else {
            return Ok(false);
        };
        row.record.clear();
        row.cell_issues.clear();
        let (height, width) = self.values.get_size();
        while self.next < height {
            let index = self.next;
            self.next += 1;
            let cells = (0..width).map(|column| self.values.get((index, column)));
            if cells.clone().all(|cell| cell.is_none_or(is_blank)) {
                continue;
            }
            let absolute_row = first_row.saturating_add(u32::try_from(index).unwrap_or(u32::MAX));
            for (column, data) in cells.enumerate() {
                let data = data.unwrap_or(&Data::Empty);
                let position = (
                    absolute_row,
                    first_column.saturating_add(u32::try_from(column).unwrap_or(u32::MAX)),
                );
                let format = self
                    .styles
                    .get(position)
                    .and_then(|style| style.number_format.as_ref())
                    .map(|f| f.format_code.as_str());
                self.text.clear();
                let mut issue = cell_text(data, format, &mut self.text);
                if matches!(data, Data::Empty)
                    && let Some(formula) = self.formulas.get_value(position)
                    && !formula.is_empty()
                {
                    issue = Some(CellIssueKind::UnsavedFormula(formula.clone()));
                }
                row.record.push_field(self.text.as_bytes());
                if let Some(kind) = issue {
                    row.cell_issues.push(CellIssue { column, kind });
                }
            }
            row.number = u64::from(absolute_row) + 1;
            row.line = row.number;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Say which data rows of the sheet are hidden in Excel: they are
/// processed like the others (`xlsx_hidden`).
fn warn_of_hidden_rows(path: &Path, sheet: &str, values: &Range<Data>) {
    let Some((first_row, _)) = values.start() else {
        return;
    };
    let mut rows = values.rows().enumerate().filter(|(_, c)| !is_blank_row(c));
    let header = rows.next().map(|(i, _)| i);
    let data = |row: &u32| {
        let index = row.checked_sub(1 + first_row).map(|i| i as usize);
        index.is_some_and(|i| {
            Some(i) != header
                && header.is_some_and(|h| i > h)
                && values.rows().nth(i).is_some_and(|c| !is_blank_row(c))
        })
    };
    let hidden: Vec<u32> = super::xlsx_hidden::hidden_rows(path, sheet)
        .into_iter()
        .filter(data)
        .collect();
    if !hidden.is_empty() {
        tracing::warn!(
            "{} rows of sheet {sheet} are hidden in Excel ({}): they are processed like the others; delete the rows you do not want to send",
            hidden.len(),
            super::xlsx_hidden::describe(&hidden, 20)
        );
    }
}

fn is_blank_row(cells: &[Data]) -> bool {
    cells.iter().all(is_blank)
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

fn workbook_error(path: &Path, error: XlsxError) -> InputError {
    match error {
        XlsxError::Io(error) => InputError::Io {
            path: path.to_owned(),
            error,
        },
        other => InputError::Workbook {
            path: PathBuf::from(path),
            reason: other.to_string(),
        },
    }
}
