//! The outer middleware of every route: counts the call, adds `--latency`,
//! echoes `MS-RequestId` / `MS-CorrelationId`, takes the BOM off success
//! bodies under `--no-bom`, and logs one line per request
//! to stderr (method, path, status, request id: never tokens or passwords).

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tokio::time::Instant;

use super::gate::{MS_CORRELATION_ID, MS_REQUEST_ID};
use super::inject::Dropped;
use super::responses::{JsonText, WithBom};
use super::state::SandboxState;

/// Routes that are the sandbox's own (not counted, not delayed).
const OWN_PREFIX: &str = "/sandbox/";

/// The outer middleware.
pub(crate) async fn observe(
    State(state): State<SandboxState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let own = path.starts_with(OWN_PREFIX);
    let request_id = request.headers().get(MS_REQUEST_ID).cloned();
    let correlation_id = request.headers().get(MS_CORRELATION_ID).cloned();
    if !own {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("(unknown route)", MatchedPath::as_str);
        let endpoint = format!("{method} {route}");
        state.with_world(|w| w.stats.count_call(endpoint));
        let latency = state.config().latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }
    let mut response = next.run(request).await;
    if !state.config().bom
        && response.extensions().get::<WithBom>().is_some()
        && let Some(JsonText(text)) = response.extensions().get::<JsonText>().cloned()
    {
        *response.body_mut() = axum::body::Body::from(text);
    }
    let headers = response.headers_mut();
    if let Some(id) = &request_id {
        headers.insert(MS_REQUEST_ID, id.clone());
    }
    if let Some(id) = correlation_id {
        headers.insert(MS_CORRELATION_ID, id);
    }
    if state.config().log_requests {
        let id = request_id
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let status = if response.extensions().get::<Dropped>().is_some() {
            "dropped".to_owned()
        } else {
            response.status().as_u16().to_string()
        };
        let line = format!(
            "{method} {path} {status} request-id={id} {}ms",
            started.elapsed().as_millis()
        );
        crate::logging::Console::get().line(crate::logging::Level::Info, &line);
    }
    response
}
