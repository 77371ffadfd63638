//! `pc-onboard validate`: every row checked offline, all problems in one
//! pass; with `--online`, valid rows are also checked against Partner Center
//! (domain, address, the country's live rules).

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use serde_json::json;

use super::ExitStatus;
use super::connect::{NO_CREDENTIALS, Session};
use super::results_target::{Render, ResultsTarget};
use crate::files::{FlushPolicy, ResultsWriter};
use crate::input::{InputReader, InputRow, Layout};
use crate::logging::{Console, Level};
use crate::pipeline::{
    DriveOptions, Finished, Preflight, RecordError, RowSink, RunCounters, Stop, StopReason,
    check_row, drive,
};
use crate::results::{Notices, RowFacts, RowResult, Status, Tally};
use crate::settings::ValidateSettings;
use crate::validate::{Field, Problem, Uniqueness, join_problems};

/// How many problem rows are listed on stderr before the rest are only counted.
const LISTED_PROBLEM_ROWS: u64 = 20;

/// Validate the input `settings` names; per-row JSON goes to `out`, the report to `err`.
pub(crate) fn validate(
    settings: &ValidateSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let input = settings.input().path();
    let target = match settings.results() {
        Some(path) => Some(ResultsTarget::new(path, input)?),
        None => None,
    };
    let journal = target
        .as_ref()
        .and_then(|t| t.workbook.as_ref().map(|_| t.csv.as_path()));
    crate::files::refuse_same_files(&[
        ("the input", Some(input)),
        ("--results", settings.results()),
        ("the results journal", journal),
    ])?;
    let options = settings.input().options();
    let mut reader = InputReader::open_with(input, &options)?;
    crate::results::recognise(&mut reader, &options)?;
    let layout = reader.layout().clone();
    tracing::info!(
        input = %input.display(),
        sheet = layout.sheet.as_deref().unwrap_or(""),
        columns = layout.headers.len(),
        "input opened"
    );
    super::notices::write_all(&super::notices::header_warnings(&layout), err)?;
    if settings.online() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let output = Output { target, out, err };
        return runtime.block_on(validate_online(settings, &mut reader, &layout, output));
    }
    // Offline: deterministic and cheap to re-run, so the results are buffered.
    let writer = match &target {
        Some(t) => Some(t.writer(&layout, FlushPolicy::Buffered, None)?),
        None => None,
    };
    let output = Output { target, out, err };
    let mut report = Report::new(settings, &layout, writer, output);
    let mut uniqueness = Uniqueness::new();
    let mut context = settings.input().check_context();
    context.add_partner_domains(cached_sign_in_domain());
    let mut row = InputRow::new();
    while reader.read_row(&mut row)? {
        let plan = check_row(&row, &layout, &mut uniqueness, &context);
        let result = plan.offline_result(Status::Valid);
        report.row(&row, &result)?;
    }
    report.dates = reader.dates_read().to_vec();
    report.finish(None)
}

/// Offline, the partner's own domain of the login cache's sign-in (the
/// user its token named), if any: `run` refuses an e-mail there too.
fn cached_sign_in_domain() -> Option<String> {
    let sign_in = crate::login::LoginCache::locate().ok()?.load().ok()??;
    crate::partner_center::auth::jwt::user_domain(&sign_in.user)
}

/// `--online`: offline checks first, then the online checks of the valid
/// rows, concurrently under the rate limit, through the one row driver;
/// results in input order, each row flushed as soon as its turn comes.
async fn validate_online<'a>(
    settings: &'a ValidateSettings,
    reader: &mut InputReader,
    layout: &'a Layout,
    output: Output<'a>,
) -> anyhow::Result<ExitStatus> {
    let stop = Stop::new();
    let mut session = Session::open(settings.connect(), &stop).await?;
    let Some(engine) = session.engine.clone() else {
        session.close().await;
        anyhow::bail!("validate --online: {NO_CREDENTIALS}");
    };
    let writer = match &output.target {
        Some(t) => Some(t.writer(layout, FlushPolicy::EveryRow, None)?),
        None => None,
    };
    let mut report = Report::new(settings, layout, writer, output);
    let preflight = Arc::new(Preflight::new(engine.clone()));
    let context = session.check_context(settings.input()).await;
    let options = DriveOptions {
        skip_rows: 0,
        max_rows_in_progress: session.concurrency.max_rows_in_progress(),
        context: &context,
    };
    let interrupts = tokio::spawn(super::stop_on_signal(stop.clone()));
    let outcome = drive(
        reader,
        &stop,
        options,
        |row, plan, stopped| preflight.job(row, plan, stopped),
        &mut report,
    )
    .await;
    interrupts.abort();
    session.close().await;
    let outcome = outcome?;
    let counters = engine.counters();
    report.dates = reader.dates_read().to_vec();
    report.say(
        Level::Info,
        &format!(
            "  checked online against {}: {} calls, {} retries, {} answers 429",
            session.describe,
            RunCounters::read(&counters.other_calls),
            RunCounters::read(&counters.retries),
            RunCounters::read(&counters.throttled),
        ),
    )?;
    let status = report.finish(outcome.stop.as_ref())?;
    match outcome.stop {
        Some(StopReason::Fatal(reason)) => anyhow::bail!(
            "the online checks stopped: {reason}; the rows not checked are `cancelled`"
        ),
        Some(StopReason::Unrecorded(reason)) => anyhow::bail!("{reason}"),
        Some(StopReason::Input(reason)) => anyhow::bail!("{reason}"),
        Some(StopReason::Interrupted) => Ok(ExitStatus::Interrupted),
        _ => Ok(status),
    }
}

impl RowSink<()> for Report<'_> {
    fn record(&mut self, finished: Finished<()>) -> Result<(), RecordError> {
        self.row(&finished.row, &finished.result)
    }

    fn unrecorded(&mut self, finished: Finished<()>) {
        let line = format!(
            "not recorded: row {}: {}",
            finished.row.number, finished.result.status
        );
        let _ = self.say(Level::Error, &line);
    }
}

/// Where a command's output goes: the results target, stdout, stderr.
struct Output<'a> {
    target: Option<ResultsTarget>,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

/// Where each row's outcome goes: counts, `--json` lines, the problem
/// listing on stderr, and the results file.
struct Report<'a> {
    settings: &'a ValidateSettings,
    layout: &'a Layout,
    writer: Option<ResultsWriter>,
    target: Option<ResultsTarget>,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    counts: Tally,
    notices: Notices,
    listed: u64,
    started: std::time::SystemTime,
    /// The date cells read as dates (`mca_date`), said at the end.
    dates: Vec<crate::input::DatesRead>,
}

impl<'a> Report<'a> {
    fn new(
        settings: &'a ValidateSettings,
        layout: &'a Layout,
        writer: Option<ResultsWriter>,
        output: Output<'a>,
    ) -> Self {
        Report {
            settings,
            layout,
            writer,
            target: output.target,
            out: output.out,
            err: output.err,
            counts: Tally::default(),
            notices: Notices::default(),
            listed: 0,
            started: std::time::SystemTime::now(),
            dates: Vec::new(),
        }
    }

    fn row(&mut self, row: &InputRow, result: &RowResult) -> Result<(), RecordError> {
        self.counts.add_result(result);
        if let Some(notice) = super::notices::example_row(row, self.layout) {
            notice.write(self.err).map_err(RecordError::Report)?;
        }
        self.notices.add(&RowFacts::of(row, self.layout, result));
        if self.settings.json() {
            let value = row_json(row, self.layout, result);
            // A row's error may quote an answer: never a secret the process holds.
            serde_json::to_string(&value)
                .map_err(std::io::Error::from)
                .and_then(|line| self.out.write_all(crate::secrets::scrub(&line).as_bytes()))
                .and_then(|()| self.out.write_all(b"\n"))
                .and_then(|()| match self.settings.online() {
                    true => self.out.flush(),
                    false => Ok(()),
                })
                .map_err(RecordError::Report)?;
        } else if matches!(result.status, Status::Invalid | Status::Failed)
            || result.problems.iter().any(Problem::is_warning)
        {
            self.listed += 1;
            if self.listed <= LISTED_PROBLEM_ROWS {
                let line = match result.status {
                    Status::Invalid | Status::Failed => {
                        format!("row {}: {}", row.number, result.error)
                    }
                    // A valid row's warnings: it stays valid and is sent.
                    _ => format!(
                        "row {}: warning: {}",
                        row.number,
                        join_problems(&result.problems)
                    ),
                };
                let mut fields = serde_json::Map::new();
                fields.insert("row".to_owned(), json!(row.number));
                fields.insert("status".to_owned(), json!(result.status.to_string()));
                self.say_with(Level::Info, &line, fields)
                    .map_err(RecordError::Report)?;
            }
        }
        if let Some(writer) = self.writer.as_mut() {
            writer.write(row, result)?;
        }
        Ok(())
    }

    fn finish(mut self, stopped: Option<&StopReason>) -> anyhow::Result<ExitStatus> {
        if let Some(writer) = self.writer.take() {
            let path = writer.path().to_path_buf();
            writer.finish()?;
            if self.counts.statuses.total() == 0 {
                // A header-only results file would look like a finished job.
                let _ = std::fs::remove_file(&path);
                if let Some(target) = &self.target {
                    target.remove_journal();
                }
            } else if let Some(target) = self.target.as_ref().filter(|t| t.workbook.is_some()) {
                let mode = if self.settings.online() {
                    "validate --online"
                } else {
                    "validate"
                };
                target.render(&Render {
                    layout: self.layout,
                    columns: self.settings.input().columns(),
                    input: self.settings.input().path(),
                    started: self.started,
                    mode,
                })?;
                // validate does not resume: the journal has served.
                target.remove_journal();
            }
        }
        let settings = self.settings;
        if self.counts.statuses.total() == 0 {
            anyhow::bail!(
                "{} has a header but no data rows: nothing to validate",
                settings.input().path().display()
            );
        }
        if !settings.json() && self.listed > LISTED_PROBLEM_ROWS {
            let more = self.listed - LISTED_PROBLEM_ROWS;
            let see = match settings.results() {
                Some(path) => format!("see {}", path.display()),
                None => "use --results FILE to see every row".to_owned(),
            };
            self.say(
                Level::Info,
                &format!("... and {more} more rows with problems ({see})"),
            )?;
        }
        super::notices::write_all(&super::notices::dates_read(&self.dates), self.err)?;
        for line in self.notices.lines() {
            self.say(Level::Info, &line)?;
        }
        if let Some(reason @ (StopReason::BudgetExhausted | StopReason::WaitTooLong(_))) = stopped {
            self.say(
                Level::Info,
                &format!("stopped early: {reason}; the rows not checked are `cancelled`"),
            )?;
        }
        let line = format!(
            "{}: {} rows: {}{}",
            settings.input().path().display(),
            self.counts.statuses.total(),
            self.counts.statuses.describe(),
            match settings.results() {
                Some(path) => format!(" -> {}", path.display()),
                None => String::new(),
            }
        );
        let mut fields = serde_json::Map::new();
        fields.insert("event".to_owned(), json!("summary"));
        fields.insert("rows".to_owned(), json!(self.counts.statuses.total()));
        for status in Status::ALL {
            fields.insert(status.to_string(), json!(self.counts.statuses.get(status)));
        }
        self.say_with(Level::Info, &line, fields)
            .context("cannot write to stderr")?;
        Ok(ExitStatus::from_tally(&self.counts))
    }

    /// A line for people on stderr, as the console shows it (`-q`, JSON).
    fn say(&mut self, level: Level, line: &str) -> std::io::Result<()> {
        self.say_with(level, line, serde_json::Map::new())
    }

    fn say_with(
        &mut self,
        level: Level,
        line: &str,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> std::io::Result<()> {
        match Console::get().format(level, line, fields) {
            Some(text) => writeln!(self.err, "{text}"),
            None => Ok(()),
        }
    }
}

/// One row of `--json`: its keys, status and typed problems (`column`,
/// `kind`, `code`, `message`, and `hint` when there is one).
fn row_json(row: &InputRow, layout: &Layout, result: &RowResult) -> serde_json::Value {
    let (fields, _) = row.fields(layout);
    json!({
        "row": row.number,
        "line": row.line,
        "external_id": fields.get(Field::ExternalId),
        "domain": fields.get(Field::Domain),
        "status": result.status.to_string(),
        "customer_id": result.customer_id,
        "tenant_id": result.tenant_id,
        "problems": result.problems,
        "error": result.error,
        "mca_status": result.mca_status.to_string(),
        "customer_link": result.customer_link,
    })
}
