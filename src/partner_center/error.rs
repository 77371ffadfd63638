//! Typed errors of Partner Center calls and how the pipeline should treat
//! them (`docs/partner-center.md`, "Errors" and "Retries and throttling").

mod body;
mod retry_after;

use std::time::Duration;

use super::auth::{AuthError, one_line};
pub(crate) use body::clean_text;
use body::parse_error_body;
pub(crate) use retry_after::{parse_retry_after_header, retry_after_from_message};

/// Why a Partner Center call did not give the expected answer. Cloneable,
/// one line when displayed, and never carrying a secret or a response body
/// other than the service's error description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Partner Center answered with an error status (business errors from
    /// the `{code, description}` envelope, 429 throttling, 5xx).
    #[error("{}", http_text(*status, code, description))]
    Http {
        /// HTTP status.
        status: u16,
        /// Error code from the body (number or string in the wire format);
        /// empty when the body has none (429, empty bodies).
        code: String,
        /// The service's description, on one line.
        description: String,
        /// How long to wait before calling again: the `Retry-After` header
        /// (seconds), else "Try again in N seconds" in the message.
        retry_after: Option<Duration>,
    },
    /// No (complete) answer within the per-call timeout. The request may
    /// have been processed.
    #[error("Partner Center did not answer within {}", human_duration(*after))]
    Timeout {
        /// The timeout that expired.
        after: Duration,
    },
    /// The connection could not be made (refused, DNS, TLS): the request
    /// was never sent.
    #[error("could not connect to Partner Center: {message}")]
    Connect {
        /// What the transport said.
        message: String,
    },
    /// This machine could not make the call (too many open files, out of
    /// memory or of local ports): nothing was sent, and Partner Center is
    /// not to blame.
    #[error("a local error on this machine, not Partner Center: {message}")]
    Local {
        /// What the operating system said, and what to do.
        message: String,
    },
    /// The connection failed after the request was sent (reset, dropped
    /// mid-response). The request may have been processed.
    #[error("the connection to Partner Center broke during the call: {message}")]
    Transport {
        /// What the transport said.
        message: String,
    },
    /// A success status with a body that is not what the call returns.
    #[error("Partner Center answered {status} but the body could not be read: {message}")]
    Decode {
        /// HTTP status (2xx).
        status: u16,
        /// What is wrong (never the body, which may hold a password).
        message: String,
    },
    /// Getting or using the token failed.
    #[error("authentication failed: {0}")]
    Auth(AuthError),
    /// The server answered a redirect. pc-onboard follows none: a token
    /// request re-posted elsewhere would carry the client secret, a create
    /// the customer's data.
    #[error(
        "Partner Center answered {status}, a redirect to {}; pc-onboard follows no redirect (check --endpoint / --authority, or the proxy)",
        if location.is_empty() { "nowhere" } else { location.as_str() }
    )]
    Redirect {
        /// HTTP status (3xx).
        status: u16,
        /// The `Location` header (empty when absent).
        location: String,
    },
    /// A success whose body pc-onboard cannot read where Microsoft
    /// publishes no shape (the enhanced MCA attestation: see
    /// `partner_center::enhanced_attestation`): what was missing, and the
    /// answer quoted (cut, secrets scrubbed).
    #[error("Partner Center's answer ({status}) is not in a form pc-onboard knows: {message}")]
    Unrecognised {
        /// HTTP status (2xx).
        status: u16,
        /// What was missing, and what Partner Center answered.
        message: String,
    },
    /// A customer search could not be followed to its end.
    #[error("cannot page through the customer search: {message}")]
    Paging {
        /// What went wrong.
        message: String,
    },
    /// Not sent: the run is stopping (Ctrl-C, a spent retry budget, ...).
    #[error("not sent: the run is stopping")]
    Stopped,
    /// The client was configured with an unusable value.
    #[error("invalid Partner Center client settings: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

/// The longest description kept from an error answer (the rest is cut:
/// a 50 MB body must not make a 100 MB results file).
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 1000;

/// `text` cut to `max` characters, saying how much was left out.
fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => {
            let left = text[at..].chars().count();
            format!("{} ... ({left} more characters not kept)", &text[..at])
        }
    }
}

fn http_text(status: u16, code: &str, description: &str) -> String {
    let mut s = format!("Partner Center answered {status}");
    if !code.is_empty() {
        s.push_str(" (code ");
        s.push_str(code);
        s.push(')');
    }
    if !description.is_empty() {
        s.push_str(": ");
        s.push_str(description);
    }
    s
}

// Not `#[from]`: that would make the `AuthError` the `source()` too, and
// its text would show twice in an error chain.
impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::Auth(e)
    }
}

impl ApiError {
    /// Build the error for a non-success answer from its status, its
    /// `Retry-After` header value and its body. Understands the error
    /// envelope (code as number or string, extended shape), the 429 body
    /// (`{"statusCode", "message"}`), OAuth-style bodies and plain text.
    pub fn from_response(status: u16, retry_after_header: Option<&str>, body: &[u8]) -> Self {
        let (code, description) = parse_error_body(status, body);
        // The code too is shown as the server wrote it: on one line.
        let code = one_line(code);
        // An answer may quote what was sent (the Authorization header, a
        // posted form): no secret the process holds goes into the error.
        // Scrubbed whole, then cut (a cut could leave half a secret).
        let (code, description) = (
            crate::secrets::scrubbed(&code),
            crate::secrets::scrubbed(&description),
        );
        let (code, description) = (cut(code, 100), cut(description, MAX_DESCRIPTION_CHARS));
        let retry_after = retry_after_header
            .and_then(parse_retry_after_header)
            .or_else(|| retry_after_from_message(&description));
        ApiError::Http {
            status,
            code,
            description,
            retry_after,
        }
    }

    /// A plain HTTP error (for tests and callers that build errors).
    #[cfg(test)]
    pub(crate) fn http(
        status: u16,
        code: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        ApiError::Http {
            status,
            code: code.into(),
            description: description.into(),
            retry_after: None,
        }
    }

    /// The HTTP status Partner Center answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. }
            | ApiError::Decode { status, .. }
            | ApiError::Unrecognised { status, .. } => Some(*status),
            ApiError::Auth(AuthError::Unauthorized { .. } | AuthError::MfaRequired { .. }) => {
                Some(401)
            }
            _ => None,
        }
    }

    /// The service's error code, if the answer had one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Auth(AuthError::MfaRequired { .. }) => Some("900421"),
            ApiError::Http { code, .. } | ApiError::Auth(AuthError::Unauthorized { code, .. })
                if !code.is_empty() =>
            {
                Some(code)
            }
            _ => None,
        }
    }

    /// The service's description, if it answered with one.
    #[cfg(test)]
    pub(crate) fn description(&self) -> Option<&str> {
        match self {
            ApiError::Http { description, .. }
            | ApiError::Auth(AuthError::Unauthorized { description, .. })
                if !description.is_empty() =>
            {
                Some(description)
            }
            _ => None,
        }
    }

    /// How long the service asked to wait (429, sometimes 503).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// `429 Too Many Requests`.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(429) && matches!(self, ApiError::Http { .. })
    }

    /// Worth retrying (with the same request id): connection failures,
    /// timeouts, 408, 429, 500, 502, 503, 504, an unreachable token
    /// authority. Never 400, 401, 403, 404, 409 or an unreadable success.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Http { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            ApiError::Timeout { .. }
            | ApiError::Connect { .. }
            | ApiError::Local { .. }
            | ApiError::Transport { .. } => true,
            ApiError::Auth(e) => e.is_transient(),
            ApiError::Decode { .. }
            | ApiError::Unrecognised { .. }
            | ApiError::Config { .. }
            | ApiError::Redirect { .. }
            | ApiError::Paging { .. }
            | ApiError::Stopped => false,
        }
    }

    /// The request may have been carried out although no success was seen:
    /// a timeout, a connection broken after sending, any 5xx, or a success
    /// status whose body could not be read. (A refused connection is not
    /// ambiguous: nothing was sent.) After an ambiguous create, retry with
    /// the same request id and look the customer up by domain.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            ApiError::Timeout { .. } | ApiError::Transport { .. } | ApiError::Decode { .. } => true,
            ApiError::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// The domain is taken: `409`, or a `400` whose description says the
    /// domain exists, is in use, is taken or is not available.
    pub fn is_domain_taken(&self) -> bool {
        match self {
            ApiError::Http { status: 409, .. } => true,
            ApiError::Http {
                status: 400,
                description,
                ..
            } => description_says_domain_taken(description),
            _ => false,
        }
    }

    /// Error `600061`: the same MCA attestation already exists.
    pub fn is_agreement_already_attested(&self) -> bool {
        self.code() == Some("600061")
    }

    /// Authentication or configuration failures that no retry of this or
    /// any other row can fix: the run should stop.
    pub fn is_fatal(&self) -> bool {
        match self {
            ApiError::Auth(e) => e.is_fatal(),
            ApiError::Config { .. } | ApiError::Redirect { .. } => true,
            _ => false,
        }
    }
}

fn description_says_domain_taken(description: &str) -> bool {
    let d = description.to_lowercase();
    if !d.contains("domain") {
        return false;
    }
    let negated_existence = ["not exist", "doesn't exist", "doesn’t exist", "not found"]
        .iter()
        .any(|p| d.contains(p));
    [
        "already",
        "in use",
        "taken",
        "not available",
        "unavailable",
        "is used",
    ]
    .iter()
    .any(|p| d.contains(p))
        || (d.contains("exist") && !negated_existence)
}

/// A JSON error described without quoting the input (which may hold a
/// password or a token).
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// A reqwest error with its causes ("error sending request ...: connection refused").
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let s = cause.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = cause.source();
    }
    one_line(text)
}

/// `60 s`, `1.5 s`, `200 ms`.
pub(crate) fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn err(status: u16) -> ApiError {
        ApiError::http(status, "", "")
    }

    #[test]
    fn transient_statuses_follow_the_contract() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(err(s).is_transient(), "{s} should be transient");
        }
        for s in [400, 401, 403, 404, 409, 501] {
            assert!(!err(s).is_transient(), "{s} should not be transient");
        }
        assert!(
            ApiError::Timeout {
                after: Duration::from_secs(1)
            }
            .is_transient()
        );
        assert!(
            ApiError::Connect {
                message: "refused".into()
            }
            .is_transient()
        );
        assert!(
            ApiError::Transport {
                message: "reset".into()
            }
            .is_transient()
        );
        assert!(
            !ApiError::Decode {
                status: 201,
                message: "x".into()
            }
            .is_transient()
        );
        assert!(
            ApiError::Auth(AuthError::Unavailable {
                message: "down".into()
            })
            .is_transient()
        );
    }

    #[test]
    fn ambiguity_depends_on_whether_the_request_may_have_been_committed() {
        assert!(
            ApiError::Timeout {
                after: Duration::from_secs(1)
            }
            .is_ambiguous()
        );
        assert!(
            ApiError::Transport {
                message: "reset".into()
            }
            .is_ambiguous()
        );
        assert!(err(500).is_ambiguous());
        assert!(err(503).is_ambiguous());
        assert!(
            ApiError::Decode {
                status: 201,
                message: "x".into()
            }
            .is_ambiguous()
        );
        assert!(
            !ApiError::Connect {
                message: "refused".into()
            }
            .is_ambiguous()
        );
        assert!(!err(429).is_ambiguous());
        assert!(!err(400).is_ambiguous());
        assert!(!err(409).is_ambiguous());
    }

    #[test]
    fn retry_after_comes_from_the_header_first() {
        let e = ApiError::from_response(
            429,
            Some("57 "),
            b"{ \"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 7 seconds.\" } ",
        );
        assert!(e.is_throttled());
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(57)));
        assert_eq!(
            e.to_string(),
            "Partner Center answered 429: Rate limit is exceeded. Try again in 7 seconds."
        );
    }

    #[test]
    fn retry_after_falls_back_to_the_message() {
        let e = ApiError::from_response(
            429,
            None,
            br#"{"statusCode":429,"message":"Rate limit is exceeded. Try again in 7 seconds."}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        let e = ApiError::from_response(429, Some("not a number"), b"Try again in 2 minutes");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
        assert_eq!(ApiError::from_response(429, None, b"").retry_after(), None);
        assert_eq!(
            parse_retry_after_header("1.5"),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn the_envelope_gives_code_and_description_on_one_line() {
        let e = ApiError::from_response(
            400,
            None,
            br#"{"code": 600049, "description": "Organization registration ID information is missing", "data": [], "source": "PartnerFD"}"#,
        );
        assert_eq!(
            e.to_string(),
            "Partner Center answered 400 (code 600049): Organization registration ID information is missing"
        );
        assert_eq!(e.code(), Some("600049"));
        assert_eq!(e.status(), Some(400));
        assert!(!e.is_transient());

        let s = ApiError::from_response(
            401,
            None,
            br#"{"code": "900420", "description": "The audience\r\n is invalid"}"#,
        );
        assert_eq!(s.code(), Some("900420"));
        assert_eq!(s.description(), Some("The audience is invalid"));
    }

    #[test]
    fn html_entities_in_descriptions_are_decoded() {
        let e = ApiError::from_response(
            400,
            None,
            br#"{"code": 60012, "description": "We&#39;re sorry, it looks like you've run out of licenses.", "data": ["x"], "source": "PartnerFD"}"#,
        );
        assert_eq!(
            e.description(),
            Some("We're sorry, it looks like you've run out of licenses.")
        );
    }

    #[test]
    fn the_extended_shape_and_plain_bodies_are_understood() {
        let e = ApiError::from_response(
            400,
            None,
            br#"{"code": 600061, "message": "A partner confirmed agreement already exists for the customer.", "errorName": "PartnerConfirmedAgreementAlreadyExists", "isRetryable": false, "parameters": {}}"#,
        );
        assert!(e.is_agreement_already_attested());
        assert_eq!(
            e.description(),
            Some("A partner confirmed agreement already exists for the customer.")
        );
        let e = ApiError::from_response(503, None, b"");
        assert_eq!(
            e.to_string(),
            "Partner Center answered 503: Service Unavailable"
        );
        let e = ApiError::from_response(502, None, b"<html><body>Bad gateway</body></html>");
        assert_eq!(e.to_string(), "Partner Center answered 502: Bad Gateway");
        let e = ApiError::from_response(500, None, b"upstream\nfailed");
        assert_eq!(e.description(), Some("upstream failed"));
    }

    #[test]
    fn domain_taken_is_409_or_a_400_that_says_so() {
        assert!(ApiError::http(409, "", "contoso.onmicrosoft.com").is_domain_taken());
        for text in [
            "The domain contoso.onmicrosoft.com already exists",
            "Domain prefix is already in use",
            "That domain is taken",
            "The domain name exists.",
            "Domain not available",
        ] {
            assert!(ApiError::http(400, "", text).is_domain_taken(), "{text}");
        }
        for text in [
            "The domain does not exist",
            "Organization registration ID information is missing",
            "Email already in use",
        ] {
            assert!(!ApiError::http(400, "", text).is_domain_taken(), "{text}");
        }
        assert!(!ApiError::http(403, "", "domain already exists").is_domain_taken());
    }

    #[test]
    fn auth_failures_are_fatal_unless_the_authority_was_unavailable() {
        assert!(
            ApiError::Auth(AuthError::Rejected {
                status: 401,
                error: "invalid_client".into(),
                description: "bad secret".into(),
                credentials: "client credentials"
            })
            .is_fatal()
        );
        assert!(
            !ApiError::Auth(AuthError::Unavailable {
                message: "x".into()
            })
            .is_fatal()
        );
        assert!(!err(400).is_fatal());
        let unauthorized = ApiError::Auth(AuthError::Unauthorized {
            code: "900420".into(),
            description: "aud".into(),
            refreshable: true,
        });
        assert_eq!(unauthorized.status(), Some(401));
        assert_eq!(unauthorized.code(), Some("900420"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
        assert_eq!(human_duration(Duration::from_secs(60)), "60 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(
            ApiError::Timeout {
                after: Duration::from_secs(60)
            }
            .to_string(),
            "Partner Center did not answer within 60 s"
        );
    }
}
