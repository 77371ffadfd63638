//! [`TokenSource`]: fetches the bearer token from
//! `{authority}/{tenant}/oauth2/token`, caches it and refreshes it before it
//! expires; concurrent callers share one refresh. Token-endpoint error
//! descriptions are scrubbed of every secret before they are shown, and a
//! redirect from the token endpoint is refused (the secret is never
//! re-posted elsewhere).

mod request;

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{AuthError, Credentials, REFRESH_MARGIN};
use crate::partner_center::cloud::CloudEndpoints;

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
