//! The ways a call can go wrong ([`Fault`]), and the names the
//! `--fail-with` flag gives them.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

/// Where a [`Fault::Redirect`] made by `--fail-with redirect` points: another
/// origin on loopback (port 9, "discard", normally closed), so a client that
/// wrongly follows it fails at once and sends nothing anywhere else.
pub const DEFAULT_REDIRECT_LOCATION: &str = "http://127.0.0.1:9/redirected-by-sandbox";

/// One way a call can go wrong.
///
/// "Before" kinds answer instead of the handler (nothing is created or
/// recorded); "after" kinds let the handler run (a customer is created, an
/// agreement recorded) and then spoil a `2xx` answer: the answer is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `503` before anything is done.
    ServiceUnavailable,
    /// After: the handler runs (the customer is created), then a `2xx` is
    /// answered `500` instead (the real service's non-atomic creation).
    ServerErrorAfterCreate,
    /// After: the handler runs, then the connection is closed without an
    /// answer instead of a `2xx`. Without a connection (a router driven by
    /// `oneshot`) the answer's body fails mid-stream.
    Drop,
    /// The call is processed at once but answered only after this delay:
    /// past a client's timeout, the client cannot know.
    Delay(Duration),
    /// `429` with this whole-seconds `Retry-After`, before anything is done.
    Throttle {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
    /// `429` with any `Retry-After` (or none), before anything is done.
    ThrottleWith(RetryAfter),
    /// A redirect (`307`, `302`…) to `location`, before anything is done. A
    /// client must not follow it (least of all with its token).
    Redirect {
        /// The status, e.g. 307.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// After: a `2xx` answer keeps its status but gets a body the client
    /// cannot use (the customer of a create *is* created).
    Body(BadBody),
}

/// The `Retry-After` of a [`Fault::ThrottleWith`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryAfter {
    /// Whole seconds, e.g. `7` or a huge `999999`.
    Seconds(u64),
    /// The header value exactly as given: `1.5`, `-3`, `soon`, an HTTP-date
    /// in the past… (a value that cannot be a header is left out).
    Raw(String),
    /// An HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`).
    At(SystemTime),
    /// No `Retry-After` header.
    Absent,
}

impl RetryAfter {
    /// The header value, `None` for [`RetryAfter::Absent`].
    pub(crate) fn header_value(&self) -> Option<String> {
        match self {
            RetryAfter::Seconds(secs) => Some(secs.to_string()),
            RetryAfter::Raw(text) => Some(text.clone()),
            RetryAfter::At(time) => Some(httpdate::fmt_http_date(*time)),
            RetryAfter::Absent => None,
        }
    }
}

/// A `2xx` body a client cannot use ([`Fault::Body`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadBody {
    /// An HTML page (`text/html`), like a proxy's or a load balancer's.
    Html,
    /// No body at all (`Content-Length: 0`).
    Empty,
    /// Plain text although `Content-Type` says JSON.
    NotJson,
    /// Valid JSON of the wrong shape (an array where an object is expected).
    WrongShape,
    /// The real answer without its key property (`id`, `access_token`, `items`).
    NoId,
    /// The real answer cut in half.
    Truncated,
}

impl BadBody {
    /// Every bad body, in the order of the `--fail-with` names.
    pub const ALL: [BadBody; 6] = [
        BadBody::Html,
        BadBody::Empty,
        BadBody::NotJson,
        BadBody::WrongShape,
        BadBody::NoId,
        BadBody::Truncated,
    ];

    /// The name in `--fail-with` and (with `_body`) in the stats.
    pub(crate) fn name(self) -> &'static str {
        match self {
            BadBody::Html => "html",
            BadBody::Empty => "empty",
            BadBody::NotJson => "not_json",
            BadBody::WrongShape => "wrong_shape",
            BadBody::NoId => "no_id",
            BadBody::Truncated => "truncated",
        }
    }
}

impl Fault {
    /// The name counted in the stats (`faults` by kind).
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::ServiceUnavailable => "service_unavailable",
            Fault::ServerErrorAfterCreate => "server_error_after_create",
            Fault::Drop => "drop",
            Fault::Delay(_) => "delay",
            Fault::Throttle { .. } | Fault::ThrottleWith(_) => "throttle",
            Fault::Redirect { .. } => "redirect",
            Fault::Body(BadBody::Html) => "html_body",
            Fault::Body(BadBody::Empty) => "empty_body",
            Fault::Body(BadBody::NotJson) => "not_json_body",
            Fault::Body(BadBody::WrongShape) => "wrong_shape_body",
            Fault::Body(BadBody::NoId) => "no_id_body",
            Fault::Body(BadBody::Truncated) => "truncated_body",
        }
    }

    /// A `307` to [`DEFAULT_REDIRECT_LOCATION`].
    pub fn redirect() -> Self {
        Fault::Redirect {
            status: 307,
            location: DEFAULT_REDIRECT_LOCATION.to_owned(),
        }
    }

    /// Whether the handler runs first (the fault spoils its answer).
    pub(crate) fn is_after(&self) -> bool {
        matches!(
            self,
            Fault::ServerErrorAfterCreate | Fault::Drop | Fault::Delay(_) | Fault::Body(_)
        )
    }
}

/// The faults `--fail-rate` throws when `--fail-with` is not given: half
/// `503` before, a quarter `500` after and a quarter dropped after.
pub(crate) fn default_pool() -> Vec<Fault> {
    vec![
        Fault::ServiceUnavailable,
        Fault::ServiceUnavailable,
        Fault::ServerErrorAfterCreate,
        Fault::Drop,
    ]
}

/// The names `--fail-with` takes.
pub(crate) const FAULT_NAMES: &str = "503, 500, drop, 429, redirect (307), 302, html, empty, not_json, wrong_shape, no_id, truncated";

impl FromStr for Fault {
    type Err = String;

    /// One `--fail-with` name (see `FAULT_NAMES`; `-` and `_` are alike).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase().replace('-', "_");
        let name = name.strip_suffix("_body").unwrap_or(&name);
        let fault = match name {
            "503" | "service_unavailable" | "unavailable" => Fault::ServiceUnavailable,
            "500" | "server_error_after_create" | "server_error" => Fault::ServerErrorAfterCreate,
            "drop" => Fault::Drop,
            "429" | "throttle" => Fault::Throttle {
                retry_after_secs: 1,
            },
            "redirect" | "307" => Fault::redirect(),
            "302" => Fault::Redirect {
                status: 302,
                location: DEFAULT_REDIRECT_LOCATION.to_owned(),
            },
            other => {
                return BadBody::ALL
                    .into_iter()
                    .find(|b| b.name() == other)
                    .map(Fault::Body)
                    .ok_or_else(|| format!("unknown fault {s:?}: use {FAULT_NAMES}"));
            }
        };
        Ok(fault)
    }
}

/// A comma-separated list of faults (`--fail-with 503,html,429`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FaultList(pub Vec<Fault>);

impl FromStr for FaultList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let faults = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Fault::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        if faults.is_empty() {
            return Err(format!("name at least one fault: {FAULT_NAMES}"));
        }
        Ok(FaultList(faults))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn fault_names_parse_with_either_separator_and_reject_unknown_ones() {
        let list: FaultList = "503, Wrong-Shape,no_id_body,302,429".parse().unwrap();
        assert_eq!(
            list.0,
            vec![
                Fault::ServiceUnavailable,
                Fault::Body(BadBody::WrongShape),
                Fault::Body(BadBody::NoId),
                Fault::Redirect {
                    status: 302,
                    location: DEFAULT_REDIRECT_LOCATION.to_owned()
                },
                Fault::Throttle {
                    retry_after_secs: 1
                },
            ]
        );
        let err = "html,teapot".parse::<FaultList>().unwrap_err();
        assert!(err.contains("teapot") && err.contains("not_json"), "{err}");
        assert!(" , ".parse::<FaultList>().is_err());
    }

    #[test]
    fn every_bad_body_has_its_own_stats_kind() {
        let kinds: std::collections::HashSet<&str> = BadBody::ALL
            .into_iter()
            .map(|b| Fault::Body(b).kind())
            .collect();
        assert_eq!(kinds.len(), BadBody::ALL.len());
        assert!(kinds.iter().all(|k| k.ends_with("_body")));
    }

    #[test]
    fn retry_after_values_are_written_as_given() {
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            RetryAfter::At(date).header_value().as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        assert_eq!(
            RetryAfter::Raw("1.5".into()).header_value().as_deref(),
            Some("1.5")
        );
        assert_eq!(
            RetryAfter::Seconds(999_999).header_value().as_deref(),
            Some("999999")
        );
        assert_eq!(RetryAfter::Absent.header_value(), None);
    }
}
