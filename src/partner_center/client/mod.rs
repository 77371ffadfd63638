//! The Partner Center HTTP client: one shared `reqwest::Client` (rustls,
//! no redirects followed), the token, the common headers, typed answers and
//! errors.
//!
//! Every `/v1` call sends `Authorization: Bearer`, `MS-RequestId`,
//! `MS-CorrelationId` (one per run), `MS-Contract-Version: v1`, `X-Locale`,
//! `MS-PartnerCenter-Application`, `User-Agent` and JSON `Accept` (and
//! `Content-Type` with a body): see `send.rs`. Each call says which kind of
//! credentials it needs (`CallAuth`); the client holds a token source per
//! kind and picks one per call (`tokens.rs`), checking App+User tokens for
//! MFA. A `401` invalidates the token, fetches a new one and retries that
//! request once with the same request id; a `401` with code `900421` (MFA
//! required) is fatal at once. Other retries are the pipeline's: the
//! client makes one attempt and reports a typed [`ApiError`] (see
//! [`ApiError::is_transient`]).
//!
//! Two hooks serve the pipeline: a `BeforeSend` awaited before every `/v1`
//! HTTP attempt (the shared rate limiter, which may refuse because the run
//! is stopping; token calls do not pass it), and a `LatencyObserver` told
//! how long each attempt that got an answer (or timed out) took.

mod agreements;
mod enhanced;
mod limits;
mod relationships;
mod search;
mod send;
mod tokens;
mod validations;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};
use uuid::Uuid;

use super::auth::{AuthError, CallAuth, CredentialKind, CredentialSet, Kinds, TokenSource};
use super::cloud::CloudEndpoints;
use super::error::{ApiError, error_chain};
use super::resources::Customer;
pub(crate) use send::APPLICATION;
use send::Call;

/// Awaited before every `/v1` HTTP attempt, including the retry after a 401
/// (e.g. the shared rate limiter and a 429 pause). An `Err` (the run is
/// stopping) means the request is not sent.
pub(crate) type BeforeSend =
    Arc<dyn Fn() -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;

/// Told the duration of every `/v1` attempt that got an answer or timed out.
pub(crate) type LatencyObserver = Arc<dyn Fn(Duration) + Send + Sync>;

/// Told of every `/v1` request sent again after a `401` (with a new token):
/// its method and path. The caller counts it: Partner Center saw it.
pub(crate) type ResendObserver = Arc<dyn Fn(&Method, &str) + Send + Sync>;

/// Default timeout of reads, checks and token calls.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Default timeout of a create: creating a tenant is slow, and Microsoft's
/// SDK waits 3 minutes per call. A create that times out is resolved by
/// replaying its request id, so a long wait costs nothing but time.
pub(crate) const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(180);

/// Everything the client needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// API base URL, authority and token resource.
    pub(crate) endpoints: CloudEndpoints,
    /// How to get the bearer tokens: app-only, App+User, or both.
    pub(crate) credentials: CredentialSet,
    /// Timeout of one read, check or token call.
    pub timeout: Duration,
    /// Timeout of one create call (the settings make it at least
    /// [`ClientConfig::timeout`]).
    pub create_timeout: Duration,
    /// `MS-CorrelationId` of every call of this run.
    pub correlation_id: Uuid,
    /// `X-Locale`, e.g. `en-US`.
    pub locale: String,
}

impl ClientConfig {
    /// Default timeouts (60 s, creates 180 s), a fresh correlation id, `en-US`.
    pub fn new(endpoints: CloudEndpoints, credentials: impl Into<CredentialSet>) -> Self {
        Self {
            endpoints,
            credentials: credentials.into(),
            timeout: DEFAULT_TIMEOUT,
            create_timeout: DEFAULT_CREATE_TIMEOUT,
            correlation_id: Uuid::new_v4(),
            locale: "en-US".to_owned(),
        }
    }
}

/// The Partner Center client. Cheap to clone: clones share the HTTP
/// connection pool and the token.
#[derive(Clone)]
pub struct PartnerCenterClient {
    inner: Arc<Inner>,
    gate: Option<BeforeSend>,
    observer: Option<LatencyObserver>,
    resent: Option<ResendObserver>,
}

struct Inner {
    http: reqwest::Client,
    api: Url,
    tokens: tokens::Tokens,
    timeout: Duration,
    create_timeout: Duration,
    correlation_id: Uuid,
    locale: HeaderValue,
}

impl fmt::Debug for PartnerCenterClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerCenterClient")
            .field("api", &self.inner.api.as_str())
            .field("tokens", &self.inner.tokens)
            .field("timeout", &self.inner.timeout)
            .field("create_timeout", &self.inner.create_timeout)
            .field("correlation_id", &self.inner.correlation_id)
            .field("gate", &self.gate.is_some())
            .field("observer", &self.observer.is_some())
            .field("resent", &self.resent.is_some())
            .finish()
    }
}

/// An http(s) URL from a setting, or why not.
fn http_url(what: &str, value: &str) -> Result<Url, ApiError> {
    let config_error = |message: String| ApiError::Config { message };
    let url = Url::parse(value).map_err(|e| config_error(format!("{what} {value:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(config_error(format!(
            "{what} {value:?} is not an http(s) URL"
        )));
    }
    Ok(url)
}

impl PartnerCenterClient {
    /// Build the client (one `reqwest::Client` with rustls, shared by clones,
    /// following no redirect: a `3xx` is an error naming its `Location`).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let config_error = |message: String| ApiError::Config { message };
        let api = http_url("endpoint", &config.endpoints.api)?;
        http_url("authority", &config.endpoints.authority)?;
        if config.timeout.is_zero() || config.create_timeout.is_zero() {
            return Err(config_error("the timeout must be more than 0".into()));
        }
        let locale = HeaderValue::from_str(config.locale.trim()).map_err(|_| {
            config_error(format!("locale {:?} is not a header value", config.locale))
        })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.timeout.min(Duration::from_secs(30)))
            .build()
            .map_err(|e| config_error(format!("HTTP client: {}", error_chain(&e))))?;
        let tokens =
            tokens::Tokens::new(config.credentials, &config.endpoints, &http, config.timeout);
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api,
                tokens,
                timeout: config.timeout,
                create_timeout: config.create_timeout,
                correlation_id: config.correlation_id,
                locale,
            }),
            gate: None,
            observer: None,
            resent: None,
        })
    }

    /// Await `gate` before every `/v1` HTTP attempt of this client (and of
    /// its clones made afterwards); an `Err` from it is returned unsent.
    pub fn with_before_send(mut self, gate: BeforeSend) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Report the duration of every `/v1` attempt to `observer`.
    pub fn with_latency_observer(mut self, observer: LatencyObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Tell `observer` of every request sent again after a `401`.
    pub(crate) fn with_resend_observer(mut self, observer: ResendObserver) -> Self {
        self.resent = Some(observer);
        self
    }

    /// The `MS-CorrelationId` of every call.
    pub fn correlation_id(&self) -> Uuid {
        self.inner.correlation_id
    }

    /// The kinds of credentials the client holds.
    pub(crate) fn kinds(&self) -> Kinds {
        self.inner.tokens.kinds()
    }

    /// The token source of `kind` (shared by clones), if the client has one.
    pub(crate) fn tokens(&self, kind: CredentialKind) -> Option<&TokenSource> {
        self.inner.tokens.source(kind)
    }

    /// Whether a call of `auth` can be made, and with which kind, without
    /// a network call: a missing kind, or App+User refused (no MFA, `401
    /// 900421`), is the error the call would end with unsent.
    pub(crate) fn access(&self, auth: CallAuth) -> Result<CredentialKind, AuthError> {
        self.inner.tokens.access(auth).map(|(kind, _)| kind)
    }

    /// Make no App+User call from now on: each fails at once, unsent, with
    /// `reason` (e.g. the sign-in has no MFA, or its refresh token expired).
    pub(crate) fn refuse_app_user(&self, reason: AuthError) {
        self.inner.tokens.refuse(reason);
    }

    /// Fetch (and for App+User, check) a token of each kind the client
    /// holds, so bad credentials stop a run before any row is sent.
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        for kind in [CredentialKind::AppOnly, CredentialKind::AppUser] {
            if self.tokens(kind).is_some() {
                self.authenticate_kind(kind).await?;
            }
        }
        Ok(())
    }

    /// Fetch (and for App+User, check for MFA) a token of `kind`.
    pub(crate) async fn authenticate_kind(&self, kind: CredentialKind) -> Result<(), ApiError> {
        let auth = match kind {
            CredentialKind::AppOnly => CallAuth::AppOnly,
            CredentialKind::AppUser => CallAuth::AppUser,
        };
        self.inner.tokens.token(auth).await?;
        Ok(())
    }

    /// `POST /v1/customers` with `body`, the exact (canonical) JSON text
    /// the request id was derived from. Any 2xx with a Customer whose ids
    /// are GUIDs is success; a 2xx without one is a [`ApiError::Decode`]
    /// (the customer may exist: the pipeline replays the request id).
    /// The call needs either kind of credentials: a direct customer (see
    /// `Self::create_customer_as`).
    pub async fn create_customer(
        &self,
        body: &str,
        request_id: Uuid,
    ) -> Result<Customer, ApiError> {
        self.create_customer_as(body, request_id, CallAuth::Any)
            .await
    }

    /// [`Self::create_customer`] with the credentials `auth` asks for:
    /// [`CallAuth::create`], App+User for an indirect reseller's customer.
    pub(crate) async fn create_customer_as(
        &self,
        body: &str,
        request_id: Uuid,
        auth: CallAuth,
    ) -> Result<Customer, ApiError> {
        let url = self.url(&["v1", "customers"]);
        let timeout = self.inner.create_timeout;
        let answer = self
            .send(self.post(url, request_id, body, timeout).with_auth(auth))
            .await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let customer: Customer = answer.parse()?;
        customer.checked(answer.status)
    }

    /// `GET /v1/customers/{id}`; `404` is `None`.
    pub async fn get_customer(&self, customer_id: &str) -> Result<Option<Customer>, ApiError> {
        let answer = self
            .send(self.read(Method::GET, self.url(&["v1", "customers", customer_id])))
            .await?;
        match answer.status {
            404 => Ok(None),
            _ if answer.is_success() => answer
                .parse::<Customer>()
                .and_then(|c| c.checked(answer.status))
                .map(Some),
            _ => Err(answer.error()),
        }
    }

    /// `HEAD /v1/domains/{domain}`: `200` taken (true), `404` free (false).
    pub async fn domain_exists(&self, domain: &str) -> Result<bool, ApiError> {
        let answer = self
            .send(self.read(Method::HEAD, self.url(&["v1", "domains", domain.trim()])))
            .await?;
        match answer.status {
            404 => Ok(false),
            _ if answer.is_success() => Ok(true),
            _ => Err(answer.error()),
        }
    }

    /// `{api}/a/b/c`, each segment percent-encoded.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.api.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// A read: a fresh request id, the read timeout.
    fn read(&self, method: Method, url: Url) -> Call<'static> {
        Call {
            method,
            url,
            request_id: Uuid::new_v4(),
            body: None,
            extra_headers: Vec::new(),
            timeout: self.inner.timeout,
            auth: CallAuth::Any,
        }
    }

    /// A POST of `body` under `request_id`.
    fn post<'a>(&self, url: Url, request_id: Uuid, body: &'a str, timeout: Duration) -> Call<'a> {
        Call {
            method: Method::POST,
            url,
            request_id,
            body: Some(body),
            extra_headers: Vec::new(),
            timeout,
            auth: CallAuth::Any,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn client(api: &str) -> PartnerCenterClient {
        PartnerCenterClient::new(ClientConfig::new(
            CloudEndpoints::global().with_overrides(Some(api), None),
            crate::partner_center::auth::Credentials::AccessToken("t".into()),
        ))
        .unwrap()
    }

    #[test]
    fn urls_keep_the_base_path_and_escape_segments() {
        let c = client("http://127.0.0.1:1/base/");
        assert_eq!(
            c.url(&["v1", "domains", "a b/c"]).as_str(),
            "http://127.0.0.1:1/base/v1/domains/a%20b%2Fc"
        );
        let c = client("https://api.partnercenter.microsoft.com");
        assert_eq!(
            c.url(&["v1", "customers"]).as_str(),
            "https://api.partnercenter.microsoft.com/v1/customers"
        );
    }

    #[test]
    fn bad_settings_are_config_errors() {
        let bad = PartnerCenterClient::new(ClientConfig::new(
            CloudEndpoints::global().with_overrides(Some("not a url"), None),
            crate::partner_center::auth::Credentials::AccessToken("t".into()),
        ))
        .unwrap_err();
        assert!(matches!(bad, ApiError::Config { .. }));
        assert!(bad.is_fatal());
        let mut config = ClientConfig::new(
            CloudEndpoints::global(),
            crate::partner_center::auth::Credentials::AccessToken("t".into()),
        );
        config.timeout = Duration::ZERO;
        assert!(PartnerCenterClient::new(config).is_err());
    }

    #[test]
    fn debug_shows_no_token() {
        let c = PartnerCenterClient::new(ClientConfig::new(
            CloudEndpoints::global(),
            crate::partner_center::auth::Credentials::AccessToken("very-secret-token".into()),
        ))
        .unwrap();
        assert!(!format!("{c:?}").contains("very-secret-token"));
    }
}
