//! The one ordered row driver, shared by `run` and `validate --online`.
//!
//! Rows stream from the reader through [`plan_row`] to the caller's work:
//! a row that needs no network is [`Job::Ready`] at once, the others are
//! futures ([`Job::Run`]) that the driver itself polls, in the order the
//! rows were read (their calls wait in the rate gate and for a call slot,
//! so the I/O is concurrent while the polling is not). Rows in progress are
//! bounded, and so is how far the reader runs ahead of the last row
//! recorded; a [`ReorderBuffer`] puts finished rows back in input order and
//! the [`RowSink`] records each as soon as its turn comes (a row whose
//! customer id an earlier row got is `failed` first: `CustomerIds`).
//!
//! Stopping: a task may ask the run to stop (authentication failed, budget
//! spent, a far Retry-After); Ctrl-C asks too, and so does an input that
//! changes under the run or cannot be read on (nothing more is read). From then on the work gets
//! the reason with every row and answers without the network (`cancelled`,
//! or `failed`), while the calls in flight finish. If the sink cannot record
//! a row, nothing more is sent or read: the rows in flight finish and are
//! handed to [`RowSink::unrecorded`], so the caller can say what happened
//! to them.
//!
//! Because the rows' futures run only when the driver polls them, a row
//! that finishes is recorded before any other row's future runs again: when
//! its write fails, the stop is requested before another row can take the
//! call slot it freed. The creates after a failed write are at most the
//! calls already on the wire in the other slots.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};

use super::customer_ids::CustomerIds;
use super::plan::{RowPlan, plan_row};
use super::stop::{Stop, StopReason};
use crate::input::{InputError, InputReader, InputRow, io_reason};
use crate::results::{ReorderBuffer, ResultsError, RowResult};
use crate::validate::{CheckContext, Uniqueness};

/// How far (in rows) the reader may run ahead of the last row recorded, so
/// a stuck row cannot make the reorder buffer grow without bound.
pub(crate) const RUN_AHEAD_WINDOW: u64 = 4096;

/// One row, finished: what the sink records.
#[derive(Debug)]
pub(crate) struct Finished<T> {
    /// The raw input row, written back byte-exact.
    pub(crate) row: InputRow,
    /// Its result.
    pub(crate) result: RowResult,
    /// What else the work hands the sink (problems, credentials).
    pub(crate) extra: T,
}

/// What the work makes of one row.
pub(crate) enum Job<T> {
    /// Finished without the network.
    Ready(Box<Finished<T>>),
    /// Finished by this task, which may ask the run to stop.
    Run(BoxFuture<'static, (Finished<T>, Option<StopReason>)>),
}

/// Where finished rows go, in input order.
pub(crate) trait RowSink<T> {
    /// Record one row. An `Err` stops the run: the sink has already
    /// reported this row as not recorded.
    fn record(&mut self, finished: Finished<T>) -> Result<(), RecordError>;

    /// A row that finished after recording failed: not recorded.
    fn unrecorded(&mut self, finished: Finished<T>);
}

/// Why a finished row could not be recorded: the run stops
/// ([`StopReason::Unrecorded`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum RecordError {
    /// The results file cannot be written.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// The `--credentials-out` file cannot be written.
    #[error("cannot write the credentials file {}: {}", .path.display(), io_reason(.error))]
    Credentials {
        /// The credentials file.
        path: PathBuf,
        /// The OS error (in the message, so not repeated as a `source()`).
        error: std::io::Error,
    },
    /// The row's report cannot be written (`validate --json` on stdout).
    /// The OS error is the `source()`: a closed stdout (`| head`) is found
    /// by its kind and ends quietly.
    #[error("cannot write the report of a row")]
    Report(#[source] std::io::Error),
}

/// Two errors are equal when they say the same (an I/O error has no
/// equality of its own): for comparing stop reasons.
impl PartialEq for RecordError {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for RecordError {}

/// Limits of the driver, and what the row check needs beyond the row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DriveOptions<'c> {
    /// Rows at the start of the input already recorded (`--resume`): read
    /// (they count for duplicate checks) but not processed.
    pub(crate) skip_rows: u64,
    /// Rows in progress at most (calls in flight are bounded separately).
    pub(crate) max_rows_in_progress: usize,
    /// The partner's domains and the like, for the row check.
    pub(crate) context: &'c CheckContext,
}

/// How the drive ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DriveReport {
    /// Why the run stopped early, if it did.
    pub(crate) stop: Option<StopReason>,
    /// Rows handed to the sink (recorded or not).
    pub(crate) rows: u64,
}

/// Errors that end a drive (exit 1).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DriveError {
    /// Reading the input failed mid-way.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A row's work panicked: a bug.
    #[error("a row worker failed: {0}")]
    Worker(String),
}

/// A row done: its index, and what its work ended with (`Err`: the
/// panic's message).
type Done<T> = (u64, Result<(Finished<T>, Option<StopReason>), String>);

/// The rows in progress.
type Pending<T> = FuturesUnordered<BoxFuture<'static, Done<T>>>;

struct Driver<'s, T, S> {
    stop: &'s Stop,
    sink: &'s mut S,
    pending: Pending<T>,
    order: ReorderBuffer<Finished<T>>,
    /// One customer per row.
    ids: CustomerIds,
    unrecorded: bool,
    rows: u64,
}

/// Drive every row of `reader` through `work` into `sink`, in input order.
pub(crate) async fn drive<T, S>(
    reader: &mut InputReader,
    stop: &Stop,
    options: DriveOptions<'_>,
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
        pending: FuturesUnordered::new(),
        order: ReorderBuffer::new(options.skip_rows),
        ids: CustomerIds::default(),
        unrecorded: false,
        rows: 0,
    };
    let mut uniqueness = Uniqueness::new();
    let mut index = 0u64;
    let max_rows = options.max_rows_in_progress.max(1);
    while !d.unrecorded {
        let mut row = InputRow::new();
        match reader.read_row(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            // The input changed or cannot be read on: stop, and finish and
            // record the rows in progress.
            Err(error) => {
                stop.request(StopReason::Input(error.to_string()));
                break;
            }
        }
        let i = index;
        index += 1;
        let plan = plan_row(&row, &layout, &mut uniqueness, options.context);
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
                let task = AssertUnwindSafe(task).catch_unwind();
                d.pending
                    .push(async move { (i, task.await.map_err(panic_message)) }.boxed());
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
    /// Run the rows in progress as far as they go without waiting, and
    /// queue every one that finishes.
    fn reap_ready(&mut self) -> Result<(), DriveError> {
        while let Some(Some(done)) = self.pending.next().now_or_never() {
            self.finish(done)?;
        }
        Ok(())
    }

    /// Run the rows in progress until one finishes, and queue it.
    async fn reap_one(&mut self) -> Result<(), DriveError> {
        if let Some(done) = self.pending.next().await {
            self.finish(done)?;
        }
        Ok(())
    }

    /// Queue a finished row and record every row whose turn has come, at
    /// once: no other row's future runs before the write was tried.
    fn finish(&mut self, (index, done): Done<T>) -> Result<(), DriveError> {
        let (finished, stop) = done.map_err(DriveError::Worker)?;
        if let Some(reason) = stop {
            self.stop.request(reason);
        }
        self.order.push(index, finished);
        self.emit();
        Ok(())
    }

    /// Hand every row whose turn has come to the sink.
    fn emit(&mut self) {
        while let Some(mut finished) = self.order.pop_ready() {
            self.rows += 1;
            self.ids.check(finished.row.number, &mut finished.result);
            if self.unrecorded {
                self.sink.unrecorded(finished);
            } else if let Err(reason) = self.sink.record(finished) {
                self.unrecorded = true;
                self.stop.request(StopReason::Unrecorded(Arc::new(reason)));
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

/// The message of a row's panic.
fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    match panic.downcast::<String>() {
        Ok(text) => *text,
        Err(panic) => panic
            .downcast_ref::<&str>()
            .map_or_else(|| "panicked".to_owned(), |text| (*text).to_owned()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures_util::FutureExt;

    use super::*;
    use crate::results::Status;

    const HEADER: &str = "company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country";

    /// A CSV of `rows` valid US rows (`row-N` domains) and its reader.
    pub(super) fn input(rows: usize) -> (tempfile::TempDir, InputReader) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        let mut text = format!("{HEADER}\n");
        for i in 0..rows {
            text.push_str(&format!(
                "Row {i},row{i},ap@row{i}.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
        let reader = InputReader::open(&path).unwrap();
        (dir, reader)
    }

    /// Records the spreadsheet row numbers it gets; fails at `fail_at`.
    #[derive(Default)]
    struct Rows {
        recorded: Vec<u64>,
        unrecorded: Vec<u64>,
        fail_at: Option<u64>,
    }

    impl RowSink<()> for Rows {
        fn record(&mut self, finished: Finished<()>) -> Result<(), RecordError> {
            if self.fail_at == Some(finished.row.number) {
                self.unrecorded.push(finished.row.number);
                let (path, error) = ("results.csv".into(), std::io::Error::other("disk full"));
                return Err(RecordError::Results(ResultsError::Io { path, error }));
            }
            self.recorded.push(finished.row.number);
            Ok(())
        }

        fn unrecorded(&mut self, finished: Finished<()>) {
            self.unrecorded.push(finished.row.number);
        }
    }

    /// `row` finished with `result`.
    fn finished(row: InputRow, result: RowResult) -> Finished<()> {
        Finished {
            row,
            result,
            extra: (),
        }
    }

    /// Every row runs as a task that takes longer the earlier the row.
    fn reversed(row: InputRow, _: RowPlan, stop: Option<&StopReason>) -> Job<()> {
        if let Some(reason) = stop {
            let mut result = RowResult::new(Status::Cancelled);
            result.error = reason.row_error(crate::pipeline::stop::Undone::Attempted);
            return Job::Ready(Box::new(finished(row, result)));
        }
        let delay = Duration::from_millis(1000 - row.number * 10);
        Job::Run(
            async move {
                tokio::time::sleep(delay).await;
                (finished(row, RowResult::new(Status::Created)), None)
            }
            .boxed(),
        )
    }

    fn options(max_rows: usize) -> DriveOptions<'static> {
        DriveOptions {
            skip_rows: 0,
            max_rows_in_progress: max_rows,
            context: CheckContext::none(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn rows_finishing_out_of_order_are_recorded_in_input_order() {
        let (_dir, mut reader) = input(50);
        let mut sink = Rows::default();
        let report = drive(&mut reader, &Stop::new(), options(16), reversed, &mut sink)
            .await
            .unwrap();
        assert_eq!(sink.recorded, (2..52).collect::<Vec<_>>());
        assert_eq!(
            report,
            DriveReport {
                stop: None,
                rows: 50
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn rows_in_progress_are_bounded() {
        let (_dir, mut reader) = input(40);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let work = |row: InputRow, _: RowPlan, _: Option<&StopReason>| {
            let (running, most) = (running.clone(), most.clone());
            Job::Run(
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    (finished(row, RowResult::new(Status::Created)), None)
                }
                .boxed(),
            )
        };
        let mut sink = Rows::default();
        drive(&mut reader, &Stop::new(), options(3), work, &mut sink)
            .await
            .unwrap();
        assert_eq!(sink.recorded.len(), 40);
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_asks_to_stop_cancels_the_rows_not_yet_started() {
        let (_dir, mut reader) = input(10);
        let stop = Stop::new();
        let work = |row: InputRow, plan: RowPlan, stopped: Option<&StopReason>| {
            if stopped.is_none() && row.number == 4 {
                let failed = finished(row, RowResult::new(Status::Failed));
                return Job::Run(
                    async move { (failed, Some(StopReason::BudgetExhausted)) }.boxed(),
                );
            }
            reversed(row, plan, stopped)
        };
        let mut sink = Rows::default();
        let report = drive(&mut reader, &stop, options(1), work, &mut sink)
            .await
            .unwrap();
        assert_eq!(report.stop, Some(StopReason::BudgetExhausted));
        assert_eq!(
            sink.recorded,
            (2..12).collect::<Vec<_>>(),
            "every row is recorded"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn when_a_row_cannot_be_recorded_nothing_more_is_read_or_started() {
        let (_dir, mut reader) = input(100);
        let started = Arc::new(AtomicUsize::new(0));
        let work = |row: InputRow, plan: RowPlan, stopped: Option<&StopReason>| {
            if stopped.is_none() {
                started.fetch_add(1, Ordering::SeqCst);
            }
            reversed(row, plan, stopped)
        };
        let mut sink = Rows {
            fail_at: Some(5),
            ..Rows::default()
        };
        let report = drive(&mut reader, &Stop::new(), options(4), work, &mut sink)
            .await
            .unwrap();
        assert!(
            matches!(report.stop, Some(StopReason::Unrecorded(ref e)) if e.to_string().ends_with("disk full"))
        );
        assert_eq!(sink.recorded, [2, 3, 4]);
        // The rows in progress when row 5 failed finished and are reported.
        assert!(sink.unrecorded.starts_with(&[5]), "{:?}", sink.unrecorded);
        assert_eq!(
            started.load(Ordering::SeqCst),
            3 + sink.unrecorded.len(),
            "every row started is accounted for"
        );
        assert!(
            started.load(Ordering::SeqCst) < 12,
            "nothing started after the failure"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn resumed_rows_are_read_but_not_processed() {
        let (_dir, mut reader) = input(10);
        let mut sink = Rows::default();
        let options = DriveOptions {
            skip_rows: 4,
            max_rows_in_progress: 8,
            context: CheckContext::none(),
        };
        drive(&mut reader, &Stop::new(), options, reversed, &mut sink)
            .await
            .unwrap();
        assert_eq!(sink.recorded, (6..12).collect::<Vec<_>>());
    }
}

#[cfg(test)]
#[path = "driver_stop_tests.rs"]
mod stop_tests;
