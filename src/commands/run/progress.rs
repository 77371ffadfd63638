//! The progress bar: rows done/total, created/failed counts, rate, ETA. On
//! stderr, hidden when stderr is not a terminal, with `--no-progress`, `-q`
//! or `--log-format json`. It is updated as rows are written, off the call
//! path, and keeps the [`RunCounts`] the summary reports.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::collections::BTreeMap;

use serde_json::{Map, json};

use crate::logging::{Console, Level};
use crate::results::{RowResult, Status, Tally, needs_sign_in};
use crate::validate::{Problem, ProblemKind};

/// How many rows with problems `run` lists on the terminal; the rest are
/// counted (they are all in the results file).
pub(crate) const LISTED_PROBLEM_ROWS: u64 = 20;

/// The rows written by this run.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunCounts {
    /// Rows per status and per `mca_status` outcome.
    pub(crate) rows: Tally,
    /// The problems of the invalid rows, per kind.
    pub(crate) problems: BTreeMap<ProblemKind, u64>,
    /// Rows for which this run sent a create call.
    pub(crate) sent: u64,
    /// Rows copied from an earlier results file (nothing sent for them,
    /// an MCA attestation aside).
    pub(crate) copied: u64,
    /// Rows this run created (copied `created` rows not counted).
    pub(crate) created_now: u64,
    /// Rows written with a warning (sent, or planned, all the same:
    /// [`ProblemKind::is_warning`]).
    pub(crate) warned: u64,
    /// Rows with problems listed on the terminal as they were written.
    pub(crate) listed: u64,
    /// Rows with problems past [`LISTED_PROBLEM_ROWS`], not listed.
    pub(crate) unlisted: u64,
}

/// The bar before this run has written a row: what it waits for
/// (`{prefix}`, [`super::waiting`]), no rate or ETA to show yet.
const WAITING: &str = "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows  {prefix}";
/// The bar once rows are written: counts, rate, ETA, and what it waits for.
const RUNNING: &str = "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows  {msg}  {per_sec}  ETA {eta}  {prefix}";

/// Progress of one run.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: ProgressBar,
    counts: RunCounts,
    /// Whether this run has written a row (the bar shows rate and ETA).
    running: bool,
}

impl Progress {
    /// A bar for `total` rows of which `done` are already finished (resume).
    pub(super) fn new(total: u64, done: u64, hidden: bool) -> Self {
        let target = if hidden {
            ProgressDrawTarget::hidden()
        } else {
            // Hidden by indicatif itself when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(style(WAITING));
        bar.set_position(done);
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar,
            counts: RunCounts::default(),
            running: false,
        }
    }

    /// The bar itself, for the task that says what the run waits for.
    pub(crate) fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }

    /// Say what the run waits for (`None`: nothing).
    pub(super) fn waiting(&self, wait: Option<&super::waiting::Wait>) {
        self.bar
            .set_prefix(wait.map(ToString::to_string).unwrap_or_default());
    }

    /// Count one row written to the results file (`copied`: from an
    /// earlier results file; `number`: its row number), and list it when
    /// it did not go through.
    pub(crate) fn row_written(&mut self, number: u64, result: &RowResult, copied: bool) {
        if !copied {
            self.list(number, result);
        }
        let t = &mut self.counts;
        t.rows.add_result(result);
        if result.status == Status::Invalid {
            for problem in result.problems.iter().filter(|p| !p.is_warning()) {
                *t.problems.entry(problem.kind).or_default() += 1;
            }
        }
        if result.problems.iter().any(Problem::is_warning) {
            t.warned += 1;
        }
        if copied {
            t.copied += 1;
        } else if result.attempts.is_some_and(|n| n > 0) {
            t.sent += 1;
            if result.status == Status::Created {
                t.created_now += 1;
            }
        }
        if !self.running {
            self.running = true;
            self.bar.set_style(style(RUNNING));
        }
        self.bar.inc(1);
        let statuses = &t.rows.statuses;
        let done = statuses.get(Status::Created) + statuses.get(Status::Exists);
        let failed = statuses.get(Status::Failed) + statuses.get(Status::Rejected);
        self.bar.set_message(format!(
            "created {done}  invalid {}  failed {failed}",
            statuses.get(Status::Invalid)
        ));
    }

    /// `row 36: invalid: postal_code ...` on stderr (above the bar; a JSON
    /// event with `--log-format json`; nothing with `-q`) for the first
    /// [`LISTED_PROBLEM_ROWS`] rows `invalid`, `rejected` or `failed`.
    /// Rows that only need App+User credentials are counted apart, not
    /// listed: the summary says to sign in.
    fn list(&mut self, number: u64, result: &RowResult) {
        let problem = matches!(
            result.status,
            Status::Invalid | Status::Rejected | Status::Failed
        );
        if !problem || needs_sign_in(result) {
            return;
        }
        let t = &mut self.counts;
        if t.listed >= LISTED_PROBLEM_ROWS {
            t.unlisted += 1;
            return;
        }
        t.listed += 1;
        let line = format!("row {number}: {}: {}", result.status, result.error);
        let mut fields = Map::new();
        fields.insert("event".to_owned(), json!("row_problem"));
        fields.insert("row".to_owned(), json!(number));
        fields.insert("status".to_owned(), json!(result.status.to_string()));
        fields.insert("error_code".to_owned(), json!(result.error_code));
        self.bar
            .suspend(|| Console::get().event(Level::Info, &line, fields));
    }

    /// The rows written so far.
    pub(super) fn counts(&self) -> RunCounts {
        self.counts.clone()
    }

    /// Remove the bar.
    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}
