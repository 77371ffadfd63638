//! The one ordered row driver, shared by `run` and `validate --online`.
//!
//! Rows stream from the reader through [`plan_row`] to the caller's work:
//! a row that needs no network is [`Job::Ready`] at once, the others run as
//! tasks ([`Job::Run`]). Rows in progress are bounded, and so is how far the
//! reader runs ahead of the last row recorded; a [`ReorderBuffer`] puts
//! finished rows back in input order and the [`RowSink`] records each as
//! soon as its turn comes.
//!
//! Stopping: a task may ask the run to stop (authentication failed, budget
//! spent, a far Retry-After); Ctrl-C asks too. From then on the work gets
//! the reason with every row and answers without the network (`cancelled`,
//! or `failed`), while the calls in flight finish. If the sink cannot record
//! a row, nothing more is sent or read: the rows in flight finish and are
//! handed to [`RowSink::unrecorded`], so the caller can say what happened
//! to them.

use futures_util::future::BoxFuture;
use tokio::task::JoinSet;

use super::plan::{RowPlan, plan_row};
use super::stop::{Stop, StopReason};
use crate::input::{InputError, InputReader, InputRow};
use crate::results::{ReorderBuffer, RowResult};
use crate::validate::Uniqueness;

/// How far (in rows) the reader may run ahead of the last row recorded, so
/// a stuck row cannot make the reorder buffer grow without bound.
pub const RUN_AHEAD_WINDOW: u64 = 4096;

/// One row, finished: what the sink records.
#[derive(Debug)]
pub struct Finished<T> {
    /// The raw input row, written back byte-exact.
    pub row: InputRow,
    /// Its result.
    pub result: RowResult,
    /// What else the work hands the sink (problems, credentials).
    pub extra: T,
}

/// What the work makes of one row.
pub enum Job<T> {
    /// Finished without the network.
    Ready(Box<Finished<T>>),
    /// Finished by this task, which may ask the run to stop.
    Run(BoxFuture<'static, (Finished<T>, Option<StopReason>)>),
}

/// Where finished rows go, in input order.
pub trait RowSink<T> {
    /// Record one row. An `Err` (the reason, one line) stops the run: the
    /// sink has already reported this row as not recorded.
    fn record(&mut self, finished: Finished<T>) -> Result<(), String>;

    /// A row that finished after recording failed: not recorded.
    fn unrecorded(&mut self, finished: Finished<T>);
}

/// Limits of the driver.
#[derive(Debug, Clone, Copy)]
pub struct DriveOptions {
    /// Rows at the start of the input already recorded (`--resume`): read
    /// (they count for duplicate checks) but not processed.
    pub skip_rows: u64,
    /// Rows in progress at most (calls in flight are bounded separately).
    pub max_rows_in_progress: usize,
}

/// How the drive ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveReport {
    /// Why the run stopped early, if it did.
    pub stop: Option<StopReason>,
    /// Rows handed to the sink (recorded or not).
    pub rows: u64,
}

/// Errors that end a drive (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// Reading the input failed mid-way.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A task panicked: a bug.
    #[error("a row worker failed: {0}")]
    Worker(String),
}

type Pending<T> = JoinSet<(u64, Finished<T>, Option<StopReason>)>;

struct Driver<'s, T, S> {
    stop: &'s Stop,
    sink: &'s mut S,
    pending: Pending<T>,
    order: ReorderBuffer<Finished<T>>,
    unrecorded: bool,
    rows: u64,
}

/// Drive every row of `reader` through `work` into `sink`, in input order.
pub async fn drive<T, S>(
    reader: &mut InputReader,
    stop: &Stop,
    options: DriveOptions,
    mut work: impl FnMut(InputRow, RowPlan, Option<&StopReason>) -> Job<T>,
    sink: &mut S,
) -> Result<DriveReport, DriveError>
where
    T: Send + 'static,
    S: RowSink<T>,
{
    let layout = reader.layout().clone();
    let mut d = Driver {
        stop,
        sink,
        pending: JoinSet::new(),
        order: ReorderBuffer::new(options.skip_rows),
        unrecorded: false,
        rows: 0,
    };
    let mut uniqueness = Uniqueness::new();
    let mut index = 0u64;
    let max_rows = options.max_rows_in_progress.max(1);
    while !d.unrecorded {
        let mut row = InputRow::new();
        if !reader.read_row(&mut row)? {
            break;
        }
        let i = index;
        index += 1;
        let plan = plan_row(&row, &layout, &mut uniqueness);
        if i < options.skip_rows {
            continue;
        }
        d.reap_ready()?;
        while !d.pending.is_empty()
            && (d.pending.len() >= max_rows || i >= d.order.next_index() + RUN_AHEAD_WINDOW)
        {
            d.reap_one().await?;
        }
        if d.unrecorded {
            break;
        }
        match work(row, plan, stop.reason().as_ref()) {
            Job::Ready(finished) => d.order.push(i, *finished),
            Job::Run(task) => {
                d.pending.spawn(async move {
                    let (finished, stop) = task.await;
                    (i, finished, stop)
                });
            }
        }
        d.emit();
    }
    while !d.pending.is_empty() {
        d.reap_one().await?;
    }
    Ok(DriveReport {
        stop: stop.reason(),
        rows: d.rows,
    })
}

impl<T: Send + 'static, S: RowSink<T>> Driver<'_, T, S> {
    /// Queue every task that has finished, without waiting.
    fn reap_ready(&mut self) -> Result<(), DriveError> {
        while let Some(done) = self.pending.try_join_next() {
            self.finish(done)?;
        }
        Ok(())
    }

    /// Wait for one task and queue it.
    async fn reap_one(&mut self) -> Result<(), DriveError> {
        if let Some(done) = self.pending.join_next().await {
            self.finish(done)?;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        done: Result<(u64, Finished<T>, Option<StopReason>), tokio::task::JoinError>,
    ) -> Result<(), DriveError> {
        let (index, finished, stop) = done.map_err(|e| DriveError::Worker(e.to_string()))?;
        if let Some(reason) = stop {
            self.stop.request(reason);
        }
        self.order.push(index, finished);
        self.emit();
        Ok(())
    }

    /// Hand every row whose turn has come to the sink.
    fn emit(&mut self) {
        while let Some(finished) = self.order.pop_ready() {
            self.rows += 1;
            if self.unrecorded {
                self.sink.unrecorded(finished);
            } else if let Err(reason) = self.sink.record(finished) {
                self.unrecorded = true;
                self.stop.request(StopReason::Unrecorded(reason));
            }
        }
        if self.unrecorded {
            // Rows that finished out of order and will never get their turn.
            for finished in self.order.drain_rest() {
                self.rows += 1;
                self.sink.unrecorded(finished);
            }
        }
    }
}
