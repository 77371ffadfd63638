//! `pc-onboard run`: validate, then create customers under the rate limit.

mod progress;
mod summary;

use std::time::Instant;

use anyhow::Context;
use tokio::sync::watch;

use super::ExitStatus;
use super::connect::{NO_CREDENTIALS, Session};
use crate::cli::RunArgs;
use crate::input::{InputOptions, InputReader};
use crate::pipeline::{
    AbortReason, CredentialSink, CredentialsFile, Mode, ResultsLock, RunContext, StopReason,
    prepare_resume, run_rows,
};
use crate::results::{FlushPolicy, ResultsWriter};
use progress::Progress;
use summary::Summary;

/// Run `pc-onboard run` to the end on a fresh tokio runtime.
pub fn run(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    super::check_results_path(&args.results)?;
    let options = args.input_args.options();
    let mut reader = InputReader::open_with(&args.input, &options)?;
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
    tracing::info!(
        input = %args.input.display(),
        sheet = layout.sheet.as_deref().unwrap_or(""),
        rows = total_rows,
        rate = args.connect.rate.get(),
        concurrency = %args.connect.concurrency,
        max_attempts = args.connect.max_attempts.get(),
        timeout_secs = args.connect.timeout,
        "run settings"
    );

    let _lock = ResultsLock::acquire(&args.results)?;
    let resume = if args.resume {
        Some(prepare_resume(
            &args.results,
            &args.input,
            &options,
            &layout,
        )?)
    } else {
        None
    };
    let skip_rows = resume.as_ref().map_or(0, |r| r.kept_rows);

    // The credentials file exists before the first call, so a run never
    // receives a password it cannot keep.
    let credentials_file = match &args.credentials_out {
        Some(path) if !args.dry_run => Some(CredentialsFile::create(path, args.force)?),
        _ => None,
    };
    let mut session = Session::open(&args.connect).await?;
    if session.engine.is_none() && !args.dry_run {
        session.close().await;
        anyhow::bail!("{NO_CREDENTIALS}");
    }
    let target = match &session.engine {
        Some(_) => session.describe.clone(),
        None => "offline (no credentials: domains not checked)".to_owned(),
    };
    let engine = session.engine.clone();
    let concurrency = session.concurrency.clone();
    let correlation_id = session.correlation_id();

    let writer = if resume.is_some() {
        ResultsWriter::append(&args.results, &layout, FlushPolicy::EveryRow)?
    } else {
        ResultsWriter::create(&args.results, &layout, FlushPolicy::EveryRow)?
    };

    let (cancel_tx, cancel_rx) = watch::channel(false);
    let interrupts = tokio::spawn(async move {
        if stop_signal().await.is_ok() {
            let _ = cancel_tx.send(true);
            eprintln!(
                "\ninterrupted: finishing the calls in flight, then writing the remaining rows as cancelled (Ctrl-C again to quit at once)"
            );
            if stop_signal().await.is_ok() {
                std::process::exit(130);
            }
        }
    });

    let progress = Progress::new(total_rows, skip_rows, args.no_progress);
    let on_written = progress.row_callback();
    let stored_credentials = credentials_file.as_ref().map(|_| ());
    let credentials_path = args.credentials_out.clone();
    let sink = credentials_file.map(|f| Box::new(f) as Box<dyn CredentialSink>);
    let ctx = RunContext {
        engine: engine.clone(),
        concurrency: concurrency.clone(),
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Create
        },
        skip_rows,
        cancel: cancel_rx,
        credentials: sink,
    };
    let report = run_rows(&mut reader, writer, ctx, on_written).await?;
    interrupts.abort();
    progress.finish();
    let rows_written = report.writer.rows();
    report.writer.finish()?;
    session.close().await;

    let summary = Summary {
        input: args.input.clone(),
        results: args.results.clone(),
        target,
        counts: progress.counts(),
        mca: progress.mca_counts(),
        rows_this_run: rows_written,
        resumed_rows: skip_rows,
        truncated_bytes: resume.map_or(0, |r| r.truncated_bytes),
        engine: engine.as_deref(),
        correlation_id,
        duration: started.elapsed(),
        passwords_discarded: report.passwords_discarded,
        credentials_out: stored_credentials.and(credentials_path),
        stopped: report.stopped.clone(),
        dry_run: args.dry_run,
        latency: concurrency.latency(),
    };
    summary.print()?;
    if let Some(path) = &args.summary_json {
        summary.write_json(path)?;
    }
    Ok(match report.stopped {
        Some(StopReason::Interrupted) => ExitStatus::Interrupted,
        Some(StopReason::Aborted(AbortReason::Auth(reason))) => {
            anyhow::bail!(
                "authentication failed during the run: {reason}; the rows not attempted are `cancelled` in {}",
                args.results.display()
            )
        }
        _ if progress.mca_counts().failed() > 0 => ExitStatus::RowsFailed,
        _ => ExitStatus::from_counts(&progress.counts()),
    })
}

/// Ctrl-C, or SIGTERM (`kill`, `systemctl stop`, a Kubernetes pod being
/// stopped): both end the run the same way.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
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
