//! Why and when a run stops sending: one [`Stop`] shared by the driver, the
//! retry engine and the signal handler. The first reason wins; every wait
//! (rate limiter, call slot, backoff, Retry-After) ends as soon as a stop is
//! requested, and no call is sent after it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::driver::RecordError;
use crate::partner_center::error::ApiError;

/// Why a run stopped sending before the end of its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StopReason {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// No call can succeed: authentication failed, the settings are
    /// unusable, the service answers with redirects (exit 1).
    Fatal(ApiError),
    /// The retry budget is spent: Partner Center looks unavailable.
    BudgetExhausted,
    /// Partner Center asked to wait longer than `--max-retry-wait`.
    WaitTooLong(Duration),
    /// The results file (or the credentials file) cannot be written (exit 1).
    Unrecorded(Arc<RecordError>),
    /// The input cannot be read on: it changed under the run (rewritten,
    /// replaced, removed) or a read failed (exit 1; `--resume` finishes):
    /// the [`InputError`](crate::input::InputError)'s message.
    Input(String),
}

impl StopReason {
    /// Rows not sent because of this stop are `failed` (a scheduled job comes
    /// back later and re-runs them) rather than `cancelled`.
    pub(crate) fn fails_rows(&self) -> bool {
        matches!(self, StopReason::WaitTooLong(_))
    }

    /// The `error` of a row that was not sent (`not attempted: ...`) or
    /// not checked online (`not checked: ...`) because of it.
    pub(crate) fn row_error(&self, undone: Undone) -> String {
        let why = match self {
            StopReason::Interrupted => "the run was interrupted".to_owned(),
            StopReason::BudgetExhausted => "the run stopped after its retry budget ran out (Partner Center looks unavailable); re-run the results file later".to_owned(),
            StopReason::Fatal(e) => format!("the run stopped: {e}"),
            StopReason::WaitTooLong(wait) => {
                format!("{}; re-run the results file later", asked_to_wait(*wait))
            }
            StopReason::Unrecorded(e) => {
                format!("the run stopped because results cannot be written: {e}")
            }
            StopReason::Input(e) => format!("the run stopped: {e}"),
        };
        format!("{}: {why}", undone.as_str())
    }
}

/// What a stop left undone for a row: its create call (`run`) or its
/// online checks (`validate --online`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undone {
    /// Nothing was sent for the row: `not attempted`.
    Attempted,
    /// The row was not checked online: `not checked`.
    Checked,
}

impl Undone {
    /// The words that start the row's `error`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Undone::Attempted => "not attempted",
            Undone::Checked => "not checked",
        }
    }
}

/// "Partner Center asked to wait 2h 46m …".
pub(crate) fn asked_to_wait(wait: Duration) -> String {
    let rounded = Duration::from_secs(wait.as_secs().max(1));
    format!(
        "Partner Center asked to wait {} before the next call (more than --max-retry-wait)",
        humantime::format_duration(rounded)
    )
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Interrupted => f.write_str("interrupted"),
            StopReason::Fatal(e) => write!(f, "{e}"),
            StopReason::BudgetExhausted => {
                f.write_str("the retry budget ran out (Partner Center looks unavailable)")
            }
            StopReason::WaitTooLong(wait) => f.write_str(&asked_to_wait(*wait)),
            StopReason::Unrecorded(e) => write!(f, "results cannot be written: {e}"),
            StopReason::Input(e) => write!(f, "{e}"),
        }
    }
}

/// A run's stop switch. Cheap to clone; clones share the switch.
#[derive(Debug, Clone)]
pub struct Stop {
    state: Arc<watch::Sender<Option<StopReason>>>,
}

impl Default for Stop {
    fn default() -> Self {
        Self::new()
    }
}

impl Stop {
    /// A switch that is off.
    pub fn new() -> Self {
        Stop {
            state: Arc::new(watch::Sender::new(None)),
        }
    }

    /// Ask the run to stop. The first reason is kept; returns whether this
    /// call was the first.
    pub(crate) fn request(&self, reason: StopReason) -> bool {
        self.state.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(reason);
                true
            } else {
                false
            }
        })
    }

    /// The reason, once a stop was requested.
    pub(crate) fn reason(&self) -> Option<StopReason> {
        self.state.borrow().clone()
    }

    /// Whether a stop was requested.
    #[cfg(test)]
    pub(crate) fn is_requested(&self) -> bool {
        self.state.borrow().is_some()
    }

    /// Resolves once a stop is requested (at once if it already was).
    pub(crate) async fn requested(&self) -> StopReason {
        let mut rx = self.state.subscribe();
        loop {
            if let Some(reason) = rx.borrow_and_update().clone() {
                return reason;
            }
            if rx.changed().await.is_err() {
                // The sender lives in `self`: unreachable, but never spin.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Sleep for `wait`, or less if a stop is requested meanwhile: `Err`
    /// with the reason then.
    pub(crate) async fn sleep(&self, wait: Duration) -> Result<(), StopReason> {
        tokio::select! {
            () = tokio::time::sleep(wait) => self.reason().map_or(Ok(()), Err),
            reason = self.requested() => Err(reason),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_wins() {
        let stop = Stop::new();
        assert!(!stop.is_requested());
        assert!(stop.request(StopReason::BudgetExhausted));
        assert!(!stop.request(StopReason::Interrupted));
        assert_eq!(stop.clone().reason(), Some(StopReason::BudgetExhausted));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_a_long_sleep_at_once() {
        let stop = Stop::new();
        let sleeper = {
            let stop = stop.clone();
            tokio::spawn(async move {
                let started = tokio::time::Instant::now();
                let outcome = stop.sleep(Duration::from_secs(3600)).await;
                (outcome, started.elapsed())
            })
        };
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.request(StopReason::Interrupted);
        let (outcome, slept) = sleeper.await.unwrap();
        assert_eq!(outcome, Err(StopReason::Interrupted));
        assert_eq!(slept, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_sleep_without_a_stop_runs_its_course() {
        let stop = Stop::new();
        let started = tokio::time::Instant::now();
        assert_eq!(stop.sleep(Duration::from_secs(30)).await, Ok(()));
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }

    #[test]
    fn only_a_far_retry_after_fails_the_rows_left() {
        assert!(StopReason::WaitTooLong(Duration::from_secs(999_999)).fails_rows());
        assert!(!StopReason::Interrupted.fails_rows());
        let text =
            StopReason::WaitTooLong(Duration::from_secs(999_999)).row_error(Undone::Attempted);
        assert!(
            text.starts_with("not attempted: Partner Center asked to wait 11days"),
            "{text}"
        );
        let checked = StopReason::Interrupted.row_error(Undone::Checked);
        assert_eq!(checked, "not checked: the run was interrupted");
    }
}
