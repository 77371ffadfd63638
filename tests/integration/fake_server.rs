//! A fake Partner Center on a free loopback port: a token authority and an
//! API whose answers the test writes as closures (echoing what was sent,
//! absurd numbers, errors, paging...). It keeps every token form and every
//! API call it saw. The `client_*` suites run the client against it, the
//! `hostile*`, `mfa_answers` and `mca_enhanced_guesses` suites the binary
//! (through `hostile`). Also the loopback listener every other test server
//! (raw sockets, the canned conformance server, the recording proxy) uses.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
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

/// One API request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: String,
    /// 0 for the first API call, 1 for the second...
    pub index: usize,
}

impl Seen {
    /// Header `name`, when it is there and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Authorization` header as sent (empty when there is none).
    pub fn authorization(&self) -> &str {
        self.header("authorization").unwrap_or_default()
    }
}

/// The answer to a token request, given it and every earlier one.
pub type TokenReply = Box<dyn Fn(&TokenCall, &[TokenCall]) -> Response + Send + Sync>;
/// The answer to an API request.
pub type ApiReply = Box<dyn Fn(&Seen) -> Response + Send + Sync>;

/// The server's record and its answers.
pub struct FakeServer {
    tokens: Mutex<Vec<TokenCall>>,
    seen: Mutex<Vec<Seen>>,
    token_reply: TokenReply,
    api_reply: ApiReply,
}

impl FakeServer {
    /// Token requests so far.
    pub fn token_calls(&self) -> Vec<TokenCall> {
        self.tokens.lock().unwrap().clone()
    }

    /// API calls so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn token(State(server): State<Arc<FakeServer>>, body: Bytes) -> Response {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let form = url_decode_form(&raw);
    let (call, earlier) = {
        let mut all = server.tokens.lock().unwrap();
        let call = TokenCall {
            raw,
            form,
            index: all.len(),
        };
        let earlier = all.clone();
        all.push(call.clone());
        (call, earlier)
    };
    (server.token_reply)(&call, &earlier)
}

async fn api(
    State(server): State<Arc<FakeServer>>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = {
        let mut all = server.seen.lock().unwrap();
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
    (server.api_reply)(&seen)
}

/// Serve a fake Partner Center; returns its base URL (API and authority,
/// v1 and v2.0 token paths). The listener is bound before this returns, so
/// no waiting is needed.
pub async fn serve(token_reply: TokenReply, api_reply: ApiReply) -> (String, Arc<FakeServer>) {
    let server = Arc::new(FakeServer {
        tokens: Mutex::new(Vec::new()),
        seen: Mutex::new(Vec::new()),
        token_reply,
        api_reply,
    });
    let router = Router::new()
        .route("/{tenant}/oauth2/token", post(token))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .fallback(api)
        .with_state(server.clone());
    (spawn_router(router).await, server)
}

/// A listener on a free loopback port and its base URL (`http://…`).
pub async fn loopback() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// Serve `router` on a free loopback port; its base URL.
pub async fn spawn_router(router: Router) -> String {
    let (listener, base) = loopback().await;
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

/// Token answers by index alone: `reply(0)` for the first request...
pub fn by_index(reply: impl Fn(usize) -> Response + Send + Sync + 'static) -> TokenReply {
    Box::new(move |call, _| reply(call.index))
}

/// Tokens `tok-1`, `tok-2`... living `expires_in` seconds.
pub fn tokens_numbered(expires_in: &'static str) -> TokenReply {
    by_index(move |n| numbered_token(expires_in, n))
}

/// Token `tok-{n + 1}`, living `expires_in` seconds.
pub fn numbered_token(expires_in: &str, n: usize) -> Response {
    json(
        200,
        format!(
            r#"{{"token_type":"Bearer","expires_in":"{expires_in}","ext_expires_in":"{expires_in}","expires_on":"1546469802","not_before":"1546465902","resource":"https://api.partnercenter.microsoft.com","access_token":"tok-{}"}}"#,
            n + 1
        ),
    )
}

/// A JSON answer.
pub fn json(status: u16, body: impl Into<String>) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// A success body as the live service sends it: starting with a UTF-8 BOM.
pub fn json_with_bom(status: u16, body: &str) -> Response {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        bytes,
    )
        .into_response()
}

/// An answer with `status` and no body.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status).unwrap().into_response()
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
