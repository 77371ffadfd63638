//! Credentials from the environment and the bearer token they buy.
//!
//! Three ways in (`interface.md`, "Credentials"):
//!
//! | variables | credentials |
//! |---|---|
//! | `PC_ACCESS_TOKEN` | a ready bearer token (wins when set; cannot be refreshed) |
//! | `PC_REFRESH_TOKEN`, `PC_CLIENT_ID` [, `PC_TENANT_ID`, `PC_CLIENT_SECRET`] | App+User token from a refresh token |
//! | `PC_TENANT_ID`, `PC_CLIENT_ID`, `PC_CLIENT_SECRET` | app-only token (client credentials) |
//!
//! [`TokenSource`] fetches the token from `{authority}/{tenant}/oauth2/token`,
//! caches it and refreshes it before it expires; concurrent callers share one
//! refresh. Secrets are [`SecretString`]s: they never appear in `Debug`,
//! `Display` or logs, and token-endpoint error descriptions are scrubbed of
//! them before they are shown.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::cloud::CloudEndpoints;
use super::resources::{TokenErrorBody, TokenResponse, parse_json};

/// `PC_TENANT_ID`: the partner's Azure AD tenant (id or domain).
pub const ENV_TENANT_ID: &str = "PC_TENANT_ID";
/// `PC_CLIENT_ID`: the application (client) id.
pub const ENV_CLIENT_ID: &str = "PC_CLIENT_ID";
/// `PC_CLIENT_SECRET`: the application secret.
pub const ENV_CLIENT_SECRET: &str = "PC_CLIENT_SECRET";
/// `PC_REFRESH_TOKEN`: an App+User refresh token.
pub const ENV_REFRESH_TOKEN: &str = "PC_REFRESH_TOKEN";
/// `PC_ACCESS_TOKEN`: a ready bearer token.
pub const ENV_ACCESS_TOKEN: &str = "PC_ACCESS_TOKEN";

/// The tenant used for a refresh token when `PC_TENANT_ID` is not set.
pub const COMMON_TENANT: &str = "common";

/// Tokens are refreshed when less than this remains (or 10% of the
/// lifetime, whichever is shorter).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How the client authenticates. `Debug` never shows a secret.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// App-only: client-credentials grant.
    ClientCredentials {
        /// Partner tenant id or domain.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// Application secret.
        client_secret: SecretString,
    },
    /// App+User: refresh-token grant (needed for indirect-reseller creation
    /// and MCA attestation).
    RefreshToken {
        /// Partner tenant id or domain (`common` when not given).
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// The refresh token.
        refresh_token: SecretString,
        /// Application secret, for confidential clients.
        client_secret: Option<SecretString>,
    },
    /// A ready bearer token; it cannot be refreshed.
    AccessToken(SecretString),
}

impl Credentials {
    /// Read the credentials from the process environment; `Ok(None)` when
    /// none of the variables is set.
    pub fn from_env() -> Result<Option<Self>, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the credentials through `lookup` (a variable name → value
    /// function), so that tests need not touch the environment. Empty or
    /// blank values count as unset.
    pub fn from_lookup<F>(lookup: F) -> Result<Option<Self>, AuthError>
    where
        F: Fn(&str) -> Option<String>,
    {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = get(ENV_ACCESS_TOKEN) {
            return Ok(Some(Credentials::AccessToken(SecretString::from(token))));
        }
        let tenant_id = get(ENV_TENANT_ID);
        let client_id = get(ENV_CLIENT_ID);
        let client_secret = get(ENV_CLIENT_SECRET).map(SecretString::from);
        if let Some(refresh_token) = get(ENV_REFRESH_TOKEN) {
            let client_id = client_id.ok_or(AuthError::MissingVariable {
                variable: ENV_CLIENT_ID,
                needed_for: "a refresh token (PC_REFRESH_TOKEN) needs PC_CLIENT_ID",
            })?;
            return Ok(Some(Credentials::RefreshToken {
                tenant_id: tenant_id.unwrap_or_else(|| COMMON_TENANT.to_owned()),
                client_id,
                refresh_token: SecretString::from(refresh_token),
                client_secret,
            }));
        }
        if tenant_id.is_none() && client_id.is_none() && client_secret.is_none() {
            return Ok(None);
        }
        const NEEDED: &str = "client credentials need PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or set PC_REFRESH_TOKEN or PC_ACCESS_TOKEN)";
        let missing = |variable| AuthError::MissingVariable {
            variable,
            needed_for: NEEDED,
        };
        Ok(Some(Credentials::ClientCredentials {
            tenant_id: tenant_id.ok_or_else(|| missing(ENV_TENANT_ID))?,
            client_id: client_id.ok_or_else(|| missing(ENV_CLIENT_ID))?,
            client_secret: client_secret.ok_or_else(|| missing(ENV_CLIENT_SECRET))?,
        }))
    }

    /// A short human name of the kind of credentials (for the summary and
    /// messages): `client credentials`, `refresh token (App+User)`, `access token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::ClientCredentials { .. } => "client credentials",
            Credentials::RefreshToken { .. } => "refresh token (App+User)",
            Credentials::AccessToken(_) => "access token",
        }
    }

    /// App-only credentials (client credentials): Partner Center refuses
    /// App+User-only operations with them. A ready access token may be
    /// either kind: it is not counted as app-only.
    pub fn is_app_only(&self) -> bool {
        matches!(self, Credentials::ClientCredentials { .. })
    }

    /// Whether a new token can be fetched (everything but a ready access token).
    pub fn can_refresh(&self) -> bool {
        !matches!(self, Credentials::AccessToken(_))
    }

    fn tenant(&self) -> Option<&str> {
        match self {
            Credentials::ClientCredentials { tenant_id, .. }
            | Credentials::RefreshToken { tenant_id, .. } => Some(tenant_id),
            Credentials::AccessToken(_) => None,
        }
    }

    /// The secret values, to scrub them from anything shown.
    fn secrets(&self) -> Vec<&str> {
        match self {
            Credentials::ClientCredentials { client_secret, .. } => {
                vec![client_secret.expose_secret()]
            }
            Credentials::RefreshToken {
                refresh_token,
                client_secret,
                ..
            } => {
                let mut v = vec![refresh_token.expose_secret()];
                if let Some(s) = client_secret {
                    v.push(s.expose_secret());
                }
                v
            }
            Credentials::AccessToken(token) => vec![token.expose_secret()],
        }
    }
}

/// Authentication failures. None of them carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A set of credential variables is incomplete.
    #[error("{variable} is not set: {needed_for}")]
    MissingVariable {
        /// The missing variable.
        variable: &'static str,
        /// Which set needs it.
        needed_for: &'static str,
    },
    /// The token authority refused the credentials (`invalid_client`,
    /// `invalid_grant`, ...).
    #[error("the token authority refused the {credentials} ({status}, {error}): {description}")]
    Rejected {
        /// HTTP status of the token answer.
        status: u16,
        /// OAuth error, e.g. `invalid_client`.
        error: String,
        /// OAuth error description (secrets removed).
        description: String,
        /// Kind of credentials ([`Credentials::kind`]).
        credentials: &'static str,
    },
    /// The token authority could not be reached, timed out or answered
    /// 429/5xx: worth retrying.
    #[error("the token authority is unavailable: {message}")]
    Unavailable {
        /// What happened.
        message: String,
    },
    /// The token authority answered 2xx with a body that is not a token.
    #[error("the token authority's answer could not be read: {message}")]
    InvalidResponse {
        /// What is wrong with it (never the body itself).
        message: String,
    },
    /// Partner Center answered 401 to a fresh token (or to an access token
    /// that cannot be refreshed).
    #[error("{}", unauthorized_text(code, description, *refreshable))]
    Unauthorized {
        /// Partner Center error code, if any (e.g. `900420`).
        code: String,
        /// Partner Center's description.
        description: String,
        /// Whether the credentials could be refreshed (false for `PC_ACCESS_TOKEN`).
        refreshable: bool,
    },
}

fn unauthorized_text(code: &str, description: &str, refreshable: bool) -> String {
    let mut s = String::from("Partner Center rejected the access token (401");
    if !code.is_empty() {
        s.push_str(", code ");
        s.push_str(code);
    }
    s.push(')');
    if !description.is_empty() {
        s.push_str(": ");
        s.push_str(description);
    }
    if !refreshable {
        s.push_str(
            " (PC_ACCESS_TOKEN cannot be refreshed: set a fresh one, or use PC_CLIENT_ID/PC_CLIENT_SECRET)",
        );
    }
    s
}

impl AuthError {
    /// Whether trying again later may succeed (the authority was unavailable).
    pub fn is_transient(&self) -> bool {
        matches!(self, AuthError::Unavailable { .. })
    }
}

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

        let fetched_at = Instant::now();
        let started = std::time::Instant::now();
        let mut accept = reqwest::header::HeaderMap::new();
        accept.insert(
            reqwest::header::ACCEPT,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        super::trace::form_request(url, &accept, &form);
        let response = inner
            .http
            .post(url)
            .timeout(inner.timeout)
            .headers(accept)
            .form(&form)
            .send()
            .await;
        let (status, body) = match response {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let traced = super::trace::enabled().then(|| resp.headers().clone());
                match resp.bytes().await {
                    Ok(body) => {
                        if let Some(headers) = &traced {
                            let elapsed = started.elapsed();
                            super::trace::response("POST", url, status, elapsed, headers, &body);
                        }
                        (status, body)
                    }
                    Err(e) => return Err(self.unavailable(&e)),
                }
            }
            Err(e) => return Err(self.unavailable(&e)),
        };
        tracing::debug!(
            method = "POST",
            path = "/{tenant}/oauth2/token",
            status,
            ms = started.elapsed().as_millis() as u64,
            "token call"
        );

        if (200..300).contains(&status) {
            let answer: TokenResponse =
                parse_json(&body).map_err(|e| AuthError::InvalidResponse {
                    message: super::error::describe_json_error(&e),
                })?;
            if answer.access_token.expose_secret().is_empty() {
                return Err(AuthError::InvalidResponse {
                    message: "the answer has an empty access_token".into(),
                });
            }
            if let Ok(RotatedRefreshToken {
                refresh_token: Some(rotated),
            }) = parse_json::<RotatedRefreshToken>(&body)
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
            return Ok(bearer);
        }

        let err: TokenErrorBody = parse_json(&body).unwrap_or_default();
        let description = self.scrub(&one_line(if err.error_description.is_empty() {
            String::from_utf8_lossy(&body).chars().take(300).collect()
        } else {
            err.error_description
        }));
        if status == 429 || status >= 500 || status == 408 {
            return Err(AuthError::Unavailable {
                message: format!("the token endpoint answered {status}: {description}"),
            });
        }
        Err(AuthError::Rejected {
            status,
            error: if err.error.is_empty() {
                "unknown_error".into()
            } else {
                self.scrub(&err.error)
            },
            description,
            credentials: inner.credentials.kind(),
        })
    }

    fn unavailable(&self, e: &reqwest::Error) -> AuthError {
        let message = if e.is_timeout() {
            format!(
                "no answer within {}",
                super::error::human_duration(self.inner.timeout)
            )
        } else {
            super::error::error_chain(e)
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

/// Replace every occurrence of each (non-trivial) secret in `text`.
fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(secret) {
            out = out.replace(secret, "[REDACTED]");
        }
    }
    out
}

/// Collapse all whitespace (AAD descriptions carry `\r\n`) into single spaces.
pub(crate) fn one_line(text: impl AsRef<str>) -> String {
    text.as_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn no_variables_means_no_credentials() {
        assert!(Credentials::from_lookup(lookup(&[])).unwrap().is_none());
        assert!(
            Credentials::from_lookup(lookup(&[(ENV_CLIENT_SECRET, "  ")]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn tenant_client_and_secret_make_client_credentials() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_ID, "c"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap()
        .unwrap();
        match &c {
            Credentials::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            } => {
                assert_eq!(tenant_id, "t");
                assert_eq!(client_id, "c");
                assert_eq!(client_secret.expose_secret(), "s3cr3t-value");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!format!("{c:?}").contains("s3cr3t-value"));
        assert!(c.can_refresh());
    }

    #[test]
    fn an_incomplete_client_credentials_set_names_the_missing_variable() {
        let err = Credentials::from_lookup(lookup(&[
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap_err();
        assert!(matches!(
            err,
            AuthError::MissingVariable {
                variable: ENV_CLIENT_ID,
                ..
            }
        ));
        assert!(err.to_string().starts_with("PC_CLIENT_ID is not set"));
        assert!(!err.to_string().contains("s3cr3t-value"));

        let err = Credentials::from_lookup(lookup(&[(ENV_TENANT_ID, "t"), (ENV_CLIENT_ID, "c")]))
            .unwrap_err();
        assert!(err.to_string().starts_with("PC_CLIENT_SECRET is not set"));

        let err = Credentials::from_lookup(lookup(&[(ENV_CLIENT_ID, "c")])).unwrap_err();
        assert!(err.to_string().starts_with("PC_TENANT_ID is not set"));
    }

    #[test]
    fn a_refresh_token_needs_a_client_id_and_defaults_the_tenant_to_common() {
        let err = Credentials::from_lookup(lookup(&[(ENV_REFRESH_TOKEN, "rt-value")])).unwrap_err();
        assert!(err.to_string().starts_with("PC_CLIENT_ID is not set"));

        let c = Credentials::from_lookup(lookup(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
        ]))
        .unwrap()
        .unwrap();
        match &c {
            Credentials::RefreshToken {
                tenant_id,
                client_secret,
                ..
            } => {
                assert_eq!(tenant_id, COMMON_TENANT);
                assert!(client_secret.is_none());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(c.kind(), "refresh token (App+User)");

        let c = Credentials::from_lookup(lookup(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(
            &c,
            Credentials::RefreshToken { tenant_id, client_secret: Some(_), .. } if tenant_id == "t"
        ));
        assert!(!format!("{c:?}").contains("rt-value"));
    }

    #[test]
    fn an_access_token_wins_and_cannot_be_refreshed() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_ACCESS_TOKEN, "eyJ0eXAi"),
            (ENV_TENANT_ID, "t"),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(&c, Credentials::AccessToken(t) if t.expose_secret() == "eyJ0eXAi"));
        assert!(!c.can_refresh());
        assert!(!format!("{c:?}").contains("eyJ0eXAi"));
    }

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

    #[test]
    fn secrets_are_scrubbed_from_descriptions() {
        assert_eq!(
            redact("bad secret s3cr3t-value given", &["s3cr3t-value", "x"]),
            "bad secret [REDACTED] given"
        );
        assert_eq!(
            one_line("AADSTS7000215: bad.\r\nTrace ID: 1"),
            "AADSTS7000215: bad. Trace ID: 1"
        );
    }

    #[test]
    fn unauthorized_with_an_access_token_says_how_to_fix_it() {
        let e = AuthError::Unauthorized {
            code: "900420".into(),
            description: "The audience is invalid".into(),
            refreshable: false,
        };
        let text = e.to_string();
        assert!(text.starts_with(
            "Partner Center rejected the access token (401, code 900420): The audience is invalid"
        ));
        assert!(text.contains("PC_ACCESS_TOKEN cannot be refreshed"));
        assert!(!e.is_transient());
        assert!(
            AuthError::Unavailable {
                message: "x".into()
            }
            .is_transient()
        );
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
