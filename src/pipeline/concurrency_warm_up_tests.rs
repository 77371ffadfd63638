//! `--concurrency auto` against a slow server, on a paused clock: the slots
//! must keep up with the rate gate from the first call on.

use std::sync::Arc;

use tokio::time::Instant;

use super::*;
use crate::pipeline::gate::RateGate;

const LATENCY: Duration = Duration::from_secs(3);

/// What `Session::open` does first: the token call holds a slot for one
/// latency and reports none (only API calls feed the average).
async fn token_call(slots: &CallSlots) {
    let _slot = slots.acquire().await;
    tokio::time::sleep(LATENCY).await;
}

/// `rows` creates queued at once, as the driver spawns them: each takes a
/// slot, passes the gate, takes `LATENCY` and reports it. The instants the
/// gate let each one through, in order.
async fn creates(slots: Arc<CallSlots>, gate: Arc<RateGate>, rows: usize) -> Vec<Instant> {
    let mut tasks = Vec::new();
    for _ in 0..rows {
        let (slots, gate) = (slots.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = slots.acquire().await;
            gate.ready().await;
            let sent = Instant::now();
            tokio::time::sleep(LATENCY).await;
            slots.controller().observe(LATENCY);
            sent
        }));
    }
    let mut sent = Vec::new();
    for task in tasks {
        sent.push(task.await.unwrap());
    }
    sent.sort();
    sent
}

#[tokio::test(start_paused = true)]
async fn at_three_seconds_latency_the_gate_never_waits_for_a_slot() {
    // 400/min (the default) after a 3 s token call: 60 creates need 20 in
    // flight; a pool stuck at the 1 s guess (8) sends 8 per 3 s instead.
    let slots = Arc::new(CallSlots::new(Arc::new(ConcurrencyController::auto(400))));
    let gate = Arc::new(RateGate::new(400));
    token_call(&slots).await;
    let sent = creates(slots, gate, 60).await;
    // The gate's own schedule: two at once (its burst), then one per 60 s / 399.
    let period = Duration::from_secs(60).div_f64(399.0);
    for (k, at) in sent.iter().enumerate() {
        let due = period * u32::try_from(k.saturating_sub(1)).unwrap();
        let late = (*at - sent[0]).saturating_sub(due);
        assert!(
            late <= Duration::from_millis(60),
            "create {k} went {late:?} after the gate's schedule"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_call_that_reports_no_latency_does_not_end_the_warm_up() {
    let slots = CallSlots::new(Arc::new(ConcurrencyController::auto(400)));
    token_call(&slots).await;
    assert_eq!(
        slots.controller().limit(),
        8,
        "nothing in flight: the 1 s guess"
    );
    let _first = slots.acquire().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    // 6.67/s x 2 s (the first create's age so far) x 1.2 = 16.
    assert_eq!(slots.controller().limit(), 16);
}

#[tokio::test(start_paused = true)]
async fn the_slots_follow_the_latency_when_no_new_caller_comes() {
    // Every row is already waiting for a slot (the driver spawned them all):
    // the slots must grow when a finished call raises the average, not only
    // when a new caller arrives.
    let slots = Arc::new(CallSlots::new(Arc::new(ConcurrencyController::auto(400))));
    slots.controller().observe(Duration::from_secs(1));
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(slots.acquire().await);
    }
    let mut waiters = Vec::new();
    for _ in 0..20 {
        let slots = slots.clone();
        waiters.push(tokio::spawn(async move {
            let _slot = slots.acquire().await;
            std::future::pending::<()>().await;
        }));
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(slots.in_flight(), 8);
    // One call finishes after 3 s: the average goes 1 s -> 1.4 s, the limit
    // 8 -> ceil(6.67 x 1.4 x 1.2) = 12.
    slots.controller().observe(LATENCY);
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(slots.controller().limit(), 12);
    assert_eq!(
        slots.in_flight(),
        12,
        "the freed slot and 4 new ones are taken"
    );
    for waiter in waiters {
        waiter.abort();
    }
}

#[tokio::test(start_paused = true)]
async fn a_freed_slot_is_kept_back_while_the_limit_is_lower() {
    let slots = CallSlots::new(Arc::new(ConcurrencyController::auto(400)));
    slots.controller().observe(LATENCY);
    let mut held = Vec::new();
    for _ in 0..24 {
        held.push(slots.acquire().await);
    }
    // The server got fast: 24 slots out, the limit now 1.
    for _ in 0..100 {
        slots.controller().observe(Duration::from_millis(10));
    }
    assert_eq!(slots.controller().limit(), 1);
    held.truncate(3);
    assert_eq!(slots.in_flight(), 3);
    assert_eq!(
        slots.semaphore.available_permits(),
        0,
        "freed slots above the limit are not handed out again"
    );
    held.clear();
    assert_eq!(slots.semaphore.available_permits(), 1);
}
