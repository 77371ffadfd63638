//! 429s are bounded. A `Retry-After` that cannot be read counts like a
//! missing one: the backoff, and an attempt against `--max-attempts`; and
//! a row answered 429 too many times in a row ends `failed`, whatever the
//! server asks. Before, a server answering every create `429` with
//! `Retry-After: soon` held one row for 1,417 s and 101 attempts (the
//! run-wide retry budget was the only bound).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pc_onboard::partner_center::error::ApiError;
use pc_onboard::pipeline::{
    CallKind, CallSlots, ConcurrencyController, RateGate, Retrier, RetryPolicy, Stop,
    classify_create,
};
use tokio::time::Instant;

use crate::hostile::{answer, hostile, is_create, one_row, run_at};
use crate::support::{Results, code, run_args, text};

fn retrier() -> Retrier {
    let slots = CallSlots::new(Arc::new(ConcurrencyController::fixed(4)));
    let gate = Arc::new(RateGate::new(60_000));
    Retrier::new(RetryPolicy::default(), gate, slots, Stop::new(), 7)
}

/// A create answered `429` with `retry_after` as its header, every time:
/// how many calls were sent and how long (tokio's clock) the row took.
async fn throttled_forever(retry_after: &'static str) -> (u32, Duration, ApiError) {
    let r = retrier();
    let calls = Mutex::new(VecDeque::<()>::new());
    let started = Instant::now();
    let out = r
        .run(CallKind::Create, classify_create, || {
            calls.lock().unwrap().push_back(());
            async move {
                Err::<(), _>(ApiError::from_response(
                    429,
                    Some(retry_after),
                    br#"{"code":"429","description":"Rate limit is exceeded."}"#,
                ))
            }
        })
        .await;
    (out.sent, started.elapsed(), out.result.unwrap_err())
}

#[tokio::test(start_paused = true)]
async fn a_garbage_retry_after_is_an_attempt_so_the_row_fails_within_seconds() {
    let (sent, took, err) = throttled_forever("soon").await;
    assert_eq!(err.status(), Some(429));
    assert_eq!(sent, RetryPolicy::default().max_attempts, "{took:?}");
    // At most 0.5 s x (2 + 4 + 8 + 16), the backoff ceilings.
    assert!(took <= Duration::from_secs(15), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_server_that_only_throttles_ends_the_row_after_a_bounded_number_of_429s() {
    let (sent, took, err) = throttled_forever("1").await;
    assert_eq!(err.status(), Some(429));
    assert_eq!(sent, pc_onboard::pipeline::MAX_THROTTLES_IN_A_ROW + 1);
    assert!(took <= Duration::from_secs(60), "{took:?}");
}

#[tokio::test]
async fn every_create_answered_429_with_garbage_ends_failed_through_the_binary() {
    let (base, mock) = hostile(|seen| {
        if is_create(seen) {
            answer(
                429,
                &[("retry-after", "soon")],
                r#"{"code":"429","description":"Rate limit is exceeded."}"#,
            )
        } else {
            answer(404, &[], r#"{"code":"404","description":"not found"}"#)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("r.csv");
    let args = run_args(&one_row(dir.path()), &results, &["--max-attempts", "2"]);
    let out = run_at(&base, &args, Duration::from_secs(120)).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["failed"]);
    assert_eq!(written.column("attempts"), ["2"]);
    assert!(written.column("error")[0].contains("429"), "{}", text(&out));
    let creates = mock.seen().iter().filter(|s| is_create(s)).count();
    assert_eq!(creates, 2, "{}", text(&out));
}
