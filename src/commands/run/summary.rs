//! The end-of-run summary: a few lines on stderr (one `summary` event with
//! `--log-format json`; nothing with `-q`), and `--summary-json`.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::progress::Tally;
use super::sink::Unrecorded;
use crate::cli::RunArgs;
use crate::commands::ALL_STATUSES;
use crate::logging::{Console, Level};
use crate::partner_center::cloud::Cloud;
use crate::pipeline::{Engine, RunCounters, StopReason};
use crate::results::Status;

/// Everything the summary reports.
pub struct Summary<'a> {
    /// The command line.
    pub args: &'a RunArgs,
    /// Where the calls went.
    pub target: String,
    /// The rows written by this run.
    pub tally: Tally,
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
        self.tally.created_now as f64 * 60.0 / secs
    }

    /// `pc-onboard run RESULTS --results NEXT` with the connection flags of
    /// this run, so the hint works as printed.
    pub fn rerun_hint(&self) -> String {
        let args = self.args;
        let mut hint = format!(
            "pc-onboard run {} --results {}",
            args.results.display(),
            next_name(&args.results)
        );
        let c = &args.connect;
        if c.sandbox {
            hint.push_str(" --sandbox");
        } else {
            if c.cloud != Cloud::Global {
                hint.push_str(&format!(" --cloud {}", c.cloud));
            }
            for (flag, value) in [("--endpoint", &c.endpoint), ("--authority", &c.authority)] {
                if let Some(value) = value {
                    hint.push_str(&format!(" {flag} {value}"));
                }
            }
        }
        hint
    }

    /// The lines printed in text mode, with their level.
    fn lines(&self) -> Vec<(Level, String)> {
        let mut lines = vec![(Level::Info, self.headline())];
        if let Some(line) = self.unrecorded_text() {
            lines.push((Level::Warn, line));
        }
        let t = &self.tally;
        lines.push((
            Level::Info,
            format!(
                "  {} sent to Partner Center, {} copied from the earlier results{}",
                t.sent,
                t.copied,
                self.resumed_text()
            ),
        ));
        if t.mca.total() > 0 {
            lines.push((
                Level::Info,
                format!("  MCA attestations: {}", t.mca.describe()),
            ));
        }
        lines.push((Level::Info, format!("  {}", self.calls_text())));
        if let Some(id) = self.correlation_id {
            let line = format!("  correlation id {id} (quote it to Microsoft support)");
            lines.push((Level::Info, line));
        }
        lines.push((
            Level::Info,
            format!("  results: {}", self.args.results.display()),
        ));
        if let Some(path) = self.credentials_out() {
            let line = format!("  initial admin passwords: {} (mode 0600)", path.display());
            lines.push((Level::Info, line));
        }
        lines.extend(self.advice());
        lines
    }

    fn headline(&self) -> String {
        let verb = if self.args.dry_run {
            "planned"
        } else {
            "processed"
        };
        format!(
            "{}: {verb} {} rows in {:.1} s: {}",
            self.args.input.display(),
            self.rows_this_run,
            self.duration.as_secs_f64(),
            self.tally.counts.describe()
        )
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
        let args = self.args;
        args.credentials_out.as_deref().filter(|_| !args.dry_run)
    }

    /// What to do next: lost passwords, how to finish, what to fix.
    fn advice(&self) -> Vec<(Level, String)> {
        let mut out = Vec::new();
        if self.passwords_discarded > 0 {
            out.push((Level::Warn, format!(
                "{} initial admin passwords were discarded; they are shown only once. Pass --credentials-out FILE to keep them, or reset the admin passwords in the portal.",
                self.passwords_discarded
            )));
        }
        let args = self.args;
        match &self.stopped {
            Some(StopReason::Interrupted) => out.push((Level::Info, format!(
                "interrupted: rows not attempted are `cancelled`; finish with: pc-onboard run {} --results {} --resume{}",
                args.input.display(),
                args.results.display(),
                self.rerun_hint().split_once(&next_name(&args.results)).map_or("", |(_, flags)| flags)
            ))),
            Some(reason @ (StopReason::BudgetExhausted | StopReason::WaitTooLong(_))) => {
                out.push((Level::Info, format!("stopped early: {reason}; re-run later with: {}", self.rerun_hint())));
            }
            Some(StopReason::Fatal(_) | StopReason::Unrecorded(_)) | None => {}
        }
        let failed_mca = self.tally.mca.failed();
        if failed_mca > 0 {
            out.push((Level::Info, format!(
                "{failed_mca} MCA attestations failed (see mca_status); the customers stay created. Attest them with: {}",
                self.rerun_hint()
            )));
        }
        let redo = self.tally.counts.failures();
        if redo > 0 && self.stopped.is_none() {
            let invalid = self.tally.counts.get(Status::Invalid);
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
            let Value::Object(mut fields) = self.json() else {
                return;
            };
            fields.insert("event".to_owned(), Value::String("summary".to_owned()));
            console.event(Level::Info, &self.headline(), fields);
            for (level, line) in self.advice() {
                console.line(level, &line);
            }
            return;
        }
        for (level, line) in self.lines() {
            match level {
                Level::Warn => console.warn(&line),
                _ => console.line(level, &line),
            }
        }
    }

    /// The summary as JSON (`--summary-json`, and the JSON summary event).
    pub fn json(&self) -> Value {
        let counts: Map<String, Value> = ALL_STATUSES
            .into_iter()
            .map(|s| (s.to_string(), json!(self.tally.counts.get(s))))
            .collect();
        let stopped = self.stopped.as_ref().map(|s| match s {
            StopReason::Interrupted => "interrupted",
            StopReason::BudgetExhausted => "retry_budget_exhausted",
            StopReason::Fatal(_) => "fatal_error",
            StopReason::WaitTooLong(_) => "retry_after_too_long",
            StopReason::Unrecorded(_) => "results_not_writable",
        });
        let mca = &self.tally.mca;
        json!({
            "input": self.args.input,
            "results": self.args.results,
            "rows": self.rows_this_run,
            "rows_sent": self.tally.sent,
            "rows_copied": self.tally.copied,
            "resumed_rows": self.resumed_rows,
            "counts": counts,
            "mca": {
                "attested": mca.attested,
                "already_attested": mca.already_attested,
                "failed": mca.failed,
                "skipped": mca.skipped,
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
            "dry_run": self.args.dry_run,
            "stopped": stopped,
            "rerun": self.rerun_hint(),
        })
    }

    /// Write `--summary-json`.
    pub fn write_json(&self, path: &Path) -> anyhow::Result<()> {
        Ok(crate::files::write_summary_json(path, &self.json())?)
    }
}

/// `results.csv` → `results-2.csv`, `results-2.xlsx` → `results-3.xlsx`.
fn next_name(results: &Path) -> String {
    let stem = results
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".to_owned());
    let ext = results
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let (base, n) = match stem.rsplit_once('-') {
        Some((base, n)) if n.parse::<u32>().is_ok() => {
            (base.to_owned(), n.parse::<u32>().unwrap_or(1) + 1)
        }
        _ => (stem, 2),
    };
    let name = format!("{base}-{n}{ext}");
    results.with_file_name(name).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_results_file_counts_up() {
        assert_eq!(next_name(Path::new("results.csv")), "results-2.csv");
        assert_eq!(
            next_name(Path::new("out/results-2.xlsx")),
            "out/results-3.xlsx"
        );
        assert_eq!(next_name(Path::new("run-final.csv")), "run-final-2.csv");
    }
}
