//! How many calls to keep in flight: fixed, or sized by Little's law.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// The in-flight limit `--concurrency auto` never exceeds.
pub(crate) const AUTO_MAX: u32 = 64;

/// Headroom over what Little's law says the rate needs.
const HEADROOM: f64 = 1.2;

/// Weight of the newest latency sample in the moving average.
const EWMA_ALPHA: f64 = 0.2;

/// The latency assumed before any call has completed.
const INITIAL_GUESS_SECS: f64 = 1.0;

/// How often a caller waiting for a slot looks again while the limit grows
/// with the age of the oldest call out (no slot is freed meanwhile).
const WARM_UP_RECHECK: Duration = Duration::from_millis(50);

/// How many calls may be in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Concurrency {
    /// Sized from observed latency x rate (Little's law), capped at 64.
    Auto,
    /// A fixed number.
    Fixed(NonZeroU32),
}

impl FromStr for Concurrency {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Concurrency::Auto);
        }
        s.parse::<NonZeroU32>()
            .map(Concurrency::Fixed)
            .map_err(|_| format!("expected a positive number or `auto`, got `{s}`"))
    }
}

impl fmt::Display for Concurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concurrency::Auto => f.write_str("auto"),
            Concurrency::Fixed(n) => write!(f, "{n}"),
        }
    }
}

/// The calls holding a slot, by when they took it (only the oldest matters).
///
/// Before any latency is known, the oldest call still out has taken at
/// least its age so far: a floor for the latency guess. A call that
/// finishes without reporting a latency (the token call, a refused
/// connection) leaves the floor to the next oldest, so a token fetched
/// before the first create does not end the warm-up.
#[derive(Debug, Default)]
struct Starts {
    next: u64,
    out: BTreeMap<u64, Instant>,
}

impl Starts {
    fn oldest(&self) -> Option<Instant> {
        self.out.first_key_value().map(|(_, since)| *since)
    }
}

/// The in-flight limit: fixed, or adapted to observed latency.
///
/// Little's law: calls in flight = arrival rate x time in the system. To
/// keep `rate` calls/s going when each takes `latency`, about
/// `rate x latency` must be in flight; the limiter, not the pool, sets the pace.
#[derive(Debug)]
pub struct ConcurrencyController {
    fixed: Option<u32>,
    calls_per_second: f64,
    ewma_latency: Mutex<Option<f64>>,
    starts: Mutex<Starts>,
}

impl ConcurrencyController {
    /// A fixed limit of `n` (at least 1).
    pub fn fixed(n: u32) -> Self {
        ConcurrencyController {
            fixed: Some(n.max(1)),
            calls_per_second: 0.0,
            ewma_latency: Mutex::new(None),
            starts: Mutex::new(Starts::default()),
        }
    }

    /// The controller for `concurrency` at `calls_per_minute`.
    pub(crate) fn new(concurrency: Concurrency, calls_per_minute: u32) -> Self {
        match concurrency {
            Concurrency::Auto => Self::auto(calls_per_minute),
            Concurrency::Fixed(n) => Self::fixed(n.get()),
        }
    }

    /// An adaptive limit for `calls_per_minute`.
    pub(crate) fn auto(calls_per_minute: u32) -> Self {
        ConcurrencyController {
            fixed: None,
            calls_per_second: f64::from(calls_per_minute) / 60.0,
            ewma_latency: Mutex::new(None),
            starts: Mutex::new(Starts::default()),
        }
    }

    /// Record the latency of one completed call.
    pub(crate) fn observe(&self, latency: Duration) {
        let sample = latency.as_secs_f64();
        let mut ewma = self
            .ewma_latency
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *ewma = Some(match *ewma {
            None => sample,
            Some(avg) => avg + EWMA_ALPHA * (sample - avg),
        });
    }

    /// The smoothed call latency, once a call has completed.
    pub(crate) fn latency(&self) -> Option<Duration> {
        let ewma = self
            .ewma_latency
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ewma.map(Duration::from_secs_f64)
    }

    fn starts(&self) -> std::sync::MutexGuard<'_, Starts> {
        self.starts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A call took a slot: its ticket, to give back when it finishes.
    fn call_started(&self) -> u64 {
        let mut starts = self.starts();
        let ticket = starts.next;
        starts.next += 1;
        starts.out.insert(ticket, Instant::now());
        ticket
    }

    /// The call with `ticket` gave its slot back.
    fn call_finished(&self, ticket: u64) {
        self.starts().out.remove(&ticket);
    }

    /// Auto, no latency known yet and a call out: the limit grows with
    /// time alone.
    fn warming_up(&self) -> bool {
        self.fixed.is_none() && self.latency().is_none() && !self.starts().out.is_empty()
    }

    /// The current in-flight limit.
    ///
    /// Auto: `ceil(rate/s x latency x 1.2)` clamped to `[1, 64]`. Before any
    /// call has reported its latency, latency is assumed to be one second,
    /// or the age of the oldest call still out if that is longer (it takes
    /// at least that long), so the first calls neither starve the rate nor
    /// flood a slow server, and a slow server does not hold the run at the
    /// guess for a whole latency.
    pub(crate) fn limit(&self) -> u32 {
        if let Some(n) = self.fixed {
            return n;
        }
        let latency = self.latency().map_or_else(
            || {
                self.starts().oldest().map_or(INITIAL_GUESS_SECS, |since| {
                    since.elapsed().as_secs_f64().max(INITIAL_GUESS_SECS)
                })
            },
            |d| d.as_secs_f64(),
        );
        let needed = (self.calls_per_second * latency * HEADROOM).ceil();
        // The float is clamped first, so the cast cannot truncate.
        needed.clamp(1.0, f64::from(AUTO_MAX)) as u32
    }

    /// The highest limit this controller can give.
    pub(crate) fn max_limit(&self) -> u32 {
        self.fixed.unwrap_or(AUTO_MAX)
    }

    /// How many rows may be in progress at once (calls in flight plus rows
    /// waiting out a backoff): four times the highest limit, at least 32.
    pub(crate) fn max_rows_in_progress(&self) -> usize {
        (self.max_limit() as usize * 4).max(32)
    }
}

/// Slots for calls in flight, as many as the controller's current limit.
///
/// A row waiting out a backoff holds no slot: the limit counts calls, not
/// rows, so retries of slow rows do not starve the others. Slots are handed
/// out first come, first served (a tokio `Semaphore`), so rows are served in
/// the order they asked and the ordered results writer is not held up by a
/// row that keeps losing the race.
#[derive(Debug)]
pub struct CallSlots {
    controller: Arc<ConcurrencyController>,
    semaphore: Semaphore,
    capacity: Mutex<u32>,
}

/// One call in flight; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct CallSlot<'a> {
    permit: Option<SemaphorePermit<'a>>,
    slots: &'a CallSlots,
    ticket: u64,
}

impl Drop for CallSlot<'_> {
    fn drop(&mut self) {
        self.slots.controller.call_finished(self.ticket);
        if let Some(permit) = self.permit.take() {
            self.slots.release(permit);
        }
    }
}

impl CallSlots {
    /// Slots limited by `controller`.
    pub fn new(controller: Arc<ConcurrencyController>) -> Self {
        let capacity = controller.limit();
        CallSlots {
            controller,
            semaphore: Semaphore::new(capacity as usize),
            capacity: Mutex::new(capacity),
        }
    }

    /// The controller.
    #[cfg(test)]
    pub(crate) fn controller(&self) -> &Arc<ConcurrencyController> {
        &self.controller
    }

    fn capacity(&self) -> std::sync::MutexGuard<'_, u32> {
        self.capacity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Calls in flight now.
    pub(crate) fn in_flight(&self) -> u32 {
        let capacity = *self.capacity();
        let available = u32::try_from(self.semaphore.available_permits()).unwrap_or(u32::MAX);
        capacity.saturating_sub(available)
    }

    /// Bring the number of slots to the controller's current limit. Growing
    /// adds permits at once; shrinking takes back free permits now and the
    /// rest as calls give theirs back.
    fn resize(&self) {
        let target = self.controller.limit();
        Self::resize_to(&self.semaphore, &mut self.capacity(), target);
    }

    fn resize_to(semaphore: &Semaphore, capacity: &mut u32, target: u32) {
        if target > *capacity {
            semaphore.add_permits((target - *capacity) as usize);
            *capacity = target;
        } else if target < *capacity {
            let taken = semaphore.forget_permits((*capacity - target) as usize);
            *capacity -= u32::try_from(taken).unwrap_or(0);
        }
    }

    /// A call gave its slot back (after reporting its latency): the slots
    /// follow the limit now, not only when a new caller asks. When every
    /// row is already waiting for a slot, no new caller comes, and slots
    /// sized before the first answer would stay at that size.
    fn release(&self, permit: SemaphorePermit<'_>) {
        let target = self.controller.limit();
        let mut capacity = self.capacity();
        if target < *capacity {
            permit.forget();
            *capacity -= 1;
        } else {
            drop(permit);
        }
        Self::resize_to(&self.semaphore, &mut capacity, target);
    }

    /// Wait for a free slot.
    pub(crate) async fn acquire(&self) -> CallSlot<'_> {
        self.resize();
        // The semaphore is never closed, so acquiring cannot fail; if it ever
        // did, waiting again is the only sensible answer.
        loop {
            let acquire = self.semaphore.acquire();
            tokio::pin!(acquire);
            // While calls are out and none has reported a latency, the limit
            // grows with time alone: add the slots as it does, keeping this
            // caller's place in the queue.
            let acquired = loop {
                if !self.controller.warming_up() {
                    break acquire.await;
                }
                tokio::select! {
                    acquired = &mut acquire => break acquired,
                    () = tokio::time::sleep(WARM_UP_RECHECK) => self.resize(),
                }
            };
            if let Ok(permit) = acquired {
                return CallSlot {
                    permit: Some(permit),
                    slots: self,
                    ticket: self.controller.call_started(),
                };
            }
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_parses_auto_and_numbers() {
        assert_eq!("auto".parse::<Concurrency>(), Ok(Concurrency::Auto));
        assert_eq!("AUTO".parse::<Concurrency>(), Ok(Concurrency::Auto));
        assert_eq!(
            "8".parse::<Concurrency>(),
            Ok(Concurrency::Fixed(NonZeroU32::new(8).unwrap()))
        );
        assert!("0".parse::<Concurrency>().is_err());
        assert!("many".parse::<Concurrency>().is_err());
    }

    #[test]
    fn fixed_limit_ignores_latency() {
        let c = ConcurrencyController::fixed(8);
        c.observe(Duration::from_secs(5));
        assert_eq!(c.limit(), 8);
    }

    #[test]
    fn auto_follows_littles_law_with_headroom() {
        // 450/min = 7.5/s; at 3 s latency 22.5 in flight are needed, x1.2 = 27.
        let c = ConcurrencyController::auto(450);
        for _ in 0..50 {
            c.observe(Duration::from_secs(3));
        }
        assert_eq!(c.limit(), 27);
    }

    #[test]
    fn auto_is_capped_at_64_and_at_least_one() {
        let slow = ConcurrencyController::auto(3000);
        slow.observe(Duration::from_secs(10));
        assert_eq!(slow.limit(), AUTO_MAX);
        let fast = ConcurrencyController::auto(60);
        fast.observe(Duration::from_millis(1));
        assert_eq!(fast.limit(), 1);
    }

    #[test]
    fn auto_starts_from_a_one_second_guess() {
        let c = ConcurrencyController::auto(400);
        assert_eq!(c.limit(), 8); // 6.67/s x 1 s x 1.2 = 8
    }

    #[tokio::test]
    async fn slots_never_exceed_the_limit() {
        let slots = Arc::new(CallSlots::new(Arc::new(ConcurrencyController::fixed(3))));
        let peak = Arc::new(Mutex::new(0u32));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let slots = slots.clone();
            let peak = peak.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = slots.acquire().await;
                let now = slots.in_flight();
                {
                    let mut p = peak.lock().unwrap();
                    *p = (*p).max(now);
                }
                tokio::task::yield_now().await;
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*peak.lock().unwrap(), 3);
        assert_eq!(slots.in_flight(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_first_call_raises_the_limit_before_it_completes() {
        // 450/min against a 3 s server: the 1 s guess allows 7.5/s x 1 s x 1.2
        // = 9 in flight; once the first call has been out 2 s, 18.
        let slots = Arc::new(CallSlots::new(Arc::new(ConcurrencyController::auto(450))));
        let first = slots.acquire().await;
        let mut held = Vec::new();
        for _ in 1..9 {
            held.push(slots.acquire().await);
        }
        assert_eq!(slots.controller().limit(), 9);
        let start = Instant::now();
        let waiter = {
            let slots = slots.clone();
            tokio::spawn(async move {
                let _slot = slots.acquire().await;
                let got = Instant::now();
                tokio::time::sleep(Duration::from_secs(10)).await;
                got
            })
        };
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(slots.controller().limit(), 18);
        assert_eq!(
            slots.in_flight(),
            10,
            "the waiter got a slot without one being freed"
        );
        let got = waiter.await.unwrap();
        assert!(
            got - start <= Duration::from_millis(1100),
            "the waiter got its slot as soon as the floor passed 9: {:?}",
            got - start
        );
        // Once a call has reported its latency, the average decides: 7.5/s x
        // 3 s x 1.2 = 27.
        slots.controller().observe(Duration::from_secs(3));
        drop(first);
        assert_eq!(slots.controller().limit(), 27);
        drop(held);
    }

    #[test]
    fn the_average_moves_toward_new_latency() {
        let c = ConcurrencyController::auto(600);
        c.observe(Duration::from_millis(100));
        for _ in 0..40 {
            c.observe(Duration::from_secs(2));
        }
        let l = c.latency().unwrap();
        assert!(l > Duration::from_millis(1900), "{l:?}");
    }
}

#[cfg(test)]
#[path = "concurrency_warm_up_tests.rs"]
mod warm_up_tests;
