//! The progress bar: rows done/total, created/failed counts, rate, ETA. On
//! stderr, hidden when stderr is not a terminal or with `--no-progress`. It
//! is updated as rows are written, off the call path.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::commands::{McaCounts, StatusCounts};
use crate::results::{RowResult, Status};

/// Progress of one run.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    counts: Arc<Mutex<StatusCounts>>,
    mca: Arc<Mutex<McaCounts>>,
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
            counts: Arc::new(Mutex::new(StatusCounts::default())),
            mca: Arc::new(Mutex::new(McaCounts::default())),
        }
    }

    /// Count one row written to the results file.
    pub fn row_written(&self, result: &RowResult) {
        self.mca
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(&result.mca_status);
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.add(result.status);
        self.bar.inc(1);
        let done = counts.get(Status::Created) + counts.get(Status::Exists);
        let failed = counts.get(Status::Failed) + counts.get(Status::Rejected);
        self.bar.set_message(format!(
            "created {done}  invalid {}  failed {failed}",
            counts.get(Status::Invalid)
        ));
    }

    /// Counts of the rows written so far.
    pub fn counts(&self) -> StatusCounts {
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// MCA attestations of the rows written so far.
    pub fn mca_counts(&self) -> McaCounts {
        *self
            .mca
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
