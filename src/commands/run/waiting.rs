//! What the run waits for, on the progress bar, while no row moves it:
//! signing in, the rate limiter, the first answers from Partner Center, a
//! 429 pause. A task looks at the gate, the call slots and the rows written
//! a few times a second and puts it in the bar's `{prefix}`.

use std::sync::Arc;
use std::time::Duration;

use indicatif::ProgressBar;

use crate::pipeline::Engine;

/// How often the waiting state is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// What the run is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Wait {
    /// The token (and, with `--sandbox`, the emulator) before any row.
    SigningIn {
        /// `--sandbox`.
        sandbox: bool,
    },
    /// Partner Center asked every call to wait (a 429's Retry-After).
    Paused(Duration),
    /// Calls are on the wire and no row of this run is finished yet.
    FirstAnswers {
        /// Calls on the wire.
        calls: usize,
    },
    /// Calls wait for the rate limiter and none is on the wire.
    RateLimit {
        /// Calls waiting.
        calls: usize,
        /// `--rate`.
        per_minute: u32,
    },
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::SigningIn { sandbox: true } => {
                f.write_str("starting the built-in sandbox and signing in...")
            }
            Wait::SigningIn { sandbox: false } => f.write_str("signing in to Partner Center..."),
            Wait::Paused(left) => write!(
                f,
                "Partner Center asked to wait (429): {} s more",
                left.as_secs().max(1)
            ),
            Wait::FirstAnswers { calls } => write!(
                f,
                "waiting for the first answers from Partner Center ({})",
                calls_text(*calls, "sent")
            ),
            Wait::RateLimit { calls, per_minute } => write!(
                f,
                "{} for the rate limiter (--rate {per_minute} per minute)",
                calls_text(*calls, "waiting")
            ),
        }
    }
}

/// `1 call sent`, `3 calls waiting`.
fn calls_text(calls: usize, what: &str) -> String {
    match calls {
        1 => format!("1 call {what}"),
        n => format!("{n} calls {what}"),
    }
}

/// What the run waits for, from what the gate and the slots say: a pause
/// first; then, before the first row of this run is written, calls on the
/// wire or waiting; after it, only calls waiting with none on the wire (the
/// rate is what holds the run).
pub(super) fn wait_of(
    paused: Option<Duration>,
    waiting: usize,
    in_flight: usize,
    rows_written: u64,
    per_minute: u32,
) -> Option<Wait> {
    if let Some(left) = paused {
        return Some(Wait::Paused(left));
    }
    // A call holds its slot while it waits for the gate.
    let on_the_wire = in_flight.saturating_sub(waiting);
    let rate_limit = Wait::RateLimit {
        calls: waiting,
        per_minute,
    };
    match (rows_written, on_the_wire, waiting) {
        (0, calls @ 1.., _) => Some(Wait::FirstAnswers { calls }),
        (_, 0, 1..) => Some(rate_limit),
        _ => None,
    }
}

/// Look at `engine` until aborted and say on `bar` what the run waits for
/// (rows written this run: the bar's position past `start`).
pub(super) fn watch(
    bar: ProgressBar,
    engine: Arc<Engine>,
    start: u64,
    per_minute: u32,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(LOOK_EVERY);
        loop {
            every.tick().await;
            let gate = &engine.retrier.gate;
            let wait = wait_of(
                gate.pause_remaining(),
                gate.waiting(),
                engine.retrier.slots.in_flight() as usize,
                bar.position().saturating_sub(start),
                per_minute,
            );
            bar.set_prefix(wait.map(|w| w.to_string()).unwrap_or_default());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_says_what_the_run_waits_for() {
        let wait =
            |paused, waiting, in_flight, rows| wait_of(paused, waiting, in_flight, rows, 400);
        let text = |w: Option<Wait>| w.map(|w| w.to_string());
        assert_eq!(
            text(wait(None, 0, 3, 0)).as_deref(),
            Some("waiting for the first answers from Partner Center (3 calls sent)")
        );
        // Two of the four slots wait for the gate: two calls are out.
        assert_eq!(wait(None, 2, 4, 0), Some(Wait::FirstAnswers { calls: 2 }));
        assert_eq!(
            text(wait(None, 4, 4, 0)).as_deref(),
            Some("4 calls waiting for the rate limiter (--rate 400 per minute)")
        );
        assert_eq!(
            text(wait(None, 0, 1, 0)).as_deref(),
            Some("waiting for the first answers from Partner Center (1 call sent)")
        );
        assert_eq!(
            text(wait(Some(Duration::from_millis(12_400)), 4, 4, 9)).as_deref(),
            Some("Partner Center asked to wait (429): 12 s more")
        );
        // Rows flowing: only the rate limiter, when it holds every call.
        assert_eq!(wait(None, 1, 3, 5), None);
        assert_eq!(wait(None, 0, 0, 5), None);
        assert!(matches!(
            wait(None, 3, 3, 5),
            Some(Wait::RateLimit { calls: 3, .. })
        ));
        assert_eq!(wait(None, 0, 0, 0), None);
        assert_eq!(
            Wait::SigningIn { sandbox: false }.to_string(),
            "signing in to Partner Center..."
        );
    }
}
