//! A small axum mock of the Partner Center API and the token authority,
//! served on 127.0.0.1:0, and clients of it: the `client_*` suites pin the
//! client's own behaviour against it (not the sandbox): token reuse and
//! refresh, the 401 path (`client_tokens`), headers, body shapes, paging
//! (`client_answers`), errors (`client_errors`).

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Form;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use pc_onboard::partner_center::auth::Credentials;
use pc_onboard::partner_center::client::{ClientConfig, PartnerCenterClient};
use pc_onboard::partner_center::cloud::CloudEndpoints;
use secrecy::SecretString;

pub(crate) const SECRET: &str = "s3cr3t-client-value";

/// One API request as the mock saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: HashMap<String, String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
    /// 0 for the first API call, 1 for the second...
    pub(crate) index: usize,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub(crate) type TokenReply = Box<dyn Fn(usize) -> Response + Send + Sync>;
pub(crate) type ApiReply = Box<dyn Fn(&Seen) -> Response + Send + Sync>;

pub(crate) struct Mock {
    pub(crate) token_forms: Mutex<Vec<HashMap<String, String>>>,
    pub(crate) seen: Mutex<Vec<Seen>>,
    pub(crate) token_reply: TokenReply,
    pub(crate) api_reply: ApiReply,
}

impl Mock {
    pub(crate) fn token_calls(&self) -> usize {
        self.token_forms.lock().unwrap().len()
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
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
pub(crate) async fn serve(token_reply: TokenReply, api_reply: ApiReply) -> (String, Arc<Mock>) {
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

pub(crate) fn tokens_numbered(expires_in: &'static str) -> TokenReply {
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

pub(crate) fn json(status: u16, body: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        body.to_owned(),
    )
        .into_response()
}

/// A success body as the live service sends it: starting with a UTF-8 BOM.
pub(crate) fn json_with_bom(status: u16, body: &str) -> Response {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        bytes,
    )
        .into_response()
}

pub(crate) fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap().into_response()
}

/// Customer ids of the paging tests.
pub(crate) const GUID_A: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub(crate) const GUID_B: &str = "1f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub(crate) const GUID_C: &str = "2f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

pub(crate) fn customer_json(id: &str, domain: &str) -> String {
    format!(
        r#"{{"id":"{id}","commerceId":"0a4ce58a-6f96-4273-8035-d9c7d31b9ba4","companyProfile":{{"tenantId":"{id}","domain":"{domain}","attributes":{{"objectType":"CustomerCompanyProfile"}}}},"billingProfile":{{"id":"d17c0275-da92-5c33-9032-782ef1d0b69b","email":"ap@contoso.example","culture":"en-US","language":"en","companyName":"Contoso","defaultAddress":{{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Main St","postalCode":"98052","firstName":"Ann","lastName":"Lee","phoneNumber":""}},"attributes":{{"etag":"-8799889149591823008","objectType":"CustomerBillingProfile"}}}},"relationshipToPartner":"none","userCredentials":{{"userName":"admin","password":"=;;n.=s9Z"}},"allowDelegatedAccess":true,"attributes":{{"objectType":"Customer"}}}}"#
    )
}

pub(crate) fn client_credentials() -> Credentials {
    Credentials::ClientCredentials {
        tenant_id: "partner-tenant".into(),
        client_id: "app-id".into(),
        client_secret: SecretString::from(SECRET),
    }
}

pub(crate) fn config(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        CloudEndpoints::global().with_overrides(Some(base), Some(base)),
        credentials,
    );
    config.timeout = Duration::from_secs(10);
    config
}

pub(crate) fn client(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(base, client_credentials())).unwrap()
}

/// A client with a ready access token (`PC_ACCESS_TOKEN`): no token fetch.
pub(crate) fn client_with_ready_token(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(
        base,
        Credentials::AccessToken(SecretString::from("ready-token-value")),
    ))
    .unwrap()
}

pub(crate) const ID: &str = "dfd8cc0a-c592-468c-8461-869a38d24738";
