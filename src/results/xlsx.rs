//! The results workbook, rendered from the results CSV (the journal).
//!
//! `run` and `validate` always write the results CSV row by row, flushed:
//! that file is what survives a crash and what `--resume` reads. When
//! `--results` names an `.xlsx` file, the CSV goes to
//! [`journal_path`](crate::files::journal_path) and [`render_workbook`] turns it
//! into the workbook at the end of the run. The workbook is written to a
//! hidden temporary file beside it and renamed into place: there is never a
//! half-written `.xlsx`.
//!
//! The first sheet holds the rows: every input column as a Text cell (so
//! leading zeros, long digit strings and a leading `=` stay as they were),
//! then the result columns (`attempts` a number); a bold, frozen header
//! with a filter; coloured `status` cells; in `invalid` rows the offending
//! cells highlighted with the problem as a cell note (from the journal's
//! problems file, `ProblemLog`), also the `domain` of
//! a `rejected` row whose domain another tenant owns (both ways forward);
//! `customer_link` as a link. It is named like the
//! sheet the rows came from (`--sheet Klanten`: a sheet `Klanten`, read back
//! by the same `--sheet`), or `Results` for a CSV input. The second sheet,
//! `Summary`, counts the rows ([`summary`](super::summary)).
//! The workbook is a valid input: re-running it copies the `created` and
//! `exists` rows and sends nothing for them.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::cell_notes::CellNote;
use super::error::ResultsError;
use super::problem_log::{ProblemReader, TypedCell};
use super::schema::{RESULT_COLUMNS, Status};
use super::summary::{RunFacts, SheetSummary, write_summary};
use super::xlsx_cells::{typed_at, write_typed};
use super::xlsx_style::{
    ColumnWidths, MAX_COLUMNS, MAX_ROWS, Styles, directory, fit_cell, note, save_whole, sheet_name,
};
use crate::input::{InputOptions, InputReader, InputRow, Layout};
use crate::validate::Field;

/// The results sheet's name for a CSV input.
pub(crate) const DEFAULT_SHEET: &str = "Results";

/// The summary sheet's name (`Run summary` when the results sheet is
/// called `Summary`).
pub(crate) const SUMMARY_SHEET: &str = "Summary";

/// The default limit of cell notes per workbook: 20,000 notes take about
/// 240 MiB while the workbook is written (measured: docs/benchmarks.md).
pub(crate) const DEFAULT_MAX_NOTES: u64 = 20_000;

/// Positions in [`RESULT_COLUMNS`].
const STATUS: usize = 0;
const ATTEMPTS: usize = 6;
const CUSTOMER_LINK: usize = 11;

/// How to render a results workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookOptions {
    /// The results sheet's name: see [`WorkbookOptions::new`].
    pub(crate) sheet: String,
    /// The input's header overrides (the config file's `[columns]`), so the
    /// journal's fields are found as the run found them.
    pub(crate) columns: Vec<(Field, String)>,
    /// The journal's problems file (`ProblemLog`): the
    /// typed problems of its invalid rows, put on their cells. Without one
    /// (or when it is missing) no cell is flagged; `error` says it all.
    pub problems: Option<PathBuf>,
    /// The run's facts, for the summary sheet.
    pub facts: RunFacts,
    /// At most this many cell notes ([`DEFAULT_MAX_NOTES`]): each costs
    /// about 12 KiB of memory until the workbook is saved. Past it,
    /// offending cells are still highlighted, without a note.
    pub(crate) max_notes: u64,
}

impl WorkbookOptions {
    /// Options for the results of an input read from `source_sheet` (a
    /// workbook input; `None` for CSV): the results sheet takes the source
    /// sheet's name (made a valid sheet name), else `DEFAULT_SHEET`; the
    /// summary names the source sheet.
    pub fn new(source_sheet: Option<&str>) -> Self {
        WorkbookOptions {
            sheet: source_sheet.map_or_else(
                || DEFAULT_SHEET.to_owned(),
                |name| sheet_name(name, DEFAULT_SHEET),
            ),
            columns: Vec::new(),
            problems: None,
            max_notes: DEFAULT_MAX_NOTES,
            facts: RunFacts {
                sheet: source_sheet.map(str::to_owned),
                ..RunFacts::default()
            },
        }
    }
}

/// What [`render_workbook`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookReport {
    /// The workbook.
    pub path: PathBuf,
    /// The results sheet's name.
    pub sheet: String,
    /// The rows, counted.
    pub summary: SheetSummary,
}

/// Render the results CSV `journal` as the workbook `workbook` (replaced
/// whole, never left half-written).
///
/// Fails when the journal cannot be read (or lacks a required column), when
/// it has more rows or columns than a worksheet holds, or when the workbook
/// cannot be written; the journal is left as it is in every case.
pub fn render_workbook(
    journal: &Path,
    workbook: &Path,
    options: &WorkbookOptions,
) -> Result<WorkbookReport, ResultsError> {
    let input_options = InputOptions {
        sheet: None,
        columns: options.columns.clone(),
        // The journal is what this tool wrote: UTF-8, byte for byte.
        encoding: Some(crate::input::TextEncoding::UTF_8),
    };
    let mut reader = InputReader::open_with(journal, &input_options)?;
    super::earlier::mark_result_columns(&mut reader)?;
    let layout = reader.layout().clone();
    let failure = |reason: String| ResultsError::Workbook {
        path: workbook.to_owned(),
        journal: journal.to_owned(),
        reason,
    };
    let xlsx = |e: XlsxError| failure(e.to_string());
    let columns = layout.passthrough.len() + RESULT_COLUMNS.len();
    if columns > MAX_COLUMNS {
        return Err(failure(format!(
            "{columns} columns do not fit in a worksheet (Excel holds {MAX_COLUMNS})"
        )));
    }
    let styles = Styles::new();
    let mut book = Workbook::new();
    book.set_tempdir(directory(workbook)).map_err(xlsx)?;
    let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx)?;
    sheet.set_name(&options.sheet).map_err(xlsx)?;
    let problems = options.problems.as_deref().map(ProblemReader::open);
    let problems = problems.transpose()?.flatten();
    let mut rows = SheetWriter::new(sheet, &layout, &styles, options.max_notes, problems);
    rows.header().map_err(xlsx)?;
    let mut row = InputRow::new();
    while reader.read_row(&mut row)? {
        if u64::from(rows.row) + 1 >= MAX_ROWS {
            return Err(failure(format!(
                "more than {} rows do not fit in a worksheet (Excel's limit)",
                MAX_ROWS - 1
            )));
        }
        rows.row(&row).map_err(xlsx)?;
    }
    let counted = rows.finish().map_err(xlsx)?;
    let summary = book.add_worksheet();
    let summary_name = if options.sheet.eq_ignore_ascii_case(SUMMARY_SHEET) {
        "Run summary"
    } else {
        SUMMARY_SHEET
    };
    summary.set_name(summary_name).map_err(xlsx)?;
    write_summary(summary, &styles, &options.facts, journal, &counted).map_err(xlsx)?;
    save_whole(&mut book, workbook).map_err(xlsx)?;
    Ok(WorkbookReport {
        path: workbook.to_owned(),
        sheet: options.sheet.clone(),
        summary: counted,
    })
}

/// Writes the results sheet row by row (constant memory).
struct SheetWriter<'a> {
    sheet: &'a mut Worksheet,
    layout: &'a Layout,
    styles: &'a Styles,
    widths: ColumnWidths,
    problems: Option<ProblemReader>,
    counted: SheetSummary,
    max_notes: u64,
    /// The last row written (0: the header).
    row: u32,
}

impl<'a> SheetWriter<'a> {
    fn new(
        sheet: &'a mut Worksheet,
        layout: &'a Layout,
        styles: &'a Styles,
        max_notes: u64,
        problems: Option<ProblemReader>,
    ) -> Self {
        let columns = layout.passthrough.len() + RESULT_COLUMNS.len();
        SheetWriter {
            sheet,
            layout,
            styles,
            widths: ColumnWidths::new(columns),
            problems,
            counted: SheetSummary::default(),
            max_notes,
            row: 0,
        }
    }

    /// The sheet column of result column `index`.
    fn result_column(&self, index: usize) -> u16 {
        column(self.layout.passthrough.len() + index)
    }

    /// The header row: the input's headers, then the result columns; bold,
    /// frozen; every column but `attempts` formatted as Text.
    fn header(&mut self) -> Result<(), XlsxError> {
        let inputs = self.layout.passthrough.iter();
        let headers = inputs.map(|&c| self.layout.header(c).unwrap_or_default());
        let headers: Vec<Cow<'_, str>> = headers
            .chain(RESULT_COLUMNS.iter().map(|&name| Cow::Borrowed(name)))
            .collect();
        for (index, header) in headers.iter().enumerate() {
            let (text, _) = fit_cell(header);
            self.widths.observe(index, text);
            let col = column(index);
            self.sheet
                .write_string_with_format(0, col, text, &self.styles.header)?;
            if col != self.result_column(ATTEMPTS) {
                self.sheet.set_column_format(col, &self.styles.text)?;
            }
        }
        self.sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }

    /// One journal row: its input cells (the offending ones of an invalid
    /// row highlighted, with its problems as a note), its result cells, and
    /// its count in the summary.
    fn row(&mut self, row: &InputRow) -> Result<(), XlsxError> {
        self.row += 1;
        let number = u64::from(self.row) + 1;
        let layout = self.layout;
        let result = |index: usize| {
            let column = layout.result_columns.get(index).copied().flatten();
            let cell = column.and_then(|c| row.record.get(c));
            String::from_utf8_lossy(cell.unwrap_or_default())
        };
        let status: Option<Status> = result(STATUS).trim().parse().ok();
        // Read for every row, to keep the reader in step; an invalid row's
        // problems are its own, and a rejected row's (the domain another
        // tenant owns: both ways forward on its domain cell).
        let logged = self.problems.as_mut().map(|r| r.row(number));
        let (mut problems, cells) = logged.map(|l| (l.problems, l.cells)).unwrap_or_default();
        if !matches!(status, Some(Status::Invalid | Status::Rejected)) {
            // Of any other row, only its warnings.
            problems.retain(crate::validate::Problem::is_warning);
        }
        let notes = CellNote::of(&problems, layout);
        for (index, &record_column) in layout.passthrough.iter().enumerate() {
            let text = String::from_utf8_lossy(row.record.get(record_column).unwrap_or_default());
            let note = notes.iter().find(|n| n.column == Some(record_column));
            self.input_cell(index, &text, note, &cells)?;
        }
        for index in 0..RESULT_COLUMNS.len() {
            self.result_cell(index, &result(index), status)?;
        }
        let unplaced: Vec<&str> = notes
            .iter()
            .filter(|n| n.column.is_none())
            .map(|n| n.text.as_str())
            .collect();
        if !unplaced.is_empty() {
            let text = format!("No column for:\n{}", unplaced.join("\n"));
            self.note(self.result_column(STATUS), &text)?;
        }
        self.counted.add_row(number, row, layout, problems);
        Ok(())
    }

    /// An input cell: text, or the typed cell it was in the input
    /// (`cells`); with `problem`, highlighted and noted.
    fn input_cell(
        &mut self,
        index: usize,
        text: &str,
        note: Option<&CellNote>,
        cells: &[TypedCell],
    ) -> Result<(), XlsxError> {
        let problem = note.map(|n| n.text.as_str());
        // A note of warnings only (a valid row's) leaves the cell unflagged.
        let flagged = note.is_some_and(|n| !n.warning);
        let (text, cut) = fit_cell(text);
        let col = column(index);
        self.widths.observe(index, text);
        let format = self.styles.input(flagged);
        let typed = match typed_at(cells, index) {
            Some(cell) => write_typed(self.sheet, (self.row, col), cell, format)?,
            None => false,
        };
        if typed {
            // Given back as the kind of cell it was.
        } else if !text.is_empty() {
            self.sheet
                .write_string_with_format(self.row, col, text, format)?;
        } else if flagged {
            self.sheet.write_blank(self.row, col, format)?;
        }
        let cut = cut.then_some(
            "This value was longer than an Excel cell holds and is cut here; the whole value \
             is in the journal (the .journal.csv beside this workbook).",
        );
        let message = match (problem, cut) {
            (Some(problem), Some(cut)) => Some(Cow::Owned(format!("{problem}\n{cut}"))),
            (Some(text), None) | (None, Some(text)) => Some(Cow::Borrowed(text)),
            (None, None) => None,
        };
        if flagged {
            self.counted.flagged_cells += 1;
        }
        if let Some(message) = message {
            self.note(col, &message)?;
        }
        Ok(())
    }

    /// A note on column `col` of the current row, unless the limit is reached.
    fn note(&mut self, col: u16, text: &str) -> Result<(), XlsxError> {
        if self.counted.notes >= self.max_notes {
            self.counted.notes_left_out += 1;
            return Ok(());
        }
        self.sheet.insert_note(self.row, col, &note(text))?;
        self.counted.notes += 1;
        Ok(())
    }

    /// Result column `index`: `status` coloured, `attempts` a number,
    /// `customer_link` a link that opens in the browser.
    fn result_cell(
        &mut self,
        index: usize,
        text: &str,
        status: Option<Status>,
    ) -> Result<(), XlsxError> {
        let sheet_index = self.layout.passthrough.len() + index;
        let col = column(sheet_index);
        if index == ATTEMPTS
            && let Ok(attempts) = text.trim().parse::<u32>()
        {
            self.widths.observe(sheet_index, text);
            self.sheet
                .write_number_with_format(self.row, col, attempts, &self.styles.number)?;
            return Ok(());
        }
        if index == CUSTOMER_LINK && text.starts_with("https://") && text.len() <= 2_000 {
            self.widths.observe(sheet_index, text);
            let link = rust_xlsxwriter::Url::new(text);
            return self.sheet.write_url(self.row, col, link).map(|_| ());
        }
        let format = match index {
            STATUS => self.styles.status(status),
            _ => &self.styles.text,
        };
        if index == STATUS || !text.is_empty() {
            let (text, _) = fit_cell(text);
            self.widths.observe(sheet_index, text);
            self.sheet
                .write_string_with_format(self.row, col, text, format)?;
        }
        Ok(())
    }

    /// Filter over every row, column widths; the counts.
    fn finish(self) -> Result<SheetSummary, XlsxError> {
        let last_column = column(self.layout.passthrough.len() + RESULT_COLUMNS.len() - 1);
        self.sheet.autofilter(0, 0, self.row, last_column)?;
        self.widths.apply(self.sheet)?;
        Ok(self.counted)
    }
}

/// A sheet column index (checked against [`MAX_COLUMNS`] before writing).
fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
