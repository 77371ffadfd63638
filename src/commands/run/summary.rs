//! The end-of-run summary: a few lines on stderr (one `summary` event with
//! `--log-format json`; with `-q` only the warning that initial admin
//! passwords were discarded), and `--summary-json`.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::next::NextCommands;
use super::progress::RunCounts;
use super::sink::Unrecorded;
use crate::logging::{Console, Level};
use crate::pipeline::{Engine, RunCounters, StopReason};
use crate::results::{McaCounts, McaOutcome, Notices, Status, StatusCounts, Tally};
use crate::settings::RunSettings;

/// Everything the summary reports.
pub struct Summary<'a> {
    /// The run's settings.
    pub settings: &'a RunSettings,
    /// The commands it prints (re-run, resume).
    pub next: NextCommands,
    /// Where the calls went.
    pub target: String,
    /// The rows written by this run.
    pub counts: RunCounts,
    /// The whole results file as written: the rows a `--resume` kept and
    /// this run's (what the exit code says).
    pub file: Tally,
    /// Rows written in this run.
    pub rows_this_run: u64,
    /// Rows kept from the interrupted run (`--resume`).
    pub resumed_rows: u64,
    /// Bytes cut from the results file on resume.
    pub truncated_bytes: u64,
    /// The engine (counters), when the run talked to Partner Center.
    pub engine: Option<&'a Engine>,
    /// The run's `MS-CorrelationId`.
    pub correlation_id: Option<uuid::Uuid>,
    /// Wall time.
    pub duration: Duration,
    /// Passwords received but not stored.
    pub passwords_discarded: u64,
    /// Rows that reached Partner Center but are not in the results file.
    pub unrecorded: Unrecorded,
    /// Default GDAP, other tenants' domains, `exists` of another company.
    pub notices: Notices,
    /// Why sending stopped early.
    pub stopped: Option<StopReason>,
    /// Smoothed call latency.
    pub latency: Option<Duration>,
}

impl Summary<'_> {
    fn counter(&self, pick: impl Fn(&RunCounters) -> u64) -> u64 {
        self.engine.map_or(0, |e| pick(e.counters()))
    }

    /// Customers created per minute by the calls of this run (rows copied
    /// from an earlier results file are not counted).
    fn created_per_minute(&self) -> f64 {
        let secs = self.duration.as_secs_f64().max(1e-9);
        self.counts.created_now as f64 * 60.0 / secs
    }

    /// The command that re-runs the results file into a new one.
    pub fn rerun_hint(&self) -> &str {
        &self.next.rerun
    }

    /// The lines printed in text mode, with their level.
    fn lines(&self) -> Vec<(Level, String)> {
        let mut lines = vec![(Level::Info, self.headline())];
        if let Some(line) = self.unrecorded_text() {
            lines.push((Level::Warn, line));
        }
        let t = &self.counts;
        lines.push((
            Level::Info,
            format!(
                "  {} sent to Partner Center, {} copied from the earlier results{}",
                t.sent,
                t.copied,
                self.resumed_text()
            ),
        ));
        if t.rows.mca.total() > 0 {
            lines.push((
                Level::Info,
                format!("  MCA attestations: {}", t.rows.mca.describe()),
            ));
        }
        if !t.problems.is_empty() {
            lines.push((
                Level::Info,
                format!("  problems in the invalid rows: {}", self.problems_text()),
            ));
        }
        if t.warned > 0 {
            lines.push((
                Level::Info,
                format!(
                    "  {} row(s) with a warning, sent all the same (a domain extension in company_name: Partner Center discourages it; the workbook's notes and validate --json say which)",
                    t.warned
                ),
            ));
        }
        for line in self.notices.lines() {
            lines.push((Level::Info, format!("  {line}")));
        }
        if self.resumed_rows > 0 {
            let mut whole = self.file.statuses.describe();
            if self.file.mca.total() > 0 {
                whole.push_str(&format!("; MCA attestations: {}", self.file.mca.describe()));
            }
            lines.push((Level::Info, format!("  the whole results file: {whole}")));
        }
        lines.push((Level::Info, format!("  {}", self.calls_text())));
        if let Some(id) = self.correlation_id {
            let line = format!("  correlation id {id} (quote it to Microsoft support)");
            lines.push((Level::Info, line));
        }
        let results = self.settings.results();
        let line = format!("  results: {}{}", results.display(), missing(results));
        lines.push((Level::Info, line));
        if let Some(path) = self.credentials_out() {
            let line = format!(
                "  initial admin passwords: {} (mode 0600){}",
                path.display(),
                missing(path)
            );
            lines.push((Level::Info, line));
        }
        lines
    }

    fn headline(&self) -> String {
        let verb = if self.settings.dry_run() {
            "planned"
        } else {
            "processed"
        };
        format!(
            "{}: {verb} {} rows in {:.1} s: {}",
            self.settings.input().path().display(),
            self.rows_this_run,
            self.duration.as_secs_f64(),
            self.counts.rows.statuses.describe()
        )
    }

    /// `4 invalid (27002), 1 phone_missing (600051)`: the invalid rows'
    /// problems by kind.
    fn problems_text(&self) -> String {
        let parts: Vec<String> = self
            .counts
            .problems
            .iter()
            .map(|(kind, n)| format!("{n} {kind} ({})", kind.code()))
            .collect();
        parts.join(", ")
    }

    /// The rows that reached Partner Center but are not in the results
    /// file (the headline counts the rows written).
    fn unrecorded_text(&self) -> Option<String> {
        let Unrecorded { rows, created } = self.unrecorded;
        let (row, are) = if rows == 1 {
            ("row", "is")
        } else {
            ("rows", "are")
        };
        (rows > 0).then(|| {
            format!(
                "{rows} more {row} reached Partner Center but {are} not in the results file ({created} created; listed above)"
            )
        })
    }

    fn resumed_text(&self) -> String {
        if self.resumed_rows == 0 && self.truncated_bytes == 0 {
            return String::new();
        }
        let cut = if self.truncated_bytes > 0 {
            format!(
                " ({} bytes of a torn or unfinished tail were cut)",
                self.truncated_bytes
            )
        } else {
            String::new()
        };
        format!(
            "; resumed: {} rows were already finished{cut}",
            self.resumed_rows
        )
    }

    fn calls_text(&self) -> String {
        if self.engine.is_none() {
            return self.target.clone();
        }
        format!(
            "{}: {} create calls, {} other calls, {} retries, {} answers 429; {:.0} created/min{}",
            self.target,
            self.counter(|c| RunCounters::read(&c.create_calls)),
            self.counter(|c| RunCounters::read(&c.other_calls)),
            self.counter(|c| RunCounters::read(&c.retries)),
            self.counter(|c| RunCounters::read(&c.throttled)),
            self.created_per_minute(),
            self.latency
                .map(|l| format!(", latency {} ms", l.as_millis()))
                .unwrap_or_default()
        )
    }

    fn credentials_out(&self) -> Option<&Path> {
        let settings = self.settings;
        settings.credentials_out().filter(|_| !settings.dry_run())
    }

    /// The warning that initial admin passwords were lost: shown even with
    /// `-q`, as it cannot be undone.
    fn discarded_passwords(&self) -> Option<String> {
        (self.passwords_discarded > 0).then(|| format!(
            "{} initial admin passwords were discarded; they are shown only once. Pass --credentials-out FILE to keep them, or reset the admin passwords in the portal.",
            self.passwords_discarded
        ))
    }

    /// What to do next: how to finish, what to fix.
    fn advice(&self) -> Vec<(Level, String)> {
        let mut out = Vec::new();
        match &self.stopped {
            Some(StopReason::Interrupted) => out.push((
                Level::Info,
                format!(
                    "interrupted: rows not attempted are `cancelled`; finish with: {}",
                    self.next.resume
                ),
            )),
            Some(reason @ (StopReason::BudgetExhausted | StopReason::WaitTooLong(_))) => {
                out.push((
                    Level::Info,
                    format!(
                        "stopped early: {reason}; re-run later with: {}",
                        self.rerun_hint()
                    ),
                ));
            }
            Some(StopReason::Fatal(_) | StopReason::Unrecorded(_) | StopReason::Input(_))
            | None => {}
        }
        let sandbox = if self.settings.connect().sandbox() {
            " (the built-in sandbox stopped with this run, and its links with it: walk the whole flow with `pc-onboard sandbox` and PC_ENDPOINT)"
        } else {
            ""
        };
        for line in self.file.mca.advice(self.rerun_hint(), sandbox) {
            out.push((Level::Info, line));
        }
        let redo = self.file.statuses.failures();
        if redo > 0 && self.stopped.is_none() {
            let invalid = self.file.statuses.get(Status::Invalid);
            let fix = if invalid > 0 {
                format!("fix the {invalid} invalid ones (see `error`), then")
            } else {
                "re-run them with".to_owned()
            };
            out.push((
                Level::Info,
                format!(
                    "{redo} rows did not go through; {fix}: {}",
                    self.rerun_hint()
                ),
            ));
        }
        out
    }

    /// Print the summary on the console.
    pub fn print(&self) {
        let console = Console::get();
        if console.json {
            if let Value::Object(mut fields) = self.json() {
                fields.insert("event".to_owned(), Value::String("summary".to_owned()));
                console.event(Level::Info, &self.headline(), fields);
            }
        } else {
            for (level, line) in self.lines() {
                console.line(level, &line);
            }
        }
        if let Some(warning) = self.discarded_passwords() {
            console.warn_even_if_quiet(&warning);
        }
        for (level, line) in self.advice() {
            console.line(level, &line);
        }
    }

    /// The summary as JSON (`--summary-json`, and the JSON summary event).
    pub fn json(&self) -> Value {
        let stopped = self.stopped.as_ref().map(|s| match s {
            StopReason::Interrupted => "interrupted",
            StopReason::BudgetExhausted => "retry_budget_exhausted",
            StopReason::Fatal(_) => "fatal_error",
            StopReason::WaitTooLong(_) => "retry_after_too_long",
            StopReason::Unrecorded(_) => "results_not_writable",
            StopReason::Input(_) => "input_unreadable",
        });
        let problems: Vec<Value> = self
            .counts
            .problems
            .iter()
            .map(|(kind, n)| json!({"kind": kind.name(), "code": kind.code(), "count": n}))
            .collect();
        let rows = &self.counts.rows;
        let mut summary = json!({
            "input": self.settings.input().path(),
            "results": self.settings.results(),
            "rows": self.rows_this_run,
            "rows_sent": self.counts.sent,
            "rows_copied": self.counts.copied,
            "resumed_rows": self.resumed_rows,
            "counts": status_json(&rows.statuses),
            "mca": mca_json(&rows.mca),
            "problems": problems,
            "rows_with_warnings": self.counts.warned,
            "results_file": {
                "rows": self.file.statuses.total(),
                "counts": status_json(&self.file.statuses),
                "mca": mca_json(&self.file.mca),
            },
            "create_calls": self.counter(|c| RunCounters::read(&c.create_calls)),
            "other_calls": self.counter(|c| RunCounters::read(&c.other_calls)),
            "retries": self.counter(|c| RunCounters::read(&c.retries)),
            "throttled": self.counter(|c| RunCounters::read(&c.throttled)),
            "duration_secs": self.duration.as_secs_f64(),
            "created_per_minute": self.created_per_minute(),
            "latency_ms": self.latency.map(|l| l.as_millis() as u64),
            "correlation_id": self.correlation_id.map(|id| id.to_string()),
            "passwords_discarded": self.passwords_discarded,
            "unrecorded_rows": self.unrecorded.rows,
            "dry_run": self.settings.dry_run(),
            "stopped": stopped,
            "rerun": self.rerun_hint(),
        });
        if let (Value::Object(summary), Value::Object(notices)) =
            (&mut summary, self.notices.json())
        {
            summary.extend(notices);
        }
        summary
    }

    /// Write `--summary-json`.
    pub fn write_json(&self, path: &Path) -> anyhow::Result<()> {
        Ok(crate::files::write_summary_json(path, &self.json())?)
    }
}

/// Rows per status, every status named.
fn status_json(counts: &StatusCounts) -> Value {
    let counts: Map<String, Value> = Status::ALL
        .into_iter()
        .map(|s| (s.to_string(), json!(counts.get(s))))
        .collect();
    Value::Object(counts)
}

/// Rows per `mca_status` keyword, every keyword named.
fn mca_json(counts: &McaCounts) -> Value {
    let counts: Map<String, Value> = McaOutcome::ALL
        .into_iter()
        .map(|o| (o.keyword().to_owned(), json!(counts.get(o))))
        .collect();
    Value::Object(counts)
}

/// ` (not there: ...)` when `path` names no file at the end of the run.
fn missing(path: &Path) -> &'static str {
    if path.exists() {
        ""
    } else {
        " (not there: removed during the run, or never written)"
    }
}
