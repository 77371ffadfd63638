//! Error bodies: the `{code, description, data, source}` envelope (with the
//! extended shape of agreement errors) and the 429 body, which is not the
//! envelope.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The error envelope `{"code", "description", "data", "source"}`, also
/// accepting the extended shape (`message`, `errorName`, `isRetryable`) of
/// agreement errors.
///
/// Serialized (by the sandbox) as the envelope, or as the extended shape when
/// `error_name` is set; a numeric `code` is written as a number, like the
/// documented examples.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    /// Error code: a number in most examples, a string in others.
    #[serde(default, deserialize_with = "code_as_string")]
    pub code: String,
    /// Human-readable description (may itself hold a JSON document).
    #[serde(default)]
    pub description: String,
    /// Extra strings.
    #[serde(default)]
    pub(crate) data: Vec<serde_json::Value>,
    /// The service component that answered.
    #[serde(default)]
    pub(crate) source: String,
    /// Extended shape: message.
    #[serde(default)]
    pub(crate) message: Option<String>,
    /// Extended shape: error name, e.g. `PartnerConfirmedAgreementAlreadyExists`.
    #[serde(default)]
    pub(crate) error_name: Option<String>,
    /// Extended shape: whether retrying can help.
    #[serde(default)]
    pub(crate) is_retryable: Option<bool>,
    /// Extended shape: `errorMessageExtended`, e.g. `InternalErrorCode=600061`.
    #[serde(default)]
    pub(crate) error_message_extended: Option<String>,
}

impl Serialize for ApiErrorBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let numeric = self
            .code
            .parse::<u64>()
            .ok()
            .filter(|n| n.to_string() == self.code);
        let mut map = serializer.serialize_map(None)?;
        match numeric {
            Some(n) => map.serialize_entry("code", &n)?,
            None => map.serialize_entry("code", &self.code)?,
        }
        if let Some(name) = &self.error_name {
            map.serialize_entry("message", self.message.as_deref().unwrap_or(""))?;
            map.serialize_entry("description", &self.description)?;
            map.serialize_entry("errorName", name)?;
            map.serialize_entry("isRetryable", &self.is_retryable.unwrap_or(false))?;
            map.serialize_entry("parameters", &serde_json::Map::new())?;
            if let Some(extended) = &self.error_message_extended {
                map.serialize_entry("errorMessageExtended", extended)?;
            }
        } else {
            map.serialize_entry("description", &self.description)?;
            map.serialize_entry("data", &self.data)?;
            map.serialize_entry("source", &self.source)?;
            if let Some(message) = &self.message {
                map.serialize_entry("message", message)?;
            }
        }
        map.end()
    }
}

impl ApiErrorBody {
    /// The most useful text: the description, else the message.
    pub(crate) fn text(&self) -> &str {
        if self.description.is_empty() {
            self.message.as_deref().unwrap_or("")
        } else {
            &self.description
        }
    }
}

fn code_as_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// The 429 body: `{"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleBody {
    /// Always 429.
    #[serde(default)]
    pub status_code: u16,
    /// Human-readable message.
    #[serde(default)]
    pub(crate) message: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::parse_json;

    #[test]
    fn the_legacy_address_error_keeps_its_inner_document_verbatim() {
        // The legacy `400`: a JSON document (string `code`, snake_case keys,
        // HTML entities) serialised inside `description`.
        let body = br#"{"code": 2007, "description": "{\"code\":\"60071\",\"reason\":\"ZipCityInvalid - Field - &#39;City&#39; is corrected to NewValue: &#39;KIRKLAND&#39;.\",\"corrected_address\":{\"country\":\"US\",\"region\":\"WA\",\"city\":\"KIRKLAND\",\"address_line1\":\"2 Lake St\",\"postal_code\":\"98033\"}}", "data": [], "source": "PartnerFD"}"#;
        let envelope: ApiErrorBody = parse_json(body).unwrap();
        assert_eq!(envelope.code, "2007");
        let inner: serde_json::Value = serde_json::from_str(&envelope.description).unwrap();
        assert_eq!(inner["code"], "60071");
        assert_eq!(inner["corrected_address"]["postal_code"], "98033");
        assert!(inner["reason"].as_str().unwrap().contains("&#39;City&#39;"));
    }

    #[test]
    fn the_extended_shape_parses_with_a_string_code_and_without_data() {
        let body = br#"{"code": "600061", "message": "An agreement exists.", "description": "An agreement exists.", "errorName": "PartnerConfirmedAgreementAlreadyExists", "isRetryable": false, "parameters": {}, "errorMessageExtended": "InternalErrorCode=600061"}"#;
        let e: ApiErrorBody = parse_json(body).unwrap();
        assert_eq!(e.code, "600061");
        assert_eq!(e.is_retryable, Some(false));
        assert_eq!(
            e.error_message_extended.as_deref(),
            Some("InternalErrorCode=600061")
        );
        assert!(e.data.is_empty() && e.source.is_empty());
        // `code: null` and no code at all read as empty.
        let none: ApiErrorBody = parse_json(br#"{"code": null, "description": "x"}"#).unwrap();
        assert_eq!(none.code, "");
    }

    #[test]
    fn error_and_throttle_bodies_parse_after_a_bom() {
        let e: ApiErrorBody = parse_json(
            b"\xEF\xBB\xBF{\"code\":3000,\"description\":\"Not found\",\"data\":[\"https://example.com/x\"],\"source\":\"PartnerFD\"}",
        )
        .unwrap();
        assert_eq!((e.code.as_str(), e.text()), ("3000", "Not found"));
        assert_eq!(e.data, [serde_json::json!("https://example.com/x")]);
        let t: ThrottleBody = parse_json(
            b"\xEF\xBB\xBF{ \"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 12 seconds.\" } ",
        )
        .unwrap();
        assert_eq!(t.status_code, 429);
        assert!(t.message.ends_with("12 seconds."));
    }
}
