//! Connecting to Partner Center, or to the built-in sandbox started
//! in-process: the one place `run` and `validate --online` get their client,
//! rate limiter, call slots and engine from.

use std::sync::Arc;

use anyhow::Context;
use futures_util::FutureExt;
use secrecy::SecretString;

use crate::logging::{Console, Level};
use crate::login::LoginCache;
use crate::partner_center::auth::jwt::TokenClaims;
use crate::partner_center::auth::{
    AuthError, CallAuth, CredentialKind, CredentialSet, Credentials,
};
use crate::partner_center::client::{ClientConfig, PartnerCenterClient};
use crate::partner_center::cloud::CloudEndpoints;
use crate::partner_center::error::ApiError;
use crate::pipeline::{
    CallKind, CallSlots, ConcurrencyController, Engine, RateGate, Retrier, Stop, classify,
};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};
use crate::settings::{ConnectSettings, InputSettings};
use crate::validate::CheckContext;

/// The client id the in-process sandbox is called with.
const SANDBOX_DEMO_CLIENT_ID: &str = "pc-onboard-demo";
/// The partner tenant the in-process sandbox is called with.
const SANDBOX_DEMO_TENANT: &str = "sandbox-partner.onmicrosoft.com";
/// The refresh token the in-process sandbox is called with: App+User
/// credentials next to the app-only ones, so indirect-reseller creation and
/// MCA attestation work in the demo.
const SANDBOX_DEMO_REFRESH_TOKEN: &str = "sandbox-demo-refresh-token";
/// The client secret the in-process sandbox is called with (app-only).
const SANDBOX_DEMO_CLIENT_SECRET: &str = "sandbox-demo-client-secret";

/// What a command that must connect says when there are no credentials.
pub(super) const NO_CREDENTIALS: &str = "no Partner Center credentials: set PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (app-only), run `pc-onboard login` or set PC_REFRESH_TOKEN with PC_CLIENT_ID (App+User), or set PC_ACCESS_TOKEN; or try it with --sandbox";

/// A connection: the in-flight limit and the engine, whose client awaits
/// the shared rate limiter before every call (no engine when there are no
/// credentials).
pub(super) struct Session {
    /// The in-flight limit.
    pub(crate) concurrency: Arc<ConcurrencyController>,
    /// The engine, when connected.
    pub(crate) engine: Option<Arc<Engine>>,
    /// The in-process sandbox, with `--sandbox`.
    pub(crate) sandbox: Option<RunningSandbox>,
    /// Where the calls go, for the summary.
    pub(crate) describe: String,
}

impl Session {
    /// Connect: start the sandbox (`--sandbox`, demo credentials of both
    /// kinds) or read the credentials from the environment and the login
    /// cache, build the client with the shared gate and latency observer,
    /// and fetch a token of each kind, so bad credentials stop the command
    /// before any row. An App+User sign-in that cannot be used (no MFA, an
    /// expired refresh token) next to app-only credentials is a warning:
    /// the rows that need App+User are not sent, the others go on. Without
    /// credentials the session has no engine (the caller decides whether
    /// that is fatal).
    pub(super) async fn open(options: &ConnectSettings, stop: &Stop) -> anyhow::Result<Session> {
        let rate = options.rate().get();
        let gate = Arc::new(RateGate::new(rate));
        let concurrency = Arc::new(ConcurrencyController::new(options.concurrency(), rate));
        let (endpoints, credentials, sandbox) = where_to(options).await?;
        let describe = match &sandbox {
            Some(s) => format!("built-in sandbox at {}", s.base_url()),
            None => endpoints.api.clone(),
        };
        if credentials.is_empty() {
            return Ok(Session {
                concurrency,
                engine: None,
                sandbox,
                describe,
            });
        }
        tracing::debug!(
            api = %endpoints.api,
            authority = %endpoints.authority,
            resource = %endpoints.resource,
            credentials = credentials.describe(),
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
        if let Err(e) = authenticate(&engine).await {
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
    pub(super) fn correlation_id(&self) -> Option<uuid::Uuid> {
        self.engine.as_ref().map(|e| e.client.correlation_id())
    }

    /// Whether App+User calls (resellers, MCA) can be made, and if not why;
    /// `Ok` when not connected (nothing is sent then anyway).
    pub(super) fn app_user(&self) -> Result<(), AuthError> {
        match &self.engine {
            Some(e) => e.client.access(CallAuth::AppUser).map(|_| ()),
            None => Ok(()),
        }
    }

    /// What a row check knows beyond the row, for `run` and `validate
    /// --online`: the input's `partner_domains` and the domain the App+User
    /// token names ([`Session::signed_in_domain`]).
    pub(super) async fn check_context(&self, input: &InputSettings) -> CheckContext {
        let mut context = input.check_context();
        context.add_partner_domains(self.signed_in_domain().await);
        context
    }

    /// The partner's own e-mail domain the App+User token names (its
    /// user's, `admin@contoso.com` → `contoso.com`), when App+User calls
    /// can be made: a customer e-mail there is refused like one on a
    /// `partner_domains` domain.
    async fn signed_in_domain(&self) -> Option<String> {
        let client = &self.engine.as_ref()?.client;
        client.access(CallAuth::AppUser).ok()?;
        let token = client.tokens(CredentialKind::AppUser)?.token().await.ok()?;
        let domain = TokenClaims::read(token.expose())?.user_domain()?;
        tracing::info!(%domain, "the signed-in user's domain is the partner's own");
        Some(domain)
    }

    /// Where the calls go, for the summary.
    pub(super) fn target(&self) -> String {
        match &self.engine {
            Some(_) => self.describe.clone(),
            None => "offline (no credentials: domains not checked)".to_owned(),
        }
    }

    /// Stop the in-process sandbox, if any.
    pub(super) async fn close(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            let _ = sandbox.shutdown().await;
        }
    }
}

/// Fetch a token of each kind, through the retry engine (an authority that
/// is briefly unavailable is retried like any transient failure). App+User
/// failing next to app-only credentials is a warning and App+User calls
/// are not made; otherwise a failure is the error.
async fn authenticate(engine: &Engine) -> Result<(), ApiError> {
    let client = &engine.client;
    let has = client.kinds();
    for kind in [CredentialKind::AppOnly, CredentialKind::AppUser] {
        if client.tokens(kind).is_none() {
            continue;
        }
        // App+User next to app-only: a refusal must not stop the run, so
        // only transient failures go back to the retry engine.
        let optional = kind == CredentialKind::AppUser && has.app_only;
        let first = engine
            .retrier
            .run(CallKind::Token, classify, || async move {
                match client.authenticate_kind(kind).await {
                    Err(e) if optional && !e.is_transient() => Ok(Err(e)),
                    other => other.map(Ok),
                }
            })
            .await;
        match first.result {
            Ok(Ok(())) => {}
            Ok(Err(ApiError::Auth(e))) | Err(ApiError::Auth(e)) if optional => {
                Console::get().warn(&format!(
                    "App+User credentials cannot be used, so rows that need them (indirect resellers, MCA) are not sent: {e}"
                ));
                client.refuse_app_user(e);
            }
            Ok(Err(e)) | Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Where to connect, with what: the in-process sandbox and its demo
/// credentials, or the cloud's (overridden) hosts and the environment's
/// credentials, with the login cache's sign-in for App+User when the
/// environment has none.
async fn where_to(
    options: &ConnectSettings,
) -> anyhow::Result<(CloudEndpoints, CredentialSet, Option<RunningSandbox>)> {
    if !options.sandbox() {
        let endpoints = options.endpoints();
        let mut credentials = CredentialSet::from_env()?;
        let ready_token = std::env::var_os(crate::partner_center::auth::ENV_ACCESS_TOKEN)
            .is_some_and(|v| !v.is_empty());
        if credentials.app_user.is_none() && !ready_token {
            add_signed_in(&mut credentials, &endpoints);
        }
        let credentials = credentials.check()?;
        if let Some(missing) = &credentials.incomplete_app_only
            && std::env::var_os(crate::partner_center::auth::ENV_CLIENT_SECRET).is_some()
        {
            Console::get().warn(&format!("{missing}; every call uses the App+User sign-in"));
        }
        return Ok((endpoints, credentials, None));
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
    Ok((endpoints, sandbox_credentials(), Some(sandbox)))
}

/// App+User from the login cache, when it holds a sign-in for this
/// authority (each rotated refresh token is written back to it).
fn add_signed_in(credentials: &mut CredentialSet, endpoints: &CloudEndpoints) {
    let Ok(cache) = LoginCache::locate() else {
        return;
    };
    match cache.load() {
        Ok(Some(sign_in)) if sign_in.is_for(endpoints) => {
            tracing::info!(
                user = %sign_in.user,
                cache = %cache.path().display(),
                "App+User: the sign-in of pc-onboard login"
            );
            credentials.app_user = Some(sign_in.credentials());
            credentials.on_rotate = Some(cache.rotation_hook());
        }
        Ok(Some(sign_in)) => Console::get().warn(&format!(
            "the sign-in in {} is for {} and this run's authority is {}: it is not used (run `pc-onboard login` with this run's --cloud or --authority)",
            cache.path().display(),
            sign_in.authority,
            endpoints.authority
        )),
        Ok(None) => {}
        Err(e) => Console::get().warn(&format!("{e}; App+User calls are not made")),
    }
}

/// The client: the timeouts, the gate before every call (refused once the
/// run is stopping), latencies reported to the concurrency controller.
fn client(
    options: &ConnectSettings,
    endpoints: CloudEndpoints,
    credentials: CredentialSet,
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

/// The in-process sandbox's demo credentials: both kinds (client
/// credentials and a refresh token), so every feature runs.
fn sandbox_credentials() -> CredentialSet {
    CredentialSet {
        app_only: Some(Credentials::ClientCredentials {
            tenant_id: SANDBOX_DEMO_TENANT.to_owned(),
            client_id: SANDBOX_DEMO_CLIENT_ID.to_owned(),
            client_secret: SecretString::from(SANDBOX_DEMO_CLIENT_SECRET),
        }),
        app_user: Some(Credentials::RefreshToken {
            tenant_id: SANDBOX_DEMO_TENANT.to_owned(),
            client_id: SANDBOX_DEMO_CLIENT_ID.to_owned(),
            refresh_token: SecretString::from(SANDBOX_DEMO_REFRESH_TOKEN),
            client_secret: None,
        }),
        on_rotate: None,
        incomplete_app_only: None,
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
    async fn the_in_process_sandbox_gets_a_token_of_each_kind() {
        let options = connect(&["--sandbox"]);
        let mut session = Session::open(&options, &Stop::new()).await.unwrap();
        let engine = session.engine.clone().unwrap();
        let has = engine.client.kinds();
        assert!(has.app_only && has.app_user);
        assert!(session.app_user().is_ok());
        assert!(
            session
                .describe
                .starts_with("built-in sandbox at http://127.0.0.1:")
        );
        let stats = session.sandbox.as_ref().unwrap().state().stats();
        assert_eq!(stats.tokens_issued, 2);
        session.close().await;
        assert!(session.sandbox.is_none());
    }
}
