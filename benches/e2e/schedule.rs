//! What the best client could do under the sandbox's sliding quota
//! window, and whether a run kept every Retry-After pause.

use std::time::Duration;

pub(crate) struct RetryAfterAudit {
    pub(crate) throttled: usize,
    pub(crate) episodes: usize,
    pub(crate) violations: usize,
}

/// Check from the sandbox's request log (arrival time of each line) that no
/// call reached the quota gate while a 429's Retry-After was running.
///
/// The log has no Retry-After, so it is recomputed as the sandbox does: the
/// whole seconds until the oldest admitted call of the last 60 s leaves the
/// window. Calls already on the wire when the 429 went out (they arrive up to
/// one latency later) are allowed; a second of slack absorbs the rounding.
pub(crate) fn audit_retry_after(
    log: &[(Duration, String)],
    quota: usize,
    latency: Duration,
) -> RetryAfterAudit {
    let calls: Vec<(f64, bool)> = log
        .iter()
        .filter_map(|(t, line)| {
            let mut parts = line.split_whitespace();
            let _method = parts.next()?;
            let path = parts.next()?;
            let status = parts.next()?;
            path.starts_with("/v1/")
                .then(|| (t.as_secs_f64(), status == "429"))
        })
        .collect();
    let mut window: std::collections::VecDeque<f64> = Default::default();
    let mut pauses: Vec<(f64, f64)> = Vec::new();
    let mut throttled = 0;
    for &(t, refused) in &calls {
        while window.front().is_some_and(|o| t - o >= 60.0) {
            window.pop_front();
        }
        if refused {
            throttled += 1;
            let oldest = window.front().copied().unwrap_or(t);
            let wait = (oldest + 60.0 - t).ceil().max(1.0);
            pauses.push((t, t + wait));
        } else if window.len() < quota {
            window.push_back(t);
        }
    }
    // Episodes: 429s that start a new pause (not inside an earlier one).
    let mut episodes = 0;
    let mut until = f64::MIN;
    for &(start, end) in &pauses {
        if start > until {
            episodes += 1;
        }
        until = until.max(end);
    }
    let slack = latency.as_secs_f64() + 0.25;
    let violations = calls
        .iter()
        .filter(|(a, _)| {
            pauses
                .iter()
                .any(|(start, end)| *a > start + slack && *a < end - 1.0)
        })
        .count();
    RetryAfterAudit {
        throttled,
        episodes,
        violations,
    }
}

/// The shortest time in which `rows` calls can be made at `rate_per_min`
/// (burst 1) without ever exceeding `quota` calls in a sliding 60 s window,
/// plus one call's latency: the best any client could do.
pub(crate) fn ideal_secs(rows: u64, rate_per_min: f64, quota: usize, latency: f64) -> f64 {
    let period = 60.0 / rate_per_min;
    let mut window: std::collections::VecDeque<f64> = Default::default();
    let mut t: f64 = 0.0;
    for i in 0..rows {
        if i > 0 {
            t += period;
        }
        while window.front().is_some_and(|o| t - o >= 60.0) {
            window.pop_front();
        }
        if window.len() >= quota {
            t = window[0] + 60.0;
            window.pop_front();
        }
        window.push_back(t);
    }
    t + latency
}

// ------------------------------------------------------------ 2. baseline
