//! Shared helpers of the sandbox tests: a router-backed sandbox, token
//! fetching, requests with the Partner Center headers, valid bodies.
#![allow(dead_code)]

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use pc_onboard::partner_center::resources::{TokenResponse, parse_json};
use pc_onboard::sandbox::{self, SandboxConfig, SandboxState};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

/// The form of an app-only token request.
pub const APP_FORM: &str = "grant_type=client_credentials&client_id=app-id&client_secret=app-secret&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com";
/// The form of an App+User token request.
pub const USER_FORM: &str = "grant_type=refresh_token&client_id=app-id&refresh_token=any-refresh-token&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com";

/// A sandbox driven through its router (no sockets).
pub struct Sandbox {
    /// The state: stats, passwords, fault script.
    pub state: SandboxState,
    /// The app.
    pub app: Router,
}

impl Sandbox {
    /// Default configuration.
    pub fn new() -> Self {
        Self::with(SandboxConfig::default())
    }

    /// A given configuration.
    pub fn with(config: SandboxConfig) -> Self {
        let state = SandboxState::new(config).expect("sandbox state");
        let app = sandbox::router(state.clone());
        Self { state, app }
    }

    /// Send one request.
    pub async fn call(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let (body, body_failed) = match axum::body::to_bytes(response.into_body(), usize::MAX).await
        {
            Ok(body) => (body, false),
            Err(_) => (Bytes::new(), true),
        };
        Reply {
            status,
            headers,
            body,
            body_failed,
        }
    }

    /// Post a token form.
    pub async fn token_reply(&self, form: &str) -> Reply {
        self.call(
            Request::post("/partner-tenant-id/oauth2/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// An app-only access token.
    pub async fn token(&self) -> String {
        access_token(&self.token_reply(APP_FORM).await)
    }

    /// An App+User access token.
    pub async fn user_token(&self) -> String {
        access_token(&self.token_reply(USER_FORM).await)
    }

    /// `POST /v1/customers` with `request_id`.
    pub async fn create(&self, token: &str, request_id: Uuid, body: &Value) -> Reply {
        self.call(
            api(Method::POST, "/v1/customers", token)
                .header("MS-RequestId", request_id.to_string())
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// `POST /v1/customers/{id}/agreements` with `body`.
    pub async fn attest(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.call(
            api(
                Method::POST,
                &format!("/v1/customers/{id}/agreements"),
                token,
            )
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .body(Body::from(body.to_string()))
            .unwrap(),
        )
        .await
    }

    /// A `GET` with fresh ids.
    pub async fn get(&self, token: &str, uri: &str) -> Reply {
        self.call(
            api(Method::GET, uri, token)
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

/// A request builder with `Authorization`, `MS-CorrelationId` and the usual
/// headers (add `MS-RequestId`).
pub fn api(method: Method, uri: &str, token: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("Authorization", format!("Bearer {token}"))
        .header("MS-CorrelationId", Uuid::new_v4().to_string())
        .header("MS-Contract-Version", "v1")
        .header("Accept", "application/json")
}

/// An answer.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Bytes,
    /// The body failed mid-stream (the sandbox's dropped connection, without a connection).
    pub body_failed: bool,
}

impl Reply {
    /// The body as JSON (a leading BOM is skipped).
    pub fn json(&self) -> Value {
        parse_json(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Whether the body starts with a UTF-8 BOM.
    pub fn has_bom(&self) -> bool {
        self.body.starts_with(b"\xEF\xBB\xBF")
    }

    /// The error envelope's `code`, as text.
    pub fn code(&self) -> String {
        match &self.json()["code"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => panic!("no code in {other}"),
        }
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An access token from a sandbox served on a socket (`base` is its base
/// URL), asked for with `form` ([`APP_FORM`] or [`USER_FORM`]).
pub async fn fetch_token(client: &reqwest::Client, base: &str, form: &str) -> String {
    let answer = client
        .post(format!("{base}/partner-tenant/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .expect("token request")
        .bytes()
        .await
        .expect("token answer");
    let token: TokenResponse = parse_json(&answer).expect("token answer");
    token.access_token.expose_secret().to_owned()
}

/// The access token of a token answer.
pub fn access_token(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let token: TokenResponse = parse_json(&reply.body).expect("token answer");
    token.access_token.expose_secret().to_owned()
}

/// An MCA attestation body for a contact with `email`.
pub fn attestation(email: &str) -> Value {
    json!({
        "primaryContact": {"firstName": "Tania", "lastName": "Carr", "email": email, "phoneNumber": "1234567890"},
        "templateId": sandbox::MCA_TEMPLATE_ID,
        "dateAgreed": "2026-11-25T00:00:00Z",
        "type": "MicrosoftCustomerAgreement"
    })
}

/// A valid US customer body in camelCase, domain `<prefix>.onmicrosoft.com`.
pub fn valid_body(prefix: &str) -> Value {
    json!({
        "companyProfile": { "domain": format!("{prefix}.onmicrosoft.com") },
        "billingProfile": {
            "email": format!("ap@{prefix}.example"),
            "culture": "en-US",
            "language": "en",
            "companyName": format!("{prefix} Ltd"),
            "defaultAddress": {
                "firstName": "Ann", "lastName": "Lee", "phoneNumber": "+14255550100",
                "addressLine1": "1 Main St", "city": "Redmond", "state": "WA",
                "postalCode": "98052", "country": "US"
            }
        }
    })
}

/// The same customer in PascalCase, as Microsoft's examples send it.
pub fn pascal_body(prefix: &str) -> Value {
    json!({
        "CompanyProfile": { "Domain": format!("{prefix}.onmicrosoft.com") },
        "BillingProfile": {
            "Email": format!("ap@{prefix}.example"),
            "Culture": "EN-US",
            "Language": "en",
            "CompanyName": format!("{prefix} Ltd"),
            "DefaultAddress": {
                "FirstName": "Ann", "LastName": "Lee", "PhoneNumber": "+14255550100",
                "AddressLine1": "1 Main St", "City": "Redmond", "State": "WA",
                "PostalCode": "98052", "Country": "US"
            }
        }
    })
}

/// Set `value` at a `/`-separated path of `body` (creating objects on the way).
pub fn set(body: &mut Value, path: &str, value: Value) {
    let mut at = body;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at = &mut at[*part];
    }
    at[parts[parts.len() - 1]] = value;
}

/// Remove the property at a `/`-separated path of `body`.
pub fn remove(body: &mut Value, path: &str) {
    let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
    let mut at = body;
    if !parent.is_empty() {
        for part in parent.split('/') {
            at = &mut at[part];
        }
    }
    at.as_object_mut().expect("object").remove(last);
}
