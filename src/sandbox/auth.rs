//! `POST /{tenant}/oauth2/token` (the v1 token endpoint), the v2 one's
//! refresh and client-credentials grants (`device` has its device-code
//! grant), and bearer-token checks.
//!
//! `client_credentials` gives an app-only token; `refresh_token` (any refresh
//! token, for demos) gives an App+User token, with MFA in its `amr` unless
//! the sandbox runs without (`app_user_mfa`). Tokens are unsigned JWTs
//! (`alg: none`) with the claims a client reads (`amr`, `scp`/`roles`,
//! `idtyp`, `upn`, `tid`), or opaque with `opaque_tokens`. The v2 endpoint
//! rotates refresh tokens, as Entra ID does. The client id and secret must
//! match the configured ones when set; by default anything is accepted.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use uuid::Uuid;

use super::config::{AcceptedCredentials, SandboxConfig};
use super::responses::plain_json;
use super::state::{SandboxState, TokenInfo, TokenKind, World};
use crate::partner_center::resources::{TokenErrorBody, TokenResponse};

/// The form fields of a token request (v1 and v2).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenForm {
    pub(crate) grant_type: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) resource: Option<String>,
    /// v2: `<resource>/.default offline_access`.
    pub(crate) scope: Option<String>,
    /// v2, device-code grant.
    pub(crate) device_code: Option<String>,
}

pub(crate) use super::claims::{SANDBOX_TENANT_ID, SANDBOX_USER};

/// The token answer: the live v1 endpoint's fields, numbers as strings.
#[derive(Serialize)]
pub(crate) struct TokenAnswer {
    #[serde(flatten)]
    token: TokenResponse,
    ext_expires_in: String,
    expires_on: String,
    not_before: String,
    resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    /// A rotated refresh token (v2 refresh grant, device sign-in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) refresh_token: Option<String>,
}

const KEEP_EXPIRED: std::time::Duration = std::time::Duration::from_secs(3600);

/// Azure AD Graph audiences Partner Center stopped accepting (2025-08-31):
/// their tokens are issued, then refused with `401` code 900420.
const RETIRED_AUDIENCES: [&str; 2] = [
    "https://graph.windows.net",
    "https://graph.chinacloudapi.cn",
];

pub(crate) const DEFAULT_RESOURCE: &str = "https://api.partnercenter.microsoft.com";

/// `POST /{tenant}/oauth2/token`.
pub(crate) async fn token(
    State(state): State<SandboxState>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    match form {
        Ok(Form(form)) => answer_token(&state, form, false),
        Err(_) => not_a_form(),
    }
}

/// The answer to a token request whose body is not a form.
pub(crate) fn not_a_form() -> Response {
    token_error(Refusal::bad_request(
        "invalid_request",
        "AADSTS900144: The request body must be application/x-www-form-urlencoded.",
    ))
}

/// The answer to a client-credentials or refresh-token request; `v2`
/// reads the resource from the scope and rotates refresh tokens.
pub(crate) fn answer_token(state: &SandboxState, mut form: TokenForm, v2: bool) -> Response {
    if v2 {
        form.resource = form.scope.as_deref().map(scope_resource);
    }
    let kind = match check_token_request(&form, &state.config().credentials) {
        Ok(kind) => kind,
        Err(refusal) => return token_error(refusal),
    };
    let ttl = state.config().token_ttl;
    let retired = retired_audience(form.resource.as_deref());
    let grant = Grant {
        kind,
        client_id: form.client_id.clone().unwrap_or_default(),
        resource: form.resource.clone(),
    };
    let (access_token, refresh_token) = state.with_world(|w| {
        w.stats.count_token_resource(form.resource.as_deref());
        let access = issue(w, state.config(), &grant, Instant::now() + ttl, retired);
        let refresh = (v2 && kind == TokenKind::AppUser).then(|| new_refresh_token(w));
        (access, refresh)
    });
    let mut answer = TokenAnswer::new(kind, ttl, access_token, form.resource);
    answer.refresh_token = refresh_token;
    plain_json(StatusCode::OK, &answer)
}

/// `https://api.partnercenter.microsoft.com/.default offline_access` →
/// `https://api.partnercenter.microsoft.com`.
pub(crate) fn scope_resource(scope: &str) -> String {
    let first = scope
        .split_whitespace()
        .find(|s| s.ends_with("/.default"))
        .unwrap_or_default();
    first.trim_end_matches("/.default").to_owned()
}

/// A new refresh token (counted).
pub(crate) fn new_refresh_token(world: &mut World) -> String {
    world.stats.refresh_tokens_issued += 1;
    let token = format!("sbx-rt-{}", Uuid::new_v4().simple());
    world.issued_tokens.push(token.clone());
    token
}

/// A refused token request: its status, OAuth error code and description.
pub(crate) struct Refusal {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl Refusal {
    pub(crate) fn bad_request(error: &'static str, description: &'static str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            description,
        }
    }

    pub(crate) fn invalid_client(description: &'static str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description,
        }
    }
}

/// The kind of token the request asks for, or why it is refused: a missing
/// or unsupported grant, a missing or unaccepted client id, a missing or
/// wrong secret, a refresh-token grant without a refresh token.
fn check_token_request(
    form: &TokenForm,
    creds: &AcceptedCredentials,
) -> Result<TokenKind, Refusal> {
    let kind = match form.grant_type.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(Refusal::bad_request(
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
            ));
        }
        Some("client_credentials") => TokenKind::AppOnly,
        Some("refresh_token") => TokenKind::AppUser,
        Some(_) => {
            return Err(Refusal::bad_request(
                "unsupported_grant_type",
                "AADSTS70003: The sandbox supports grant_type client_credentials and refresh_token.",
            ));
        }
    };
    let client_id = form.client_id.as_deref().map(str::trim).unwrap_or("");
    if client_id.is_empty() {
        return Err(Refusal::bad_request(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        ));
    }
    if !creds.accepts_id(client_id) {
        return Err(Refusal::invalid_client(
            "AADSTS700016: Application not found in the directory (sandbox: client id not accepted).",
        ));
    }
    match (kind, form.client_secret.as_deref().map(str::trim)) {
        (TokenKind::AppOnly, None | Some("")) => {
            return Err(Refusal::invalid_client(
                "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
            ));
        }
        (_, Some(secret)) if !secret.is_empty() && !creds.accepts_secret(secret) => {
            return Err(Refusal::invalid_client(
                "AADSTS7000215: Invalid client secret provided.",
            ));
        }
        _ => {}
    }
    if kind == TokenKind::AppUser && form.refresh_token.as_deref().is_none_or(str::is_empty) {
        return Err(Refusal::bad_request(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'refresh_token'.",
        ));
    }
    Ok(kind)
}

/// The requested resource, when it is one of the [`RETIRED_AUDIENCES`].
fn retired_audience(resource: Option<&str>) -> Option<String> {
    resource
        .map(str::trim)
        .filter(|r| {
            RETIRED_AUDIENCES
                .iter()
                .any(|a| r.trim_end_matches('/').eq_ignore_ascii_case(a))
        })
        .map(str::to_owned)
}

impl TokenAnswer {
    /// The answer for `access_token`, of `kind`, valid for `ttl` from now,
    /// for `resource` (the Partner Center API when not asked).
    pub(crate) fn new(
        kind: TokenKind,
        ttl: std::time::Duration,
        access_token: String,
        resource: Option<String>,
    ) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        TokenAnswer {
            token: TokenResponse {
                token_type: "Bearer".to_owned(),
                expires_in: ttl.as_secs(),
                access_token: SecretString::from(access_token),
            },
            ext_expires_in: ttl.as_secs().to_string(),
            expires_on: (now + ttl.as_secs()).to_string(),
            not_before: now.to_string(),
            resource: resource.unwrap_or_else(|| DEFAULT_RESOURCE.to_owned()),
            scope: (kind == TokenKind::AppUser).then_some("user_impersonation"),
            refresh_token: None,
        }
    }
}

pub(crate) fn token_error(refusal: Refusal) -> Response {
    plain_json(
        refusal.status,
        &TokenErrorBody {
            error: refusal.error.to_owned(),
            error_description: refusal.description.to_owned(),
        },
    )
}

/// What a token is issued for.
pub(crate) struct Grant {
    pub(crate) kind: TokenKind,
    pub(crate) client_id: String,
    pub(crate) resource: Option<String>,
}

/// Issue a token for `grant` valid until `expires_at`.
pub(crate) fn issue(
    world: &mut World,
    config: &SandboxConfig,
    grant: &Grant,
    expires_at: Instant,
    retired_audience: Option<String>,
) -> String {
    // Keep expired tokens a while, to say "expired" rather than "invalid".
    let now = Instant::now();
    world
        .tokens
        .retain(|_, t| t.expires_at + KEEP_EXPIRED > now);
    let live: std::collections::HashSet<u64> = world.tokens.values().map(|t| t.id).collect();
    world.quota.retain(|id| live.contains(&id));
    world.next_token_id += 1;
    let mfa = grant.kind == TokenKind::AppOnly || config.app_user_mfa;
    let token = if config.opaque_tokens {
        format!("sbx.{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
    } else {
        super::claims::jwt(grant, mfa, expires_at.saturating_duration_since(now))
    };
    world.tokens.insert(
        token.clone(),
        TokenInfo {
            id: world.next_token_id,
            kind: grant.kind,
            expires_at,
            retired_audience,
            mfa,
        },
    );
    world.stats.tokens_issued += 1;
    world.issued_tokens.push(token.clone());
    token
}

/// The bearer token of a request, if it has one.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Missing,
    Unknown,
    Expired,
    RetiredAudience,
}

impl TokenProblem {
    /// The error code of the `401`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            TokenProblem::RetiredAudience => super::responses::codes::AUDIENCE_RETIRED,
            _ => super::responses::codes::UNAUTHORIZED,
        }
    }

    pub(crate) fn description(self) -> &'static str {
        match self {
            TokenProblem::Missing => "Authorization header is missing or is not a Bearer token.",
            TokenProblem::Unknown => "The access token is invalid.",
            TokenProblem::Expired => "The access token has expired: get a new one.",
            TokenProblem::RetiredAudience => {
                "The audience in the token is invalid and is no longer supported in Partner Center API: request the token for resource https://api.partnercenter.microsoft.com."
            }
        }
    }
}

/// Check a token at `now`.
pub(crate) fn check(
    world: &World,
    token: Option<&str>,
    now: Instant,
) -> Result<TokenInfo, TokenProblem> {
    let token = token.ok_or(TokenProblem::Missing)?;
    let info = world.tokens.get(token).ok_or(TokenProblem::Unknown)?;
    if info.expires_at <= now {
        return Err(TokenProblem::Expired);
    }
    if info.retired_audience.is_some() {
        return Err(TokenProblem::RetiredAudience);
    }
    Ok(info.clone())
}
