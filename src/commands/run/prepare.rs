//! Everything a run needs before it connects: the input (fatal errors exit
//! 1 before anything else happens), its row count, the results lock, the
//! resume point, the credentials file (so a run never receives a password
//! it cannot keep).

use crate::cli::RunArgs;
use crate::commands::results_target::ResultsTarget;
use crate::files::{CredentialsFile, ResultsLock, ResumePoint, prepare_resume};
use crate::input::{InputOptions, InputReader, Layout};

/// What the run works on, ready before the first call.
pub(super) struct Prepared {
    pub reader: InputReader,
    pub layout: Layout,
    pub target: ResultsTarget,
    pub total_rows: u64,
    pub resume: Option<ResumePoint>,
    pub credentials: Option<CredentialsFile>,
    /// Held until the run ends (dropped with `Prepared`).
    pub _lock: ResultsLock,
}

/// Everything a run needs before it connects: the input (fatal errors exit
/// 1 before anything else happens), its row count, the results lock, the
/// resume point, the credentials file (so a run never receives a password
/// it cannot keep).
pub(super) fn prepare(args: &RunArgs) -> anyhow::Result<Prepared> {
    let target = ResultsTarget::new(&args.results, &args.input)?;
    crate::files::refuse_same_files(&[
        ("the input", Some(args.input.as_path())),
        ("--results", Some(args.results.as_path())),
        (
            "the results journal",
            target.workbook.as_ref().map(|_| target.csv.as_path()),
        ),
        ("--credentials-out", args.credentials_out.as_deref()),
        ("--summary-json", args.summary_json.as_deref()),
    ])?;
    let options = args.input_args.options();
    let mut reader = InputReader::open_with(&args.input, &options)?;
    // An earlier results file, or refused for a column named like a result
    // column, before anything else happens.
    crate::results::recognise(&mut reader, &options)?;
    let layout = reader.layout().clone();
    // Re-reads (row count, resume) keep the encoding found here: no second
    // whole-file check, no second warning about a guessed encoding.
    let options = InputOptions {
        encoding: Some(layout.encoding),
        ..options
    };
    let total_rows = match reader.known_row_count() {
        Some(rows) => rows,
        None => count_rows(&args.input, &options)?,
    };
    if total_rows == 0 {
        anyhow::bail!(
            "{} has a header but no data rows: nothing to onboard",
            args.input.display()
        );
    }
    let c = &args.connect;
    tracing::info!(
        input = %args.input.display(),
        sheet = layout.sheet.as_deref().unwrap_or(""),
        rows = total_rows,
        rate = c.rate.get(),
        concurrency = %c.concurrency,
        max_attempts = c.max_attempts.get(),
        timeout_secs = c.timeout,
        "run settings"
    );
    let lock = ResultsLock::acquire(&args.results)?;
    let resume = match args.resume {
        true => Some(prepare_resume(&target.csv, &args.input, &options, &layout)?),
        false => None,
    };
    let credentials = match &args.credentials_out {
        Some(path) if !args.dry_run => Some(CredentialsFile::create(path, args.force)?),
        _ => None,
    };
    Ok(Prepared {
        reader,
        layout,
        target,
        total_rows,
        resume,
        credentials,
        _lock: lock,
    })
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
