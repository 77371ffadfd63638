//! `pc-onboard run`: validate, then create customers under the rate limit.

mod progress;
mod sink;
mod summary;

use std::time::Instant;

use anyhow::Context;

use super::ExitStatus;
use super::connect::{NO_CREDENTIALS, Session};
use super::results_target::{Render, ResultsTarget};
use crate::cli::RunArgs;
use crate::input::{InputOptions, InputReader, Layout};
use crate::pipeline::{
    CredentialsFile, DriveOptions, Mode, Onboard, ResultsLock, ResumePoint, Stop, StopReason,
    drive, prepare_resume,
};
use crate::results::{FlushPolicy, ResultsWriter};
use progress::Progress;
use sink::RunSink;
use summary::Summary;

/// Run `pc-onboard run` to the end on a fresh tokio runtime.
pub fn run(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args))
}

/// What the run works on, ready before the first call.
struct Prepared {
    reader: InputReader,
    layout: Layout,
    target: ResultsTarget,
    total_rows: u64,
    resume: Option<ResumePoint>,
    credentials: Option<CredentialsFile>,
    _lock: ResultsLock,
}

async fn run_async(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let prepared = prepare(args)?;
    let stop = Stop::new();
    let mut session = Session::open(&args.connect, &stop).await?;
    if session.engine.is_none() && !args.dry_run {
        session.close().await;
        anyhow::bail!("{NO_CREDENTIALS}");
    }
    let Prepared {
        mut reader,
        layout,
        target,
        total_rows,
        resume,
        credentials,
        _lock,
    } = prepared;
    let skip_rows = resume.as_ref().map_or(0, |r| r.kept_rows);
    let writer = if resume.is_some() {
        ResultsWriter::append(&target.csv, &layout, FlushPolicy::EveryRow)?
    } else {
        ResultsWriter::create(&target.csv, &layout, FlushPolicy::EveryRow)?
    };
    let interrupts = tokio::spawn(super::stop_on_signal(stop.clone()));
    let progress = Progress::new(total_rows, skip_rows, args.no_progress);
    let mut sink = RunSink {
        writer,
        credentials,
        progress: progress.clone(),
        layout: layout.clone(),
        passwords_discarded: 0,
        unrecorded: 0,
    };
    let work = Onboard {
        engine: session.engine.clone(),
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Create
        },
        app_user: session.app_user(),
    };
    let options = DriveOptions {
        skip_rows,
        max_rows_in_progress: session.concurrency.max_rows_in_progress(),
    };
    let report = drive(
        &mut reader,
        &stop,
        options,
        |row, plan, stop| work.job(row, plan, stop),
        &mut sink,
    )
    .await;
    interrupts.abort();
    progress.finish();
    session.close().await;
    let report = report?;
    let RunSink {
        writer,
        passwords_discarded,
        unrecorded,
        ..
    } = sink;
    let rows_written = writer.rows();
    let finished = writer.finish();
    let rendered = match &finished {
        Ok(()) => target.render(&Render {
            layout: &layout,
            columns: &args.input_args.columns,
            input: &args.input,
            started: started_at,
            mode: if args.dry_run { "run --dry-run" } else { "run" },
        }),
        Err(_) => Ok(None),
    };
    let summary = Summary {
        input: args.input.clone(),
        results: args.results.clone(),
        target: session.target(),
        counts: progress.counts(),
        mca: progress.mca_counts(),
        rows_this_run: rows_written,
        resumed_rows: skip_rows,
        truncated_bytes: resume.map_or(0, |r| r.truncated_bytes),
        engine: session.engine.as_deref(),
        correlation_id: session.correlation_id(),
        duration: started.elapsed(),
        passwords_discarded,
        credentials_out: args.credentials_out.clone().filter(|_| !args.dry_run),
        stopped: report.stop.clone(),
        dry_run: args.dry_run,
        latency: session.concurrency.latency(),
    };
    summary.print()?;
    if let Some(path) = &args.summary_json {
        summary.write_json(path)?;
    }
    match report.stop {
        Some(StopReason::Unrecorded(reason)) => anyhow::bail!(
            "{reason}; nothing more was sent; {unrecorded} rows that reached Partner Center are not in the results file (listed above); re-run the input with a new --results file: their request ids are replayed"
        ),
        _ => finished?,
    }
    rendered?;
    Ok(match report.stop {
        Some(StopReason::Interrupted) => ExitStatus::Interrupted,
        Some(StopReason::Fatal(reason)) => anyhow::bail!(
            "the run stopped: {reason}; the rows not attempted are `cancelled` in {}",
            args.results.display()
        ),
        _ if progress.mca_counts().failed() > 0 => ExitStatus::RowsFailed,
        _ => ExitStatus::from_counts(&progress.counts()),
    })
}

/// Everything a run needs before it connects: the input (fatal errors exit
/// 1 before anything else happens), its row count, the results lock, the
/// resume point, the credentials file (so a run never receives a password
/// it cannot keep).
fn prepare(args: &RunArgs) -> anyhow::Result<Prepared> {
    let target = ResultsTarget::new(&args.results, &args.input)?;
    crate::pipeline::refuse_same_files(&[
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
    let reader = InputReader::open_with(&args.input, &options)?;
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
