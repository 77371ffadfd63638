//! The fault middleware of every endpoint faults can target: it asks the
//! [`FaultPlan`](super::faults::FaultPlan) for the call's fault and either
//! answers instead of the handler ("before" kinds: `503`, `429`, redirects)
//! or lets the handler run and spoils its `2xx` answer ("after" kinds:
//! `500`, a dropped connection, a delay, an unusable body).

use axum::body::{Body, Bytes};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::faults::{BadBody, Endpoint, Fault};
use super::net::Connection;
use super::responses::{BOM, JsonText, api_error, codes, throttled, throttled_with};
use super::state::SandboxState;
use crate::partner_center::models::CustomerRequest;
use crate::partner_center::resources::parse_json;

/// Marks a response whose connection is dropped instead of answered (for the log).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dropped;

/// Largest create body read to find its domain (the handler's own limit).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The middleware.
pub(crate) async fn inject(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|route| Endpoint::of(request.method(), route.as_str()));
    let Some(endpoint) = endpoint else {
        return next.run(request).await;
    };
    let (request, domain) = if endpoint == Endpoint::Create {
        match with_domain(request).await {
            Ok(found) => found,
            Err(response) => return response,
        }
    } else {
        (request, None)
    };
    let fault = state.with_world(|w| w.faults.next(endpoint, domain.as_deref()));
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if !fault.is_after() {
        count(&state, endpoint, &fault);
        return before(&fault);
    }
    let connection = request
        .extensions()
        .get::<ConnectInfo<Connection>>()
        .map(|ConnectInfo(c)| c.clone());
    let head = request.method() == Method::HEAD;
    let response = next.run(request).await;
    if let Fault::Delay(delay) = fault {
        count(&state, endpoint, &fault);
        tokio::time::sleep(delay).await;
        return response;
    }
    // After-faults only change answers that said "done".
    if !response.status().is_success() || (head && matches!(fault, Fault::Body(_))) {
        return response;
    }
    count(&state, endpoint, &fault);
    match fault {
        Fault::Drop => dropped(connection.as_ref(), response.status()),
        Fault::Body(bad) => bad_body(&response, bad, state.config().bom),
        _ => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::SERVER_ERROR,
            "An internal error occurred (injected by the sandbox after the call was carried out).",
        ),
    }
}

fn count(state: &SandboxState, endpoint: Endpoint, fault: &Fault) {
    state.with_world(|w| {
        w.stats.count_fault(endpoint.name(), fault.kind());
        if fault.kind() == "throttle" {
            w.stats.throttled += 1;
        }
    });
}

/// Read a create body, to find its domain (for per-domain faults), and put
/// it back.
async fn with_domain(request: Request) -> Result<(Request, Option<String>), Response> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::BAD_REQUEST,
            "The request body is too large.",
        )
    })?;
    let domain = parse_json::<CustomerRequest>(&bytes)
        .ok()
        .map(|r| r.company_profile.domain.trim().to_owned())
        .filter(|d| !d.is_empty());
    Ok((Request::from_parts(parts, Body::from(bytes)), domain))
}

/// The answer of a "before" fault.
fn before(fault: &Fault) -> Response {
    match fault {
        Fault::Throttle { retry_after_secs } => throttled((*retry_after_secs).max(1)),
        Fault::ThrottleWith(retry_after) => throttled_with(retry_after.header_value().as_deref()),
        Fault::Redirect { status, location } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            let mut response = (status, Body::empty()).into_response();
            if let Ok(location) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        _ => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "The service is temporarily unavailable (injected by the sandbox).",
        ),
    }
}

/// Drop the connection without an answer. Without a connection (a router
/// driven by `oneshot`), answer `status` with a body that fails mid-stream.
fn dropped(connection: Option<&Connection>, status: StatusCode) -> Response {
    let mut response = match connection {
        Some(connection) => {
            connection.drop_without_answer();
            status.into_response()
        }
        None => {
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "connection dropped by the sandbox",
                ))
            });
            (status, Body::from_stream(failing)).into_response()
        }
    };
    response.extensions_mut().insert(Dropped);
    response
}

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The gateway could not reach the service (sandbox fault).</p></body></html>\n";

/// The answer's status and headers with a body the client cannot use.
fn bad_body(response: &Response, bad: BadBody, bom: bool) -> Response {
    let original = response
        .extensions()
        .get::<JsonText>()
        .map(|JsonText(text)| text.clone())
        .unwrap_or_default();
    let (content_type, body): (&str, Vec<u8>) = match bad {
        BadBody::Html => ("text/html; charset=utf-8", HTML_PAGE.as_bytes().to_vec()),
        BadBody::Empty => ("application/json; charset=utf-8", Vec::new()),
        BadBody::NotJson => (
            "application/json; charset=utf-8",
            b"Request accepted. Processing...".to_vec(),
        ),
        BadBody::WrongShape => (
            "application/json; charset=utf-8",
            br#"["unexpected",{"shape":true}]"#.to_vec(),
        ),
        BadBody::NoId => ("application/json; charset=utf-8", without_key(&original)),
        BadBody::Truncated => (
            "application/json; charset=utf-8",
            original[..original.len() / 2].to_vec(),
        ),
    };
    let body = if bom && matches!(bad, BadBody::NoId | BadBody::Truncated) {
        [BOM, &body[..]].concat()
    } else {
        body
    };
    let mut spoiled = (response.status(), Body::from(body)).into_response();
    spoiled
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    spoiled
}

/// The JSON text without its key property: `id` (resources), `access_token`
/// (tokens) or `items` (collections).
fn without_key(text: &[u8]) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice(text) else {
        return b"{}".to_vec();
    };
    for key in ["id", "access_token", "items"] {
        map.remove(key);
    }
    serde_json::to_vec(&map).unwrap_or_else(|_| b"{}".to_vec())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn without_key_drops_only_the_key_properties() {
        let text = br#"{"id":"x","commerceId":"y","companyProfile":{"id":"kept"}}"#;
        let out: serde_json::Value = serde_json::from_slice(&without_key(text)).unwrap();
        assert_eq!(
            out,
            serde_json::json!({"commerceId":"y","companyProfile":{"id":"kept"}})
        );
        let token: serde_json::Value = serde_json::from_slice(&without_key(
            br#"{"access_token":"t","token_type":"Bearer"}"#,
        ))
        .unwrap();
        assert_eq!(token, serde_json::json!({"token_type":"Bearer"}));
        assert_eq!(without_key(b"[1]"), b"{}");
    }

    #[tokio::test]
    async fn bad_bodies_keep_the_status_and_cannot_be_read_as_the_answer() {
        let answer = super::super::responses::success(
            StatusCode::CREATED,
            &serde_json::json!({"id": "abc", "name": "Contoso"}),
        );
        for bad in BadBody::ALL {
            let spoiled = bad_body(&answer, bad, true);
            assert_eq!(spoiled.status(), StatusCode::CREATED, "{bad:?}");
            let body = axum::body::to_bytes(spoiled.into_body(), usize::MAX)
                .await
                .unwrap();
            let parsed: Result<serde_json::Value, _> = parse_json(&body);
            let usable = parsed.is_ok_and(|v| v["id"] == "abc");
            assert!(!usable, "{bad:?}: {}", String::from_utf8_lossy(&body));
        }
    }
}
