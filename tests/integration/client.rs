//! The Partner Center client against a small axum mock of the API and the
//! token authority, served on 127.0.0.1:0 (not the sandbox: these tests pin
//! the client's own behaviour: token reuse and refresh, the 401 path,
//! headers, body shapes, paging, errors).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::FutureExt;
use pc_onboard::partner_center::auth::{AuthError, Credentials};
use pc_onboard::partner_center::client::{ClientConfig, PartnerCenterClient};
use pc_onboard::partner_center::cloud::CloudEndpoints;
use pc_onboard::partner_center::error::ApiError;
use secrecy::SecretString;
use uuid::Uuid;

const SECRET: &str = "s3cr3t-client-value";

/// One API request as the mock saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: HashMap<String, String>,
    headers: HeaderMap,
    body: String,
    /// 0 for the first API call, 1 for the second...
    index: usize,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type TokenReply = Box<dyn Fn(usize) -> Response + Send + Sync>;
type ApiReply = Box<dyn Fn(&Seen) -> Response + Send + Sync>;

struct Mock {
    token_forms: Mutex<Vec<HashMap<String, String>>>,
    seen: Mutex<Vec<Seen>>,
    token_reply: TokenReply,
    api_reply: ApiReply,
}

impl Mock {
    fn token_calls(&self) -> usize {
        self.token_forms.lock().unwrap().len()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn token_handler(
    State(mock): State<Arc<Mock>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let n = {
        let mut forms = mock.token_forms.lock().unwrap();
        forms.push(form);
        forms.len() - 1
    };
    (mock.token_reply)(n)
}

async fn api_handler(
    State(mock): State<Arc<Mock>>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = {
        let mut all = mock.seen.lock().unwrap();
        let seen = Seen {
            method,
            path: uri.path().to_owned(),
            query,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            index: all.len(),
        };
        all.push(seen.clone());
        seen
    };
    (mock.api_reply)(&seen)
}

/// Serve the mock on a free loopback port; returns its base URL. The
/// listener is bound before this returns, so no waiting is needed.
async fn serve(token_reply: TokenReply, api_reply: ApiReply) -> (String, Arc<Mock>) {
    let mock = Arc::new(Mock {
        token_forms: Mutex::new(Vec::new()),
        seen: Mutex::new(Vec::new()),
        token_reply,
        api_reply,
    });
    let router = Router::new()
        .route("/{tenant}/oauth2/token", post(token_handler))
        .fallback(api_handler)
        .with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, mock)
}

fn tokens_numbered(expires_in: &'static str) -> TokenReply {
    Box::new(move |n| {
        json(
            200,
            &format!(
                r#"{{"token_type":"Bearer","expires_in":"{expires_in}","ext_expires_in":"{expires_in}","expires_on":"1546469802","not_before":"1546465902","resource":"https://api.partnercenter.microsoft.com","access_token":"tok-{}"}}"#,
                n + 1
            ),
        )
    })
}

fn json(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        body.to_owned(),
    )
        .into_response()
}

/// A success body as the live service sends it: starting with a UTF-8 BOM.
fn json_with_bom(status: u16, body: &str) -> Response {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        bytes,
    )
        .into_response()
}

fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap().into_response()
}

/// Customer ids of the paging tests.
const GUID_A: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const GUID_B: &str = "1f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const GUID_C: &str = "2f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

fn customer_json(id: &str, domain: &str) -> String {
    format!(
        r#"{{"id":"{id}","commerceId":"0a4ce58a-6f96-4273-8035-d9c7d31b9ba4","companyProfile":{{"tenantId":"{id}","domain":"{domain}","attributes":{{"objectType":"CustomerCompanyProfile"}}}},"billingProfile":{{"id":"d17c0275-da92-5c33-9032-782ef1d0b69b","email":"ap@contoso.example","culture":"en-US","language":"en","companyName":"Contoso","defaultAddress":{{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Main St","postalCode":"98052","firstName":"Ann","lastName":"Lee","phoneNumber":""}},"attributes":{{"etag":"-8799889149591823008","objectType":"CustomerBillingProfile"}}}},"relationshipToPartner":"none","userCredentials":{{"userName":"admin","password":"=;;n.=s9Z"}},"allowDelegatedAccess":true,"attributes":{{"objectType":"Customer"}}}}"#
    )
}

fn client_credentials() -> Credentials {
    Credentials::ClientCredentials {
        tenant_id: "partner-tenant".into(),
        client_id: "app-id".into(),
        client_secret: SecretString::from(SECRET),
    }
}

fn config(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        CloudEndpoints::global().with_overrides(Some(base), Some(base)),
        credentials,
    );
    config.timeout = Duration::from_secs(10);
    config
}

fn client(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(base, client_credentials())).unwrap()
}

/// A client with a ready access token (`PC_ACCESS_TOKEN`): no token fetch.
fn client_with_ready_token(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(
        base,
        Credentials::AccessToken(SecretString::from("ready-token-value")),
    ))
    .unwrap()
}

const ID: &str = "dfd8cc0a-c592-468c-8461-869a38d24738";

#[tokio::test]
async fn fetches_the_token_once_and_reuses_it_across_calls() {
    let (base, mock) = serve(
        tokens_numbered("3599"),
        Box::new(|_| json_with_bom(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    for _ in 0..3 {
        assert!(client.get_customer(ID).await.unwrap().is_some());
    }
    assert_eq!(mock.token_calls(), 1);
    for seen in mock.seen() {
        assert_eq!(seen.header("authorization"), Some("Bearer tok-1"));
    }
    let form = mock.token_forms.lock().unwrap()[0].clone();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "app-id");
    assert_eq!(form["client_secret"], SECRET);
    assert_eq!(form["resource"], "https://api.partnercenter.microsoft.com");
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| json(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_customer(ID).await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert!(call.await.unwrap().unwrap().is_some());
    }
    assert_eq!(mock.token_calls(), 1);
}

#[tokio::test]
async fn refreshes_the_token_when_it_has_expired() {
    // The first token is already expired when it arrives; the second lasts.
    let (base, mock) = serve(
        Box::new(|n| {
            let expires_in = if n == 0 { "0" } else { "3600" };
            json(
                200,
                &format!(
                    r#"{{"token_type":"Bearer","expires_in":"{expires_in}","access_token":"tok-{}"}}"#,
                    n + 1
                ),
            )
        }),
        Box::new(|_| json(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    for _ in 0..3 {
        client.get_customer(ID).await.unwrap();
    }
    assert_eq!(mock.token_calls(), 2);
    let auth: Vec<_> = mock
        .seen()
        .iter()
        .map(|s| s.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_retries_once_with_the_same_request_id() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            if seen.index == 0 {
                json(
                    401,
                    r#"{"code":"900420","description":"The token is expired","data":[],"source":"PartnerFD"}"#,
                )
            } else {
                json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com"))
            }
        }),
    )
    .await;
    let gate_calls = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let gate_calls = gate_calls.clone();
        let latencies = latencies.clone();
        client(&base)
            .with_before_send(Arc::new(move || {
                gate_calls.fetch_add(1, Ordering::SeqCst);
                async { Ok(()) }.boxed()
            }))
            .with_latency_observer(Arc::new(move |d| latencies.lock().unwrap().push(d)))
    };
    let request_id = Uuid::new_v4();
    let customer = client
        .create_customer(r#"{"companyProfile":{}}"#, request_id)
        .await
        .unwrap();
    assert_eq!(customer.id, ID);

    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    let rid = request_id.to_string();
    assert_eq!(seen[0].header("ms-requestid"), Some(rid.as_str()));
    assert_eq!(seen[1].header("ms-requestid"), Some(rid.as_str()));
    assert_eq!(seen[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(seen[1].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(seen[1].body, r#"{"companyProfile":{}}"#);
    assert_eq!(mock.token_calls(), 2);
    assert_eq!(
        gate_calls.load(Ordering::SeqCst),
        2,
        "the gate guards the retry too"
    );
    assert_eq!(latencies.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_second_401_is_a_fatal_authentication_error() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| {
            json(
                401,
                r#"{"code":"900420","description":"The audience 'https://graph.windows.net' in the token is invalid"}"#,
            )
        }),
    )
    .await;
    let err = client(&base).get_customer(ID).await.unwrap_err();
    assert_eq!(mock.seen().len(), 2);
    assert!(matches!(
        &err,
        ApiError::Auth(AuthError::Unauthorized { code, .. }) if code == "900420"
    ));
    assert!(err.is_fatal());
    assert!(!err.is_transient());
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn a_ready_access_token_is_not_refreshed_after_a_401() {
    let (base, mock) = serve(tokens_numbered("3600"), Box::new(|_| empty(401))).await;
    let client = client_with_ready_token(&base);
    let err = client
        .domain_exists("contoso.onmicrosoft.com")
        .await
        .unwrap_err();
    assert_eq!(mock.seen().len(), 1);
    assert_eq!(mock.token_calls(), 0);
    assert_eq!(
        mock.seen()[0].header("authorization"),
        Some("Bearer ready-token-value")
    );
    assert!(
        err.to_string()
            .contains("PC_ACCESS_TOKEN cannot be refreshed")
    );
    assert!(!err.to_string().contains("ready-token-value"));
}

#[tokio::test]
async fn every_call_carries_the_contract_headers() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.method {
            Method::POST => json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com")),
            Method::HEAD => empty(404),
            _ => json(200, &customer_json(ID, "contoso.onmicrosoft.com")),
        }),
    )
    .await;
    let mut cfg = config(&base, client_credentials());
    cfg.locale = "nl-NL".into();
    let correlation = cfg.correlation_id;
    let client = PartnerCenterClient::new(cfg).unwrap();
    assert_eq!(client.correlation_id(), correlation);
    let request_id = Uuid::new_v4();
    let body = r#"{"billingProfile":{"companyName":"Contoso"},"companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#;
    client.create_customer(body, request_id).await.unwrap();
    client.get_customer(ID).await.unwrap();
    assert!(
        !client
            .domain_exists("contoso.onmicrosoft.com")
            .await
            .unwrap()
    );

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    let correlation = correlation.to_string();
    let mut request_ids = Vec::new();
    for s in &seen {
        assert_eq!(
            s.header("ms-correlationid"),
            Some(correlation.as_str()),
            "{s:?}"
        );
        assert_eq!(s.header("ms-contract-version"), Some("v1"));
        assert_eq!(s.header("x-locale"), Some("nl-NL"));
        assert_eq!(s.header("accept"), Some("application/json"));
        let rid: Uuid = s.header("ms-requestid").unwrap().parse().unwrap();
        request_ids.push(rid);
    }
    assert_eq!(request_ids[0], request_id);
    assert_eq!(
        request_ids[1].get_version_num(),
        4,
        "reads get a fresh v4 id"
    );
    assert_ne!(request_ids[1], request_ids[2]);

    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/v1/customers");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(
        seen[0].body, body,
        "the exact bytes hashed are the bytes sent"
    );
    assert_eq!(seen[1].path, format!("/v1/customers/{ID}"));
    assert_eq!(seen[2].method, Method::HEAD);
    assert_eq!(seen[2].path, "/v1/domains/contoso.onmicrosoft.com");
}

#[tokio::test]
async fn a_created_customer_is_read_from_201_or_200_with_or_without_a_bom() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.index {
            0 => json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com")),
            _ => json(200, &customer_json(ID, "contoso.onmicrosoft.com")),
        }),
    )
    .await;
    let client = client(&base);
    for _ in 0..2 {
        let c = client.create_customer("{}", Uuid::new_v4()).await.unwrap();
        assert_eq!(c.id, ID);
        assert_eq!(c.company_profile.domain, "contoso.onmicrosoft.com");
        let creds = c.user_credentials.unwrap();
        assert_eq!(creds.user_name, "admin");
        assert!(!format!("{creds:?}").contains("=;;n.=s9Z"));
    }
}

#[tokio::test]
async fn an_unreadable_success_body_is_an_ambiguous_decode_error() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| {
            json(
                201,
                r#"{"id": 12, "userCredentials": {"password": "p4ss-w0rd"}"#,
            )
        }),
    )
    .await;
    let err = client(&base)
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Decode { status: 201, .. }));
    assert!(err.is_ambiguous());
    assert!(!err.is_transient());
    assert!(!err.to_string().contains("p4ss-w0rd"));
    assert!(!format!("{err:?}").contains("p4ss-w0rd"));
}

#[tokio::test]
async fn business_errors_keep_code_and_description() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.index {
            0 => json(
                400,
                r#"{"code": 600049, "description": "Organization registration ID information is missing", "data": [], "source": "PartnerFD"}"#,
            ),
            _ => json(
                409,
                r#"{"code": "2001", "description": "The domain contoso.onmicrosoft.com is already in use"}"#,
            ),
        }),
    )
    .await;
    let client = client(&base);
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Partner Center answered 400 (code 600049): Organization registration ID information is missing"
    );
    assert!(!err.is_transient());
    assert!(!err.is_domain_taken());
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(err.is_domain_taken());
    assert_eq!(err.code(), Some("2001"));
}

#[tokio::test]
async fn paging_follows_the_continuation_token_until_the_last_page() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            let token = seen.header("ms-continuationtoken");
            let (items, next) = match token {
                None => (
                    vec![customer_json(GUID_A, "contoso.onmicrosoft.com")],
                    Some("AQAAAA=="),
                ),
                Some("AQAAAA==") => (
                    vec![customer_json(GUID_B, "contoso2.onmicrosoft.com")],
                    Some("second,token"),
                ),
                Some(_) => (
                    vec![customer_json(GUID_C, "Contosoltd.onmicrosoft.com")],
                    None,
                ),
            };
            let next = next
                .map(|t| {
                    format!(
                        r#","next":{{"uri":"/customers?size=100&seekOperation=Next","method":"GET","headers":[{{"key":"MS-ContinuationToken","value":"{t}"}}]}}"#
                    )
                })
                .unwrap_or_default();
            json_with_bom(
                200,
                &format!(
                    r#"{{"totalCount":{},"items":[{}],"links":{{"self":{{"uri":"/customers?size=100","method":"GET","headers":[]}}{next}}},"attributes":{{"objectType":"Collection"}}}}"#,
                    items.len(),
                    items.join(",")
                ),
            )
        }),
    )
    .await;
    let client = client(&base);
    let found = client.find_customers_by_domain("contoso").await.unwrap();
    let ids: Vec<_> = found.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [GUID_A, GUID_B, GUID_C]);

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    // The first page is the search; the next ones are the next link's URI
    // exactly as given, under /v1 (as Microsoft's SDK requests it).
    let filter: serde_json::Value = serde_json::from_str(&seen[0].query["filter"]).unwrap();
    assert_eq!(
        filter,
        serde_json::json!({"Field": "Domain", "Value": "contoso", "Operator": "starts_with"})
    );
    for s in &seen {
        assert_eq!(s.method, Method::GET);
        assert_eq!(s.path, "/v1/customers");
        assert!(s.query.contains_key("size"));
    }
    assert!(
        !seen[1].query.contains_key("filter"),
        "the link is not rebuilt"
    );
    assert_eq!(seen[0].query.get("seekOperation"), None);
    assert_eq!(
        seen[1].query.get("seekOperation").map(String::as_str),
        Some("Next")
    );
    assert_eq!(seen[1].header("ms-continuationtoken"), Some("AQAAAA=="));
    assert_eq!(seen[2].header("ms-continuationtoken"), Some("second,token"));

    let exact = client
        .find_customer_by_domain("CONTOSOLTD.onmicrosoft.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exact.id, GUID_C);
    assert!(
        client
            .find_customer_by_domain("contosox.onmicrosoft.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_429_carries_retry_after_from_the_header_or_the_message() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            let body = "{ \"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 3 seconds.\" } ";
            let mut response = json(429, body);
            if seen.index == 0 {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("57"));
            }
            response
        }),
    )
    .await;
    let client = client(&base);
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(err.is_throttled());
    assert!(err.is_transient());
    assert!(!err.is_ambiguous());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(57)));
    let err = client.get_customer(ID).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        err.to_string(),
        "Partner Center answered 429: Rate limit is exceeded. Try again in 3 seconds."
    );
}

#[tokio::test]
async fn a_call_that_outlives_the_timeout_is_an_ambiguous_timeout() {
    let (base, _mock) = serve(tokens_numbered("3600"), Box::new(|_| empty(200))).await;
    // A second server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_base = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut cfg = ClientConfig::new(
        CloudEndpoints::global().with_overrides(Some(&silent_base), Some(&base)),
        client_credentials(),
    );
    cfg.timeout = Duration::from_millis(200);
    cfg.create_timeout = Duration::from_millis(300);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let observed = latencies.clone();
    let client = PartnerCenterClient::new(cfg)
        .unwrap()
        .with_latency_observer(Arc::new(move |d| observed.lock().unwrap().push(d)));
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.is_ambiguous());
    assert_eq!(
        err.to_string(),
        "Partner Center did not answer within 300 ms",
        "creates have their own, longer timeout"
    );
    let err = client.country_validation_rules("US").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Partner Center did not answer within 200 ms"
    );
    assert_eq!(latencies.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_transient_but_not_ambiguous() {
    // Nothing can listen on port 0: refused, with no race for a freed port.
    let client = client_with_ready_token(crate::support::REFUSING);
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(!err.is_ambiguous());
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_ambiguous() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    let client = client_with_ready_token(&base);
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.is_ambiguous());
}

#[tokio::test]
async fn a_rejected_client_secret_is_reported_without_the_secret() {
    let (base, mock) = serve(
        Box::new(|_| {
            json(
                401,
                &format!(
                    r#"{{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided ({SECRET}).\r\nTrace ID: 1f2e"}}"#
                ),
            )
        }),
        Box::new(|_| empty(200)),
    )
    .await;
    let client = client(&base);
    let err = client.authenticate().await.unwrap_err();
    assert!(err.is_fatal());
    let text = err.to_string();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!format!("{err:?}").contains(SECRET));
    assert!(!format!("{client:?}").contains(SECRET));
    let err = client.get_customer(ID).await.unwrap_err();
    assert!(matches!(
        err,
        ApiError::Auth(AuthError::Rejected { status: 401, .. })
    ));
    assert!(mock.seen().is_empty(), "no API call without a token");
}

#[tokio::test]
async fn a_refresh_token_buys_an_app_user_token() {
    let (base, mock) = serve(
        Box::new(|_| {
            json(
                200,
                r#"{"token_type":"Bearer","scope":"user_impersonation","expires_in":"3600","access_token":"user-token","refresh_token":"rotated","id_token":"x"}"#,
            )
        }),
        // 401 to the first call forces a second token fetch.
        Box::new(|seen| if seen.index == 0 { empty(401) } else { empty(200) }),
    )
    .await;
    let client = PartnerCenterClient::new(config(
        &base,
        Credentials::RefreshToken {
            tenant_id: "common".into(),
            client_id: "app-id".into(),
            refresh_token: SecretString::from("refresh-value"),
            client_secret: None,
        },
    ))
    .unwrap();
    assert!(
        client
            .domain_exists("contoso.onmicrosoft.com")
            .await
            .unwrap()
    );
    let form = mock.token_forms.lock().unwrap()[0].clone();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-value");
    assert_eq!(form["client_id"], "app-id");
    assert!(!form.contains_key("client_secret"));
    assert_eq!(
        mock.seen()[0].header("authorization"),
        Some("Bearer user-token")
    );
    let second = mock.token_forms.lock().unwrap()[1].clone();
    assert_eq!(
        second["refresh_token"], "rotated",
        "a rotated refresh token is used next"
    );
}

#[tokio::test]
async fn pre_flight_resources_parse_their_documented_shapes() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/v1/countryvalidationrules/US") => json_with_bom(
                200,
                r#"{"iso2Code":"US","defaultCulture":"en-US","isStateRequired":true,"supportedStatesList":["WA"],"supportedLanguagesList":["en"],"supportedCulturesList":["en-US"],"isPostalCodeRequired":true,"postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true,"isVatIdSupported":false,"isTaxIdSupported":true,"isTaxIdOptional":true,"countryCallingCodesList":["1"],"attributes":{"objectType":"CountryValidationRules"}}"#,
            ),
            ("GET", "/v1/customers/missing") => json(
                404,
                r#"{"code":3000,"description":"Customer not found","data":[],"source":"PartnerFD"}"#,
            ),
            ("HEAD", "/v1/domains/taken.onmicrosoft.com") => empty(200),
            ("HEAD", _) => empty(404),
            ("GET", "/v1/agreements") => {
                assert_eq!(
                    seen.query.get("agreementType").map(String::as_str),
                    Some("MicrosoftCustomerAgreement")
                );
                json_with_bom(
                    200,
                    r#"{"totalCount":1,"items":[{"templateId":"117a77b0-9360-443b-8795-c6dedc750cf9","agreementType":"MicrosoftCustomerAgreement","agreementLink":"https://aka.ms/customeragreement","versionRank":0}],"attributes":{"objectType":"Collection"}}"#,
                )
            }
            ("POST", "/v1/customers/c1/agreements") => json_with_bom(201, &seen.body),
            ("POST", "/v1/customers/c2/agreements") => json(
                400,
                r#"{"code":600061,"message":"A partner confirmed agreement already exists for the customer.","description":"A partner confirmed agreement already exists for the customer.","errorName":"PartnerConfirmedAgreementAlreadyExists","isRetryable":false,"parameters":{},"errorMessageExtended":"InternalErrorCode=600061"}"#,
            ),
            _ => empty(500),
        }),
    )
    .await;
    let client = client(&base);
    let rules = client.country_validation_rules("US").await.unwrap();
    assert!(rules.is_state_required);
    assert_eq!(
        rules.postal_code_regex.as_deref(),
        Some(r"^\d{5}(-\d{4})?$")
    );
    assert!(client.get_customer("missing").await.unwrap().is_none());
    assert!(client.domain_exists("taken.onmicrosoft.com").await.unwrap());
    assert!(!client.domain_exists("free.onmicrosoft.com").await.unwrap());
    let template = client
        .agreement_template("MicrosoftCustomerAgreement")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(template.template_id, "117a77b0-9360-443b-8795-c6dedc750cf9");
    let agreement = serde_json::json!({
        "primaryContact": {"firstName": "Ann", "lastName": "Lee", "email": "ann@contoso.example", "phoneNumber": "4255550100"},
        "templateId": template.template_id,
        "dateAgreed": "2026-11-25T00:00:00Z",
        "type": "MicrosoftCustomerAgreement"
    });
    let agreement = agreement.to_string();
    client
        .create_agreement("c1", &agreement, Uuid::new_v4())
        .await
        .unwrap();
    let err = client
        .create_agreement("c2", &agreement, Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(err.is_agreement_already_attested());
    let err = client.country_validation_rules("XX").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.is_ambiguous());
}

#[tokio::test]
async fn address_validation_understands_the_current_and_the_legacy_contract() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            let address: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
            match address["city"].as_str() {
                Some("Redmond") => json_with_bom(
                    200,
                    r#"{"originalAddress":{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Microsoft Way","postalCode":"98052"},"suggestedAddresses":[{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Microsoft Way","postalCode":"98052-8300"}],"status":"VerifiedShippable"}"#,
                ),
                Some("Legacy") => empty(200),
                _ => json(
                    400,
                    r#"{"code":2007,"description":"{\"code\":\"60071\",\"reason\":\"ZipCityInvalid - Details: Field - &#39;City&#39; is corrected from OldValue: &#39;Redmond&#39; to NewValue: &#39;BELLEVUE&#39;.\",\"corrected_address\":{\"country\":\"US\",\"region\":\"WA\",\"city\":\"BELLEVUE\",\"address_line1\":\"One Microsoft Way\",\"postal_code\":\"98007\"},\"object_type\":\"AddressValidation\",\"resource_status\":\"Active\"}","data":[],"source":"PartnerFD"}"#,
                ),
            }
        }),
    )
    .await;
    let client = client(&base);
    let current = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Redmond"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(current.status, "VerifiedShippable");
    assert_eq!(current.suggested_addresses[0]["postalCode"], "98052-8300");
    let legacy_ok = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Legacy"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(legacy_ok.status, "Verified");
    let legacy_fix = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Bellevue?"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(legacy_fix.status, "InteractionRequired");
    assert_eq!(legacy_fix.suggested_addresses[0]["city"], "BELLEVUE");
}

#[tokio::test]
async fn a_customer_id_that_is_not_a_guid_is_an_unusable_answer() {
    let evil = r#"../../etc/passwd\n,=cmd"#;
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(move |_| json(201, &customer_json(evil, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let err = client
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Decode { status: 201, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a GUID"), "{err}");
    assert!(
        !err.to_string().contains("passwd"),
        "the id is not echoed: {err}"
    );
    // A lookup answer with such an id is unusable too: never written anywhere.
    assert!(client.get_customer(ID).await.is_err());
}

#[tokio::test]
async fn guids_are_written_lower_case_and_placeholder_tenant_ids_dropped() {
    let upper = ID.to_uppercase();
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(move |_| {
            let body = customer_json(&upper, "contoso.onmicrosoft.com").replacen(
                &format!(r#""tenantId":"{upper}""#),
                r#""tenantId":"<guid>""#,
                1,
            );
            json(201, &body)
        }),
    )
    .await;
    let customer = client(&base)
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(customer.id, ID);
    assert_eq!(customer.company_profile.tenant_id, "");
}

#[tokio::test]
async fn a_token_answer_that_is_not_a_token_is_fatal_and_names_the_authority() {
    let shapes: [(&str, &str); 4] = [
        ("html", "<html><body>Sign in to your proxy</body></html>"),
        (
            "no access_token",
            r#"{"token_type":"Bearer","expires_in":"3599"}"#,
        ),
        (
            "empty access_token",
            r#"{"token_type":"Bearer","expires_in":"3599","access_token":""}"#,
        ),
        (
            "expires_in not a number",
            r#"{"token_type":"Bearer","expires_in":"soon","access_token":"tok"}"#,
        ),
    ];
    for (what, body) in shapes {
        let (base, mock) = serve(
            Box::new(move |_| json(200, body)),
            Box::new(|_| json(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
        )
        .await;
        let client = client(&base);
        let err = client.authenticate().await.unwrap_err();
        assert!(
            matches!(err, ApiError::Auth(AuthError::InvalidResponse { .. })),
            "{what}: {err:?}"
        );
        assert!(err.is_fatal(), "{what}: {err:?}");
        assert!(!err.is_transient(), "{what}: {err:?}");
        let text = err.to_string();
        assert!(text.contains("token authority"), "{what}: {text}");
        assert!(
            !text.contains("Sign in"),
            "{what}: the body is not echoed: {text}"
        );
        assert!(
            client.get_customer(ID).await.is_err(),
            "{what}: no call without a token"
        );
        assert!(mock.seen().is_empty(), "{what}: no API call was made");
    }
}

#[tokio::test]
async fn a_token_endpoint_that_answers_503_once_is_transient_and_the_next_fetch_works() {
    let (base, mock) = serve(
        Box::new(|n| {
            if n == 0 {
                json(
                    503,
                    r#"{"error":"temporarily_unavailable","error_description":"AADSTS90033: A transient error has occurred."}"#,
                )
            } else {
                tokens_numbered("3599")(n - 1)
            }
        }),
        Box::new(|_| json(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let err = client.authenticate().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Auth(AuthError::Unavailable { .. })),
        "{err:?}"
    );
    assert!(err.is_transient() && !err.is_fatal(), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");
    assert!(mock.seen().is_empty());
    assert!(client.get_customer(ID).await.unwrap().is_some());
    assert_eq!(mock.token_calls(), 2);
    assert_eq!(mock.seen()[0].header("authorization"), Some("Bearer tok-1"));
}
