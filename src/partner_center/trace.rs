//! The HTTP trace written at debug level (`-vv`): every request and answer
//! with its headers and body, secrets masked.
//!
//! Masked: the `Authorization`, `Proxy-Authorization`, `Cookie` and
//! `Set-Cookie` headers (the scheme is kept: `Bearer [REDACTED]`), and in
//! JSON and form bodies every value whose key names a password, a secret or
//! a token (`password`, `client_secret`, `refresh_token`, `access_token`,
//! `id_token`, `client_assertion`, ...), at any depth. A body that is
//! neither JSON nor a form (HTML, truncated JSON, anything a proxy sends)
//! is masked as text: every `key: value`, `key=value` and `<key>value<`
//! whose key names a secret has its value masked, whether or not the body
//! parses; then its first 200 characters are shown.

use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use reqwest::header::HeaderMap;

/// What a masked value reads as.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// At most this many characters of a body are written.
const MAX_BODY_CHARS: usize = 2000;

/// At most this many characters of a body that is neither JSON nor a form.
const MAX_TEXT_CHARS: usize = 200;

/// Headers whose values are masked (compared ignoring case).
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Whether a JSON or form key names a secret: a password, a secret, a token
/// (not a continuation token or the token type), an assertion, an API key.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    key.contains("password")
        || key.contains("secret")
        || key.contains("assertion")
        || key == "authorization"
        || key == "apikey"
        || key == "devicecode"
        || (key.contains("token") && key != "continuationtoken" && key != "tokentype")
}

/// `Name: value; Name: value`, secret header values masked.
pub(crate) fn redact_headers(headers: &HeaderMap) -> String {
    let mut out = String::new();
    for (name, value) in headers {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(name.as_str());
        out.push_str(": ");
        if SECRET_HEADERS.contains(&name.as_str()) {
            let text = value.to_str().unwrap_or_default();
            match text.split_once(' ') {
                Some((scheme, _)) if !scheme.is_empty() => {
                    out.push_str(scheme);
                    out.push(' ');
                    out.push_str(REDACTED);
                }
                _ => out.push_str(REDACTED),
            }
        } else {
            out.push_str(&String::from_utf8_lossy(value.as_bytes()));
        }
    }
    out
}

/// A JSON body as compact JSON with every secret value masked; `None` when
/// `body` is not JSON (a leading UTF-8 BOM is ignored).
pub(crate) fn redact_json_body(body: &[u8]) -> Option<String> {
    let body = crate::bom::strip_bom(body);
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    redact_value(&mut value);
    Some(value.to_string())
}

fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_key(key) && !item.is_null() {
                    *item = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_value(item);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// `key=value&...` with secret values masked (values shown unencoded).
pub(crate) fn redact_form_pairs(pairs: &[(&str, &str)]) -> String {
    let masked: Vec<String> = pairs
        .iter()
        .map(|(key, value)| {
            let shown = if is_secret_key(key) { REDACTED } else { value };
            format!("{key}={shown}")
        })
        .collect();
    masked.join("&")
}

/// A form body (`a=b&c=d`, as bytes) with secret values masked; `None` when
/// it does not look like a form.
fn redact_form_body(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let is_form = !text.is_empty()
        && text.contains('=')
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'=' | b'&' | b'%' | b'+' | b'-' | b'_' | b'.' | b'*' | b'~'
                )
        });
    if !is_form {
        return None;
    }
    let pairs: Vec<(&str, &str)> = text
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    Some(redact_form_pairs(&pairs))
}

/// A key that may name a secret, then `:` or `=`, then its value: a quoted
/// string (perhaps cut short) or a bare word; or an XML element's text.
static SECRET_IN_TEXT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(["']?)([a-z0-9_.\-]*(?:password|secret|token|assertion|apikey|authorization)[a-z0-9_.\-]*)(["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,&;}<\]"']*)|(<[a-z0-9_:.\-]*(?:password|secret|token)[a-z0-9_:.\-]*>)([^<]*)"#,
    )
    .ok()
});

/// Text with the value of every secret-named key masked, whatever its
/// syntax: JSON (also cut short), forms, query strings, XML, logs.
pub(crate) fn redact_text(text: &str) -> String {
    let Some(regex) = SECRET_IN_TEXT.as_ref() else {
        // The pattern is a constant: it compiles. If it ever did not,
        // showing nothing is the safe answer.
        return REDACTED.to_owned();
    };
    regex
        .replace_all(text, |caps: &regex::Captures<'_>| {
            if let (Some(open), Some(_)) = (caps.get(5), caps.get(6)) {
                return format!("{}{REDACTED}", open.as_str());
            }
            let key = caps.get(2).map_or("", |m| m.as_str());
            let whole = caps.get(0).map_or("", |m| m.as_str());
            if !is_secret_key(key) {
                return whole.to_owned();
            }
            let value = caps.get(4).map_or("", |m| m.as_str());
            let quote = match value.chars().next() {
                Some(q @ ('"' | '\'')) => q.to_string(),
                _ => String::new(),
            };
            format!(
                "{}{key}{}{quote}{REDACTED}{quote}",
                caps.get(1).map_or("", |m| m.as_str()),
                caps.get(3).map_or("", |m| m.as_str()),
            )
        })
        .into_owned()
}

/// Any body as trace text: masked JSON, a masked form, or the start of
/// the text masked as text; cut at 2,000 characters.
pub(crate) fn body_text(body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return String::new();
    }
    let text = redact_json_body(body)
        .or_else(|| redact_form_body(body))
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            cut(&redact_text(&one_line), MAX_TEXT_CHARS)
        });
    cut(&text, MAX_BODY_CHARS)
}

fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}... ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

/// Whether the trace is on (debug level for this module).
pub(crate) fn enabled() -> bool {
    tracing::enabled!(tracing::Level::DEBUG)
}

/// Trace one request: method, URL, masked headers and body.
pub(crate) fn request(method: &str, url: &str, headers: &HeaderMap, body: Option<&[u8]>) {
    if !enabled() {
        return;
    }
    let body = body.map(body_text).unwrap_or_default();
    tracing::debug!(
        headers = %redact_headers(headers),
        body = %body,
        "--> {method} {url}"
    );
}

/// Trace a request whose body is a form given as pairs (token calls).
pub(crate) fn form_request(url: &str, headers: &HeaderMap, pairs: &[(&str, &str)]) {
    if !enabled() {
        return;
    }
    tracing::debug!(
        headers = %redact_headers(headers),
        body = %redact_form_pairs(pairs),
        "--> POST {url}"
    );
}

/// Trace one answer: status, time taken, masked headers and body.
pub(crate) fn response(
    method: &str,
    url: &str,
    status: u16,
    elapsed: Duration,
    headers: &HeaderMap,
    body: &[u8],
) {
    if !enabled() {
        return;
    }
    tracing::debug!(
        headers = %redact_headers(headers),
        body = %body_text(body),
        "<-- {status} {method} {url} ({} ms)",
        elapsed.as_millis()
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use reqwest::header::{AUTHORIZATION, HeaderValue};

    #[test]
    fn secret_keys_are_recognised_in_any_spelling() {
        for key in [
            "password",
            "Password",
            "client_secret",
            "clientSecret",
            "refresh_token",
            "access_token",
            "AccessToken",
            "id_token",
            "client_assertion",
            "Authorization",
            "adminPassword",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "userName",
            "domain",
            "token_type",
            "continuationToken",
            "code",
            "expires_in",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn authorization_headers_keep_the_scheme_only() {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer eyJ0eXAi.secret.sig"),
        );
        headers.insert("MS-RequestId", HeaderValue::from_static("1b4c"));
        headers.insert("cookie", HeaderValue::from_static("session=abc"));
        let text = redact_headers(&headers);
        assert!(text.contains("authorization: Bearer [REDACTED]"), "{text}");
        assert!(text.contains("ms-requestid: 1b4c"), "{text}");
        assert!(text.contains("cookie: [REDACTED]"), "{text}");
        assert!(
            !text.contains("eyJ0eXAi") && !text.contains("abc"),
            "{text}"
        );
    }

    #[test]
    fn json_bodies_mask_secrets_at_any_depth() {
        let body = br#"{"id":"c1","userCredentials":{"userName":"admin","password":"p@ss;w=rd*"},"items":[{"refresh_token":"rt-1"}],"access_token":"at-1","token_type":"Bearer","none":null}"#;
        let text = redact_json_body(body).unwrap();
        for secret in ["p@ss;w=rd*", "rt-1", "at-1"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains(r#""password":"[REDACTED]""#), "{text}");
        assert!(text.contains(r#""userName":"admin""#), "{text}");
        assert!(text.contains(r#""token_type":"Bearer""#), "{text}");
        assert!(text.contains(r#""none":null"#), "{text}");
    }

    #[test]
    fn a_bom_before_json_is_ignored() {
        let text = redact_json_body(b"\xEF\xBB\xBF{\"password\":\"x\"}").unwrap();
        assert_eq!(text, r#"{"password":"[REDACTED]"}"#);
        assert_eq!(redact_json_body(b"<html>"), None);
    }

    #[test]
    fn form_bodies_mask_secrets() {
        let pairs = [
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            ("client_secret", "s3cr3t&x=y"),
            ("resource", "https://api.partnercenter.microsoft.com"),
        ];
        let text = redact_form_pairs(&pairs);
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("client_id=app"), "{text}");
        assert!(text.contains("client_secret=[REDACTED]"), "{text}");
        let raw = b"grant_type=refresh_token&refresh_token=0.AAA-xyz&client_id=app";
        let text = body_text(raw);
        assert_eq!(
            text,
            "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=app"
        );
    }

    #[test]
    fn secrets_are_masked_in_bodies_that_do_not_parse() {
        let cases = [
            (
                r#"{"id":"c1","userCredentials":{"userName":"admin","password":"Pa55word!"#,
                "Pa55word!",
            ),
            (
                r#"<html><body>{"password": "Pa55word!", "x": 1}</body></html>"#,
                "Pa55word!",
            ),
            ("grant_type=x&client_secret=S3cr3t-value;", "S3cr3t-value"),
            ("<Password>Pa55word!</Password>", "Pa55word!"),
            (
                r#"{'access_token': 'eyJhbGciOi.x.y', 'next': 2"#,
                "eyJhbGciOi",
            ),
            ("refresh_token = abc.def.ghi\n", "abc.def.ghi"),
        ];
        for (body, secret) in cases {
            let shown = body_text(body.as_bytes());
            assert!(!shown.contains(secret), "{body} -> {shown}");
            assert!(shown.contains(REDACTED), "{body} -> {shown}");
        }
        let harmless = r#"{"continuationToken":"abc", "tokenType": "Bearer", "id": 7"#;
        assert!(body_text(harmless.as_bytes()).contains("abc"));
    }

    #[test]
    fn other_bodies_show_their_start_on_one_line() {
        let page = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
        let text = body_text(page.as_bytes());
        assert!(text.starts_with("<html> <body>xxx"), "{text}");
        assert!(text.len() < 260, "{text}");
        assert_eq!(body_text(b"  \n"), "");
    }
}
