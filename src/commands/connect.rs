//! Connecting to Partner Center, or to the built-in sandbox started
//! in-process: the one place `run` and `validate --online` get their client,
//! rate limiter, call slots and engine from.

use std::sync::Arc;

use anyhow::Context;
use futures_util::FutureExt;
use secrecy::SecretString;

use crate::logging::{Console, Level};
use crate::partner_center::auth::Credentials;
use crate::partner_center::client::{ClientConfig, PartnerCenterClient};
use crate::partner_center::cloud::CloudEndpoints;
use crate::partner_center::error::ApiError;
use crate::pipeline::{
    CallKind, CallSlots, ConcurrencyController, Engine, RateGate, Retrier, Stop, classify,
};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};
use crate::settings::ConnectSettings;

/// The client id the in-process sandbox is called with.
const SANDBOX_DEMO_CLIENT_ID: &str = "pc-onboard-demo";
/// The partner tenant the in-process sandbox is called with.
const SANDBOX_DEMO_TENANT: &str = "sandbox-partner.onmicrosoft.com";
/// The refresh token the in-process sandbox is called with: an App+User
/// token, so indirect-reseller creation and MCA attestation work in the demo.
const SANDBOX_DEMO_REFRESH_TOKEN: &str = "sandbox-demo-refresh-token";

/// What a command that must connect says when there are no credentials.
pub(super) const NO_CREDENTIALS: &str = "no Partner Center credentials: set PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or PC_REFRESH_TOKEN with PC_CLIENT_ID, or PC_ACCESS_TOKEN), or try it with --sandbox";

/// A connection: the in-flight limit and the engine, whose client awaits
/// the shared rate limiter before every call (no engine when there are no
/// credentials).
pub(super) struct Session {
    /// The in-flight limit.
    pub concurrency: Arc<ConcurrencyController>,
    /// The engine, when connected.
    pub engine: Option<Arc<Engine>>,
    /// The in-process sandbox, with `--sandbox`.
    pub sandbox: Option<RunningSandbox>,
    /// Where the calls go, for the summary.
    pub describe: String,
}

impl Session {
    /// Connect: start the sandbox (`--sandbox`, App+User demo credentials)
    /// or read the credentials from the environment, build the client with
    /// the shared gate and latency observer, and fetch a token so bad
    /// credentials stop the command before any row. Without credentials the
    /// session has no engine (the caller decides whether that is fatal).
    pub async fn open(options: &ConnectSettings, stop: &Stop) -> anyhow::Result<Session> {
        let rate = options.rate().get();
        let gate = Arc::new(RateGate::new(rate));
        let concurrency = Arc::new(ConcurrencyController::new(options.concurrency(), rate));
        let (endpoints, credentials, sandbox) = where_to(options).await?;
        let describe = match &sandbox {
            Some(s) => format!("built-in sandbox at {}", s.base_url()),
            None => endpoints.api.clone(),
        };
        let Some(credentials) = credentials else {
            return Ok(Session {
                concurrency,
                engine: None,
                sandbox,
                describe,
            });
        };
        tracing::debug!(
            api = %endpoints.api,
            authority = %endpoints.authority,
            resource = %endpoints.resource,
            credentials = credentials.kind(),
            "connecting"
        );
        let authority_hint = authority_hint(options, &endpoints.authority);
        if let Some(hint) = &authority_hint {
            Console::get().line(Level::Info, &format!("note: {hint}"));
        }
        let client = client(options, endpoints, credentials, &gate, stop, &concurrency)?;
        let mut retrier = Retrier::new(
            options.retry_policy(),
            gate,
            CallSlots::new(concurrency.clone()),
            stop.clone(),
            rand::random(),
        );
        retrier.max_wait = options.max_retry_wait();
        let counters = retrier.counters.clone();
        let client = client.with_resend_observer(Arc::new(move |method, path| {
            counters.count_resent(method.as_str(), path);
        }));
        let engine = Engine::new(client, retrier, options.cloud());
        // The first token goes through the retry engine: an authority that
        // is briefly unavailable is retried like any transient failure.
        let first = engine
            .retrier
            .run(CallKind::Token, classify, || engine.client.authenticate())
            .await;
        if let Err(e) = first.result {
            let hint = authority_hint
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            anyhow::bail!("cannot authenticate against {describe}: {e}{hint}");
        }
        Ok(Session {
            concurrency,
            engine: Some(Arc::new(engine)),
            sandbox,
            describe,
        })
    }

    /// The run's `MS-CorrelationId`, when connected.
    pub fn correlation_id(&self) -> Option<uuid::Uuid> {
        self.engine.as_ref().map(|e| e.client.correlation_id())
    }

    /// Whether the credentials may do App+User-only operations (resellers,
    /// MCA); true when not connected (nothing is sent then anyway).
    pub fn app_user(&self) -> bool {
        self.engine
            .as_ref()
            .is_none_or(|e| !e.client.tokens().credentials().is_app_only())
    }

    /// Where the calls go, for the summary.
    pub fn target(&self) -> String {
        match &self.engine {
            Some(_) => self.describe.clone(),
            None => "offline (no credentials: domains not checked)".to_owned(),
        }
    }

    /// Stop the in-process sandbox, if any.
    pub async fn close(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            let _ = sandbox.shutdown().await;
        }
    }
}

/// Where to connect, with what: the in-process sandbox and its demo
/// credentials, or the cloud's (overridden) hosts and the environment's.
async fn where_to(
    options: &ConnectSettings,
) -> anyhow::Result<(CloudEndpoints, Option<Credentials>, Option<RunningSandbox>)> {
    if !options.sandbox() {
        return Ok((options.endpoints(), Credentials::from_env()?, None));
    }
    let config = SandboxConfig {
        log_requests: false,
        ..SandboxConfig::default()
    };
    let sandbox = sandbox::spawn(config)
        .await
        .context("cannot start the built-in sandbox")?;
    let base = sandbox.base_url().to_owned();
    let endpoints =
        CloudEndpoints::for_cloud(options.cloud()).with_overrides(Some(&base), Some(&base));
    Ok((endpoints, Some(sandbox_credentials()), Some(sandbox)))
}

/// The client: the timeouts, the gate before every call (refused once the
/// run is stopping), latencies reported to the concurrency controller.
fn client(
    options: &ConnectSettings,
    endpoints: CloudEndpoints,
    credentials: Credentials,
    gate: &Arc<RateGate>,
    stop: &Stop,
    concurrency: &Arc<ConcurrencyController>,
) -> anyhow::Result<PartnerCenterClient> {
    let mut config = ClientConfig::new(endpoints, credentials);
    config.timeout = options.timeout();
    config.create_timeout = options.create_timeout();
    let (gate, stop) = (gate.clone(), stop.clone());
    let observer = concurrency.clone();
    Ok(PartnerCenterClient::new(config)?
        .with_before_send(Arc::new(move || {
            let (gate, stop) = (gate.clone(), stop.clone());
            async move {
                gate.ready_unless(&stop)
                    .await
                    .map_err(|_| ApiError::Stopped)
            }
            .boxed()
        }))
        .with_latency_observer(Arc::new(move |latency| observer.observe(latency))))
}

/// `--endpoint` without `--authority`: tokens still come from the cloud's
/// authority, which a proxy or a private endpoint may not mean.
fn authority_hint(options: &ConnectSettings, authority: &str) -> Option<String> {
    let only_endpoint = options.endpoint().is_some() && options.authority().is_none();
    (only_endpoint && !options.sandbox()).then(|| {
        format!(
            "--endpoint is set but --authority is not: tokens are requested from {authority} (the {} cloud's); set --authority (or PC_AUTHORITY) if the endpoint has its own",
            options.cloud()
        )
    })
}

/// The in-process sandbox's demo credentials: App+User (refresh-token grant).
fn sandbox_credentials() -> Credentials {
    Credentials::RefreshToken {
        tenant_id: SANDBOX_DEMO_TENANT.to_owned(),
        client_id: SANDBOX_DEMO_CLIENT_ID.to_owned(),
        refresh_token: SecretString::from(SANDBOX_DEMO_REFRESH_TOKEN),
        client_secret: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::Invocation;
    use crate::cli::tests::invocation;

    /// The connection settings of `run in.csv --results r.csv EXTRA`.
    fn connect(extra: &[&str]) -> ConnectSettings {
        let mut all = vec!["pc-onboard", "run", "in.csv", "--results", "r.csv"];
        all.extend(extra);
        match invocation(&all).unwrap() {
            Invocation::Run(run) => run.connect().clone(),
            _ => panic!("not run"),
        }
    }

    #[test]
    fn an_endpoint_without_an_authority_names_the_authority_used() {
        let only_endpoint = connect(&["--endpoint", "https://proxy.example"]);
        let hint = authority_hint(&only_endpoint, "https://login.microsoftonline.com").unwrap();
        assert!(
            hint.contains("https://login.microsoftonline.com") && hint.contains("--authority"),
            "{hint}"
        );
        let both = connect(&[
            "--endpoint",
            "https://proxy.example",
            "--authority",
            "https://login.example",
        ]);
        assert_eq!(authority_hint(&both, "https://login.example"), None);
        assert_eq!(authority_hint(&connect(&[]), "x"), None);
    }

    #[tokio::test]
    async fn the_in_process_sandbox_gets_an_app_user_token() {
        let options = connect(&["--sandbox"]);
        let mut session = Session::open(&options, &Stop::new()).await.unwrap();
        let engine = session.engine.clone().unwrap();
        assert_eq!(
            engine.client.tokens().credentials().kind(),
            "refresh token (App+User)"
        );
        assert!(
            session
                .describe
                .starts_with("built-in sandbox at http://127.0.0.1:")
        );
        let stats = session.sandbox.as_ref().unwrap().state().stats();
        assert_eq!(stats.tokens_issued, 1);
        session.close().await;
        assert!(session.sandbox.is_none());
    }
}
