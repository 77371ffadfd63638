//! The Partner Center HTTP client: one shared `reqwest::Client` (rustls),
//! the token, the common headers, typed answers and errors.
//!
//! Every `/v1` call sends `Authorization: Bearer`, `MS-RequestId`,
//! `MS-CorrelationId` (one per run), `MS-Contract-Version: v1`, `X-Locale`
//! and JSON `Accept`/`Content-Type`. A `401` invalidates the token, fetches a
//! new one and retries that request once with the same request id. Other
//! retries are the pipeline's: the client makes one attempt and reports a
//! typed [`ApiError`] (see [`ApiError::is_transient`]).
//!
//! Two hooks serve the pipeline: a [`BeforeSend`] awaited before every `/v1`
//! HTTP attempt (the shared rate limiter, which may refuse because the run
//! is stopping; token calls do not pass it), and
//! a [`LatencyObserver`] told how long each attempt that got an answer (or
//! timed out) took.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, Url};
use uuid::Uuid;

use super::auth::{AuthError, Credentials, TokenSource};
use super::cloud::CloudEndpoints;
use super::error::{ApiError, clean_text, describe_json_error, error_chain};
use super::resources::{
    AddressValidationResponse, AgreementMetadata, Collection, CountryValidationRules, Customer,
    parse_json,
};

/// Awaited before every `/v1` HTTP attempt, including the retry after a 401
/// (e.g. the shared rate limiter and a 429 pause). An `Err` (the run is
/// stopping) means the request is not sent.
pub type BeforeSend = Arc<dyn Fn() -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;

/// Told the duration of every `/v1` attempt that got an answer or timed out.
pub type LatencyObserver = Arc<dyn Fn(Duration) + Send + Sync>;

/// Customers asked for per page when searching by domain.
pub const PAGE_SIZE: u32 = 100;

/// At most this many pages are read by one search.
pub const MAX_PAGES: usize = 50;

/// Default per-call timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// `MS-CorrelationId`.
pub const HEADER_CORRELATION_ID: &str = "MS-CorrelationId";
/// `MS-RequestId`.
pub const HEADER_REQUEST_ID: &str = "MS-RequestId";
/// `MS-Contract-Version`.
pub const HEADER_CONTRACT_VERSION: &str = "MS-Contract-Version";
/// `MS-ContinuationToken`.
pub const HEADER_CONTINUATION_TOKEN: &str = "MS-ContinuationToken";
/// `X-Locale`.
pub const HEADER_LOCALE: &str = "X-Locale";

/// Everything the client needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// API base URL, authority and token resource.
    pub endpoints: CloudEndpoints,
    /// How to get the bearer token.
    pub credentials: Credentials,
    /// Timeout of one HTTP call (token calls included).
    pub timeout: Duration,
    /// `MS-CorrelationId` of every call of this run.
    pub correlation_id: Uuid,
    /// `X-Locale`, e.g. `en-US`.
    pub locale: String,
}

impl ClientConfig {
    /// A configuration with a 60 s timeout, a fresh correlation id and `en-US`.
    pub fn new(endpoints: CloudEndpoints, credentials: Credentials) -> Self {
        Self {
            endpoints,
            credentials,
            timeout: DEFAULT_TIMEOUT,
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
}

struct Inner {
    http: reqwest::Client,
    api: Url,
    tokens: TokenSource,
    timeout: Duration,
    correlation_id: Uuid,
    locale: HeaderValue,
}

impl fmt::Debug for PartnerCenterClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerCenterClient")
            .field("api", &self.inner.api.as_str())
            .field("tokens", &self.inner.tokens)
            .field("timeout", &self.inner.timeout)
            .field("correlation_id", &self.inner.correlation_id)
            .field("gate", &self.gate.is_some())
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// One answer, read completely.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn error(&self) -> ApiError {
        ApiError::from_response(self.status, self.retry_after.as_deref(), &self.body)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body).map_err(|e| ApiError::Decode {
            status: self.status,
            message: describe_json_error(&e),
        })
    }

    fn is_empty(&self) -> bool {
        let body = self
            .body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.body);
        body.iter().all(u8::is_ascii_whitespace)
    }
}

/// One `/v1` request to send.
struct Call<'a> {
    method: Method,
    url: Url,
    request_id: Uuid,
    body: Option<&'a str>,
    continuation_token: Option<&'a str>,
}

impl PartnerCenterClient {
    /// Build the client (one `reqwest::Client` with rustls, shared by clones).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let config_error = |message: String| ApiError::Config { message };
        let api = Url::parse(&config.endpoints.api)
            .map_err(|e| config_error(format!("endpoint {:?}: {e}", config.endpoints.api)))?;
        if !matches!(api.scheme(), "http" | "https") || api.cannot_be_a_base() {
            return Err(config_error(format!(
                "endpoint {:?} is not an http(s) URL",
                config.endpoints.api
            )));
        }
        let authority = Url::parse(&config.endpoints.authority).map_err(|e| {
            config_error(format!("authority {:?}: {e}", config.endpoints.authority))
        })?;
        if !matches!(authority.scheme(), "http" | "https") {
            return Err(config_error(format!(
                "authority {:?} is not an http(s) URL",
                config.endpoints.authority
            )));
        }
        if config.timeout.is_zero() {
            return Err(config_error("the timeout must be more than 0".into()));
        }
        let locale = HeaderValue::from_str(config.locale.trim()).map_err(|_| {
            config_error(format!("locale {:?} is not a header value", config.locale))
        })?;
        let http = reqwest::Client::builder()
            .user_agent(concat!("pc-onboard/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(30)))
            .build()
            .map_err(|e| config_error(format!("HTTP client: {}", error_chain(&e))))?;
        let tokens = TokenSource::new(
            config.credentials,
            &config.endpoints,
            http.clone(),
            config.timeout,
        );
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                api,
                tokens,
                timeout: config.timeout,
                correlation_id: config.correlation_id,
                locale,
            }),
            gate: None,
            observer: None,
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

    /// The `MS-CorrelationId` of every call.
    pub fn correlation_id(&self) -> Uuid {
        self.inner.correlation_id
    }

    /// The API base URL.
    pub fn api_base(&self) -> &str {
        self.inner.api.as_str()
    }

    /// The token source (shared by clones).
    pub fn tokens(&self) -> &TokenSource {
        &self.inner.tokens
    }

    /// Fetch a token now, so bad credentials stop a run before any row is sent.
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.inner.tokens.token().await?;
        Ok(())
    }

    /// `POST /v1/customers` with `body`, the exact (canonical) JSON text
    /// the request id was derived from. Any 2xx with a Customer is success.
    pub async fn create_customer(
        &self,
        body: &str,
        request_id: Uuid,
    ) -> Result<Customer, ApiError> {
        let answer = self
            .send(Call {
                method: Method::POST,
                url: self.url(&["v1", "customers"]),
                request_id,
                body: Some(body),
                continuation_token: None,
            })
            .await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let customer: Customer = answer.parse()?;
        if customer.id.is_empty() {
            return Err(ApiError::Decode {
                status: answer.status,
                message: "the answer has no customer id".into(),
            });
        }
        Ok(customer)
    }

    /// `GET /v1/customers?size=N&filter={"Field":"Domain","Value":prefix,"Operator":"starts_with"}`,
    /// following `links.next` (`seekOperation=Next` with the
    /// `MS-ContinuationToken` header) for at most [`MAX_PAGES`] pages.
    pub async fn find_customers_by_domain(
        &self,
        domain_prefix: &str,
    ) -> Result<Vec<Customer>, ApiError> {
        let value = serde_json::to_string(domain_prefix).map_err(|e| ApiError::Config {
            message: format!("domain filter: {e}"),
        })?;
        let filter = format!(r#"{{"Field":"Domain","Value":{value},"Operator":"starts_with"}}"#);
        let mut customers = Vec::new();
        let mut continuation: Option<String> = None;
        for page in 0..MAX_PAGES {
            let mut url = self.url(&["v1", "customers"]);
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("size", &PAGE_SIZE.to_string());
                query.append_pair("filter", &filter);
                if continuation.is_some() {
                    query.append_pair("seekOperation", "Next");
                }
            }
            let answer = self
                .send(Call {
                    method: Method::GET,
                    url,
                    request_id: Uuid::new_v4(),
                    body: None,
                    continuation_token: continuation.as_deref(),
                })
                .await?;
            if !answer.is_success() {
                return Err(answer.error());
            }
            let collection: Collection<Customer> = answer.parse()?;
            customers.extend(collection.items);
            let next = collection
                .links
                .and_then(|l| l.next)
                .and_then(|n| n.continuation_token().map(str::to_owned))
                .filter(|t| !t.is_empty());
            match next {
                Some(token) if Some(&token) != continuation.as_ref() => continuation = Some(token),
                Some(_) => {
                    tracing::warn!(
                        page,
                        "the same continuation token came back twice; stopping"
                    );
                    return Ok(customers);
                }
                None => return Ok(customers),
            }
        }
        tracing::warn!(
            pages = MAX_PAGES,
            prefix = domain_prefix,
            "customer search stopped after the page limit"
        );
        Ok(customers)
    }

    /// The customer whose domain is `full_domain` (case-insensitive), found
    /// with [`find_customers_by_domain`](Self::find_customers_by_domain) on
    /// the domain's first label.
    pub async fn find_customer_by_domain(
        &self,
        full_domain: &str,
    ) -> Result<Option<Customer>, ApiError> {
        let full_domain = full_domain.trim();
        let prefix = full_domain.split('.').next().unwrap_or(full_domain);
        let found = self.find_customers_by_domain(prefix).await?;
        Ok(found.into_iter().find(|c| {
            c.company_profile
                .domain
                .trim()
                .eq_ignore_ascii_case(full_domain)
        }))
    }

    /// `GET /v1/customers/{id}`; `404` is `None`.
    pub async fn get_customer(&self, customer_id: &str) -> Result<Option<Customer>, ApiError> {
        let answer = self
            .send(self.read(Method::GET, self.url(&["v1", "customers", customer_id])))
            .await?;
        match answer.status {
            404 => Ok(None),
            _ if answer.is_success() => answer.parse().map(Some),
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

    /// `GET /v1/countryvalidationrules/{iso2}`.
    pub async fn country_validation_rules(
        &self,
        iso2: &str,
    ) -> Result<CountryValidationRules, ApiError> {
        let answer = self
            .send(self.read(
                Method::GET,
                self.url(&["v1", "countryvalidationrules", iso2.trim()]),
            ))
            .await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        answer.parse()
    }

    /// `POST /v1/validations/address`. Also understands the legacy contract:
    /// `200` with an empty body (status `Verified`), and `400` code `2007`
    /// with a JSON document in the description (status
    /// `InteractionRequired`, its corrected address as the suggestion).
    pub async fn validate_address(
        &self,
        address: &serde_json::Value,
        request_id: Uuid,
    ) -> Result<AddressValidationResponse, ApiError> {
        let body = serde_json::to_string(address).map_err(|e| ApiError::Config {
            message: format!("address: {e}"),
        })?;
        let answer = self
            .send(Call {
                method: Method::POST,
                url: self.url(&["v1", "validations", "address"]),
                request_id,
                body: Some(&body),
                continuation_token: None,
            })
            .await?;
        if answer.is_success() {
            if answer.is_empty() {
                return Ok(AddressValidationResponse {
                    original_address: address.clone(),
                    status: "Verified".into(),
                    ..AddressValidationResponse::default()
                });
            }
            return answer.parse();
        }
        let error = answer.error();
        if error.status() == Some(400)
            && error.code() == Some("2007")
            && let Some(legacy) = legacy_address_answer(address, &answer.body)
        {
            return Ok(legacy);
        }
        Err(error)
    }

    /// `GET /v1/agreements?agreementType=...`: the template to attest with
    /// (the first item of that type), `None` when there is none.
    pub async fn agreement_template(
        &self,
        agreement_type: &str,
    ) -> Result<Option<AgreementMetadata>, ApiError> {
        let mut url = self.url(&["v1", "agreements"]);
        url.query_pairs_mut()
            .append_pair("agreementType", agreement_type);
        let answer = self.send(self.read(Method::GET, url)).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let collection: Collection<AgreementMetadata> = answer.parse()?;
        let mut items = collection.items;
        let matching = items
            .iter()
            .position(|a| a.agreement_type.eq_ignore_ascii_case(agreement_type))
            .or_else(|| items.iter().position(|a| a.agreement_type.is_empty()));
        Ok(matching.map(|i| items.swap_remove(i)))
    }

    /// `POST /v1/customers/{id}/agreements` (MCA attestation) with the JSON
    /// `body`, under `request_id` (the same for every retry). `600061`
    /// comes back as an error: see [`ApiError::is_agreement_already_attested`].
    pub async fn create_agreement(
        &self,
        customer_id: &str,
        body: &str,
        request_id: Uuid,
    ) -> Result<(), ApiError> {
        let answer = self
            .send(Call {
                method: Method::POST,
                url: self.url(&["v1", "customers", customer_id, "agreements"]),
                request_id,
                body: Some(body),
                continuation_token: None,
            })
            .await?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(answer.error())
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

    fn read(&self, method: Method, url: Url) -> Call<'static> {
        Call {
            method,
            url,
            request_id: Uuid::new_v4(),
            body: None,
            continuation_token: None,
        }
    }

    /// Send one `/v1` request: token, gate, headers; on `401` one token
    /// refresh and one retry with the same request id.
    async fn send(&self, call: Call<'_>) -> Result<Answer, ApiError> {
        let tokens = &self.inner.tokens;
        let mut refreshed = false;
        loop {
            let token = tokens.token().await?;
            if let Some(gate) = &self.gate {
                gate().await?;
            }
            let mut headers = HeaderMap::with_capacity(8);
            let mut bearer =
                HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    AuthError::InvalidResponse {
                        message: "the access token is not a valid header value".into(),
                    }
                })?;
            bearer.set_sensitive(true);
            headers.insert(AUTHORIZATION, bearer);
            headers.insert(HEADER_REQUEST_ID, uuid_header(call.request_id));
            headers.insert(
                HEADER_CORRELATION_ID,
                uuid_header(self.inner.correlation_id),
            );
            headers.insert(HEADER_CONTRACT_VERSION, HeaderValue::from_static("v1"));
            headers.insert(HEADER_LOCALE, self.inner.locale.clone());
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
            if let Some(ct) = call.continuation_token {
                let value = HeaderValue::from_str(ct).map_err(|_| ApiError::Decode {
                    status: 200,
                    message: "the continuation token is not a valid header value".into(),
                })?;
                headers.insert(HEADER_CONTINUATION_TOKEN, value);
            }
            super::trace::request(
                call.method.as_str(),
                call.url.as_str(),
                &headers,
                call.body.map(str::as_bytes),
            );
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), call.url.clone())
                .timeout(self.inner.timeout)
                .headers(headers);
            if let Some(body) = call.body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_owned());
            }

            let started = Instant::now();
            let result = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let traced = super::trace::enabled().then(|| response.headers().clone());
                    response.bytes().await.map(|body| {
                        if let Some(headers) = &traced {
                            let (method, url) = (call.method.as_str(), call.url.as_str());
                            let elapsed = started.elapsed();
                            super::trace::response(method, url, status, elapsed, headers, &body);
                        }
                        Answer {
                            status,
                            retry_after,
                            body: Vec::from(body),
                        }
                    })
                }
                Err(e) => Err(e),
            };
            let elapsed = started.elapsed();
            let answer = match result {
                Ok(answer) => answer,
                Err(e) => {
                    let error = self.transport_error(&e);
                    if matches!(error, ApiError::Timeout { .. }) {
                        self.observe(elapsed);
                    }
                    tracing::debug!(
                        method = %call.method,
                        path = call.url.path(),
                        request_id = %call.request_id,
                        ms = elapsed.as_millis() as u64,
                        error = %error,
                        "partner center call failed"
                    );
                    return Err(error);
                }
            };
            self.observe(elapsed);
            tracing::debug!(
                method = %call.method,
                path = call.url.path(),
                status = answer.status,
                request_id = %call.request_id,
                ms = elapsed.as_millis() as u64,
                "partner center call"
            );
            if answer.status != 401 {
                return Ok(answer);
            }
            if !refreshed && tokens.can_refresh() {
                refreshed = true;
                tokens.invalidate(token.generation()).await;
                continue;
            }
            let (code, description) = match answer.error() {
                ApiError::Http {
                    code, description, ..
                } => (code, description),
                _ => (String::new(), String::new()),
            };
            return Err(ApiError::Auth(AuthError::Unauthorized {
                code,
                description,
                refreshable: tokens.can_refresh(),
            }));
        }
    }

    fn observe(&self, elapsed: Duration) {
        if let Some(observer) = &self.observer {
            observer(elapsed);
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        if e.is_connect() {
            ApiError::Connect {
                message: error_chain(e),
            }
        } else if e.is_timeout() {
            ApiError::Timeout {
                after: self.inner.timeout,
            }
        } else {
            ApiError::Transport {
                message: error_chain(e),
            }
        }
    }
}

fn uuid_header(id: Uuid) -> HeaderValue {
    let mut buf = Uuid::encode_buffer();
    HeaderValue::from_str(id.hyphenated().encode_lower(&mut buf))
        .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-0000-0000-000000000000"))
}

/// The legacy `400`/`2007` answer: `description` holds
/// `{"code":"60071","reason":..,"corrected_address":{..snake_case..}}`.
fn legacy_address_answer(
    original: &serde_json::Value,
    body: &[u8],
) -> Option<AddressValidationResponse> {
    let envelope: super::resources::ApiErrorBody = parse_json(body).ok()?;
    let inner: serde_json::Value = serde_json::from_str(&envelope.description).ok()?;
    let inner = inner.as_object()?;
    let reason = inner.get("reason").and_then(|r| r.as_str()).map(clean_text);
    let suggested = inner
        .get("corrected_address")
        .and_then(|a| a.as_object())
        .map(|a| {
            let converted: serde_json::Map<String, serde_json::Value> = a
                .iter()
                .map(|(k, v)| {
                    let key = match k.as_str() {
                        "region" => "state".to_owned(),
                        other => snake_to_camel(other),
                    };
                    (key, v.clone())
                })
                .collect();
            serde_json::Value::Object(converted)
        });
    Some(AddressValidationResponse {
        original_address: original.clone(),
        suggested_addresses: suggested.into_iter().collect(),
        status: "InteractionRequired".into(),
        validation_message: reason,
    })
}

fn snake_to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;

    fn client(api: &str) -> PartnerCenterClient {
        PartnerCenterClient::new(ClientConfig::new(
            CloudEndpoints::global().with_overrides(Some(api), None),
            Credentials::AccessToken("t".into()),
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
            Credentials::AccessToken("t".into()),
        ))
        .unwrap_err();
        assert!(matches!(bad, ApiError::Config { .. }));
        assert!(bad.is_fatal());
        let mut config = ClientConfig::new(
            CloudEndpoints::global(),
            Credentials::AccessToken("t".into()),
        );
        config.timeout = Duration::ZERO;
        assert!(PartnerCenterClient::new(config).is_err());
    }

    #[test]
    fn the_legacy_address_error_becomes_a_suggestion() {
        let body = br#"{"code": 2007, "description": "{\"code\":\"60071\",\"reason\":\"ZipCityInvalid - Details: Field - &#39;City&#39; is corrected from OldValue: &#39;Redmond&#39; to NewValue: &#39;BELLEVUE&#39;.\",\"corrected_address\":{\"country\":\"US\",\"region\":\"WA\",\"city\":\"BELLEVUE\",\"address_line1\":\"One Microsoft Way\",\"postal_code\":\"98007\"},\"object_type\":\"AddressValidation\",\"resource_status\":\"Active\"}", "data": [], "source": "PartnerFD"}"#;
        let original = serde_json::json!({"country": "US", "city": "Redmond"});
        let answer = legacy_address_answer(&original, body).unwrap();
        assert_eq!(answer.status, "InteractionRequired");
        assert_eq!(answer.original_address, original);
        let suggestion = &answer.suggested_addresses[0];
        assert_eq!(suggestion["addressLine1"], "One Microsoft Way");
        assert_eq!(suggestion["postalCode"], "98007");
        assert_eq!(suggestion["state"], "WA");
        assert!(
            answer
                .validation_message
                .unwrap()
                .contains("'City' is corrected")
        );
    }

    #[test]
    fn debug_shows_no_token() {
        let c = PartnerCenterClient::new(ClientConfig::new(
            CloudEndpoints::global(),
            Credentials::AccessToken("very-secret-token".into()),
        ))
        .unwrap();
        assert!(!format!("{c:?}").contains("very-secret-token"));
    }
}
