//! Building answers: success bodies (with the live service's UTF-8 BOM),
//! the error envelope, the 429 body, and the codes the sandbox uses.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::partner_center::resources::{ApiErrorBody, ThrottleBody};

/// Error codes of the sandbox's answers (`docs/sandbox.md` lists them).
pub(crate) mod codes {
    /// Malformed request: bad header, JSON, query or continuation token
    /// (Microsoft uses 2000 for "must be a GUID").
    pub(crate) const BAD_REQUEST: &str = "2000";
    /// Unknown resource (Microsoft's 404 example uses 3000).
    pub(crate) const NOT_FOUND: &str = "3000";
    /// A required value is missing.
    pub(crate) const MISSING: &str = "2001";
    /// A value is invalid.
    pub(crate) const INVALID: &str = "27002";
    /// The country is not supported.
    pub(crate) const COUNTRY_UNSUPPORTED: &str = "20000";
    /// The call needs an App+User token.
    pub(crate) const FORBIDDEN: &str = "600006";
    /// Orders (and, in the sandbox, a legacy partner confirmation) refused
    /// until the customer accepted the MCA (as CSP vendors report it).
    pub(crate) const MCA_REQUIRED: &str = "13605";
    /// A partner-confirmed agreement with these contact details exists.
    pub(crate) const AGREEMENT_EXISTS: &str = "600061";
    /// The integration sandbox's customer limit is reached.
    pub(crate) const SANDBOX_LIMIT: &str = "800018";
    /// Missing, unknown or expired bearer token.
    pub(crate) const UNAUTHORIZED: &str = "900401";
    /// The token's audience is the retired Azure AD Graph (as live since 2025).
    pub(crate) const AUDIENCE_RETIRED: &str = "900420";
    /// An App+User call without MFA (Partner Center since 1 April 2026).
    pub(crate) const MFA_REQUIRED: &str = "900421";
    /// `MS-RequestId` reused with a different body.
    pub(crate) const REQUEST_ID_REUSED: &str = "900402";
    /// The domain is taken by another tenant.
    pub(crate) const DOMAIN_IN_USE: &str = "900409";
    /// Injected server error.
    pub(crate) const SERVER_ERROR: &str = "900500";
    /// Injected unavailability.
    pub(crate) const UNAVAILABLE: &str = "900503";
}

/// The `source` of the sandbox's error envelopes.
pub(crate) const SOURCE: &str = "PartnerFD";

const JSON_UTF8: &str = "application/json; charset=utf-8";

/// The UTF-8 byte order mark the live service puts before success bodies.
pub(crate) use crate::bom::UTF8_BOM as BOM;

/// A JSON answer's text without BOM, kept on the response for the
/// middlewares that change bodies (faults, `--no-bom`).
#[derive(Debug, Clone)]
pub(crate) struct JsonText(pub(crate) Bytes);

/// Marks a response whose body starts with [`BOM`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct WithBom;

/// A success answer: `application/json; charset=utf-8`, body starting with a
/// UTF-8 BOM like the live service's (`SandboxConfig::bom` can turn it off).
pub(super) fn success<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(text) => {
            let mut response = with_json(status, Bytes::from(text), true);
            response.extensions_mut().insert(WithBom);
            response
        }
        Err(err) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::SERVER_ERROR,
            format!("could not serialize the answer: {err}"),
        ),
    }
}

/// A JSON answer without BOM (errors, token endpoint, sandbox stats).
pub(crate) fn plain_json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(text) => with_json(status, Bytes::from(text), false),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn with_json(status: StatusCode, text: Bytes, bom: bool) -> Response {
    let body = if bom {
        Body::from([BOM, &text[..]].concat())
    } else {
        Body::from(text.clone())
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response.extensions_mut().insert(JsonText(text));
    response
}

/// The error envelope `{"code", "description", "data": [], "source": "PartnerFD"}`.
pub(crate) fn api_error(
    status: StatusCode,
    code: &str,
    description: impl Into<String>,
) -> Response {
    api_error_with_data(status, code, description, Vec::new())
}

/// The error envelope with `data` strings.
pub(crate) fn api_error_with_data(
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
pub(super) fn throttled(retry_after_secs: u64) -> Response {
    throttled_with(Some(&retry_after_secs.to_string()))
}

/// `429` with this `Retry-After` value as given (none when `None` or when
/// it cannot be a header value), and the throttling body; its message
/// names the seconds when the value is a whole number.
pub(crate) fn throttled_with(retry_after: Option<&str>) -> Response {
    let message = match retry_after.map(|v| v.trim().parse::<u64>()) {
        Some(Ok(secs)) => format!("Rate limit is exceeded. Try again in {secs} seconds."),
        _ => "Rate limit is exceeded. Try again later.".to_owned(),
    };
    let body = ThrottleBody {
        status_code: 429,
        message,
    };
    let mut response = plain_json(StatusCode::TOO_MANY_REQUESTS, &body);
    let headers = response.headers_mut();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        headers.insert(header::RETRY_AFTER, value);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `404` with the envelope, for unknown routes.
pub(super) async fn not_found() -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "The sandbox does not emulate this resource.",
    )
}
