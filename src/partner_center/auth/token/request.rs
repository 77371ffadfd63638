//! The token call: the request form for the credentials' grant, the POST
//! (traced with secrets masked, redirects refused), and reading the answer:
//! a token to cache, or an error scrubbed of every secret.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

use tokio::time::Instant;

use super::{BearerToken, Cache, CachedToken, TokenSource};
use crate::partner_center::auth::{AuthError, Credentials, one_line, redact};
use crate::partner_center::client::APPLICATION;
use crate::partner_center::error::describe_json_error;
use crate::partner_center::resources::{TokenErrorBody, TokenResponse, parse_json};
use crate::partner_center::trace;

/// Token answer fields that [`TokenResponse`] does not carry.
#[derive(Deserialize)]
struct RotatedRefreshToken {
    #[serde(default, deserialize_with = "optional_registered_secret")]
    refresh_token: Option<SecretString>,
}

fn optional_registered_secret<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value.map(|v| {
        crate::secrets::register(&v);
        SecretString::from(v)
    }))
}

impl TokenSource {
    /// Fetch a new token from the authority and cache it.
    pub(super) async fn fetch(&self, cache: &mut Cache) -> Result<BearerToken, AuthError> {
        let inner = &self.inner;
        let Some(url) = inner.token_url.as_deref() else {
            return Err(AuthError::InvalidResponse {
                message: "no token endpoint for these credentials".into(),
            });
        };
        let form = self.form(cache);
        let fetched_at = Instant::now();
        let (status, body) = self.post(url, &form).await?;
        if (200..300).contains(&status) {
            return self.accept(cache, &body, fetched_at);
        }
        Err(self.refusal(status, &body))
    }

    /// The token request's form: the grant of the credentials, and the
    /// resource (v1) or the scope (v2, a sign-in).
    fn form<'a>(&'a self, cache: &'a Cache) -> Vec<(&'a str, &'a str)> {
        let inner = &self.inner;
        let mut form: Vec<(&str, &str)> = Vec::with_capacity(5);
        match &inner.credentials {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
                ..
            } => {
                form.push(("grant_type", "client_credentials"));
                form.push(("client_id", client_id));
                form.push(("client_secret", client_secret.expose_secret()));
            }
            Credentials::RefreshToken {
                client_id,
                refresh_token,
                ..
            }
            | Credentials::SignedIn {
                client_id,
                refresh_token,
                ..
            } => {
                let refresh_token = cache.refresh_token.as_ref().unwrap_or(refresh_token);
                form.push(("grant_type", "refresh_token"));
                form.push(("client_id", client_id));
                form.push(("refresh_token", refresh_token.expose_secret()));
                if let Credentials::RefreshToken {
                    client_secret: Some(secret),
                    ..
                } = &inner.credentials
                {
                    form.push(("client_secret", secret.expose_secret()));
                }
                if matches!(inner.credentials, Credentials::SignedIn { .. }) {
                    // v2: the scope instead of the resource.
                    form.push(("scope", &inner.scope));
                    return form;
                }
            }
            Credentials::AccessToken(_) => {}
        }
        form.push(("resource", &inner.resource));
        form
    }

    /// Post the form (traced, secrets masked); the answer's status and body.
    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Result<(u16, Vec<u8>), AuthError> {
        post_form(&self.inner.http, url, form, self.inner.timeout).await
    }

    /// A 2xx token answer: cache the token (and a rotated refresh token).
    fn accept(
        &self,
        cache: &mut Cache,
        body: &[u8],
        fetched_at: Instant,
    ) -> Result<BearerToken, AuthError> {
        let has_token = parse_json::<serde_json::Value>(body)
            .ok()
            .is_some_and(|v| v.get("access_token").is_some_and(|t| !t.is_null()));
        if !has_token {
            return Err(AuthError::InvalidResponse {
                message: "the answer has no access_token (is the authority URL a token endpoint? check --authority)".into(),
            });
        }
        let answer: TokenResponse = parse_json(body).map_err(|e| AuthError::InvalidResponse {
            message: describe_json_error(&e),
        })?;
        if answer.access_token.expose_secret().is_empty() {
            return Err(AuthError::InvalidResponse {
                message: "the answer has an empty access_token".into(),
            });
        }
        if let Ok(RotatedRefreshToken {
            refresh_token: Some(rotated),
        }) = parse_json::<RotatedRefreshToken>(body)
            && !rotated.expose_secret().is_empty()
        {
            if let Some(hook) = &self.inner.on_rotate {
                hook.call(&rotated);
            }
            cache.refresh_token = Some(rotated);
        }
        if answer.expires_in > super::MAX_TOKEN_LIFETIME.as_secs() {
            tracing::warn!(
                expires_in = answer.expires_in,
                used_secs = super::MAX_TOKEN_LIFETIME.as_secs(),
                "the token authority gave the token a lifetime of {} s; pc-onboard replaces it within a day",
                answer.expires_in
            );
        }
        cache.fetches += 1;
        let token = CachedToken::new(
            answer.access_token,
            cache.fetches,
            fetched_at,
            answer.expires_in,
        );
        tracing::debug!(
            expires_in = answer.expires_in,
            generation = cache.fetches,
            "token fetched"
        );
        let bearer = token.bearer();
        cache.current = Some(token);
        Ok(bearer)
    }

    /// A non-2xx token answer: unavailable (408, 429, 5xx) or refused.
    fn refusal(&self, status: u16, body: &[u8]) -> AuthError {
        let secrets = self.inner.credentials.secrets();
        refusal(status, body, self.inner.credentials.kind(), &secrets)
    }
}

/// A non-2xx answer of a token endpoint: unavailable (408, 429, 5xx) or
/// refused, its description scrubbed of `secrets` and of every secret the
/// process holds.
pub(crate) fn refusal(
    status: u16,
    body: &[u8],
    credentials: &'static str,
    secrets: &[&str],
) -> AuthError {
    let err: TokenErrorBody = parse_json(body).unwrap_or_default();
    let description = redact(
        &one_line(if err.error_description.is_empty() {
            String::from_utf8_lossy(body).chars().take(300).collect()
        } else {
            err.error_description
        }),
        secrets,
    );
    if status == 429 || status >= 500 || status == 408 {
        return AuthError::Unavailable {
            message: format!("the token endpoint answered {status}: {description}"),
        };
    }
    AuthError::Rejected {
        status,
        error: if err.error.is_empty() {
            "unknown_error".into()
        } else {
            redact(&one_line(&err.error), secrets)
        },
        description,
        credentials,
    }
}

/// Post `form` to the token endpoint `url` (traced with secrets masked);
/// the answer's status and body. A redirect is refused: a secret is never
/// re-posted elsewhere.
pub(crate) async fn post_form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
    timeout: Duration,
) -> Result<(u16, Vec<u8>), AuthError> {
    let started = std::time::Instant::now();
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(APPLICATION));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    trace::form_request(url, &headers, form);
    let unavailable = |e: &reqwest::Error| unavailable(e, timeout);
    let response = http
        .post(url)
        .timeout(timeout)
        .headers(headers)
        .form(form)
        .send()
        .await
        .map_err(|e| unavailable(&e))?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(crate::secrets::scrubbed);
    let traced = trace::enabled().then(|| response.headers().clone());
    let body = response
        .bytes()
        .await
        .map_err(|e| unavailable(&e))?
        .to_vec();
    if let Some(headers) = &traced {
        trace::response("POST", url, status, started.elapsed(), headers, &body);
    }
    let path = url.rsplit_once("/oauth2/").map_or("", |(_, p)| p);
    tracing::debug!(
        method = "POST",
        path = format!("/{{tenant}}/oauth2/{path}"),
        status,
        ms = started.elapsed().as_millis() as u64,
        "token call"
    );
    if (300..400).contains(&status) {
        return Err(AuthError::Redirected {
            status,
            location: location.unwrap_or_default(),
        });
    }
    Ok((status, body))
}

fn unavailable(e: &reqwest::Error, timeout: Duration) -> AuthError {
    let message = if e.is_timeout() {
        format!(
            "no answer within {}",
            crate::partner_center::error::human_duration(timeout)
        )
    } else {
        crate::partner_center::error::error_chain(e)
    };
    AuthError::Unavailable {
        message: crate::secrets::scrubbed(&message),
    }
}
