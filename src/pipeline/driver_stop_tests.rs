//! A row that cannot be recorded stops the run before the next call slot
//! is taken: the creates that reach the server are the rows
//! up to the failing one and, with `--concurrency C`, at most the C − 1
//! calls already on the wire in the other slots. Every row sent is either
//! recorded or handed back as not recorded.

#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;

use super::tests::input;
use super::*;
use crate::partner_center::error::ApiError;
use crate::pipeline::{
    CallKind, CallSlots, ConcurrencyController, RateGate, Retrier, RetryPolicy, classify,
};
use crate::results::Status;

/// A results file that cannot be written from spreadsheet row `fail_at` on.
struct FullDisk {
    fail_at: u64,
    recorded: Vec<u64>,
    unrecorded: Vec<u64>,
}

impl RowSink<()> for FullDisk {
    fn record(&mut self, finished: Finished<()>) -> Result<(), RecordError> {
        if finished.row.number >= self.fail_at {
            self.unrecorded.push(finished.row.number);
            let error = std::io::Error::from(std::io::ErrorKind::StorageFull);
            let path = "results.csv".into();
            return Err(RecordError::Results(ResultsError::Io { path, error }));
        }
        self.recorded.push(finished.row.number);
        Ok(())
    }

    fn unrecorded(&mut self, finished: Finished<()>) {
        self.unrecorded.push(finished.row.number);
    }
}

/// Drive `rows` rows whose create is one 50 ms call through a real
/// retrier (`concurrency` slots, an open rate gate, the before-send check
/// of the stop), into a results file that fails at row `fail_at`. The
/// sink, and the creates that reached the "server".
async fn full_disk_run(rows: usize, concurrency: u32, fail_at: u64) -> (FullDisk, u64) {
    full_disk_run_with(rows, concurrency, fail_at, Duration::from_millis(50)).await
}

/// [`full_disk_run`] with calls that take `latency`.
async fn full_disk_run_with(
    rows: usize,
    concurrency: u32,
    fail_at: u64,
    latency: Duration,
) -> (FullDisk, u64) {
    let (_dir, mut reader) = input(rows);
    let stop = Stop::new();
    let slots = CallSlots::new(Arc::new(ConcurrencyController::fixed(concurrency)));
    let gate = Arc::new(RateGate::new(60_000));
    let retrier = Arc::new(Retrier::new(
        RetryPolicy::default(),
        gate,
        slots,
        stop.clone(),
        1,
    ));
    let sent = Arc::new(AtomicU64::new(0));
    let work = |row: InputRow, _: RowPlan, stopped: Option<&StopReason>| {
        if stopped.is_some() {
            let finished = Finished {
                row,
                result: RowResult::new(Status::Cancelled),
                extra: (),
            };
            return Job::Ready(Box::new(finished));
        }
        let (retrier, sent) = (retrier.clone(), sent.clone());
        Job::Run(
            async move {
                let attempts = retrier
                    .run(CallKind::Create, classify, || {
                        let (retrier, sent) = (retrier.clone(), sent.clone());
                        async move {
                            // The client's before-send hook, then the wire.
                            let gate = retrier.gate.ready_unless(&retrier.stop).await;
                            gate.map_err(|_| ApiError::Stopped)?;
                            sent.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(latency).await;
                            Ok(())
                        }
                    })
                    .await;
                let status = match attempts.result {
                    Ok(()) => Status::Created,
                    Err(_) => Status::Cancelled,
                };
                let result = RowResult::new(status);
                (
                    Finished {
                        row,
                        result,
                        extra: (),
                    },
                    attempts.stop,
                )
            }
            .boxed(),
        )
    };
    let mut sink = FullDisk {
        fail_at,
        recorded: Vec::new(),
        unrecorded: Vec::new(),
    };
    let options = DriveOptions {
        skip_rows: 0,
        max_rows_in_progress: 32,
        context: CheckContext::none(),
    };
    let report = drive(&mut reader, &stop, options, work, &mut sink)
        .await
        .unwrap();
    assert!(matches!(report.stop, Some(StopReason::Unrecorded(_))));
    (sink, sent.load(Ordering::SeqCst))
}

#[tokio::test(start_paused = true)]
async fn with_one_slot_no_create_follows_the_row_that_cannot_be_written() {
    // Rows 2..=11 are sent one at a time; row 11's write fails.
    let (sink, sent) = full_disk_run(60, 1, 11).await;
    assert_eq!(sink.recorded, (2..11).collect::<Vec<_>>());
    assert_eq!(sent, 10, "rows 2 to 11 and nothing after: {sink:?}");
    assert_eq!(
        sink.unrecorded.first(),
        Some(&11),
        "the failed row is handed back"
    );
}

#[tokio::test(start_paused = true)]
async fn with_four_slots_only_the_calls_on_the_wire_follow_the_failure() {
    let (sink, sent) = full_disk_run(60, 4, 11).await;
    assert_eq!(sink.recorded, (2..11).collect::<Vec<_>>());
    // Rows 2..=11, and rows 12, 13, 14 already on the wire in the other
    // three slots when row 11 came back: no slot is taken after that.
    assert!(sent <= 10 + 3, "{sent} creates: {sink:?}");
    let accounted = (sink.recorded.len() + sink.unrecorded.len()) as u64;
    assert!(
        accounted >= sent,
        "every row sent is accounted for: {sink:?}"
    );
}

#[test]
fn on_a_threaded_runtime_too_no_create_follows_the_failed_write() {
    // The same on a multi-thread runtime (as `run` uses), where the rows'
    // tasks used to be polled in any order: a few rounds, 5 ms calls.
    for _ in 0..5 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let latency = Duration::from_millis(5);
        let (sink, sent) = runtime.block_on(full_disk_run_with(40, 1, 11, latency));
        assert_eq!(sent, 10, "{sink:?}");
    }
}

impl std::fmt::Debug for FullDisk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "recorded {:?}, unrecorded {:?}",
            self.recorded, self.unrecorded
        )
    }
}
