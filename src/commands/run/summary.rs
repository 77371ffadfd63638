//! The end-of-run summary: a few lines on stderr (one `summary` event with
//! `--log-format json`; with `-q` only the warning that initial admin
//! passwords were discarded), and `--summary-json`.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::next::NextCommands;
use super::passwords::PasswordsKept;
use super::progress::RunCounts;
use super::sink::Unrecorded;
use crate::files::CutRows;
use crate::logging::{Console, Level};
use crate::pipeline::{APP_USER_HINT, Engine, RunCounters, StopReason};
use crate::results::{Notices, Tally};
use crate::settings::RunSettings;

/// Everything the summary reports.
pub(super) struct Summary<'a> {
    /// The run's settings.
    pub(crate) settings: &'a RunSettings,
    /// The commands it prints (re-run, resume).
    pub(crate) next: NextCommands,
    /// Where the calls went.
    pub(crate) target: String,
    /// The rows written by this run.
    pub(crate) counts: RunCounts,
    /// The whole results file as written: the rows a `--resume` kept and
    /// this run's (what the exit code says).
    pub(crate) file: Tally,
    /// Rows written in this run.
    pub(crate) rows_this_run: u64,
    /// Rows kept from the interrupted run (`--resume`).
    pub(crate) resumed_rows: u64,
    /// What a resume cut from the results file, to be done again.
    pub(crate) cut: CutRows,
    /// The engine (counters), when the run talked to Partner Center.
    pub(crate) engine: Option<&'a Engine>,
    /// The run's `MS-CorrelationId`.
    pub(crate) correlation_id: Option<uuid::Uuid>,
    /// Wall time.
    pub(crate) duration: Duration,
    /// Passwords received but not stored.
    pub(crate) passwords_discarded: u64,
    /// What the credentials file got (nothing without one).
    pub(crate) passwords: PasswordsKept,
    /// Rows that reached Partner Center but are not in the results file.
    pub(crate) unrecorded: Unrecorded,
    /// Default GDAP, other tenants' domains, `exists` of another company.
    pub(crate) notices: Notices,
    /// Why sending stopped early.
    pub(crate) stopped: Option<StopReason>,
    /// Smoothed call latency.
    pub(crate) latency: Option<Duration>,
}

impl Summary<'_> {
    pub(super) fn counter(&self, pick: impl Fn(&RunCounters) -> u64) -> u64 {
        self.engine.map_or(0, |e| pick(e.counters()))
    }

    /// Customers created per minute by the calls of this run (rows copied
    /// from an earlier results file are not counted).
    pub(super) fn created_per_minute(&self) -> f64 {
        let secs = self.duration.as_secs_f64().max(1e-9);
        self.counts.created_now as f64 * 60.0 / secs
    }

    /// The command that re-runs the results file into a new one.
    pub(crate) fn rerun_hint(&self) -> &str {
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
        if t.rows.sign_in > 0 {
            lines.push((Level::Info, format!("  {}", sign_in_text(t.rows.sign_in))));
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
                "  initial admin passwords: {} (mode 0600){}: {}",
                path.display(),
                missing(path),
                self.passwords.describe()
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

    /// What `--resume` kept and redid, in the user's terms.
    fn resumed_text(&self) -> String {
        let cut = self.cut;
        if self.resumed_rows == 0 && cut == CutRows::default() {
            return String::new();
        }
        let mut text = format!(
            "; resumed: {} rows finished before the stop were kept",
            self.resumed_rows
        );
        if cut.sent > 0 {
            let rows = plural(cut.sent, "row was", "rows were");
            text.push_str(&format!(
                "; {rows} being sent when the run stopped and finished after a row it never \
                 started: sent again with the same request IDs, so none is created twice"
            ));
        }
        if cut.torn {
            text.push_str("; the last row was being written when the run stopped: done again");
        }
        text
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
        // The built-in sandbox starts empty each run: a re-run with
        // --sandbox cannot finish this run's attestations, so none is offered.
        let (rerun, links_note) = if self.settings.connect().sandbox() {
            (
                "a run against `pc-onboard sandbox` (PC_ENDPOINT), not --sandbox, whose customers \
                 and attestations end with each run",
                " (they opened on the built-in sandbox, which stopped with this run)",
            )
        } else {
            (self.rerun_hint(), "")
        };
        // One command at a time: after a stop, the one above finishes the
        // run first, and its summary says how to go on with the MCA.
        let mca = self.file.mca.advice(rerun, links_note);
        if self.stopped.is_none() {
            out.extend(mca.into_iter().map(|line| (Level::Info, line)));
        } else if !mca.is_empty() {
            let line = "MCA attestations to finish (see mca_status): the summary of the finished \
                        run says how";
            out.push((Level::Info, line.to_owned()));
        }
        let redo = self.file.statuses.failures();
        if redo > 0 && self.stopped.is_none() {
            let (values, sign_in) = (self.file.invalid_values(), self.file.sign_in);
            let invalid = |n| match n {
                1 => "fix the invalid one (see `error`)".to_owned(),
                n => format!("fix the {n} invalid ones (see `error`)"),
            };
            let sign_in_for = |s| match s {
                1 => "sign in for the one that needs App+User credentials".to_owned(),
                s => format!("sign in for the {s} that need App+User credentials"),
            };
            let fix = match (values, sign_in) {
                (0, 0) => "re-run them with".to_owned(),
                (n, 0) => format!("{}, then", invalid(n)),
                (0, s) => format!("{}, then", sign_in_for(s)),
                (n, s) => format!("{} and {}, then", invalid(n), sign_in_for(s)),
            };
            let rows = plural(redo, "row did", "rows did");
            out.push((
                Level::Info,
                format!("{rows} not go through; {fix}: {}", self.rerun_hint()),
            ));
        }
        out
    }

    /// Print the summary on the console.
    pub(super) fn print(&self) {
        let console = Console::get();
        let unlisted = self.counts.unlisted;
        if unlisted > 0 {
            let mut fields = Map::new();
            fields.insert("event".to_owned(), json!("row_problems_not_listed"));
            fields.insert("rows".to_owned(), json!(unlisted));
            let line = format!(
                "... and {unlisted} more rows with problems in {}",
                self.settings.results().display()
            );
            console.event(Level::Info, &line, fields);
        }
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
}

/// The summary's line about the rows that need App+User credentials.
fn sign_in_text(rows: u64) -> String {
    let (rows, need) = match rows {
        1 => ("1 invalid row".to_owned(), "needs"),
        n => (format!("{n} invalid rows"), "need"),
    };
    format!(
        "{rows} {need} App+User credentials (an indirect reseller's customer, an MCA \
         attestation), nothing else; nothing was sent for them: {APP_USER_HINT}, then run the \
         results file again"
    )
}

/// `1 row was` / `3 rows were`.
fn plural(n: u64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// ` (not there: ...)` when `path` names no file at the end of the run.
fn missing(path: &Path) -> &'static str {
    if path.exists() {
        ""
    } else {
        " (not there: removed during the run, or never written)"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::Invocation;
    use crate::cli::tests::invocation;
    use crate::results::{McaStatus, Status};

    /// `f` of the summary of a run (`stopped` or not) whose results file
    /// holds a created row with a cancelled attestation and an invalid row.
    fn with_summary<T>(stopped: Option<StopReason>, f: impl FnOnce(&Summary) -> T) -> T {
        let args = ["pc-onboard", "run", "in.csv", "--results", "out.csv"];
        let Invocation::Run(settings) = invocation(&args).unwrap() else {
            panic!("not run")
        };
        let mut file = Tally::default();
        file.add(Status::Created, &McaStatus::Cancelled);
        file.add(Status::Invalid, &McaStatus::None);
        let summary = Summary {
            settings: &settings,
            next: NextCommands {
                rerun: "RERUN".to_owned(),
                resume: "RESUME".to_owned(),
            },
            target: String::new(),
            counts: RunCounts::default(),
            file,
            rows_this_run: 2,
            resumed_rows: 0,
            cut: CutRows::default(),
            engine: None,
            correlation_id: None,
            duration: Duration::from_secs(1),
            passwords_discarded: 0,
            passwords: PasswordsKept::default(),
            unrecorded: Unrecorded::default(),
            notices: Notices::default(),
            stopped,
            latency: None,
        };
        f(&summary)
    }

    /// The advice after such a run.
    fn advice_after(stopped: Option<StopReason>) -> Vec<String> {
        with_summary(stopped, |summary| {
            summary.advice().into_iter().map(|(_, line)| line).collect()
        })
    }

    fn commands(lines: &[String]) -> usize {
        lines
            .iter()
            .map(|l| l.matches("RERUN").count() + l.matches("RESUME").count())
            .sum()
    }

    #[test]
    fn after_an_interrupt_one_command_is_printed_the_resume() {
        let lines = advice_after(Some(StopReason::Interrupted));
        assert_eq!(commands(&lines), 1, "{lines:#?}");
        assert!(lines[0].ends_with("finish with: RESUME"), "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("the summary of the finished run says how")),
            "{lines:#?}"
        );
    }

    #[test]
    fn a_finished_run_prints_the_re_run_for_what_did_not_go_through() {
        let lines = advice_after(None);
        assert!(lines.iter().all(|l| !l.contains("RESUME")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.ends_with("Attest them with: RERUN")));
        assert!(lines.iter().any(|l| {
            l.contains("1 row did not go through; fix the invalid one (see `error`), then")
        }));
    }

    #[test]
    fn the_json_summary_names_the_one_next_command_the_resume_after_an_interrupt() {
        let next = |stopped| with_summary(stopped, |summary| summary.json()["next"].clone());
        assert_eq!(next(Some(StopReason::Interrupted)), "RESUME");
        assert_eq!(next(None), "RERUN");
        let json = with_summary(Some(StopReason::Interrupted), |summary| summary.json());
        assert_eq!(json["rerun"], "RERUN", "rerun kept as it was");
    }
}
