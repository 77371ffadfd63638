//! When to try again: the per-call [`RetryPolicy`] and the run-wide [`RetryBudget`].

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use rand::{Rng, RngExt};

/// Per-call retry policy: attempts, and exponential backoff with full jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call (429 answers are not counted).
    pub max_attempts: u32,
    /// Backoff base.
    pub(crate) base: Duration,
    /// Backoff cap.
    pub(crate) cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt, after `attempt` attempts (1-based)
    /// have failed: the server's `Retry-After` exactly when it gave one, else
    /// a uniformly random wait in `[0, min(cap, base * 2^attempt)]`.
    pub(crate) fn next_delay<R: Rng + ?Sized>(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        rng: &mut R,
    ) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let ceiling = self.backoff_ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rng.random_range(0..=nanos))
    }

    /// `min(cap, base * 2^attempt)`.
    pub(crate) fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(31));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// Whether another attempt is allowed after `attempts` counted attempts.
    pub(crate) fn allows_another(&self, attempts: u32) -> bool {
        attempts < self.max_attempts
    }
}

/// What a retry is for, which sets its cost in the [`RetryBudget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryCost {
    /// A 429: the server is alive and told us when to come back.
    Throttled,
    /// A 5xx or a connection failure.
    Failure,
    /// A timeout: the most expensive, the server may be stuck.
    Timeout,
}

impl RetryCost {
    fn tokens(self) -> i64 {
        match self {
            RetryCost::Throttled => 1,
            RetryCost::Failure => 5,
            RetryCost::Timeout => 10,
        }
    }
}

/// A run-wide retry budget (AWS SDK style): retries cost tokens, successes
/// refund [`RetryBudget::SUCCESS_REFUND`]. When it is spent the service is
/// taken to be down and the run stops retrying instead of hammering it.
///
/// A failure retry costs 5 and a success refunds 2, so the budget holds
/// steady up to 2 failed calls in 7 (about 29 %): a degraded service (the
/// fault soak runs 2,000 rows at 20 %) is worked through, a dead one (no
/// successes) stops the run after 100 failure retries.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicI64,
    capacity: i64,
}

impl RetryBudget {
    /// The default capacity, 500 tokens: 100 failure retries or 50 timeout retries.
    pub(crate) const DEFAULT_CAPACITY: i64 = 500;

    /// A full budget of `capacity` tokens.
    pub(crate) fn new(capacity: i64) -> Self {
        RetryBudget {
            tokens: AtomicI64::new(capacity),
            capacity,
        }
    }

    /// Take the tokens for one retry; false (and nothing taken) when the budget cannot pay.
    pub(crate) fn try_spend(&self, cost: RetryCost) -> bool {
        let cost = cost.tokens();
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t >= cost).then_some(t - cost)
            })
            .is_ok()
    }

    /// Tokens a success gives back. With 1 (the AWS SDK's figure) the budget
    /// ran out at a sustained 1 failed call in 6, stopping a 2,000-row run
    /// against a service failing 20 % of calls (docs/reliability.md).
    pub(crate) const SUCCESS_REFUND: i64 = 2;

    /// Refund [`Self::SUCCESS_REFUND`] tokens for a success, up to the capacity.
    pub(crate) fn refund_success(&self) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then_some((t + Self::SUCCESS_REFUND).min(self.capacity))
            });
    }

    /// Tokens left.
    #[cfg(test)]
    pub(crate) fn remaining(&self) -> i64 {
        self.tokens.load(Ordering::Acquire)
    }

    /// Whether the budget is spent (cannot pay for even a throttled retry).
    #[cfg(test)]
    pub(crate) fn is_exhausted(&self) -> bool {
        self.remaining() < RetryCost::Throttled.tokens()
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn retry_after_is_honoured_exactly() {
        let policy = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(7);
        for attempt in 1..10 {
            assert_eq!(
                policy.next_delay(attempt, Some(Duration::from_secs(57)), &mut rng),
                Duration::from_secs(57)
            );
        }
    }

    #[test]
    fn backoff_ceiling_doubles_then_caps() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_ceiling(1), Duration::from_secs(1));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_secs(2));
        assert_eq!(policy.backoff_ceiling(5), Duration::from_secs(16));
        assert_eq!(policy.backoff_ceiling(6), Duration::from_secs(30));
        assert_eq!(policy.backoff_ceiling(200), Duration::from_secs(30));
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling_and_spreads() {
        let policy = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(42);
        let delays: Vec<Duration> = (0..1000)
            .map(|_| policy.next_delay(3, None, &mut rng))
            .collect();
        let ceiling = Duration::from_secs(4);
        assert!(delays.iter().all(|d| *d <= ceiling));
        let below_half = delays.iter().filter(|d| **d < ceiling / 2).count();
        // Uniform over [0, 4 s]: about half below 2 s.
        assert!((400..600).contains(&below_half), "{below_half}");
    }

    /// An RNG that always gives the same word: the extremes of the jitter.
    struct Fixed(u64);

    impl rand::TryRng for Fixed {
        type Error = std::convert::Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.0 as u32)
        }

        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(self.0)
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(self.0 as u8);
            Ok(())
        }
    }

    #[test]
    fn jitter_spans_zero_to_the_ceiling_of_the_attempt() {
        let policy = RetryPolicy::default();
        for attempt in 1..8 {
            let ceiling = policy.backoff_ceiling(attempt);
            let low = policy.next_delay(attempt, None, &mut Fixed(0));
            let high = policy.next_delay(attempt, None, &mut Fixed(u64::MAX));
            assert_eq!(low, Duration::ZERO, "attempt {attempt}");
            assert!(
                high <= ceiling && high > ceiling.mul_f64(0.99),
                "attempt {attempt}: {high:?} of {ceiling:?}"
            );
        }
    }

    #[test]
    fn max_attempts_bounds_retries() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert!(policy.allows_another(2));
        assert!(!policy.allows_another(3));
    }

    #[test]
    fn budget_is_spent_by_retries_and_refunded_by_successes() {
        let budget = RetryBudget::new(12);
        assert!(budget.try_spend(RetryCost::Timeout));
        assert_eq!(budget.remaining(), 2);
        assert!(!budget.try_spend(RetryCost::Failure));
        assert_eq!(budget.remaining(), 2, "a refused spend takes nothing");
        budget.refund_success();
        budget.refund_success();
        assert_eq!(budget.remaining(), 2 + 2 * RetryBudget::SUCCESS_REFUND);
        assert!(budget.try_spend(RetryCost::Failure));
        assert!(budget.try_spend(RetryCost::Throttled));
        assert_eq!(budget.remaining(), 0);
        assert!(budget.is_exhausted());
    }

    #[test]
    fn budget_holds_at_a_fifth_of_calls_failing_and_runs_out_when_most_fail() {
        // One call in five fails and is retried; the rest succeed.
        let degraded = RetryBudget::default();
        for call in 0..20_000 {
            if call % 5 == 0 {
                assert!(degraded.try_spend(RetryCost::Failure), "call {call}");
            } else {
                degraded.refund_success();
            }
        }
        // Half the calls fail: the budget runs out.
        let failing = RetryBudget::default();
        let spent = (0..20_000).find(|call| {
            if call % 2 == 0 {
                !failing.try_spend(RetryCost::Failure)
            } else {
                failing.refund_success();
                false
            }
        });
        assert!(spent.is_some());
    }

    #[test]
    fn refunds_never_exceed_capacity() {
        let budget = RetryBudget::new(3);
        for _ in 0..10 {
            budget.refund_success();
        }
        assert_eq!(budget.remaining(), 3);
    }
}
