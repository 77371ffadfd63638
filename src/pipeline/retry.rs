//! The one retry engine every Partner Center call goes through: creates,
//! look-ups, domain checks, country rules, address validation, agreements
//! and MCA attestation.
//!
//! One loop, one budget rule: an answer is classified ([`Verdict`]); a `429`
//! pauses every worker (the run-wide pause in the [`RateGate`]) for its
//! `Retry-After` and is not counted against `--max-attempts` (at most
//! [`MAX_THROTTLES_IN_A_ROW`] of them; one without a usable `Retry-After`
//! is an attempt, backed off); a transient
//! failure backs off with full jitter and is counted; every retry spends
//! the run-wide [`RetryBudget`] and every success refunds it. A wait longer
//! than `--max-retry-wait` ends the run, and every wait ends at once when a
//! stop is requested: no call is sent after it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::Mutex;

use super::concurrency::CallSlots;
use super::gate::RateGate;
use super::policy::{RetryBudget, RetryCost, RetryPolicy};
use super::stop::{Stop, StopReason};
use crate::partner_center::error::ApiError;

/// The default `--max-retry-wait`: a wait Partner Center asks for beyond
/// this ends the run instead of holding it.
pub(crate) const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(600);

/// `429`s with a usable `Retry-After` one call may get in a row (a failure
/// of another kind starts the count again): the next one is its answer. A
/// server that only ever throttles thus ends a row within minutes (the
/// waits it asks for, each at most `--max-retry-wait`), not when the
/// run-wide budget runs out. A `429` without a usable `Retry-After` is an
/// attempt like a failure, bounded by `--max-attempts`.
pub const MAX_THROTTLES_IN_A_ROW: u32 = 10;

/// How the engine treats one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The answer stands: no retry.
    Final,
    /// `429`: wait (every worker) and retry; not counted as an attempt.
    Throttled,
    /// Retry after a backoff, counted as an attempt. `ambiguous`: the
    /// request may have been carried out although no success was seen.
    Retry {
        /// The request may have been carried out.
        ambiguous: bool,
    },
}

/// The classifier of reads and of posts whose unreadable success needs no
/// resolving: throttling, then [`ApiError::is_transient`].
pub(crate) fn classify(err: &ApiError) -> Verdict {
    if err.is_throttled() {
        Verdict::Throttled
    } else if err.is_transient() {
        Verdict::Retry {
            ambiguous: err.is_ambiguous(),
        }
    } else {
        Verdict::Final
    }
}

/// The classifier of creates: as `classify`, and a success status whose
/// body cannot be used (HTML, empty, no `id`, truncated) is a lost answer:
/// the customer probably exists, so replay with the same request id.
pub fn classify_create(err: &ApiError) -> Verdict {
    match err {
        ApiError::Decode { .. } => Verdict::Retry { ambiguous: true },
        _ => classify(err),
    }
}

/// Which counter a call counts under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `POST /v1/customers`.
    Create,
    /// `POST /v1/customers/{id}/agreements`.
    Agreement,
    /// Every other call: look-ups, checks, rules, templates.
    Other,
    /// A token request (not a `/v1` call: not counted).
    Token,
}

/// Run-wide counters, read by the progress bar and the summary.
#[derive(Debug, Default)]
pub(crate) struct RunCounters {
    /// Create calls sent (every request that went out, 429s and the ones
    /// sent again after a `401` included; not a call that never connected).
    pub(crate) create_calls: AtomicU64,
    /// Other API calls sent (look-ups, domain checks, rules, templates).
    pub(crate) other_calls: AtomicU64,
    /// MCA attestation calls sent (`POST /v1/customers/{id}/agreements`).
    pub(crate) agreement_calls: AtomicU64,
    /// 429 answers received.
    pub(crate) throttled: AtomicU64,
    /// Retries made after a failure or a 429.
    pub(crate) retries: AtomicU64,
    /// Initial passwords received.
    pub(crate) passwords_received: AtomicU64,
}

impl RunCounters {
    /// Add one to `counter`.
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Read `counter`.
    pub(crate) fn read(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Count a request the client sent again after a `401` (`method`,
    /// `path`), under its kind: every request Partner Center saw counts.
    pub(crate) fn count_resent(&self, method: &str, path: &str) {
        let kind = if method != "POST" {
            CallKind::Other
        } else if path.trim_end_matches('/').ends_with("/customers") {
            CallKind::Create
        } else if path.contains("/agreements") {
            CallKind::Agreement
        } else {
            CallKind::Other
        };
        self.count_call(kind);
    }

    fn count_call(&self, kind: CallKind) {
        match kind {
            CallKind::Create => Self::bump(&self.create_calls),
            CallKind::Agreement => Self::bump(&self.agreement_calls),
            CallKind::Other => Self::bump(&self.other_calls),
            CallKind::Token => {}
        }
    }
}

/// What one operation (a call and its retries) ended with.
#[derive(Debug)]
pub struct Attempts<T> {
    /// The last answer.
    pub result: Result<T, ApiError>,
    /// Calls sent (429 answers included).
    pub sent: u32,
    /// A failed attempt may have been carried out (see [`Verdict::Retry`]).
    pub(crate) maybe_committed: bool,
    /// Set when the run must stop: authentication failed, the budget is
    /// spent, Partner Center asked for a wait beyond the cap, or a stop was
    /// requested while this operation waited.
    pub(crate) stop: Option<StopReason>,
}

impl<T> Attempts<T> {}

/// Failed tries of one operation so far (429s with a `Retry-After` are not
/// attempts; they are counted apart, in a row).
#[derive(Debug, Default)]
struct Tries {
    attempts: u32,
    throttles: u32,
}

/// The engine: policy, budget, gate, slots and the run's stop switch.
#[derive(Debug)]
pub struct Retrier {
    /// Per-call retry policy.
    pub(crate) policy: RetryPolicy,
    /// Run-wide retry budget.
    pub(crate) budget: RetryBudget,
    /// The shared limiter and 429 pause.
    pub(crate) gate: Arc<RateGate>,
    /// Calls in flight (`--concurrency`).
    pub(crate) slots: CallSlots,
    /// The run's stop switch.
    pub(crate) stop: Stop,
    /// The longest wait a `Retry-After` may ask for (`--max-retry-wait`).
    pub(crate) max_wait: Duration,
    /// Counters (shared with the client, which counts its re-sends).
    pub(crate) counters: Arc<RunCounters>,
    rng: Mutex<StdRng>,
}

impl Retrier {
    /// An engine with a fresh budget and counters; `seed` seeds the jitter.
    pub fn new(
        policy: RetryPolicy,
        gate: Arc<RateGate>,
        slots: CallSlots,
        stop: Stop,
        seed: u64,
    ) -> Self {
        Retrier {
            policy,
            budget: RetryBudget::default(),
            gate,
            slots,
            stop,
            max_wait: DEFAULT_MAX_RETRY_WAIT,
            counters: Arc::default(),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Run `op` (one HTTP call, which awaits the gate itself) until it
    /// succeeds, `classify` calls its failure final, or a limit is reached.
    pub async fn run<T, F, Fut>(
        &self,
        kind: CallKind,
        classify: fn(&ApiError) -> Verdict,
        mut op: F,
    ) -> Attempts<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut outcome = Attempts {
            result: Err(ApiError::Stopped),
            sent: 0,
            maybe_committed: false,
            stop: None,
        };
        let mut tries = Tries::default();
        loop {
            let (answer, slot) = tokio::select! {
                biased;
                _ = self.stop.requested() => (Err(ApiError::Stopped), None),
                slot = self.slots.acquire() => (op().await, Some(slot)),
            };
            // A fatal answer stops the run before its slot is handed on, so
            // no call waiting for that slot is sent after it.
            if let Err(err) = &answer
                && err.is_fatal()
            {
                self.stop.request(StopReason::Fatal(err.clone()));
            }
            drop(slot);
            if let Err(ApiError::Stopped) = answer {
                outcome.stop = Some(self.stop.reason().unwrap_or(StopReason::Interrupted));
                return outcome;
            }
            outcome.sent += 1;
            if reached_partner_center(&answer) {
                self.counters.count_call(kind);
            }
            let err = match answer {
                Ok(value) => {
                    self.budget.refund_success();
                    outcome.result = Ok(value);
                    return outcome;
                }
                Err(err) => err,
            };
            let wait = match self
                .next_wait(&err, classify, &mut tries, &mut outcome)
                .await
            {
                Ok(wait) => wait,
                Err(stop) => {
                    outcome.stop = outcome.stop.take().or(stop);
                    outcome.result = Err(err);
                    return outcome;
                }
            };
            if let Err(reason) = self.stop.sleep(wait).await {
                outcome.stop = Some(reason);
                outcome.result = Err(err);
                return outcome;
            }
        }
    }

    /// The wait before retrying after `err`, paid for: `Err` when there is
    /// no retry (a final answer, the attempts used up: `None`; the run must
    /// stop: the reason).
    async fn next_wait<T>(
        &self,
        err: &ApiError,
        classify: fn(&ApiError) -> Verdict,
        tries: &mut Tries,
        outcome: &mut Attempts<T>,
    ) -> Result<Duration, Option<StopReason>> {
        let verdict = classify(err);
        let (cost, wait) = match verdict {
            Verdict::Final => {
                let fatal = err.is_fatal().then(|| StopReason::Fatal(err.clone()));
                return Err(fatal);
            }
            Verdict::Throttled => {
                RunCounters::bump(&self.counters.throttled);
                let counted = match err.retry_after() {
                    // Missing or unreadable: an attempt, backed off.
                    None => {
                        tries.attempts += 1;
                        self.policy.allows_another(tries.attempts)
                    }
                    Some(_) => {
                        tries.throttles += 1;
                        tries.throttles <= MAX_THROTTLES_IN_A_ROW
                    }
                };
                if !counted {
                    return Err(None);
                }
                let attempt = tries.throttles.max(tries.attempts);
                let wait = self.delay(attempt, err.retry_after()).await;
                (throttle_cost(err), wait)
            }
            Verdict::Retry { ambiguous } => {
                tries.throttles = 0;
                tries.attempts += 1;
                outcome.maybe_committed |= ambiguous;
                if !self.policy.allows_another(tries.attempts) {
                    return Err(None);
                }
                let wait = self.delay(tries.attempts, err.retry_after()).await;
                (cost_of(err), wait)
            }
        };
        self.spend(cost, wait, verdict).map_err(Some)?;
        RunCounters::bump(&self.counters.retries);
        Ok(wait)
    }

    /// The wait before the next attempt: the server's `Retry-After`, else
    /// the policy's backoff.
    async fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let mut rng = self.rng.lock().await;
        self.policy.next_delay(attempt, retry_after, &mut *rng)
    }

    /// Pay for a retry after `wait` (a 429 also pauses every worker for
    /// it). A wait beyond the cap or a budget that cannot pay stops the run.
    fn spend(&self, cost: RetryCost, wait: Duration, verdict: Verdict) -> Result<(), StopReason> {
        let refused = if wait > self.max_wait {
            Some(StopReason::WaitTooLong(wait))
        } else if !self.budget.try_spend(cost) {
            Some(StopReason::BudgetExhausted)
        } else {
            None
        };
        if let Some(reason) = refused {
            self.stop.request(reason.clone());
            return Err(reason);
        }
        if verdict == Verdict::Throttled {
            self.gate.pause_for(wait);
        }
        Ok(())
    }
}

/// Whether a `/v1` request went out for this answer: not when no
/// connection was made, the machine failed locally, or no token came.
fn reached_partner_center<T>(answer: &Result<T, ApiError>) -> bool {
    use crate::partner_center::auth::AuthError;
    match answer {
        Err(ApiError::Connect { .. } | ApiError::Local { .. } | ApiError::Config { .. }) => false,
        Err(ApiError::Auth(e)) => matches!(e, AuthError::Unauthorized { .. }),
        _ => true,
    }
}

/// A 429 that says when to come back is cheap; one that does not costs
/// like a failure, so a server that only throttles ends the run rather than
/// holding it.
fn throttle_cost(err: &ApiError) -> RetryCost {
    match err.retry_after() {
        Some(_) => RetryCost::Throttled,
        None => RetryCost::Failure,
    }
}

fn cost_of(err: &ApiError) -> RetryCost {
    match err {
        ApiError::Timeout { .. } => RetryCost::Timeout,
        _ => RetryCost::Failure,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex as StdMutex;

    use tokio::time::Instant;

    use super::*;
    use crate::pipeline::ConcurrencyController;

    fn retrier(max_attempts: u32) -> Retrier {
        let policy = RetryPolicy {
            max_attempts,
            ..RetryPolicy::default()
        };
        let slots = CallSlots::new(Arc::new(ConcurrencyController::fixed(4)));
        Retrier::new(
            policy,
            Arc::new(RateGate::new(60_000)),
            slots,
            Stop::new(),
            7,
        )
    }

    /// An operation answering from a script, counting its calls.
    struct Script(StdMutex<VecDeque<Result<u32, ApiError>>>);

    impl Script {
        fn new(answers: impl IntoIterator<Item = Result<u32, ApiError>>) -> Self {
            Script(StdMutex::new(answers.into_iter().collect()))
        }

        async fn call(&self) -> Result<u32, ApiError> {
            self.0.lock().unwrap().pop_front().unwrap_or(Ok(0))
        }

        fn left(&self) -> usize {
            self.0.lock().unwrap().len()
        }
    }

    fn unavailable() -> Result<u32, ApiError> {
        Err(ApiError::http(503, "", "Service Unavailable"))
    }

    fn throttled(retry_after: Option<u64>) -> Result<u32, ApiError> {
        Err(ApiError::Http {
            status: 429,
            code: String::new(),
            description: "Rate limit is exceeded.".into(),
            retry_after: retry_after.map(Duration::from_secs),
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_failure_is_retried_and_marks_the_call_ambiguous() {
        let r = retrier(5);
        let script = Script::new([unavailable(), Ok(42)]);
        let out = r.run(CallKind::Create, classify, || script.call()).await;
        assert_eq!(out.result.unwrap(), 42);
        assert_eq!((out.sent, out.maybe_committed, out.stop), (2, true, None));
        assert_eq!(RunCounters::read(&r.counters.create_calls), 2);
        assert_eq!(RunCounters::read(&r.counters.retries), 1);
        assert_eq!(
            r.budget.remaining(),
            RetryBudget::DEFAULT_CAPACITY - 5 + RetryBudget::SUCCESS_REFUND
        );
    }

    #[tokio::test(start_paused = true)]
    async fn every_kind_of_call_follows_the_same_budget_rule() {
        // The old look-up loop did not refund successes: a run of healthy
        // look-ups with the odd failure ran its budget down.
        let r = retrier(5);
        for _ in 0..400 {
            let script = Script::new([unavailable(), Ok(1), Ok(1), Ok(1)]);
            for _ in 0..3 {
                let out = r.run(CallKind::Other, classify, || script.call()).await;
                assert!(out.result.is_ok() && out.stop.is_none());
            }
        }
        assert!(r.budget.remaining() > RetryBudget::DEFAULT_CAPACITY / 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_waits_its_retry_after_and_is_not_an_attempt() {
        let r = retrier(1);
        let script = Script::new([throttled(Some(7)), throttled(Some(7)), Ok(1)]);
        let started = Instant::now();
        let out = r.run(CallKind::Other, classify, || script.call()).await;
        assert_eq!(
            out.result.unwrap(),
            1,
            "429s do not count against one attempt"
        );
        assert_eq!(out.sent, 3);
        assert_eq!(started.elapsed(), Duration::from_secs(14));
        assert_eq!(RunCounters::read(&r.counters.throttled), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn final_answers_and_the_attempt_limit_end_the_retries() {
        let r = retrier(3);
        let script = Script::new([Err(ApiError::http(400, "27002", "bad email"))]);
        let out = r.run(CallKind::Create, classify, || script.call()).await;
        assert_eq!(out.result.unwrap_err().status(), Some(400));
        assert_eq!((out.sent, out.stop), (1, None));
        let script = Script::new([unavailable(), unavailable(), unavailable(), Ok(1)]);
        let out = r.run(CallKind::Create, classify, || script.call()).await;
        assert_eq!(out.result.unwrap_err().status(), Some(503));
        assert_eq!(out.sent, 3);
        assert_eq!(script.left(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unusable_success_is_replayed_only_for_creates() {
        let r = retrier(5);
        let decode = || {
            Err(ApiError::Decode {
                status: 201,
                message: "not valid JSON".into(),
            })
        };
        let script = Script::new([decode(), Ok(9)]);
        let out = r
            .run(CallKind::Create, classify_create, || script.call())
            .await;
        assert_eq!((out.result.unwrap(), out.maybe_committed), (9, true));
        let script = Script::new([decode(), Ok(9)]);
        let out = r.run(CallKind::Other, classify, || script.call()).await;
        assert!(matches!(out.result, Err(ApiError::Decode { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_budget_stops_the_run() {
        let mut r = retrier(100);
        r.budget = RetryBudget::new(12);
        let script = Script::new(std::iter::repeat_with(unavailable).take(50));
        let out = r.run(CallKind::Other, classify, || script.call()).await;
        assert_eq!(out.stop, Some(StopReason::BudgetExhausted));
        assert_eq!(
            out.sent, 3,
            "two retries of 5 tokens, then the budget is short"
        );
        assert_eq!(r.stop.reason(), Some(StopReason::BudgetExhausted));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_beyond_the_cap_ends_the_run_without_waiting() {
        let r = retrier(5);
        let script = Script::new([throttled(Some(999_999)), Ok(1)]);
        let started = Instant::now();
        let out = r.run(CallKind::Create, classify, || script.call()).await;
        let wait = Duration::from_secs(999_999);
        assert_eq!(out.stop, Some(StopReason::WaitTooLong(wait)));
        assert_eq!(r.stop.reason(), Some(StopReason::WaitTooLong(wait)));
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert_eq!(out.sent, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_retry_after_backs_off_and_costs_like_a_failure() {
        let r = retrier(5);
        let script = Script::new([throttled(None), Ok(1)]);
        let started = Instant::now();
        let out = r.run(CallKind::Other, classify, || script.call()).await;
        assert_eq!(out.result.unwrap(), 1);
        assert!(started.elapsed() <= r.policy.backoff_ceiling(1));
        assert_eq!(
            r.budget.remaining(),
            RetryBudget::DEFAULT_CAPACITY - 5 + RetryBudget::SUCCESS_REFUND
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_a_backoff_at_once_and_nothing_more_is_sent() {
        let r = Arc::new(retrier(5));
        let script = Arc::new(Script::new([throttled(Some(300)), Ok(1)]));
        let task = {
            let (r, script) = (r.clone(), script.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let out = r.run(CallKind::Create, classify, || script.call()).await;
                (out.sent, out.stop, out.result.is_err(), started.elapsed())
            })
        };
        tokio::time::sleep(Duration::from_secs(3)).await;
        r.stop.request(StopReason::Interrupted);
        let (sent, stop, failed, took) = task.await.unwrap();
        assert_eq!(
            (sent, stop, failed),
            (1, Some(StopReason::Interrupted), true)
        );
        assert_eq!(took, Duration::from_secs(3));
        assert_eq!(script.left(), 1, "the retry was never sent");
        let out = r.run(CallKind::Other, classify, || script.call()).await;
        assert_eq!((out.sent, out.stop), (0, Some(StopReason::Interrupted)));
        assert_eq!(script.left(), 1);
    }
}
