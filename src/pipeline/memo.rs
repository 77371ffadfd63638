//! [`RunMemo`]: an answer Partner Center gives once per run (the MCA
//! template, a country's validation rules), shared by every row.
//!
//! An answer, or a refusal a retry cannot change, is kept for the run. A
//! transient failure (after the call's own retries) is kept for
//! [`COOL_DOWN`]: the rows that were waiting behind the call take it at
//! once, rather than each asking again through its own retries, one after
//! the other (40 rows behind a dead `GET /v1/agreements` took 205.7 s that
//! way; docs/reliability.md, section 3). The next row after the cool-down
//! asks again.

use std::time::Duration;

use tokio::time::Instant;

/// How long a transient failure is the answer before the next row asks again.
pub(crate) const COOL_DOWN: Duration = Duration::from_secs(60);

/// What the run knows of one once-per-run answer.
#[derive(Debug)]
pub(crate) struct RunMemo<T, E> {
    /// The answer for the rest of the run.
    known: Option<T>,
    /// The last transient failure and when it happened.
    failed: Option<(E, Instant)>,
}

impl<T, E> Default for RunMemo<T, E> {
    fn default() -> Self {
        RunMemo {
            known: None,
            failed: None,
        }
    }
}

/// What a [`RunMemo`] answers without asking.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Recalled<T, E> {
    /// The kept answer.
    Known(T),
    /// A transient failure of less than [`COOL_DOWN`] ago, and how long
    /// until the next row asks again.
    CoolingDown(E, Duration),
}

impl<T: Clone, E: Clone> RunMemo<T, E> {
    /// What to answer at `now` without asking Partner Center, if anything.
    pub(crate) fn recall(&self, now: Instant) -> Option<Recalled<T, E>> {
        if let Some(known) = &self.known {
            return Some(Recalled::Known(known.clone()));
        }
        let (failure, at) = self.failed.as_ref()?;
        let left = COOL_DOWN.checked_sub(now.saturating_duration_since(*at))?;
        (!left.is_zero()).then(|| Recalled::CoolingDown(failure.clone(), left))
    }

    /// Keep `answer` for the rest of the run.
    pub(crate) fn remember(&mut self, answer: T) {
        self.known = Some(answer);
    }

    /// A transient failure at `at`: the answer until [`COOL_DOWN`] later.
    pub(super) fn failed(&mut self, failure: E, at: Instant) {
        self.failed = Some((failure, at));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn a_transient_failure_is_the_answer_for_the_cool_down_only() {
        let t0 = Instant::now();
        let mut memo: RunMemo<String, &str> = RunMemo::default();
        assert_eq!(memo.recall(t0), None, "nothing known: ask");
        memo.failed("503", t0);
        assert_eq!(
            memo.recall(t0 + Duration::from_secs(1)),
            Some(Recalled::CoolingDown("503", Duration::from_secs(59)))
        );
        assert!(
            memo.recall(t0 + COOL_DOWN - Duration::from_millis(1))
                .is_some()
        );
        assert_eq!(memo.recall(t0 + COOL_DOWN), None, "cooled down: ask again");
        memo.failed("503 again", t0 + COOL_DOWN);
        assert!(matches!(
            memo.recall(t0 + COOL_DOWN + Duration::from_secs(30)),
            Some(Recalled::CoolingDown("503 again", _))
        ));
        memo.remember("117a77b0".into());
        assert_eq!(
            memo.recall(t0 + Duration::from_secs(3600)),
            Some(Recalled::Known("117a77b0".into())),
            "an answer is kept for the run, whatever failed before"
        );
    }
}
