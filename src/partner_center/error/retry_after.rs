//! How long an answer asks to wait: the `Retry-After` header, or "Try again
//! in N seconds" in its message.

use std::time::Duration;

/// `Retry-After` as seconds (decimals and surrounding spaces tolerated) or
/// an HTTP-date (a date in the past is no wait). A negative, garbage or
/// absurd value (over a year) is `None`: the caller falls back to its
/// backoff. A far but sane wait is returned as asked: the caller decides
/// whether it is too far (`--max-retry-wait`).
pub(crate) fn parse_retry_after_header(value: &str) -> Option<Duration> {
    retry_after_at(value, std::time::SystemTime::now())
}

/// The longest wait an answer is believed for, in seconds (a year):
/// anything longer is garbage, like a missing value.
const YEAR: f64 = 366.0 * 86_400.0;

/// [`parse_retry_after_header`] with the current time given.
fn retry_after_at(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return (secs as f64 <= YEAR).then(|| Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && (0.0..=YEAR).contains(&secs))
            .then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let wait = at.duration_since(now).unwrap_or(Duration::ZERO);
    (wait.as_secs_f64() <= YEAR).then_some(wait)
}

/// "Rate limit is exceeded. Try again in 7 seconds." → 7 s (also minutes).
/// A number too large to read, or a wait over a year, is `None` (as
/// garbage in the header is): never an overflow.
pub(crate) fn retry_after_from_message(message: &str) -> Option<Duration> {
    let lower = message.to_ascii_lowercase();
    let start = lower.find("try again in")? + "try again in".len();
    let rest = lower[start..].trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u64 = digits.parse().ok()?;
    let unit = rest[digits.len()..].trim_start();
    let wait = if unit.starts_with("min") {
        Duration::from_secs(n.checked_mul(60)?)
    } else if unit.starts_with("ms") || unit.starts_with("milli") {
        Duration::from_millis(n)
    } else {
        Duration::from_secs(n)
    };
    (wait.as_secs_f64() <= YEAR).then_some(wait)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_decimals_and_http_dates() {
        use std::time::UNIX_EPOCH;
        let now = UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        let at = |v: &str| retry_after_at(v, now);
        assert_eq!(at(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(at("999999"), Some(Duration::from_secs(999_999)));
        assert_eq!(at("0.25"), Some(Duration::from_millis(250)));
        let in_90_s = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(at(&in_90_s), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(at(&past), Some(Duration::ZERO));
        for garbage in ["-5", "soon", "", "NaN", "inf", "1e30", "99999999999999"] {
            assert_eq!(at(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn a_wait_in_a_message_too_large_to_believe_is_none_not_an_overflow() {
        let m = |text: &str| retry_after_from_message(text);
        assert_eq!(m("Try again in 7 seconds."), Some(Duration::from_secs(7)));
        assert_eq!(m("Try again in 2 minutes."), Some(Duration::from_secs(120)));
        assert_eq!(m("try again in 250 ms"), Some(Duration::from_millis(250)));
        for absurd in [
            "Try again in 18446744073709551615 minutes.",
            "Try again in 18446744073709551615 seconds.",
            "Try again in 99999999999999999999999 seconds.",
            "Try again in 600000 minutes.",
        ] {
            assert_eq!(m(absurd), None, "{absurd}");
        }
    }
}
