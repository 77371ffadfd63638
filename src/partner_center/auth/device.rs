//! The OAuth 2.0 device authorization grant (RFC 8628) against Entra ID's
//! v2 endpoints (`docs/partner-center.md`, "Signing in and MFA"): `POST
//! {authority}/{tenant}/oauth2/v2.0/devicecode` gives a user code to enter
//! at a verification URL; `POST .../oauth2/v2.0/token` with
//! `grant_type=urn:ietf:params:oauth:grant-type:device_code` is polled
//! every `interval` seconds until the user has signed in
//! (`authorization_pending`, `slow_down`: five seconds more,
//! `authorization_declined`, `expired_token`). The scope is
//! `<API resource>/.default offline_access`, so the answer carries a
//! refresh token. The numbers the authority sends are clamped
//! (`MAX_INTERVAL`, `MAX_EXPIRES_IN`): no answer can overflow a clock.

use std::future::Future;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;

use super::AuthError;
use super::jwt::TokenClaims;
use super::token::post_form;
use crate::partner_center::cloud::CloudEndpoints;
use crate::partner_center::error::describe_json_error;
use crate::partner_center::resources::{TokenErrorBody, parse_json, registered_secret};

/// The device-code grant type.
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// `interval` when the answer has none (RFC 8628 §3.2).
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// The longest wait between polls believed.
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(60);
/// What `slow_down` adds to the interval (RFC 8628 §3.5).
pub(crate) const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// `expires_in` when the answer has none (Entra ID's 15 minutes).
pub(crate) const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(900);
/// The longest a code is believed to live.
pub(crate) const MAX_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// Where a device sign-in happens: the authority, the tenant, the app.
#[derive(Debug, Clone)]
pub(crate) struct DeviceFlow {
    /// The HTTP client (no redirects followed).
    pub(crate) http: reqwest::Client,
    /// The cloud's authority and API resource.
    pub(crate) endpoints: CloudEndpoints,
    /// `PC_TENANT_ID`, else `organizations`.
    pub(crate) tenant: String,
    /// `PC_LOGIN_CLIENT_ID`, else `PC_CLIENT_ID`.
    pub(crate) client_id: String,
    /// Timeout of one call.
    pub(crate) timeout: Duration,
}

/// The authority's answer to the start of a sign-in. `Debug` hides the
/// device code.
#[derive(Debug, Clone)]
pub(crate) struct DeviceCode {
    /// The code the polls carry (a secret: it redeems the sign-in).
    pub(crate) device_code: SecretString,
    /// The code the user types.
    pub(crate) user_code: String,
    /// Where the user types it.
    pub(crate) verification_uri: String,
    /// How long the codes live (clamped).
    pub(crate) expires_in: Duration,
    /// How long to wait between polls (clamped).
    pub(crate) interval: Duration,
}

/// One poll's answer.
#[derive(Debug)]
pub(crate) enum Poll {
    /// The user has not finished yet.
    Pending,
    /// Poll less often.
    SlowDown,
    /// Signed in.
    Done(Box<SignedIn>),
}

/// A finished sign-in. `Debug` hides the tokens.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    /// The refresh token.
    pub(crate) refresh_token: SecretString,
    /// The access token's claims (`None`: not a JWT).
    pub(crate) claims: Option<TokenClaims>,
}

/// Why a sign-in did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignInError {
    /// The user declined.
    #[error("the sign-in was declined (authorization_declined): run `pc-onboard login` again")]
    Declined,
    /// The code expired before the user signed in.
    #[error("the code expired before the sign-in was finished ({}): run `pc-onboard login` again", crate::partner_center::error::human_duration(*after))]
    Expired {
        /// How long the code lived.
        after: Duration,
    },
    /// The authority refused or could not be reached.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

#[derive(Deserialize)]
struct DeviceCodeAnswer {
    #[serde(deserialize_with = "registered_secret")]
    device_code: SecretString,
    user_code: String,
    #[serde(default, alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    interval: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(deserialize_with = "registered_secret")]
    access_token: SecretString,
    #[serde(default, deserialize_with = "optional_secret")]
    refresh_token: Option<SecretString>,
}

fn optional_secret<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    registered_secret(deserializer).map(Some)
}

/// A number of seconds from an answer (number or string), clamped to
/// `[1 s, max]`; `default` when absent or not a number.
pub(crate) fn seconds(
    value: Option<&serde_json::Value>,
    default: Duration,
    max: Duration,
) -> Duration {
    let secs = match value {
        Some(serde_json::Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f > 0.0)
                .map(|f| f as u64)
        }),
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match secs {
        Some(secs) => Duration::from_secs(secs.clamp(1, max.as_secs())),
        None => default,
    }
}

impl DeviceFlow {
    /// Start a sign-in: the user code and where to enter it.
    pub(crate) async fn start(&self) -> Result<DeviceCode, AuthError> {
        let url = self.endpoints.device_code_url(&self.tenant);
        let scope = self.endpoints.user_scope();
        let form = [("client_id", self.client_id.as_str()), ("scope", &scope)];
        let (status, body) = post_form(&self.http, &url, &form, self.timeout).await?;
        if !(200..300).contains(&status) {
            return Err(refusal(status, &body));
        }
        let answer: DeviceCodeAnswer =
            parse_json(&body).map_err(|e| AuthError::InvalidResponse {
                message: format!("device code answer: {}", describe_json_error(&e)),
            })?;
        if answer.user_code.trim().is_empty() || answer.verification_uri.trim().is_empty() {
            return Err(AuthError::InvalidResponse {
                message: "the device code answer has no user code or verification URL".into(),
            });
        }
        Ok(DeviceCode {
            device_code: answer.device_code,
            // Printed for the user: on one line, no control character.
            user_code: super::one_line(answer.user_code),
            verification_uri: super::one_line(answer.verification_uri),
            expires_in: seconds(
                answer.expires_in.as_ref(),
                DEFAULT_EXPIRES_IN,
                MAX_EXPIRES_IN,
            ),
            interval: seconds(answer.interval.as_ref(), DEFAULT_INTERVAL, MAX_INTERVAL),
        })
    }

    /// Poll once.
    pub(crate) async fn poll(&self, code: &DeviceCode) -> Result<Poll, SignInError> {
        let url = self.endpoints.token_url_v2(&self.tenant);
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", self.client_id.as_str()),
            ("device_code", code.device_code.expose_secret()),
        ];
        let (status, body) = post_form(&self.http, &url, &form, self.timeout).await?;
        if (200..300).contains(&status) {
            let answer: TokenAnswer =
                parse_json(&body).map_err(|e| AuthError::InvalidResponse {
                    message: format!("token answer: {}", describe_json_error(&e)),
                })?;
            let refresh_token = answer.refresh_token.ok_or(AuthError::InvalidResponse {
                message:
                    "the token answer has no refresh_token (the scope asks for offline_access)"
                        .into(),
            })?;
            let claims = TokenClaims::read(answer.access_token.expose_secret());
            return Ok(Poll::Done(Box::new(SignedIn {
                refresh_token,
                claims,
            })));
        }
        let error: TokenErrorBody = parse_json(&body).unwrap_or_default();
        match error.error.as_str() {
            "authorization_pending" => Ok(Poll::Pending),
            "slow_down" => Ok(Poll::SlowDown),
            "authorization_declined" | "access_denied" => Err(SignInError::Declined),
            "expired_token" | "code_expired" => Err(SignInError::Expired {
                after: code.expires_in,
            }),
            _ => Err(refusal(status, &body).into()),
        }
    }
}

/// A refused call: unavailable (408, 429, 5xx) or rejected.
fn refusal(status: u16, body: &[u8]) -> AuthError {
    super::token::refusal(status, body, "device sign-in", &[])
}

/// Poll until the sign-in is done, waiting `interval` before each poll
/// (five seconds more after each `slow_down`), and giving up when the code
/// expires. A poll the authority could not answer (unavailable) is tried
/// again at the next interval. Cancel by dropping the future (Ctrl-C).
pub(crate) async fn wait_for_sign_in<P, F>(
    code: &DeviceCode,
    mut poll: P,
) -> Result<SignedIn, SignInError>
where
    P: FnMut() -> F,
    F: Future<Output = Result<Poll, SignInError>>,
{
    let started = Instant::now();
    let deadline = started.checked_add(code.expires_in).unwrap_or(started);
    let mut interval = code.interval;
    loop {
        let next = Instant::now().checked_add(interval).unwrap_or(deadline);
        if next >= deadline {
            return Err(SignInError::Expired {
                after: code.expires_in,
            });
        }
        tokio::time::sleep_until(next).await;
        match poll().await {
            Ok(Poll::Done(signed_in)) => return Ok(*signed_in),
            Ok(Poll::Pending) => {}
            Ok(Poll::SlowDown) => {
                interval = interval.saturating_add(SLOW_DOWN_STEP).min(MAX_INTERVAL);
                tracing::info!(
                    interval_secs = interval.as_secs(),
                    "the authority asked to slow down"
                );
            }
            Err(SignInError::Auth(e)) if e.is_transient() => {
                tracing::warn!(error = %e, "polling for the sign-in failed; trying again");
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
#[path = "device_tests.rs"]
mod tests;
