//! The progress bar: rows done/total, created/failed counts, rate, ETA. On
//! stderr, hidden when stderr is not a terminal, with `--no-progress`, `-q`
//! or `--log-format json`. It is updated as rows are written, off the call
//! path, and keeps the [`RunCounts`] the summary reports.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::collections::BTreeMap;

use crate::results::{RowResult, Status, Tally};
use crate::validate::{Problem, ProblemKind};

/// The rows written by this run.
#[derive(Debug, Clone, Default)]
pub struct RunCounts {
    /// Rows per status and per `mca_status` outcome.
    pub rows: Tally,
    /// The problems of the invalid rows, per kind.
    pub problems: BTreeMap<ProblemKind, u64>,
    /// Rows for which this run sent a create call.
    pub sent: u64,
    /// Rows copied from an earlier results file (nothing sent for them,
    /// an MCA attestation aside).
    pub copied: u64,
    /// Rows this run created (copied `created` rows not counted).
    pub created_now: u64,
    /// Rows written with a warning (sent, or planned, all the same:
    /// [`ProblemKind::is_warning`]).
    pub warned: u64,
}

/// Progress of one run.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    counts: RunCounts,
}

impl Progress {
    /// A bar for `total` rows of which `done` are already finished (resume).
    pub fn new(total: u64, done: u64, hidden: bool) -> Self {
        let target = if hidden {
            ProgressDrawTarget::hidden()
        } else {
            // Hidden by indicatif itself when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows  {msg}  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_position(done);
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar,
            counts: RunCounts::default(),
        }
    }

    /// Count one row written to the results file (`copied`: from an
    /// earlier results file).
    pub fn row_written(&mut self, result: &RowResult, copied: bool) {
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
        self.bar.inc(1);
        let statuses = &t.rows.statuses;
        let done = statuses.get(Status::Created) + statuses.get(Status::Exists);
        let failed = statuses.get(Status::Failed) + statuses.get(Status::Rejected);
        self.bar.set_message(format!(
            "created {done}  invalid {}  failed {failed}",
            statuses.get(Status::Invalid)
        ));
    }

    /// The rows written so far.
    pub fn counts(&self) -> RunCounts {
        self.counts.clone()
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
