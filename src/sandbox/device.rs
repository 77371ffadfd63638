//! The device authorization grant (RFC 8628) as Entra ID's v2 endpoints
//! serve it, for `pc-onboard login` against the sandbox:
//! `POST /{tenant}/oauth2/v2.0/devicecode` starts a sign-in, `POST
//! /{tenant}/oauth2/v2.0/token` with the device-code grant polls it. No
//! browser: the sandbox approves by itself after the pending polls of its
//! [`DeviceScript`](super::DeviceScript), or answers `slow_down`,
//! `authorization_declined` or `expired_token` as scripted. A poll sooner
//! than the interval is told `slow_down` (and counted). The v2 token
//! endpoint's other grants are `super::auth`'s.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use uuid::Uuid;

use super::auth::{
    Grant, Refusal, SANDBOX_TENANT_ID, SANDBOX_USER, TokenAnswer, TokenForm, answer_token, issue,
    new_refresh_token, not_a_form, scope_resource, token_error,
};
use super::config::DeviceOutcome;
use super::responses::plain_json;
use super::state::{DeviceGrant, SandboxState, TokenKind};
use crate::partner_center::resources::TokenErrorBody;

/// The device-code grant type.
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The form of `POST /{tenant}/oauth2/v2.0/devicecode`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DeviceCodeForm {
    client_id: Option<String>,
    scope: Option<String>,
}

#[derive(Serialize)]
struct DeviceCodeAnswer {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: u64,
    interval: u64,
    message: String,
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) async fn device_code(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    form: Result<Form<DeviceCodeForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let client_id = form.client_id.as_deref().map(str::trim).unwrap_or("");
    if client_id.is_empty() {
        return token_error(Refusal::bad_request(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        ));
    }
    if !state.config().credentials.accepts_id(client_id) {
        return token_error(Refusal::invalid_client(
            "AADSTS700016: Application not found in the directory (sandbox: client id not accepted).",
        ));
    }
    let Some(scope) = form.scope.filter(|s| s.contains("/.default")) else {
        return token_error(Refusal::bad_request(
            "invalid_scope",
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid: ask for <API resource>/.default offline_access.",
        ));
    };
    let script = state.config().device;
    let device_code = format!("sbx-dc-{}", Uuid::new_v4().simple());
    let user_code = user_code();
    state.with_world(|w| {
        w.stats.device_codes += 1;
        w.issued_tokens.push(device_code.clone());
        w.device_grants.insert(
            device_code.clone(),
            DeviceGrant {
                client_id: client_id.to_owned(),
                resource: scope_resource(&scope),
                polls: 0,
                last_poll: None,
                expires_at: Instant::now() + std::time::Duration::from_secs(script.expires_in_secs),
            },
        );
    });
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let verification_uri = format!("http://{host}/sandbox/devicelogin");
    let answer = DeviceCodeAnswer {
        message: format!(
            "To sign in, open {verification_uri} and enter the code {user_code} (the sandbox signs you in by itself)."
        ),
        device_code,
        user_code,
        verification_uri,
        expires_in: script.expires_in_secs,
        interval: script.interval_secs,
    };
    plain_json(StatusCode::OK, &answer)
}

/// `XXXX-XXXX` from a fresh UUID.
fn user_code() -> String {
    let hex = Uuid::new_v4().simple().to_string().to_uppercase();
    format!("{}-{}", &hex[..4], &hex[4..8])
}

/// `GET /sandbox/devicelogin`: where a person would sign in.
pub(crate) async fn device_login_page() -> Response {
    "pc-onboard sandbox: nothing to do here. The sandbox approves a device-code sign-in by itself after a poll or two; `pc-onboard login` finishes on its own.\n".into_response()
}

/// `POST /{tenant}/oauth2/v2.0/token`: the device-code grant here, the
/// others as the v1 endpoint answers them (with the scope's resource and
/// rotated refresh tokens).
pub(crate) async fn token_v2(
    State(state): State<SandboxState>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return not_a_form();
    };
    if form.grant_type.as_deref().map(str::trim) != Some(DEVICE_CODE_GRANT) {
        return answer_token(&state, form, true);
    }
    poll(&state, &form)
}

/// What one poll gets.
enum Answer {
    Oauth(&'static str, &'static str),
    SignedIn(Box<DeviceGrant>),
}

fn poll(state: &SandboxState, form: &TokenForm) -> Response {
    let code = form.device_code.as_deref().unwrap_or("").trim().to_owned();
    let client_id = form.client_id.as_deref().unwrap_or("").trim();
    let script = state.config().device;
    let now = Instant::now();
    let answer = state.with_world(|w| {
        w.stats.device_polls += 1;
        let Some(grant) = w.device_grants.get_mut(&code).filter(|g| g.client_id == client_id) else {
            return Answer::Oauth("invalid_grant", "AADSTS70000: The provided value for the input parameter 'device_code' is not valid.");
        };
        if now >= grant.expires_at {
            return Answer::Oauth("expired_token", "AADSTS70020: The provided value for the input parameter 'device_code' is expired.");
        }
        let interval = std::time::Duration::from_secs(script.interval_secs);
        let too_soon = grant.last_poll.is_some_and(|at| now.duration_since(at) < interval);
        grant.last_poll = Some(now);
        if too_soon {
            w.stats.device_polls_too_soon += 1;
            return Answer::Oauth("slow_down", "AADSTS70000: poll at the interval asked (sandbox).");
        }
        grant.polls += 1;
        let polls = grant.polls;
        let pending = script.pending_polls;
        let scripted = match script.outcome {
            DeviceOutcome::Declined => Some(("authorization_declined", "AADSTS70000: The user declined the sign-in (sandbox script).")),
            DeviceOutcome::Expired => Some(("expired_token", "AADSTS70020: The device code expired (sandbox script).")),
            DeviceOutcome::SlowDown if polls == 1 => Some(("slow_down", "AADSTS70000: Poll less often (sandbox script).")),
            DeviceOutcome::SlowDown if polls <= 1 + pending => Some(("authorization_pending", "AADSTS70016: The user has not signed in yet (sandbox).")),
            DeviceOutcome::Approve if polls <= pending => Some(("authorization_pending", "AADSTS70016: The user has not signed in yet (sandbox).")),
            _ => None,
        };
        match scripted {
            Some((error, description)) => Answer::Oauth(error, description),
            None => w
                .device_grants
                .remove(&code)
                .map_or(Answer::Oauth("invalid_grant", "AADSTS70000: redeemed"), |g| {
                    Answer::SignedIn(Box::new(g))
                }),
        }
    });
    match answer {
        Answer::Oauth(error, description) => plain_json(
            StatusCode::BAD_REQUEST,
            &TokenErrorBody {
                error: error.to_owned(),
                error_description: description.to_owned(),
            },
        ),
        Answer::SignedIn(grant) => signed_in(state, &grant),
    }
}

/// The token answer of a finished sign-in: an App+User access token (with
/// MFA unless the sandbox runs without), a refresh token, an id token.
fn signed_in(state: &SandboxState, grant: &DeviceGrant) -> Response {
    let ttl = state.config().token_ttl;
    let for_grant = Grant {
        kind: TokenKind::AppUser,
        client_id: grant.client_id.clone(),
        resource: Some(grant.resource.clone()),
    };
    let (access, refresh) = state.with_world(|w| {
        w.stats.count_token_resource(Some(&grant.resource));
        let access = issue(w, state.config(), &for_grant, Instant::now() + ttl, None);
        (access, new_refresh_token(w))
    });
    let id_token = crate::partner_center::auth::jwt::unsigned(&serde_json::json!({
        "aud": grant.client_id,
        "tid": SANDBOX_TENANT_ID,
        "preferred_username": SANDBOX_USER,
        "name": "Sandbox Admin",
    }));
    // A token too: tests check that no output carries it.
    state.with_world(|w| w.issued_tokens.push(id_token.clone()));
    let mut answer = TokenAnswer::new(
        TokenKind::AppUser,
        ttl,
        access,
        Some(grant.resource.clone()),
    );
    answer.refresh_token = Some(refresh);
    let mut value = serde_json::to_value(&answer).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("id_token".into(), id_token.into());
        object.insert(
            "scope".into(),
            format!("{}/user_impersonation", grant.resource).into(),
        );
    }
    plain_json(StatusCode::OK, &value)
}
