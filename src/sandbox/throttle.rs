//! Per-token sliding 60-second windows over `/v1` calls.
//!
//! A call is admitted when fewer than `quota` admitted calls of the same
//! token lie in the last 60 seconds; otherwise the answer is `429` with
//! `Retry-After` = whole seconds until the oldest call leaves the window
//! (rounded up, at least 1). Refused calls do not count. Time is
//! [`tokio::time::Instant`], so tests can pause it.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// The window length.
pub(crate) const WINDOW: Duration = Duration::from_secs(60);

/// Admitted call times per token.
#[derive(Debug)]
pub(crate) struct QuotaWindows {
    quota: u32,
    windows: HashMap<u64, VecDeque<Instant>>,
}

impl QuotaWindows {
    /// `quota` calls per 60 s per token; 0 admits everything.
    pub(crate) fn new(quota: u32) -> Self {
        Self {
            quota,
            windows: HashMap::new(),
        }
    }

    /// Admit a call of `token` at `now`, or say how many seconds to wait.
    pub(crate) fn admit(&mut self, token: u64, now: Instant) -> Result<(), u64> {
        if self.quota == 0 {
            return Ok(());
        }
        let window = self.windows.entry(token).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        match window.front() {
            Some(oldest) if window.len() >= self.quota as usize => {
                let wait = (*oldest + WINDOW).saturating_duration_since(now);
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(secs.max(1))
            }
            _ => {
                window.push_back(now);
                Ok(())
            }
        }
    }

    /// Forget the windows of tokens that are gone.
    pub(crate) fn retain(&mut self, live: impl Fn(u64) -> bool) {
        self.windows.retain(|token, _| live(*token));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn refuses_past_quota_with_rounded_up_wait() {
        let mut q = QuotaWindows::new(2);
        let t0 = Instant::now();
        assert_eq!(q.admit(1, t0), Ok(()));
        assert_eq!(q.admit(1, t0 + Duration::from_millis(500)), Ok(()));
        assert_eq!(q.admit(1, t0 + Duration::from_millis(1500)), Err(59));
        assert_eq!(q.admit(2, t0 + Duration::from_millis(1500)), Ok(()));
        assert_eq!(q.admit(1, t0 + Duration::from_millis(59_999)), Err(1));
        assert_eq!(q.admit(1, t0 + WINDOW), Ok(()));
        assert_eq!(q.admit(1, t0 + WINDOW), Err(1));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_quota_admits_everything() {
        let mut q = QuotaWindows::new(0);
        for _ in 0..1000 {
            assert_eq!(q.admit(1, Instant::now()), Ok(()));
        }
    }
}
