//! A small hostile Partner Center for the binary to run against: a token
//! authority and an API whose answers the test writes as closures (echoing
//! what was sent, absurd numbers, ...), on a free loopback port. It keeps
//! every token form and every API call it saw.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

/// One token request: its raw form text and its fields.
#[derive(Debug, Clone)]
pub struct TokenCall {
    /// The posted body as sent.
    pub raw: String,
    /// The form's fields.
    pub form: HashMap<String, String>,
    /// 0 for the first token request, 1 for the second...
    pub index: usize,
}

/// One API request.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// `POST`, `GET`, `HEAD`.
    pub method: Method,
    /// The path.
    pub path: String,
    /// The `Authorization` header as sent.
    pub authorization: String,
    /// The body as sent.
    pub body: String,
    /// 0 for the first API call, 1 for the second...
    pub index: usize,
}

/// The answer to a token request, given it and every earlier one.
type TokenReply = Box<dyn Fn(&TokenCall, &[TokenCall]) -> Response + Send + Sync>;
type ApiReply = Box<dyn Fn(&ApiCall) -> Response + Send + Sync>;

/// The server's record and its answers.
pub struct Hostile {
    pub tokens: Mutex<Vec<TokenCall>>,
    pub calls: Mutex<Vec<ApiCall>>,
    token_reply: TokenReply,
    api_reply: ApiReply,
}

impl Hostile {
    /// Token requests so far.
    pub fn token_calls(&self) -> Vec<TokenCall> {
        self.tokens.lock().unwrap().clone()
    }

    /// API calls so far.
    pub fn api_calls(&self) -> Vec<ApiCall> {
        self.calls.lock().unwrap().clone()
    }
}

async fn token(State(h): State<Arc<Hostile>>, body: Bytes) -> Response {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let form: HashMap<String, String> = url_decode_form(&raw);
    let (call, earlier) = {
        let mut all = h.tokens.lock().unwrap();
        let call = TokenCall {
            raw,
            form,
            index: all.len(),
        };
        let earlier = all.clone();
        all.push(call.clone());
        (call, earlier)
    };
    (h.token_reply)(&call, &earlier)
}

async fn api(
    State(h): State<Arc<Hostile>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let call = {
        let mut all = h.calls.lock().unwrap();
        let call = ApiCall {
            method,
            path: uri.path().to_owned(),
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body: String::from_utf8_lossy(&body).into_owned(),
            index: all.len(),
        };
        all.push(call.clone());
        call
    };
    (h.api_reply)(&call)
}

/// Serve a hostile Partner Center; returns its base URL (API and authority).
pub async fn serve(
    token_reply: impl Fn(&TokenCall, &[TokenCall]) -> Response + Send + Sync + 'static,
    api_reply: impl Fn(&ApiCall) -> Response + Send + Sync + 'static,
) -> (String, Arc<Hostile>) {
    let hostile = Arc::new(Hostile {
        tokens: Mutex::new(Vec::new()),
        calls: Mutex::new(Vec::new()),
        token_reply: Box::new(token_reply),
        api_reply: Box::new(api_reply),
    });
    let router = Router::new()
        .route("/{tenant}/oauth2/token", post(token))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .fallback(api)
        .with_state(hostile.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, hostile)
}

/// `pc-onboard ARGS` to the end, against the server at `base` (API and
/// authority), with nothing else in its environment but `PATH` and `vars`.
pub async fn run_against_server<S: AsRef<std::ffi::OsStr>>(
    base: &str,
    args: &[S],
    vars: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(crate::support::bin());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PC_ENDPOINT", base)
        .env("PC_AUTHORITY", base);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd.output().await.unwrap()
}

/// A JSON answer.
pub fn json(status: u16, body: impl Into<String>) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body.into(),
    )
        .into_response()
}

/// The 201 answer to a create: the customer of the posted body's domain,
/// with fresh GUIDs and an initial password.
pub fn created(call: &ApiCall) -> Response {
    let body: serde_json::Value = serde_json::from_str(&call.body).unwrap_or_default();
    let domain = body["companyProfile"]["domain"]
        .as_str()
        .unwrap_or_default();
    let id = uuid::Uuid::new_v4();
    json(
        201,
        format!(
            r#"{{"id":"{id}","commerceId":"{id}","companyProfile":{{"tenantId":"{id}","domain":"{domain}"}},"userCredentials":{{"userName":"admin","password":"Pw-{id}"}}}}"#
        ),
    )
}

/// An empty customer search.
pub fn no_customers() -> Response {
    json(
        200,
        r#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#,
    )
}

fn url_decode_form(raw: &str) -> HashMap<String, String> {
    raw.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
