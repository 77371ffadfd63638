//! The "Summary" sheet of a results workbook: the run's facts, rows by
//! status and by MCA status, the notes, every MCA acceptance waiting for
//! the customer with its link (to send), and rows by error code (the codes
//! of the invalid rows' typed problems, the `error_code` of the others)
//! with the fix from the troubleshooting table ([`fixes`](super::fixes)).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::counts::Tally;
use super::fixes::{fix_for, plain};
use super::notices::{Notices, RowFacts};
use super::schema::{McaStatus, Status, previous};
use super::xlsx_style::{ColumnWidths, Styles};
use crate::input::{InputRow, Layout};
use crate::validate::{Problem, ProblemKind};

/// What to do about rows that need App+User credentials.
const SIGN_IN_FIX: &str = "nothing to fix in these rows: sign in for App+User calls \
     (pc-onboard login; error_code 600006 below), then run this workbook again";

/// How many sheet rows the summary lists per error code.
const LISTED_ROWS: usize = 10;

/// What the caller knows about the run, shown on the summary sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFacts {
    /// The input file, as given on the command line.
    pub input: Option<PathBuf>,
    /// The worksheet the rows came from, for a workbook input.
    pub(crate) sheet: Option<String>,
    /// When the run started.
    pub started: Option<SystemTime>,
    /// What ran, e.g. `run --sandbox`, `run --dry-run`, `validate --online`.
    pub mode: String,
}

/// What a results sheet holds, counted while it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetSummary {
    /// Data rows written.
    pub rows: u64,
    /// Rows per status and per `mca_status` outcome (rows without an
    /// attestation are not counted there).
    pub(crate) tally: Tally,
    /// Rows whose `status` cell is empty or not a status (a torn last line).
    pub(crate) unknown_status: u64,
    /// Rows per error code: the codes of an invalid row's problems, else
    /// its non-empty `error_code`.
    pub codes: BTreeMap<String, CodeRows>,
    /// Offending cells of `invalid` rows, highlighted.
    pub flagged_cells: u64,
    /// Cell notes written (see `WorkbookOptions::max_notes`).
    pub(crate) notes: u64,
    /// Notes left out once the limit was reached (their cells are still
    /// highlighted; the problems are in `error`).
    pub(crate) notes_left_out: u64,
    /// Default GDAP, other tenants' domains, `exists` of another company.
    pub(crate) notices: Notices,
}

/// The rows that carry one `error_code`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeRows {
    /// How many.
    pub(crate) count: u64,
    /// The first few, as sheet row numbers (the header is row 1).
    pub(crate) first: Vec<u64>,
}

impl SheetSummary {
    /// Count journal row `row` (sheet row `number`, read with `layout`,
    /// with the `problems` of the problems file): its status, MCA outcome,
    /// error codes (an invalid row's problems' codes, else its
    /// `error_code`) and [`Notices`].
    pub(crate) fn add_row(
        &mut self,
        number: u64,
        row: &InputRow,
        layout: &Layout,
        problems: Vec<Problem>,
    ) {
        let Some(mut result) = previous(row, layout) else {
            self.add(number, None, &McaStatus::None, []);
            return;
        };
        result.problems = problems;
        self.notices.add(&RowFacts::of(row, layout, &result));
        let codes: Vec<&str> = match result.status {
            Status::Invalid if !result.problems.is_empty() => {
                result.problems.iter().map(Problem::code).collect()
            }
            _ => vec![result.error_code.as_str()],
        };
        self.add(number, Some(result.status), &result.mca_status, codes);
    }

    /// Count sheet row `row`: its status, MCA outcome and error codes (each
    /// code once per row).
    pub(crate) fn add<'c>(
        &mut self,
        row: u64,
        status: Option<Status>,
        mca: &McaStatus,
        codes: impl IntoIterator<Item = &'c str>,
    ) {
        self.rows += 1;
        match status {
            Some(status) => self.tally.statuses.add(status),
            None => self.unknown_status += 1,
        }
        self.tally.mca.add_status(mca);
        let mut seen: Vec<&str> = Vec::new();
        for code in codes.into_iter().map(str::trim) {
            if code.is_empty() || seen.contains(&code) {
                continue;
            }
            seen.push(code);
            self.count_code(code, row);
        }
        // Invalid only for want of App+User credentials (the problem kind's
        // code, typed or read back): grouped apart, the fix is to sign in.
        let sign_in = ProblemKind::NeedsAppUser.code();
        if status == Some(Status::Invalid) && seen.iter().all(|c| *c == sign_in) && !seen.is_empty()
        {
            self.tally.sign_in += 1;
        }
    }

    fn count_code(&mut self, code: &str, row: u64) {
        let rows = self.codes.entry(code.to_owned()).or_default();
        rows.count += 1;
        if rows.first.len() < LISTED_ROWS {
            rows.first.push(row);
        }
    }
}

/// One cell of the summary.
enum Cell<'a> {
    Text(&'a str),
    Number(u64),
}

/// Writes the summary sheet top to bottom.
struct Summary<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    widths: ColumnWidths,
    row: u32,
}

impl Summary<'_> {
    fn line(&mut self, cells: &[Cell<'_>], bold: bool) -> Result<(), XlsxError> {
        for (column, cell) in cells.iter().enumerate() {
            let col = u16::try_from(column).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(text) => {
                    let format = if bold {
                        &self.styles.header
                    } else {
                        &self.styles.text
                    };
                    self.widths.observe(column, text);
                    self.sheet
                        .write_string_with_format(self.row, col, *text, format)?;
                }
                Cell::Number(n) => {
                    self.sheet.write_number_with_format(
                        self.row,
                        col,
                        *n as f64,
                        &self.styles.number,
                    )?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    fn gap(&mut self) {
        self.row += 1;
    }
}

/// Write the summary of a results sheet to `sheet`.
pub(crate) fn write_summary(
    sheet: &mut Worksheet,
    styles: &Styles,
    facts: &RunFacts,
    journal: &Path,
    counted: &SheetSummary,
) -> Result<(), XlsxError> {
    let mut out = Summary {
        sheet,
        styles,
        widths: ColumnWidths::new(5),
        row: 0,
    };
    write_facts(&mut out, facts, journal, counted)?;
    out.gap();
    out.line(&[Cell::Text("status"), Cell::Text("rows")], true)?;
    for (status, count) in counted.tally.statuses.nonzero() {
        let format = styles.status(Some(status));
        out.widths.observe(0, status.as_str());
        out.sheet
            .write_string_with_format(out.row, 0, status.as_str(), format)?;
        out.sheet.write_number(out.row, 1, count as f64)?;
        out.row += 1;
    }
    if counted.tally.sign_in > 0 {
        let line = [
            Cell::Text("of the invalid: need sign-in"),
            Cell::Number(counted.tally.sign_in),
            Cell::Text(SIGN_IN_FIX),
        ];
        out.line(&line, false)?;
    }
    if counted.unknown_status > 0 {
        out.line(
            &[
                Cell::Text("(no status)"),
                Cell::Number(counted.unknown_status),
            ],
            false,
        )?;
    }
    if counted.tally.mca.total() > 0 {
        out.gap();
        out.line(&[Cell::Text("mca_status"), Cell::Text("rows")], true)?;
        for (outcome, count) in counted.tally.mca.nonzero() {
            let line = [Cell::Text(outcome.keyword()), Cell::Number(count)];
            out.line(&line, false)?;
        }
    }
    let notices = counted.notices.lines();
    if !notices.is_empty() {
        out.gap();
        out.line(&[Cell::Text("notes")], true)?;
        for line in &notices {
            out.line(&[Cell::Text(line)], false)?;
        }
    }
    if !counted.notices.mca_pending.is_empty() {
        out.gap();
        write_pending(&mut out, counted)?;
    }
    if !counted.codes.is_empty() {
        out.gap();
        write_codes(&mut out, counted)?;
    }
    out.widths.apply(out.sheet)
}

/// Every MCA acceptance waiting for the customer: the link to send each.
fn write_pending(out: &mut Summary<'_>, counted: &SheetSummary) -> Result<(), XlsxError> {
    let title = "MCA acceptances to send (mca_status pending)";
    out.line(&[Cell::Text(title)], true)?;
    out.line(
        &["sheet row", "domain", "customer_link"].map(Cell::Text),
        true,
    )?;
    for pending in &counted.notices.mca_pending {
        let cells = [
            Cell::Number(pending.row),
            Cell::Text(&pending.domain),
            Cell::Text(&pending.link),
        ];
        out.line(&cells, false)?;
    }
    Ok(())
}

fn write_facts(
    out: &mut Summary<'_>,
    facts: &RunFacts,
    journal: &Path,
    counted: &SheetSummary,
) -> Result<(), XlsxError> {
    let input = facts.input.as_ref().map(|p| p.display().to_string());
    let started = facts
        .started
        .map(|t| humantime::format_rfc3339_seconds(t).to_string());
    let written = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let journal = journal.display().to_string();
    let facts = [
        ("input", input.as_deref()),
        ("sheet", facts.sheet.as_deref()),
        ("mode", Some(facts.mode.as_str()).filter(|m| !m.is_empty())),
        ("started", started.as_deref()),
        ("written", Some(written.as_str())),
        ("journal", Some(journal.as_str())),
    ];
    out.line(&[Cell::Text("run")], true)?;
    for (name, value) in facts {
        if let Some(value) = value {
            out.line(&[Cell::Text(name), Cell::Text(value)], false)?;
        }
    }
    out.line(&[Cell::Text("rows"), Cell::Number(counted.rows)], false)?;
    if counted.notes_left_out > 0 {
        let text = format!(
            "the first {} have a note; {} more offending cells are highlighted without one \
             (their problems are in the error column)",
            counted.notes, counted.notes_left_out
        );
        out.line(&[Cell::Text("notes"), Cell::Text(&text)], false)?;
    }
    Ok(())
}

fn write_codes(out: &mut Summary<'_>, counted: &SheetSummary) -> Result<(), XlsxError> {
    let header = ["error_code", "rows", "sheet rows", "meaning", "fix"].map(Cell::Text);
    out.line(&header, true)?;
    for (code, rows) in &counted.codes {
        let mut listed = rows
            .first
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        if rows.count > rows.first.len() as u64 {
            listed.push_str(", ...");
        }
        let fix = fix_for(code);
        let meaning = fix.map(|f| plain(f.meaning)).unwrap_or_default();
        let fix = fix
            .map(|f| plain(f.fix))
            .unwrap_or("see the error column and docs/operations.md, Troubleshooting".into());
        let cells = [
            Cell::Text(code),
            Cell::Number(rows.count),
            Cell::Text(&listed),
            Cell::Text(&meaning),
            Cell::Text(&fix),
        ];
        out.line(&cells, false)?;
    }
    Ok(())
}
