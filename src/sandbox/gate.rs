//! What every `/v1` call goes through before its handler: a valid bearer
//! token (else `401`; an App+User token without MFA: `401` code `900421`),
//! `MS-RequestId` and `MS-CorrelationId` GUIDs (else `400`), and the
//! per-token quota (else `429`). Each call is counted by the kind of token
//! it carried (`Stats::calls_by_kind`).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::time::Instant;
use uuid::Uuid;

use super::auth;
use super::responses::{api_error, codes, throttled};
use super::state::{SandboxState, TokenKind};

/// The caller of a `/v1` call, for handlers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub(crate) kind: TokenKind,
}

/// The request's identifiers, for handlers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestIds {
    pub(crate) request_id: Uuid,
}

/// The header names.
pub(crate) const MS_REQUEST_ID: &str = "ms-requestid";
pub(crate) const MS_CORRELATION_ID: &str = "ms-correlationid";

/// The `/v1` middleware.
pub(crate) async fn api_gate(
    State(state): State<SandboxState>,
    mut request: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    let token = auth::bearer(request.headers());
    let checked = state.with_world(|w| {
        let checked = auth::check(w, token, now);
        if checked.is_err() {
            w.stats.unauthorized += 1;
        }
        checked
    });
    let info = match checked {
        Ok(info) if info.kind == TokenKind::AppUser && !info.mfa => {
            state.with_world(|w| w.stats.mfa_refusals += 1);
            return unauthorized(
                codes::MFA_REQUIRED,
                "Multi-factor authentication is required for App+User calls to the Partner Center API (sandbox: the token's amr has no mfa).",
            );
        }
        Ok(info) => info,
        Err(problem) => {
            return unauthorized(problem.code(), problem.description());
        }
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unknown route)", MatchedPath::as_str);
    let endpoint = format!("{} {route}", request.method());
    state.with_world(|w| w.stats.count_kind(endpoint, info.kind));
    let request_id =
        match guid_header(request.headers(), MS_REQUEST_ID, "MS-RequestId").and_then(|id| {
            guid_header(request.headers(), MS_CORRELATION_ID, "MS-CorrelationId").map(|_| id)
        }) {
            Ok(id) => id,
            Err(message) => return api_error(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message),
        };
    let admitted = state.with_world(|w| {
        let admitted = w.quota.admit(info.id, now);
        if admitted.is_err() {
            w.stats.throttled += 1;
        }
        admitted
    });
    if let Err(retry_after) = admitted {
        return throttled(retry_after);
    }
    request.extensions_mut().insert(Caller { kind: info.kind });
    request.extensions_mut().insert(RequestIds { request_id });
    next.run(request).await
}

/// A `401` with `code` and the `WWW-Authenticate` challenge.
fn unauthorized(code: &str, description: &str) -> Response {
    let mut response = api_error(StatusCode::UNAUTHORIZED, code, description);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"pc-onboard-sandbox\""),
    );
    response
}

fn guid_header(headers: &HeaderMap, name: &str, display: &str) -> Result<Uuid, String> {
    let value = headers
        .get(name)
        .ok_or_else(|| format!("The {display} header is required (a GUID)."))?;
    value
        .to_str()
        .ok()
        .and_then(|v| Uuid::try_parse(v.trim()).ok())
        .ok_or_else(|| format!("The {display} header must be a GUID."))
}
