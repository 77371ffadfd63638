//! Reading an error answer's body: the `{code, description}` envelope (code
//! as number or string, extended shape), the 429 body, OAuth-style bodies
//! and plain text, all made one clean line.

use crate::partner_center::auth::one_line;
use crate::partner_center::resources::{ApiErrorBody, parse_json};

/// `(code, description)` of an error body; the description falls back to
/// the text of the body, then to the status's reason phrase.
pub(super) fn parse_error_body(status: u16, body: &[u8]) -> (String, String) {
    let reason = || {
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_owned()
    };
    if let Ok(value) = parse_json::<serde_json::Value>(body)
        && let Some(obj) = value.as_object()
    {
        if (obj.contains_key("code")
            || obj.contains_key("description")
            || obj.contains_key("errorName"))
            && let Ok(envelope) = serde_json::from_value::<ApiErrorBody>(value.clone())
        {
            let text = clean_text(envelope.text());
            return (envelope.code, if text.is_empty() { reason() } else { text });
        }
        let str_field = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(clean_text);
        if let Some(message) = str_field("message").or_else(|| str_field("Message")) {
            return (String::new(), message);
        }
        if let Some(error) = str_field("error") {
            let description = str_field("error_description").unwrap_or_default();
            return (error, description);
        }
    }
    let text: String = String::from_utf8_lossy(crate::bom::strip_bom(body))
        .chars()
        .take(300)
        .collect();
    let text = clean_text(&text);
    if text.is_empty() || text.starts_with('<') {
        (String::new(), reason())
    } else {
        (String::new(), text)
    }
}

/// One line, with the HTML entities Partner Center puts in descriptions
/// (`We&#39;re sorry`) decoded.
pub(crate) fn clean_text(text: &str) -> String {
    let line = one_line(text);
    if !line.contains('&') {
        return line;
    }
    line.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
