//! Input cells given back as they were in a results workbook: the journal
//! holds every cell as text, and the problems file the cells that were
//! something else ([`TypedCell`]): a date comes back as a date cell with its
//! number format, an error value as that error, a formula whose result was
//! never saved as that formula. So the results workbook, run again
//! unchanged, reads as its input did: a date where a postal code belongs is
//! refused again, a date in `mca_date` read again.
//!
//! A formula with a saved result comes back as that result (text, a date,
//! an error), not as the formula: the results sheet has neither the
//! input's other sheets nor its row numbers (blank rows are left out), so
//! the formula would point elsewhere. Only a formula without a result (a
//! workbook written by a script and never opened in Excel) comes back as
//! the formula, with `#N/A` as its result until Excel computes it.

use rust_xlsxwriter::{Format, Formula, Worksheet, XlsxError};

use super::problem_log::TypedCell;
use crate::input::CellIssueKind;

/// The error values a formula can hold as its result (`=#N/A`).
const ERRORS: [&str; 7] = [
    "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
];

/// The typed cell of `cells` in sheet column `column`, if any.
pub(crate) fn typed_at(cells: &[TypedCell], column: usize) -> Option<&CellIssueKind> {
    cells.iter().find(|c| c.column == column).map(|c| &c.cell)
}

/// Write `cell` at (`row`, `col`) as the kind of cell it was, in `base`'s
/// looks (a highlighted cell stays highlighted). `false` when it can only
/// be given back as text (the caller writes the journal's text then).
pub(crate) fn write_typed(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    cell: &CellIssueKind,
    base: &Format,
) -> Result<bool, XlsxError> {
    match cell {
        CellIssueKind::Date(date) => {
            let Some(serial) = date.serial else {
                return Ok(false);
            };
            let format = date
                .format
                .as_deref()
                .filter(|f| !f.trim().is_empty() && !f.eq_ignore_ascii_case("general"))
                .unwrap_or(if date.text.contains(':') {
                    "yyyy-mm-dd hh:mm:ss"
                } else {
                    "yyyy-mm-dd"
                });
            let format = base.clone().set_num_format(format);
            sheet.write_number_with_format(row, col, serial, &format)?;
        }
        CellIssueKind::Error(error) => {
            let Some(error) = ERRORS.iter().find(|e| **e == error.as_str()) else {
                return Ok(false);
            };
            let formula = Formula::new(format!("={error}")).set_result(*error);
            sheet.write_formula_with_format(row, col, formula, base)?;
        }
        CellIssueKind::UnsavedFormula(formula) => {
            let formula = Formula::new(formula).set_result("#N/A");
            sheet.write_formula_with_format(row, col, formula, base)?;
        }
    }
    Ok(true)
}
