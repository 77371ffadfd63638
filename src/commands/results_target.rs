//! Where a command's results go: a CSV file written row by row, or an
//! `.xlsx` workbook rendered at the end from a CSV journal beside it
//! (`out.xlsx.journal.csv`), so a crash loses nothing and `--resume`
//! continues the journal whatever the format.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

use crate::files::{
    FlushPolicy, ResultsFormat, ResultsWriter, journal_path, problems_path, results_format,
};
use crate::input::Layout;
use crate::results::{ProblemLog, ResultsError, WorkbookOptions, WorkbookReport, render_workbook};
use crate::validate::Field;

/// The results file a command was asked for, and the CSV it writes.
#[derive(Debug, Clone)]
pub(crate) struct ResultsTarget {
    /// The CSV written row by row: `requested`, or the workbook's journal.
    pub(crate) csv: PathBuf,
    /// The workbook to render at the end, for `--results *.xlsx`.
    pub(crate) workbook: Option<PathBuf>,
    /// The journal's problems file, for `--results *.xlsx`: the typed
    /// problems of the invalid rows, which the workbook puts on their cells.
    pub(crate) problems: Option<PathBuf>,
}

impl ResultsTarget {
    /// The target for `--results requested` of `input`.
    pub(super) fn new(requested: &Path, input: &Path) -> anyhow::Result<Self> {
        Ok(match results_format(requested)? {
            ResultsFormat::Csv => ResultsTarget {
                csv: requested.to_owned(),
                workbook: None,
                problems: None,
            },
            ResultsFormat::Workbook => ResultsTarget {
                csv: journal_path(requested, input)?,
                workbook: Some(requested.to_owned()),
                problems: Some(problems_path(requested, input)?),
            },
        })
    }

    /// The writer of the results CSV, with the problems file of a
    /// workbook's journal: new files, or for `--resume` (`kept_rows`
    /// already written) appending to them.
    pub(super) fn writer(
        &self,
        layout: &Layout,
        flush: FlushPolicy,
        kept_rows: Option<u64>,
    ) -> Result<ResultsWriter, ResultsError> {
        let mut writer = match kept_rows {
            Some(_) => ResultsWriter::append(&self.csv, layout, flush)?,
            None => ResultsWriter::create(&self.csv, layout, flush)?,
        };
        if let Some(path) = &self.problems {
            let log = match kept_rows {
                Some(kept) => ProblemLog::resume(path, kept, flush)?,
                None => ProblemLog::create(path, flush)?,
            };
            writer.keep_problems(log);
        }
        Ok(writer)
    }

    /// Remove the journal and its problems file (`validate`, which does not
    /// resume, once the workbook is rendered). Best effort.
    pub(crate) fn remove_journal(&self) {
        if self.workbook.is_some() {
            let _ = std::fs::remove_file(&self.csv);
        }
        if let Some(path) = &self.problems {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Render the workbook from the journal, when the target is one.
    pub(super) fn render(&self, render: &Render<'_>) -> anyhow::Result<Option<WorkbookReport>> {
        let Some(workbook) = &self.workbook else {
            return Ok(None);
        };
        let mut options = WorkbookOptions::new(render.layout.sheet.as_deref());
        options.columns = render.columns.to_vec();
        options.problems.clone_from(&self.problems);
        options.facts.input = Some(render.input.to_owned());
        options.facts.started = Some(render.started);
        options.facts.mode = render.mode.to_owned();
        let report = render_workbook(&self.csv, workbook, &options).with_context(|| {
            if self.csv.exists() {
                format!(
                    "the results are complete in {}, but the workbook could not be written",
                    self.csv.display()
                )
            } else {
                format!(
                    "the workbook could not be written: its journal {} is gone",
                    self.csv.display()
                )
            }
        })?;
        Ok(Some(report))
    }
}

/// What the summary sheet of a rendered workbook says about the run.
pub(crate) struct Render<'a> {
    /// The input's layout (its sheet, for a workbook input).
    pub(crate) layout: &'a Layout,
    /// The config's `[columns]`.
    pub(crate) columns: &'a [(Field, String)],
    /// The input file.
    pub(crate) input: &'a Path,
    /// When the command started.
    pub(crate) started: SystemTime,
    /// `run`, `run --dry-run`, `validate`, `validate --online`.
    pub(crate) mode: &'a str,
}
