//! Building answers: success bodies (with the live service's UTF-8 BOM),
//! the error envelope, the 429 body, and the codes the sandbox uses.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::partner_center::resources::{ApiErrorBody, ThrottleBody};

/// Error codes of the sandbox's answers (`docs/sandbox.md` lists them).
pub mod codes {
    /// Malformed request: bad header, JSON, query or continuation token
    /// (Microsoft uses 2000 for "must be a GUID").
    pub const BAD_REQUEST: &str = "2000";
    /// Unknown resource (Microsoft's 404 example uses 3000).
    pub const NOT_FOUND: &str = "3000";
    /// A required value is missing.
    pub const MISSING: &str = "2001";
    /// A value is invalid.
    pub const INVALID: &str = "27002";
    /// The country is not supported.
    pub const COUNTRY_UNSUPPORTED: &str = "20000";
    /// The call needs an App+User token.
    pub const FORBIDDEN: &str = "600006";
    /// A partner-confirmed agreement with these contact details exists.
    pub const AGREEMENT_EXISTS: &str = "600061";
    /// The integration sandbox's customer limit is reached.
    pub const SANDBOX_LIMIT: &str = "800018";
    /// Missing, unknown or expired bearer token.
    pub const UNAUTHORIZED: &str = "900401";
    /// The token's audience is the retired Azure AD Graph (as live since 2025).
    pub const AUDIENCE_RETIRED: &str = "900420";
    /// `MS-RequestId` reused with a different body.
    pub const REQUEST_ID_REUSED: &str = "900402";
    /// The domain is taken by another tenant.
    pub const DOMAIN_IN_USE: &str = "900409";
    /// Injected server error.
    pub const SERVER_ERROR: &str = "900500";
    /// Injected unavailability.
    pub const UNAVAILABLE: &str = "900503";
}

/// The `source` of the sandbox's error envelopes.
pub const SOURCE: &str = "PartnerFD";

const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A success answer: `application/json; charset=utf-8`, body starting with a
/// UTF-8 BOM like the live service's.
pub fn success<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    if let Err(err) = serde_json::to_writer(&mut body, value) {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::SERVER_ERROR,
            format!("could not serialize the answer: {err}"),
        );
    }
    with_json(status, body)
}

/// A JSON answer without BOM (errors, token endpoint, sandbox stats).
pub fn plain_json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => with_json(status, body),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn with_json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}

/// The error envelope `{"code", "description", "data": [], "source": "PartnerFD"}`.
pub fn api_error(status: StatusCode, code: &str, description: impl Into<String>) -> Response {
    api_error_with_data(status, code, description, Vec::new())
}

/// The error envelope with `data` strings.
pub fn api_error_with_data(
    status: StatusCode,
    code: &str,
    description: impl Into<String>,
    data: Vec<String>,
) -> Response {
    let body = ApiErrorBody {
        code: code.to_owned(),
        description: description.into(),
        data: data.into_iter().map(serde_json::Value::String).collect(),
        source: SOURCE.to_owned(),
        ..ApiErrorBody::default()
    };
    plain_json(status, &body)
}

/// `429` with `Retry-After` and the throttling body (not the envelope).
pub fn throttled(retry_after_secs: u64) -> Response {
    let body = ThrottleBody {
        status_code: 429,
        message: format!("Rate limit is exceeded. Try again in {retry_after_secs} seconds."),
    };
    let mut response = plain_json(StatusCode::TOO_MANY_REQUESTS, &body);
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `404` with the envelope, for unknown routes.
pub async fn not_found() -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "The sandbox does not emulate this resource.",
    )
}
