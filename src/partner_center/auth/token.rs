//! [`TokenSource`]: fetches the bearer token from
//! `{authority}/{tenant}/oauth2/token`, caches it and refreshes it before it
//! expires; concurrent callers share one refresh. Token-endpoint error
//! descriptions are scrubbed of every secret before they are shown, and a
//! redirect from the token endpoint is refused (the secret is never
//! re-posted elsewhere).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{AuthError, Credentials, REFRESH_MARGIN, one_line, redact};
use crate::partner_center::client::APPLICATION;
use crate::partner_center::cloud::CloudEndpoints;
use crate::partner_center::error::describe_json_error;
use crate::partner_center::resources::{TokenErrorBody, TokenResponse, parse_json};
use crate::partner_center::trace;

/// A bearer token handed out by [`TokenSource::token`]. `Debug` redacts it.
#[derive(Debug, Clone)]
pub struct BearerToken {
    value: SecretString,
    generation: u64,
}

impl BearerToken {
    /// The token text, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        self.value.expose_secret()
    }

    /// Which fetch produced this token: pass it to [`TokenSource::invalidate`].
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// A cached token and when to replace it.
#[derive(Debug, Clone)]
struct CachedToken {
    value: SecretString,
    generation: u64,
    /// From here on, fetch a new one.
    refresh_at: Instant,
    /// From here on, the token is no use even if a refresh fails.
    expires_at: Instant,
}

impl CachedToken {
    fn new(value: SecretString, generation: u64, fetched_at: Instant, expires_in: u64) -> Self {
        let lifetime = Duration::from_secs(expires_in);
        Self {
            value,
            generation,
            refresh_at: fetched_at + lifetime - refresh_margin(lifetime),
            expires_at: fetched_at + lifetime,
        }
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    fn is_usable(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    fn bearer(&self) -> BearerToken {
        BearerToken {
            value: self.value.clone(),
            generation: self.generation,
        }
    }
}

/// How long before expiry a token is replaced: 5 minutes, or 10% of its
/// lifetime when that is shorter.
pub fn refresh_margin(lifetime: Duration) -> Duration {
    REFRESH_MARGIN.min(lifetime / 10)
}

#[derive(Debug, Default)]
struct Cache {
    current: Option<CachedToken>,
    /// Number of tokens fetched so far (also the last generation).
    fetches: u64,
    /// A rotated refresh token, if the authority sent one.
    refresh_token: Option<SecretString>,
}

/// Fetches, caches and refreshes the bearer token. Cheap to clone (shared).
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<TokenSourceInner>,
}

struct TokenSourceInner {
    credentials: Credentials,
    token_url: Option<String>,
    resource: String,
    http: reqwest::Client,
    timeout: Duration,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.inner.credentials)
            .field("token_url", &self.inner.token_url)
            .field("resource", &self.inner.resource)
            .finish_non_exhaustive()
    }
}

/// Token answer fields that [`TokenResponse`] does not carry.
#[derive(Deserialize)]
struct RotatedRefreshToken {
    #[serde(default)]
    refresh_token: Option<SecretString>,
}

impl TokenSource {
    /// A token source for `credentials` against the endpoints' authority and
    /// resource, using the shared HTTP client with `timeout` per token call.
    pub fn new(
        credentials: Credentials,
        endpoints: &CloudEndpoints,
        http: reqwest::Client,
        timeout: Duration,
    ) -> Self {
        let token_url = credentials.tenant().map(|t| endpoints.token_url(t));
        Self {
            inner: Arc::new(TokenSourceInner {
                credentials,
                token_url,
                resource: endpoints.resource.clone(),
                http,
                timeout,
                cache: Mutex::new(Cache::default()),
            }),
        }
    }

    /// The credentials in use.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// Whether a rejected token can be replaced by a new one.
    pub fn can_refresh(&self) -> bool {
        self.inner.credentials.can_refresh()
    }

    /// How many tokens have been fetched from the authority so far.
    pub async fn fetch_count(&self) -> u64 {
        self.inner.cache.lock().await.fetches
    }

    /// A valid token: the cached one, or a new one when it is close to
    /// expiry or was invalidated. Concurrent callers wait for one fetch.
    pub async fn token(&self) -> Result<BearerToken, AuthError> {
        if let Credentials::AccessToken(token) = &self.inner.credentials {
            return Ok(BearerToken {
                value: token.clone(),
                generation: 0,
            });
        }
        let mut cache = self.inner.cache.lock().await;
        let now = Instant::now();
        if let Some(current) = cache.current.as_ref().filter(|t| t.is_fresh(now)) {
            return Ok(current.bearer());
        }
        match self.fetch(&mut cache).await {
            Ok(token) => Ok(token),
            Err(err) => {
                // A refresh ahead of expiry failed: the old token still works.
                if err.is_transient()
                    && let Some(current) = cache.current.as_ref().filter(|t| t.is_usable(now))
                {
                    tracing::warn!(error = %err, "token refresh failed; using the current token until it expires");
                    return Ok(current.bearer());
                }
                Err(err)
            }
        }
    }

    /// Drop the token of `generation` (Partner Center answered 401 to it), so
    /// the next [`token`](Self::token) fetches a new one. A newer token,
    /// already fetched by a concurrent caller, is kept.
    pub async fn invalidate(&self, generation: u64) {
        let mut cache = self.inner.cache.lock().await;
        if cache
            .current
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            tracing::debug!(generation, "token invalidated after a 401");
            cache.current = None;
        }
    }

    async fn fetch(&self, cache: &mut Cache) -> Result<BearerToken, AuthError> {
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

    /// The token request's form: the grant of the credentials, and the resource.
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
                client_secret,
                ..
            } => {
                let refresh_token = cache.refresh_token.as_ref().unwrap_or(refresh_token);
                form.push(("grant_type", "refresh_token"));
                form.push(("client_id", client_id));
                form.push(("refresh_token", refresh_token.expose_secret()));
                if let Some(secret) = client_secret {
                    form.push(("client_secret", secret.expose_secret()));
                }
            }
            Credentials::AccessToken(_) => {}
        }
        form.push(("resource", &inner.resource));
        form
    }

    /// Post the form (traced, secrets masked); the answer's status and body.
    /// A redirect is refused: the client secret is never re-posted elsewhere.
    async fn post(&self, url: &str, form: &[(&str, &str)]) -> Result<(u16, Vec<u8>), AuthError> {
        let inner = &self.inner;
        let started = std::time::Instant::now();
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(APPLICATION));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        trace::form_request(url, &headers, form);
        let response = inner
            .http
            .post(url)
            .timeout(inner.timeout)
            .headers(headers)
            .form(form)
            .send()
            .await
            .map_err(|e| self.unavailable(&e))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let traced = trace::enabled().then(|| response.headers().clone());
        let body = response
            .bytes()
            .await
            .map_err(|e| self.unavailable(&e))?
            .to_vec();
        if let Some(headers) = &traced {
            trace::response("POST", url, status, started.elapsed(), headers, &body);
        }
        tracing::debug!(
            method = "POST",
            path = "/{tenant}/oauth2/token",
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
            cache.refresh_token = Some(rotated);
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
        let err: TokenErrorBody = parse_json(body).unwrap_or_default();
        let description = self.scrub(&one_line(if err.error_description.is_empty() {
            String::from_utf8_lossy(body).chars().take(300).collect()
        } else {
            err.error_description
        }));
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
                self.scrub(&err.error)
            },
            description,
            credentials: self.inner.credentials.kind(),
        }
    }

    fn unavailable(&self, e: &reqwest::Error) -> AuthError {
        let message = if e.is_timeout() {
            format!(
                "no answer within {}",
                crate::partner_center::error::human_duration(self.inner.timeout)
            )
        } else {
            crate::partner_center::error::error_chain(e)
        };
        AuthError::Unavailable {
            message: self.scrub(&message),
        }
    }

    /// Remove every secret value from `text`.
    fn scrub(&self, text: &str) -> String {
        redact(text, &self.inner.credentials.secrets())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_five_minutes_or_a_tenth_of_the_lifetime() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(300)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(600)),
            Duration::from_secs(60)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_cached_token_is_replaced_before_it_expires() {
        let t0 = Instant::now();
        let token = CachedToken::new(SecretString::from("x"), 1, t0, 3600);
        assert!(token.is_fresh(t0 + Duration::from_secs(3299)));
        assert!(!token.is_fresh(t0 + Duration::from_secs(3300)));
        assert!(token.is_usable(t0 + Duration::from_secs(3599)));
        assert!(!token.is_usable(t0 + Duration::from_secs(3600)));
        let expired = CachedToken::new(SecretString::from("x"), 2, t0, 0);
        assert!(!expired.is_fresh(t0));
    }

    #[tokio::test]
    async fn an_access_token_source_hands_out_the_token_without_fetching() {
        let creds = Credentials::AccessToken(SecretString::from("ready-token"));
        let source = TokenSource::new(
            creds,
            &CloudEndpoints::global(),
            reqwest::Client::new(),
            Duration::from_secs(1),
        );
        let t = source.token().await.unwrap();
        assert_eq!(t.expose(), "ready-token");
        source.invalidate(t.generation()).await;
        assert_eq!(source.token().await.unwrap().expose(), "ready-token");
        assert_eq!(source.fetch_count().await, 0);
        assert!(!format!("{source:?}").contains("ready-token"));
        assert!(!format!("{t:?}").contains("ready-token"));
    }
}
