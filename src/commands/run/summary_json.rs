//! The run summary as JSON: `--summary-json`, and the `summary` event
//! with `--log-format json`.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::summary::Summary;
use crate::pipeline::{RunCounters, StopReason};
use crate::results::{McaCounts, McaOutcome, Status, StatusCounts};

impl Summary<'_> {
    /// The summary as JSON (`--summary-json`, and the JSON summary event).
    pub(super) fn json(&self) -> Value {
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
            "rows_sent_again": self.cut.sent,
            "counts": status_json(&rows.statuses),
            "mca": mca_json(&rows.mca),
            "problems": problems,
            "rows_with_warnings": self.counts.warned,
            "needs_sign_in": rows.sign_in,
            "results_file": {
                "rows": self.file.statuses.total(),
                "counts": status_json(&self.file.statuses),
                "mca": mca_json(&self.file.mca),
                "needs_sign_in": self.file.sign_in,
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
            "passwords_stored": self.passwords.stored,
            "unrecorded_rows": self.unrecorded.rows,
            "dry_run": self.settings.dry_run(),
            "stopped": stopped,
            "rerun": self.rerun_hint(),
            // The one command the summary prints as next: after an
            // interrupt the resume, else the re-run.
            "next": match self.stopped {
                Some(StopReason::Interrupted) => self.next.resume.as_str(),
                _ => self.rerun_hint(),
            },
        });
        if let (Value::Object(summary), Value::Object(notices)) =
            (&mut summary, self.notices.json())
        {
            summary.extend(notices);
        }
        summary
    }

    /// Write `--summary-json`.
    pub(crate) fn write_json(&self, path: &Path) -> anyhow::Result<()> {
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
