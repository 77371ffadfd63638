//! The one gate every API call passes: a shared `governor` rate limiter plus
//! a run-wide pause that any 429 sets for all workers, served first come,
//! first served.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

use super::stop::{Stop, StopReason};

/// A `governor` clock that reads tokio's clock, so paused-time tests drive it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokioClock {
    start: Instant,
}

impl TokioClock {
    fn new() -> Self {
        TokioClock {
            start: Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

const MINUTE_NANOS: u64 = 60_000_000_000;

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// Paces all API calls of a run.
///
/// `calls_per_minute` means no 60-second window ever holds more calls than
/// that, and there is no initial burst of N that a sliding-window server
/// would count against us. For N >= 3 the quota is one call per
/// `60 s / (N - 1)` with a burst of 2: at most `2 + (N - 2) = N` calls fit in
/// any 60 s, and a call that wakes a little late (timer granularity,
/// scheduling) does not push every later call back. With a burst of 1 and a
/// period of `60 s / N` that lateness added up: about 1.8 ms per call, 1.4 %
/// of the rate at 450/min (docs/benchmarks.md). For N < 3: `60 s / N`, burst 1.
///
/// Callers pass one at a time, in the order they arrived (a FIFO queue in
/// front of the limiter): a caller that sleeps until its slot cannot be
/// overtaken by newcomers, so rows are created in about input order and the
/// ordered results writer keeps pace.
pub struct RateGate {
    queue: tokio::sync::Mutex<()>,
    /// Callers in [`RateGate::ready`] now (for the progress bar).
    waiting: AtomicUsize,
    limiter: Limiter,
    clock: TokioClock,
    paused_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RateGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateGate")
            .field("paused_until", &self.paused_until)
            .finish_non_exhaustive()
    }
}

impl RateGate {
    /// A gate allowing `calls_per_minute` calls per minute (at least 1).
    pub fn new(calls_per_minute: u32) -> Self {
        let n = u64::from(calls_per_minute.max(1));
        let (slots, burst) = if n >= 3 {
            (n - 1, NonZeroU32::new(2))
        } else {
            (n, NonZeroU32::new(1))
        };
        // Rounded up, so that rounding never fits one call more into 60 s;
        // at least 60 s / u32::MAX, never zero.
        let period = Duration::from_nanos(MINUTE_NANOS.div_ceil(slots));
        let quota = Quota::with_period(period)
            .map(|q| q.allow_burst(burst.unwrap_or(NonZeroU32::MIN)))
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN));
        let clock = TokioClock::new();
        RateGate {
            queue: tokio::sync::Mutex::new(()),
            waiting: AtomicUsize::new(0),
            limiter: RateLimiter::direct_with_clock(quota, clock),
            clock,
            paused_until: Mutex::new(None),
        }
    }

    /// Wait until a call may be made: past any 429 pause, then for a
    /// rate-limiter slot, after every caller that arrived earlier.
    pub(crate) async fn ready(&self) {
        let _counted = Waiting::count(&self.waiting);
        let _turn = self.queue.lock().await;
        loop {
            self.wait_out_pause().await;
            match self.limiter.check() {
                Ok(()) => {
                    // A 429 may have arrived while we waited for the slot.
                    if self.pause_remaining().is_none() {
                        return;
                    }
                }
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    tokio::time::sleep(wait.max(Duration::from_micros(100))).await;
                }
            }
        }
    }

    /// [`RateGate::ready`], or `Err` as soon as `stop` is requested (also
    /// when it was requested while this caller waited: no call after a stop).
    pub(crate) async fn ready_unless(&self, stop: &Stop) -> Result<(), StopReason> {
        tokio::select! {
            () = self.ready() => stop.reason().map_or(Ok(()), Err),
            reason = stop.requested() => Err(reason),
        }
    }

    /// How many callers wait for the gate now (a slot or a pause).
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Stop every caller until `wait` from now (a 429's Retry-After).
    /// A shorter pause never cuts a longer one short.
    pub(crate) fn pause_for(&self, wait: Duration) {
        let now = Instant::now();
        // The wait is capped by --max-retry-wait before it gets here; a
        // clock that cannot go that far pauses as far as it can.
        let until = now
            .checked_add(wait)
            .or_else(|| now.checked_add(Duration::from_secs(366 * 86_400)))
            .unwrap_or(now);
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// How long the current pause still lasts, if any.
    pub(crate) fn pause_remaining(&self) -> Option<Duration> {
        let paused = self
            .paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        paused.filter(|until| *until > now).map(|until| until - now)
    }

    async fn wait_out_pause(&self) {
        while let Some(wait) = self.pause_remaining() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// One caller counted in [`RateGate::waiting`] while it waits (also when
/// its wait is dropped: a stop).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::Relaxed);
        Waiting(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn no_sixty_second_window_holds_more_than_the_rate() {
        let gate = Arc::new(RateGate::new(120));
        let start = Instant::now();
        let stamps = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let gate = gate.clone();
            let stamps = stamps.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..45 {
                    gate.ready().await;
                    stamps.lock().unwrap().push(Instant::now() - start);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut stamps = stamps.lock().unwrap().clone();
        stamps.sort();
        assert_eq!(stamps.len(), 360);
        for (i, s) in stamps.iter().enumerate() {
            let in_window = stamps[i..]
                .iter()
                .take_while(|t| **t < *s + Duration::from_secs(60))
                .count();
            assert!(
                in_window <= 120,
                "{in_window} calls in the window from {s:?}"
            );
        }
        // And the rate is actually used: 360 calls at 2/s take about 180 s.
        let last = *stamps.last().unwrap();
        assert!(
            last >= Duration::from_secs(179) && last <= Duration::from_secs(181),
            "{last:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_callers_waiting_are_counted_until_they_pass_or_stop_waiting() {
        let gate = Arc::new(RateGate::new(60));
        gate.ready().await;
        gate.ready().await;
        assert_eq!(gate.waiting(), 0);
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.ready().await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(gate.waiting(), 3);
        waiters[2].abort();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(gate.waiting(), 2, "a dropped wait is no longer counted");
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(gate.waiting(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_stops_every_caller_until_it_passes() {
        let gate = Arc::new(RateGate::new(6000));
        gate.ready().await;
        let start = Instant::now();
        gate.pause_for(Duration::from_secs(7));
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let gate = gate.clone();
            tasks.push(tokio::spawn(async move {
                gate.ready().await;
                Instant::now() - start
            }));
        }
        for t in tasks {
            let waited = t.await.unwrap();
            assert!(waited >= Duration::from_secs(7), "{waited:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn callers_pass_in_the_order_they_arrived() {
        let gate = Arc::new(RateGate::new(60));
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..20 {
            let gate = gate.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                gate.ready().await;
                order.lock().unwrap().push(i);
            }));
            // Each caller is queued before the next one arrives.
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_the_wait_for_the_limiter_and_sends_nothing() {
        let gate = Arc::new(RateGate::new(1));
        gate.ready().await;
        let stop = Stop::new();
        let waiter = {
            let (gate, stop) = (gate.clone(), stop.clone());
            tokio::spawn(async move { gate.ready_unless(&stop).await })
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiter.is_finished(), "the next slot is 60 s away");
        stop.request(StopReason::Interrupted);
        assert_eq!(waiter.await.unwrap(), Err(StopReason::Interrupted));
        assert_eq!(
            gate.ready_unless(&stop).await,
            Err(StopReason::Interrupted),
            "after a stop nothing passes, even when a slot is free"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_pause_does_not_shorten_a_longer_one() {
        let gate = RateGate::new(60);
        gate.pause_for(Duration::from_secs(30));
        gate.pause_for(Duration::from_secs(5));
        let left = gate.pause_remaining().unwrap();
        assert!(left > Duration::from_secs(29));
    }
}
