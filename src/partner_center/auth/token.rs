//! [`TokenSource`]: fetches the bearer token from
//! `{authority}/{tenant}/oauth2/token` (v2 for a sign-in), caches it and
//! refreshes it before it expires; concurrent callers share one refresh.
//! Every secret it holds or gets is registered with `crate::secrets`;
//! token-endpoint error descriptions are scrubbed before they are shown,
//! and a redirect from the token endpoint is refused (the secret is never
//! re-posted elsewhere). A lifetime the authority gives is believed up to
//! [`MAX_TOKEN_LIFETIME`]: no answer can overflow the clock.

mod request;

pub(crate) use request::{post_form, refusal};

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{AuthError, Credentials, REFRESH_MARGIN, RotationHook};
use crate::partner_center::cloud::CloudEndpoints;

/// A bearer token handed out by [`TokenSource::token`]. `Debug` redacts it.
#[derive(Debug, Clone)]
pub(crate) struct BearerToken {
    value: SecretString,
    generation: u64,
}

impl BearerToken {
    /// The token text, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        self.value.expose_secret()
    }

    /// Which fetch produced this token: pass it to [`TokenSource::invalidate`].
    pub(crate) fn generation(&self) -> u64 {
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

/// The longest lifetime a token answer is believed for: Entra ID's access
/// tokens live 60 to 90 minutes (24 hours at most, configurable); a longer
/// `expires_in` (up to 18446744073709551615, which once overflowed the
/// clock) is cut to this, with a warning.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// `expires_in` as a lifetime, at most [`MAX_TOKEN_LIFETIME`].
pub(crate) fn lifetime(expires_in: u64) -> Duration {
    Duration::from_secs(expires_in.min(MAX_TOKEN_LIFETIME.as_secs()))
}

impl CachedToken {
    fn new(value: SecretString, generation: u64, fetched_at: Instant, expires_in: u64) -> Self {
        let lifetime = lifetime(expires_in);
        let at = |after: Duration| fetched_at.checked_add(after).unwrap_or(fetched_at);
        Self {
            value,
            generation,
            refresh_at: at(lifetime - refresh_margin(lifetime)),
            expires_at: at(lifetime),
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
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
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
pub(crate) struct TokenSource {
    inner: Arc<TokenSourceInner>,
}

struct TokenSourceInner {
    credentials: Credentials,
    token_url: Option<String>,
    resource: String,
    /// `<resource>/.default offline_access`, for a sign-in's v2 requests.
    scope: String,
    on_rotate: Option<RotationHook>,
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
    pub(crate) fn new(
        credentials: Credentials,
        endpoints: &CloudEndpoints,
        http: reqwest::Client,
        timeout: Duration,
    ) -> Self {
        for secret in credentials.secrets() {
            crate::secrets::register(secret);
        }
        let token_url = credentials.tenant().map(|t| match &credentials {
            Credentials::SignedIn { .. } => endpoints.token_url_v2(t),
            _ => endpoints.token_url(t),
        });
        Self {
            inner: Arc::new(TokenSourceInner {
                credentials,
                token_url,
                resource: endpoints.resource.clone(),
                scope: endpoints.user_scope(),
                on_rotate: None,
                http,
                timeout,
                cache: Mutex::new(Cache::default()),
            }),
        }
    }

    /// Tell `hook` each refresh token the authority rotates in (before
    /// this source is cloned or used).
    pub(crate) fn with_rotation(mut self, hook: Option<RotationHook>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.on_rotate = hook;
        }
        self
    }

    /// Whether a rejected token can be replaced by a new one.
    pub(crate) fn can_refresh(&self) -> bool {
        self.inner.credentials.can_refresh()
    }

    /// How many tokens have been fetched from the authority so far.
    #[cfg(test)]
    pub(crate) async fn fetch_count(&self) -> u64 {
        self.inner.cache.lock().await.fetches
    }

    /// A valid token: the cached one, or a new one when it is close to
    /// expiry or was invalidated. Concurrent callers wait for one fetch.
    pub(crate) async fn token(&self) -> Result<BearerToken, AuthError> {
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
    pub(crate) async fn invalidate(&self, generation: u64) {
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

    #[test]
    fn a_lifetime_of_u64_max_is_cut_to_a_day_without_overflowing_the_clock() {
        let t0 = Instant::now();
        let token = CachedToken::new(SecretString::from("x"), 1, t0, u64::MAX);
        assert!(token.is_fresh(t0 + MAX_TOKEN_LIFETIME - Duration::from_secs(301)));
        assert!(!token.is_usable(t0 + MAX_TOKEN_LIFETIME));
        assert_eq!(lifetime(u64::MAX), MAX_TOKEN_LIFETIME);
        assert_eq!(lifetime(3599), Duration::from_secs(3599));
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
