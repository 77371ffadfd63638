//! `pc-onboard run`: validate, then create customers under the rate limit.
//!
//! [`prepare`](prepare::prepare) opens everything before the first call;
//! the rows go through the one row driver (`pipeline::drive`) with
//! [`Onboard`]'s work into the [`RunSink`]; then the workbook is rendered
//! (for `--results *.xlsx`) and the [`Summary`] printed.

mod lost;
mod next;
mod passwords;
mod prepare;
mod progress;
mod sink;
mod summary;
mod summary_json;
mod waiting;

use std::time::{Instant, SystemTime};

use anyhow::Context;

use super::ExitStatus;
use super::connect::{NO_CREDENTIALS, Session};
use super::results_target::Render;
use crate::files::FlushPolicy;
use crate::logging::Console;
use crate::pipeline::{DriveOptions, DriveReport, Mode, Onboard, Stop, StopReason, drive};
use crate::settings::RunSettings;
use next::NextCommands;
use passwords::PasswordsKept;
use prepare::Prepared;
use progress::Progress;
use sink::RunSink;
use summary::Summary;

/// Run `pc-onboard run` to the end on a fresh tokio runtime.
pub(crate) fn run(settings: &RunSettings) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(settings))
}

async fn run_async(settings: &RunSettings) -> anyhow::Result<ExitStatus> {
    let started = (Instant::now(), SystemTime::now());
    let prepared = prepare::prepare(settings)?;
    let stop = Stop::new();
    let console = Console::get();
    let hide_progress = !settings.progress() || console.quiet || console.json;
    let skip_rows = prepared.resume.as_ref().map_or(0, |r| r.kept_rows);
    let progress = Progress::new(prepared.total_rows, skip_rows, hide_progress);
    let sandbox = settings.connect().sandbox();
    progress.waiting(Some(&waiting::Wait::SigningIn { sandbox }));
    let mut session = match Session::open(settings.connect(), &stop).await {
        Ok(session) => session,
        Err(error) => {
            progress.finish();
            return Err(error);
        }
    };
    progress.waiting(None);
    if session.engine.is_none() && !settings.dry_run() {
        progress.finish();
        session.close().await;
        anyhow::bail!("{NO_CREDENTIALS}");
    }
    let outcome = onboard(settings, prepared, progress, &session, &stop).await;
    session.close().await;
    let (prepared, sink, report) = outcome?;
    finish(settings, &session, prepared, sink, report, started)
}

/// Every row through the driver: returns what the summary needs.
async fn onboard(
    settings: &RunSettings,
    mut prepared: Prepared,
    progress: Progress,
    session: &Session,
    stop: &Stop,
) -> anyhow::Result<(Prepared, RunSink, DriveReport)> {
    let skip_rows = prepared.resume.as_ref().map_or(0, |r| r.kept_rows);
    let layout = &prepared.layout;
    let kept = prepared.resume.as_ref().map(|r| r.kept_rows);
    let writer = prepared
        .target
        .writer(layout, FlushPolicy::EveryRow, kept)?;
    let watcher = session.engine.clone().map(|engine| {
        let rate = settings.connect().rate().get();
        waiting::watch(progress.bar(), engine, skip_rows, rate)
    });
    let mut sink = RunSink {
        writer,
        credentials: prepared.credentials.take(),
        progress,
        layout: layout.clone(),
        passwords_discarded: 0,
        unrecorded: sink::Unrecorded::default(),
        notices: Default::default(),
    };
    let work = Onboard {
        engine: session.engine.clone(),
        mode: if settings.dry_run() {
            Mode::DryRun
        } else {
            Mode::Create
        },
        app_user: session.app_user(),
        default_gdap: *settings.default_gdap().value(),
        mca_flow: *settings.mca_flow().value(),
    };
    let context = session.check_context(settings.input()).await;
    let options = DriveOptions {
        skip_rows,
        max_rows_in_progress: session.concurrency.max_rows_in_progress(),
        context: &context,
    };
    let interrupts = tokio::spawn(super::stop_on_signal(stop.clone()));
    let report = drive(
        &mut prepared.reader,
        stop,
        options,
        |row, plan, stop| {
            let plan = prepare::never_send_the_example(&row, layout, plan);
            work.job(row, plan, stop)
        },
        &mut sink,
    )
    .await;
    interrupts.abort();
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    sink.progress.finish();
    for notice in super::notices::dates_read(prepared.reader.dates_read()) {
        notice.print();
    }
    Ok((prepared, sink, report?))
}

/// What ran, for the workbook's summary sheet.
fn mode(settings: &RunSettings) -> &'static str {
    if settings.dry_run() {
        "run --dry-run"
    } else {
        "run"
    }
}

/// Close the results (render the workbook), print the summary, and say how
/// the run ended.
fn finish(
    settings: &RunSettings,
    session: &Session,
    prepared: Prepared,
    sink: RunSink,
    report: DriveReport,
    started: (Instant, SystemTime),
) -> anyhow::Result<ExitStatus> {
    let RunSink {
        mut writer,
        credentials,
        progress,
        passwords_discarded,
        unrecorded,
        notices,
        ..
    } = sink;
    let passwords = PasswordsKept::of(credentials.as_ref());
    // Files removed under the run: list what the results held (no render).
    let mut lost = lost::LostFiles::find(&writer, credentials.as_ref());
    if let Some(lost) = lost.as_mut() {
        lost.list(&mut writer, &prepared.layout);
    }
    let rows_written = writer.rows();
    let closed = writer.finish();
    let rendered = match &closed {
        Ok(()) => prepared.target.render(&Render {
            layout: &prepared.layout,
            columns: settings.input().columns(),
            input: settings.input().path(),
            started: started.1,
            mode: mode(settings),
        }),
        Err(_) => Ok(None),
    };
    let counts = progress.counts();
    // The whole results file: the rows a --resume kept, and this run's.
    let mut file = prepared.kept;
    file.merge(&counts.rows);
    let summary = Summary {
        settings,
        next: NextCommands::new(settings, &prepared.layout),
        target: session.target(),
        counts,
        file,
        rows_this_run: rows_written,
        resumed_rows: prepared.resume.as_ref().map_or(0, |r| r.kept_rows),
        cut: prepared.resume.as_ref().map(|r| r.cut).unwrap_or_default(),
        engine: session.engine.as_deref(),
        correlation_id: session.correlation_id(),
        duration: started.0.elapsed(),
        passwords_discarded,
        passwords,
        unrecorded,
        notices,
        stopped: report.stop.clone(),
        latency: session.concurrency.latency(),
    };
    summary.print();
    if let Some(path) = settings.summary_json() {
        summary.write_json(path)?;
    }
    if let Some(lost) = lost {
        return Err(lost.error(settings.results(), unrecorded.rows));
    }
    if let Some(StopReason::Unrecorded(reason)) = &report.stop {
        return Err(not_recorded(reason, unrecorded.rows));
    }
    closed?;
    rendered?;
    Ok(match report.stop {
        Some(StopReason::Interrupted) => ExitStatus::Interrupted,
        Some(StopReason::Input(reason)) => anyhow::bail!("{reason}"),
        Some(StopReason::Fatal(reason)) => anyhow::bail!(
            "the run stopped: {reason}; the rows not attempted are `cancelled` in {}",
            settings.results().display()
        ),
        _ => ExitStatus::from_tally(&file),
    })
}

/// The error of a run stopped because results could not be written.
fn not_recorded(reason: &dyn std::fmt::Display, rows: u64) -> anyhow::Error {
    let lost = match rows {
        0 => "every row that reached Partner Center is in the results file".to_owned(),
        1 => {
            "1 row that reached Partner Center is not in the results file (listed above)".to_owned()
        }
        n => format!(
            "{n} rows that reached Partner Center are not in the results file (listed above)"
        ),
    };
    anyhow::anyhow!(
        "{reason}; no call was started after it (calls already on the wire finished); {lost}; re-run the input with a new --results file: its request ids are replayed"
    )
}
