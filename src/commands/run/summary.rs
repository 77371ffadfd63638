//! The end-of-run summary: a few lines on stderr, and `--summary-json`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;

use crate::commands::{ALL_STATUSES, McaCounts, StatusCounts};
use crate::pipeline::{Engine, RunCounters, StopReason};
use crate::results::Status;

/// Everything the summary reports.
pub struct Summary<'a> {
    /// Input file.
    pub input: PathBuf,
    /// Results file.
    pub results: PathBuf,
    /// Where the calls went.
    pub target: String,
    /// Rows written in this run, by status.
    pub counts: StatusCounts,
    /// Rows written in this run, by `mca_status`.
    pub mca: McaCounts,
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
    /// Where passwords were stored.
    pub credentials_out: Option<PathBuf>,
    /// Why sending stopped early.
    pub stopped: Option<StopReason>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// Smoothed call latency.
    pub latency: Option<Duration>,
}

impl Summary<'_> {
    fn counter(&self, pick: impl Fn(&RunCounters) -> u64) -> u64 {
        self.engine.map_or(0, |e| pick(e.counters()))
    }

    fn create_calls(&self) -> u64 {
        self.counter(|c| c.create_calls.load(Ordering::Relaxed))
    }

    fn throttled(&self) -> u64 {
        self.counter(|c| c.throttled.load(Ordering::Relaxed))
    }

    fn created_per_minute(&self) -> f64 {
        let secs = self.duration.as_secs_f64().max(1e-9);
        self.counts.get(Status::Created) as f64 * 60.0 / secs
    }

    /// Print the summary to stderr.
    pub fn print(&self) -> anyhow::Result<()> {
        let mut err = std::io::stderr().lock();
        let verb = if self.dry_run { "planned" } else { "processed" };
        writeln!(
            err,
            "{}: {verb} {} rows in {:.1} s: {}",
            self.input.display(),
            self.rows_this_run,
            self.duration.as_secs_f64(),
            self.counts.describe()
        )?;
        if self.mca.total() > 0 {
            writeln!(err, "  MCA attestations: {}", self.mca.describe())?;
        }
        if self.resumed_rows > 0 || self.truncated_bytes > 0 {
            writeln!(
                err,
                "  resumed: {} rows were already finished{}",
                self.resumed_rows,
                if self.truncated_bytes > 0 {
                    format!(
                        " ({} bytes of a torn or cancelled tail were cut)",
                        self.truncated_bytes
                    )
                } else {
                    String::new()
                }
            )?;
        }
        if let Some(engine) = self.engine {
            let c = engine.counters();
            writeln!(
                err,
                "  {}: {} create calls, {} other calls, {} retries, {} answers 429; {:.0} created/min{}",
                self.target,
                self.create_calls(),
                c.other_calls.load(Ordering::Relaxed),
                c.retries.load(Ordering::Relaxed),
                self.throttled(),
                self.created_per_minute(),
                self.latency
                    .map(|l| format!(", latency {} ms", l.as_millis()))
                    .unwrap_or_default()
            )?;
        } else {
            writeln!(err, "  {}", self.target)?;
        }
        if let Some(id) = self.correlation_id {
            writeln!(err, "  correlation id {id} (quote it to Microsoft support)")?;
        }
        writeln!(err, "  results: {}", self.results.display())?;
        if let Some(path) = &self.credentials_out {
            writeln!(
                err,
                "  initial admin passwords: {} (mode 0600)",
                path.display()
            )?;
        }
        if self.passwords_discarded > 0 {
            writeln!(
                err,
                "warning: {} initial admin passwords were discarded; they are shown only once. Pass --credentials-out FILE to keep them, or reset the admin passwords in the portal.",
                self.passwords_discarded
            )?;
        }
        match &self.stopped {
            Some(StopReason::Interrupted) => writeln!(
                err,
                "interrupted: rows not attempted are `cancelled`; finish with: pc-onboard run {} --results {} --resume",
                self.input.display(),
                self.results.display()
            )?,
            Some(reason @ (StopReason::BudgetExhausted | StopReason::WaitTooLong(_))) => writeln!(
                err,
                "stopped early: {reason}; re-run later with: pc-onboard run {} --results NEW.csv",
                self.results.display()
            )?,
            Some(StopReason::Fatal(_) | StopReason::Unrecorded(_)) | None => {}
        }
        if self.mca.failed() > 0 {
            writeln!(
                err,
                "{} MCA attestations failed (see mca_status); the customers stay created. Attest them with: pc-onboard run {} --results NEW.csv",
                self.mca.failed(),
                self.results.display()
            )?;
        }
        let redo = self.counts.failures();
        if redo > 0 && self.stopped.is_none() {
            writeln!(
                err,
                "{redo} rows did not go through; fix the invalid ones, then: pc-onboard run {} --results NEW.csv",
                self.results.display()
            )?;
        }
        Ok(())
    }

    /// Write `--summary-json`.
    pub fn write_json(&self, path: &Path) -> anyhow::Result<()> {
        let counts: serde_json::Map<String, serde_json::Value> = ALL_STATUSES
            .into_iter()
            .map(|s| (s.to_string(), json!(self.counts.get(s))))
            .collect();
        let stopped = self.stopped.as_ref().map(|s| match s {
            StopReason::Interrupted => "interrupted",
            StopReason::BudgetExhausted => "retry_budget_exhausted",
            StopReason::Fatal(_) => "authentication_failed",
            StopReason::WaitTooLong(_) => "retry_after_too_long",
            StopReason::Unrecorded(_) => "results_not_writable",
        });
        let value = json!({
            "input": self.input,
            "results": self.results,
            "rows": self.rows_this_run,
            "resumed_rows": self.resumed_rows,
            "counts": counts,
            "mca": {
                "attested": self.mca.attested,
                "already_attested": self.mca.already_attested,
                "failed": self.mca.failed,
                "skipped": self.mca.skipped,
            },
            "create_calls": self.create_calls(),
            "other_calls": self.counter(|c| c.other_calls.load(Ordering::Relaxed)),
            "retries": self.counter(|c| c.retries.load(Ordering::Relaxed)),
            "throttled": self.throttled(),
            "duration_secs": self.duration.as_secs_f64(),
            "created_per_minute": self.created_per_minute(),
            "latency_ms": self.latency.map(|l| l.as_millis() as u64),
            "correlation_id": self.correlation_id.map(|id| id.to_string()),
            "passwords_discarded": self.passwords_discarded,
            "dry_run": self.dry_run,
            "stopped": stopped,
        });
        let text = serde_json::to_string_pretty(&value)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }
}
