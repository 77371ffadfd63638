//! The Partner Center sandbox: an HTTP emulator of the parts of the API the
//! tool uses (`docs/sandbox.md`), for demos (`pc-onboard sandbox`,
//! `run --sandbox`) and tests.
//!
//! [`router`] builds the axum app over a [`SandboxState`] (tests drive it
//! with `tower::ServiceExt::oneshot`); `serve` serves it on a listener;
//! [`spawn`] starts it in the background on a free loopback port;
//! `serve_until_ctrl_c` is `pc-onboard sandbox`.

mod acceptance;
mod agreements;
mod attestations;
mod auth;
mod body;
mod claims;
mod config;
mod country_rules;
mod customers;
mod device;
mod error;
mod fault_kinds;
mod faults;
mod gate;
mod inject;
mod net;
mod observe;
mod paging;
mod persist;
mod preflight;
mod reads;
mod relationships;
mod responses;
mod state;
mod stats;
mod tenant;
mod throttle;
mod view;

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;

use crate::logging::{Console, Level};
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, head, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use agreements::MCA_TEMPLATE_ID;
pub use body::request_fields;
pub use config::{
    AcceptedCredentials, AttestationNames, DeviceOutcome, DeviceScript, LegacyMca, SandboxConfig,
};
pub(crate) use config::{CLIENT_ID_ENV, CLIENT_SECRET_ENV, DEFAULT_ATTESTATION_TTL};
pub use error::SandboxError;
pub use faults::{BadBody, DEFAULT_REDIRECT_LOCATION, Endpoint, Fault, RetryAfter};
pub(crate) use faults::{EndpointList, FaultList};
pub(crate) use net::{Connection, SandboxListener};
pub use paging::Paging;
pub(crate) use reads::MAX_PAGE_SIZE;
pub use relationships::{SANDBOX_PARTNER_ID, invitation_link};
pub use state::{SandboxState, TokenKind};
pub use stats::Stats;
pub(crate) use tenant::Attestation;

/// The sandbox app. Routes:
///
/// | route | what |
/// |---|---|
/// | `POST /{tenant}/oauth2/token` | tokens (client credentials: app-only; refresh token: App+User) |
/// | `POST /{tenant}/oauth2/v2.0/token` | the same, with a scope and rotated refresh tokens; the device-code grant |
/// | `POST /{tenant}/oauth2/v2.0/devicecode` | starts a device-code sign-in (`pc-onboard login`) |
/// | `POST /v1/customers` | create a customer |
/// | `GET /v1/customers` | list / filter / page customers |
/// | `GET /v1/customers/{id}` | one customer |
/// | `GET /v1/customers/relationshiprequests` | the reseller relationship invitation link (App+User) |
/// | `HEAD /v1/domains/{domain}` | `200` taken, `404` free |
/// | `GET /v1/countryvalidationrules/{iso2}` | country rules |
/// | `POST /v1/validations/address` | address check |
/// | `GET /v1/agreements` | agreement metadata |
/// | `POST`/`GET /v1/customers/{id}/agreements` | MCA attestation (a template id: legacy, App+User; an `attestationId`: enhanced, app-only) |
/// | `POST /v1/attestations/enhanced` | an enhanced MCA attestation (app-only): id, state, acceptance link |
/// | `GET /v1/attestations/enhanced/{id}` | its state: `Pending`, `Ready` (accepted), `Expired` |
/// | `GET`/`POST /sandbox/mca/{id}` | the acceptance page: shows the agreement, accepts it (no token) |
/// | `GET /sandbox/stats` | counters ([`Stats`]) |
/// | `GET /sandbox/devicelogin` | where a person would sign in (the sandbox approves by itself) |
pub fn router(state: SandboxState) -> Router {
    let api = Router::new()
        .route(
            "/v1/customers",
            get(reads::list_customers).post(customers::create),
        )
        .route("/v1/customers/{id}", get(reads::get_customer))
        .route(
            "/v1/customers/relationshiprequests",
            get(relationships::relationship_request),
        )
        .route(
            "/v1/customers/{id}/agreements",
            get(agreements::list).post(agreements::attest),
        )
        .route("/v1/domains/{domain}", head(reads::domain_exists))
        .route(
            "/v1/countryvalidationrules/{iso2}",
            get(country_rules::country_rules),
        )
        .route("/v1/validations/address", post(preflight::validate_address))
        .route("/v1/agreements", get(agreements::metadata))
        .route("/v1/attestations/enhanced", post(attestations::create))
        .route("/v1/attestations/enhanced/{id}", get(attestations::read))
        .route_layer(from_fn_with_state(state.clone(), inject::inject))
        .route_layer(from_fn_with_state(state.clone(), gate::api_gate));
    let token = Router::new()
        .route("/{tenant}/oauth2/token", post(auth::token))
        .route("/{tenant}/oauth2/v2.0/token", post(device::token_v2))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(device::device_code),
        )
        .route_layer(from_fn_with_state(state.clone(), inject::inject));
    Router::new()
        .route("/sandbox/stats", get(stats::stats))
        .route("/sandbox/devicelogin", get(device::device_login_page))
        .route(
            "/sandbox/mca/{id}",
            get(acceptance::show).post(acceptance::submit),
        )
        .merge(token)
        .merge(api)
        .fallback(responses::not_found)
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .with_state(state)
}

/// Serve the sandbox on `listener` until `shutdown` completes, then finish
/// the calls in flight (graceful shutdown).
///
/// Connections go through `SandboxListener`, so that [`Fault::Drop`] can
/// close a connection without answering.
pub(crate) async fn serve(
    listener: TcpListener,
    state: SandboxState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<Connection>();
    axum::serve(SandboxListener::new(listener), app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A sandbox serving in the background (see [`spawn`]). Dropping it stops
/// the server too; [`shutdown`](Self::shutdown) also waits for it.
#[derive(Debug)]
pub struct RunningSandbox {
    base_url: String,
    state: SandboxState,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT`: the API base URL (`/v1/...` is appended) and
    /// also the token authority (`/{tenant}/oauth2/token` is appended).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The state: stats, issued passwords, fault script.
    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// Stop accepting, finish the calls in flight, and wait for the server.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .map_err(SandboxError::Task)?
            .map_err(SandboxError::Serve)
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Start a sandbox with `config` on a free loopback port (`127.0.0.1:0`), on
/// the current tokio runtime.
pub async fn spawn(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let state = SandboxState::new(config)?;
    spawn_with_state(state).await
}

/// [`spawn`] with a state built by the caller (e.g. one whose fault script
/// a test has set up).
pub async fn spawn_with_state(state: SandboxState) -> Result<RunningSandbox, SandboxError> {
    let listen_error = |source| SandboxError::Listen {
        address: "127.0.0.1:0".to_owned(),
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), async move {
        // A dropped sender stops the server too.
        let _ = stopped.await;
    }));
    Ok(RunningSandbox {
        base_url: format!("http://{addr}"),
        state,
        stop: Some(stop),
        task,
    })
}

/// `pc-onboard sandbox`: serve on `listen` until Ctrl-C. The first line on
/// stdout is `listening on http://HOST:PORT`; then one line per request on
/// stderr.
pub(crate) async fn serve_until_ctrl_c(
    listen: SocketAddr,
    config: SandboxConfig,
) -> Result<(), SandboxError> {
    let state = SandboxState::new(config)?;
    let listen_error = |source| SandboxError::Listen {
        address: listen.to_string(),
        source,
    };
    let listener = TcpListener::bind(listen).await.map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    announce(addr, state.config()).map_err(SandboxError::Serve)?;
    serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(SandboxError::Serve)?;
    Console::get().line(Level::Info, "sandbox: stopped");
    Ok(())
}

#[allow(clippy::print_stdout)] // The CLI contract: the first stdout line names the address.
fn announce(addr: SocketAddr, config: &SandboxConfig) -> std::io::Result<()> {
    let url = format!("http://{addr}");
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {url}")?;
    out.flush()?;
    let client = match &config.credentials.client_id {
        Some(_) => format!("PC_CLIENT_ID=\"${CLIENT_ID_ENV}\""),
        None => "PC_CLIENT_ID=any".to_owned(),
    };
    let secret = match &config.credentials.client_secret {
        Some(_) => format!("PC_CLIENT_SECRET=\"${CLIENT_SECRET_ENV}\""),
        None => "PC_CLIENT_SECRET=any".to_owned(),
    };
    // Both kinds of credentials: app-only (the secret) and App+User (a
    // refresh token; or `pc-onboard login` against this sandbox).
    let banner = format!(
        "sandbox: for a client: export PC_ENDPOINT={url} PC_AUTHORITY={url} PC_TENANT_ID=sandbox-partner.onmicrosoft.com {client} {secret} PC_REFRESH_TOKEN=sandbox-refresh-token (app-only and App+User; or sign in with `pc-onboard login --authority {url}` instead of PC_REFRESH_TOKEN); App+User tokens {}; quota {}/min per token; Ctrl-C stops",
        if config.app_user_mfa {
            "carry MFA"
        } else {
            "carry no MFA and App+User calls are answered 401 900421 (--no-mfa)"
        },
        config.quota
    );
    let mut fields = serde_json::Map::new();
    fields.insert("endpoint".to_owned(), url.clone().into());
    Console::get().event(Level::Info, &banner, fields);
    Ok(())
}
