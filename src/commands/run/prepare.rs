//! Everything a run needs before it connects: the input (fatal errors exit
//! 1 before anything else happens), its row count, the results lock, the
//! resume point, the credentials file (so a run never receives a password
//! it cannot keep).

use std::path::Path;

use anyhow::Context;

use crate::commands::results_target::ResultsTarget;
use crate::files::{CredentialsFile, ResultsLock, ResumePoint, prepare_resume, temporaries};
use crate::input::{InputOptions, InputReader, InputRow, Layout, TextEncoding};
use crate::pipeline::RowPlan;
use crate::results::Tally;
use crate::settings::RunSettings;
use crate::validate::{Field, Problem, ProblemKind};

/// What the run works on, ready before the first call.
pub(super) struct Prepared {
    pub(crate) reader: InputReader,
    pub(crate) layout: Layout,
    pub(crate) target: ResultsTarget,
    pub(crate) total_rows: u64,
    pub(crate) resume: Option<ResumePoint>,
    /// The rows `--resume` kept, counted (they are part of the results
    /// file the exit code describes).
    pub(crate) kept: Tally,
    pub(crate) credentials: Option<CredentialsFile>,
    /// Held until the run ends (dropped with `Prepared`).
    pub(crate) _lock: ResultsLock,
}

/// Everything a run needs before it connects: the input (fatal errors exit
/// 1 before anything else happens), its row count, the results lock, the
/// resume point, the credentials file (so a run never receives a password
/// it cannot keep).
pub(super) fn prepare(settings: &RunSettings) -> anyhow::Result<Prepared> {
    let (input, results) = (settings.input().path(), settings.results());
    let target = ResultsTarget::new(results, input)?;
    let lock_file = ResultsLock::lock_file_of(results);
    crate::files::refuse_same_files(&[
        ("the input", Some(input)),
        ("--results", Some(results)),
        (
            "the results journal",
            target.workbook.as_ref().map(|_| target.csv.as_path()),
        ),
        ("the results problems file", target.problems.as_deref()),
        ("the results lock", lock_file.as_deref()),
        ("--credentials-out", settings.credentials_out()),
        ("--summary-json", settings.summary_json()),
    ])?;
    let options = settings.input().options();
    let mut reader = InputReader::open_with(input, &options)?;
    // An earlier results file, or refused for a column named like a result
    // column, before anything else happens.
    crate::results::recognise(&mut reader, &options)?;
    let layout = reader.layout().clone();
    for notice in crate::commands::notices::header_warnings(&layout) {
        notice.print();
    }
    // Re-reads (row count, resume) keep the encoding found here: no second
    // whole-file check, no second warning about a guessed encoding.
    let options = InputOptions {
        encoding: Some(layout.encoding),
        ..options
    };
    let total_rows = match reader.known_row_count() {
        Some(rows) => rows,
        None => count_rows(input, &options)?,
    };
    if total_rows == 0 {
        anyhow::bail!(
            "{} has a header but no data rows: nothing to onboard",
            input.display()
        );
    }
    let c = settings.connect();
    tracing::info!(
        input = %input.display(),
        sheet = layout.sheet.as_deref().unwrap_or(""),
        rows = total_rows,
        rate = c.rate().get(),
        concurrency = %c.concurrency(),
        max_attempts = c.max_attempts().get(),
        timeout_secs = c.timeout().as_secs(),
        "run settings"
    );
    let lock = lock_and_tidy(settings, &target)?;
    let resume = match settings.resume() {
        true => Some(prepare_resume(&target.csv, input, &options, &layout)?),
        false => None,
    };
    let kept = match &resume {
        Some(point) => kept_rows(&target.csv, &options, point.kept_rows)?,
        None => Tally::default(),
    };
    let credentials = match settings.credentials_out() {
        Some(path) if !settings.dry_run() => Some(CredentialsFile::open(
            path,
            settings.force(),
            layout.delimiter,
        )?),
        _ => None,
    };
    Ok(Prepared {
        reader,
        layout,
        target,
        total_rows,
        resume,
        kept,
        credentials,
        _lock: lock,
    })
}

/// `--results` or `--summary-json` at a FIFO nobody reads: refused before
/// any call (what a run wrote there would be lost, or it would wait for
/// ever).
fn refuse_unread_fifos(settings: &RunSettings) -> anyhow::Result<()> {
    for (flag, path) in [
        ("--results", Some(settings.results())),
        ("--summary-json", settings.summary_json()),
    ] {
        if let Some(path) = path.filter(|p| crate::files::identity::is_unread_fifo(p)) {
            anyhow::bail!(
                "{flag} {} is a FIFO nobody reads: what the run writes there would be lost, or the run would wait for a reader for ever; start its reader first, or choose a regular file",
                path.display()
            );
        }
    }
    Ok(())
}

/// Refuse a FIFO nobody reads, take the results lock, then remove what a run killed while it replaced
/// the workbook or the credentials file left beside them.
fn lock_and_tidy(settings: &RunSettings, target: &ResultsTarget) -> anyhow::Result<ResultsLock> {
    refuse_unread_fifos(settings)?;
    let lock = ResultsLock::acquire_with(settings.results(), &target.csv, !settings.resume())?;
    let replaced = target.workbook.as_deref().into_iter();
    for path in replaced.chain(settings.credentials_out()) {
        temporaries::remove_stale(path);
    }
    Ok(lock)
}

/// The first `rows` rows of the results CSV `results` (this tool wrote it:
/// UTF-8, the input's columns), counted.
fn kept_rows(results: &Path, input: &InputOptions, rows: u64) -> anyhow::Result<Tally> {
    let options = InputOptions {
        sheet: None,
        columns: input.columns.clone(),
        encoding: Some(TextEncoding::UTF_8),
    };
    Tally::of_results_file(results, &options, rows)
        .with_context(|| format!("--resume: cannot read {}", results.display()))
}

/// Count the data rows (for the progress bar); cheap next to the network.
fn count_rows(path: &std::path::Path, options: &InputOptions) -> anyhow::Result<u64> {
    let mut reader = InputReader::open_with(path, options)?;
    let mut row = crate::input::InputRow::new();
    let mut n = 0;
    while reader.read_row(&mut row)? {
        n += 1;
    }
    Ok(n)
}

/// The template's untouched example row (`pc-onboard template`) is never
/// sent: `invalid`, saying to overwrite or delete it.
pub(super) fn never_send_the_example(row: &InputRow, layout: &Layout, plan: RowPlan) -> RowPlan {
    let RowPlan::Valid { customer, .. } = &plan else {
        return plan;
    };
    let (fields, _) = row.fields(layout);
    if !crate::template::is_example(&fields) {
        return plan;
    }
    let example = Problem::new(
        Field::ExternalId,
        ProblemKind::Invalid,
        crate::template::EXAMPLE_MESSAGE,
    );
    RowPlan::Invalid {
        problems: vec![example],
        mca: customer.mca.is_some(),
    }
}
