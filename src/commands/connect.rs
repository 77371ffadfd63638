//! Connecting to Partner Center, or to the built-in sandbox started
//! in-process: the one place `run` and `validate --online` get their client,
//! rate limiter, call slots and engine from.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::FutureExt;
use secrecy::SecretString;

use crate::cli::{Cloud, Concurrency, RunArgs, ValidateArgs};
use crate::partner_center::auth::Credentials;
use crate::partner_center::client::{ClientConfig, PartnerCenterClient};
use crate::partner_center::cloud::CloudEndpoints;
use crate::pipeline::{
    CallGate, CallSlots, ConcurrencyController, Engine, RetryBudget, RetryPolicy,
};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};

/// The client id the in-process sandbox is called with.
const SANDBOX_DEMO_CLIENT_ID: &str = "pc-onboard-demo";
/// The partner tenant the in-process sandbox is called with.
const SANDBOX_DEMO_TENANT: &str = "sandbox-partner.onmicrosoft.com";
/// The refresh token the in-process sandbox is called with: an App+User
/// token, so indirect-reseller creation and MCA attestation work in the demo.
const SANDBOX_DEMO_REFRESH_TOKEN: &str = "sandbox-demo-refresh-token";

/// What `--sandbox` cannot do without: a fatal error's text when there are
/// no credentials.
pub(super) const NO_CREDENTIALS: &str = "no Partner Center credentials: set PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or PC_REFRESH_TOKEN with PC_CLIENT_ID, or PC_ACCESS_TOKEN), or try it with --sandbox";

/// Where to connect and how hard to push.
#[derive(Debug, Clone)]
pub(super) struct ConnectOptions {
    /// Start the built-in sandbox in-process and talk to it.
    pub sandbox: bool,
    /// `--endpoint` / `PC_ENDPOINT`.
    pub endpoint: Option<String>,
    /// `--authority` / `PC_AUTHORITY`.
    pub authority: Option<String>,
    /// `--cloud`.
    pub cloud: Cloud,
    /// `--rate`: calls per minute.
    pub rate: NonZeroU32,
    /// `--concurrency`.
    pub concurrency: Concurrency,
    /// `--timeout`, seconds.
    pub timeout_secs: u64,
    /// `--max-attempts`.
    pub max_attempts: u32,
}

impl ConnectOptions {
    /// The settings of `run`.
    pub fn for_run(args: &RunArgs) -> Self {
        ConnectOptions {
            sandbox: args.sandbox,
            endpoint: args.endpoint.clone(),
            authority: args.authority.clone(),
            cloud: args.cloud,
            rate: args.rate,
            concurrency: args.concurrency,
            timeout_secs: args.timeout,
            max_attempts: args.max_attempts.get(),
        }
    }

    /// The settings of `validate --online`.
    pub fn for_validate(args: &ValidateArgs) -> Self {
        ConnectOptions {
            sandbox: args.sandbox,
            endpoint: args.endpoint.clone(),
            authority: args.authority.clone(),
            cloud: args.cloud,
            rate: args.rate,
            concurrency: args.concurrency,
            timeout_secs: args.timeout,
            max_attempts: RetryPolicy::default().max_attempts,
        }
    }

    /// The cloud's API base URL, authority and token resource, with
    /// `--endpoint` / `--authority` (or `PC_ENDPOINT` / `PC_AUTHORITY`)
    /// replacing the first two.
    pub fn endpoints(&self) -> CloudEndpoints {
        CloudEndpoints::for_cloud(self.cloud)
            .with_overrides(self.endpoint.as_deref(), self.authority.as_deref())
    }
}

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
    pub async fn open(options: &ConnectOptions) -> anyhow::Result<Session> {
        let rate = options.rate.get();
        let gate = Arc::new(CallGate::new(rate));
        let concurrency = Arc::new(match options.concurrency {
            Concurrency::Auto => ConcurrencyController::auto(rate),
            Concurrency::Fixed(n) => ConcurrencyController::fixed(n.get()),
        });
        let (endpoints, credentials, sandbox) = if options.sandbox {
            let config = SandboxConfig {
                log_requests: false,
                ..SandboxConfig::default()
            };
            let sandbox = sandbox::spawn(config)
                .await
                .context("cannot start the built-in sandbox")?;
            let base = sandbox.base_url().to_owned();
            let endpoints =
                CloudEndpoints::for_cloud(options.cloud).with_overrides(Some(&base), Some(&base));
            (endpoints, Some(sandbox_credentials()), Some(sandbox))
        } else {
            (options.endpoints(), Credentials::from_env()?, None)
        };
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
        let mut config = ClientConfig::new(endpoints, credentials);
        config.timeout = Duration::from_secs(options.timeout_secs.max(1));
        let gate_for_client = gate.clone();
        let observer = concurrency.clone();
        let client = PartnerCenterClient::new(config)?
            .with_call_gate(Arc::new(move || {
                let gate = gate_for_client.clone();
                async move { gate.ready().await }.boxed()
            }))
            .with_latency_observer(Arc::new(move |latency| observer.observe(latency)));
        client
            .authenticate()
            .await
            .with_context(|| format!("cannot authenticate against {describe}"))?;
        let policy = RetryPolicy {
            max_attempts: options.max_attempts,
            ..RetryPolicy::default()
        };
        let engine = Engine::new(
            client,
            gate.clone(),
            CallSlots::new(concurrency.clone()),
            policy,
            RetryBudget::default(),
            rand::random(),
        )
        .with_cloud(options.cloud);
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

    /// Stop the in-process sandbox, if any.
    pub async fn close(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            let _ = sandbox.shutdown().await;
        }
    }
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
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::partner_center::cloud::{
        CHINA_API, CHINA_AUTHORITY, GLOBAL_API, GLOBAL_AUTHORITY, USGOV_AUTHORITY,
    };

    /// The connect options of a parsed command line (flags only: the
    /// binary tests cover `PC_ENDPOINT` / `PC_AUTHORITY`).
    fn options(args: &[&str]) -> ConnectOptions {
        let cli = Cli::try_parse_from(args).unwrap();
        match &cli.command {
            Command::Run(run) => ConnectOptions::for_run(run),
            Command::Validate(validate) => ConnectOptions::for_validate(validate),
            _ => panic!("not run or validate"),
        }
    }

    fn run(extra: &[&str]) -> CloudEndpoints {
        let mut args = vec!["pc-onboard", "run", "in.csv", "--results", "r.csv"];
        args.extend(extra);
        options(&args).endpoints()
    }

    #[test]
    fn cloud_flags_set_endpoint_authority_and_resource() {
        let global = run(&[]);
        assert_eq!(
            (
                global.api.as_str(),
                global.authority.as_str(),
                global.resource.as_str()
            ),
            (GLOBAL_API, GLOBAL_AUTHORITY, GLOBAL_API)
        );
        let china = run(&["--cloud", "china"]);
        assert_eq!(china.api, CHINA_API);
        assert_eq!(china.authority, CHINA_AUTHORITY);
        assert_eq!(
            china.resource,
            "https://partner.partnercenterapi.microsoftonline.cn"
        );
        assert_eq!(
            china.token_url("contoso.partner.onmschina.cn"),
            "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/token"
        );
        let usgov = run(&["--cloud", "usgov"]);
        assert_eq!(usgov.api, GLOBAL_API);
        assert_eq!(usgov.authority, USGOV_AUTHORITY);
        assert_eq!(usgov.resource, GLOBAL_API);
    }

    #[test]
    fn endpoint_and_authority_flags_override_the_cloud_but_not_its_resource() {
        let c = run(&[
            "--cloud",
            "china",
            "--endpoint",
            "https://proxy.example/pc/",
            "--authority",
            "https://login.proxy.example",
        ]);
        assert_eq!(c.api, "https://proxy.example/pc");
        assert_eq!(c.authority, "https://login.proxy.example");
        assert_eq!(c.resource, CHINA_API);
        let only_authority = run(&["--cloud", "usgov", "--authority", "https://login.example"]);
        assert_eq!(only_authority.api, GLOBAL_API);
        assert_eq!(only_authority.authority, "https://login.example");
    }

    #[test]
    fn validate_online_takes_the_same_connection_flags() {
        let o = options(&[
            "pc-onboard",
            "validate",
            "in.csv",
            "--online",
            "--cloud",
            "china",
            "--rate",
            "120",
            "--concurrency",
            "4",
            "--timeout",
            "9",
        ]);
        assert_eq!(o.endpoints().api, CHINA_API);
        assert_eq!(o.rate.get(), 120);
        assert_eq!(
            o.concurrency,
            Concurrency::Fixed(NonZeroU32::new(4).unwrap())
        );
        assert_eq!(o.timeout_secs, 9);
        assert!(!o.sandbox);
        let sandbox =
            Cli::try_parse_from(["pc-onboard", "validate", "in.csv", "--sandbox"]).unwrap();
        let Command::Validate(args) = sandbox.command else {
            panic!("validate")
        };
        assert!(args.is_online(), "--sandbox implies --online");
        let args = [
            "pc-onboard",
            "validate",
            "in.csv",
            "--sandbox",
            "--endpoint",
            "http://x",
        ];
        let matches = <Cli as clap::CommandFactory>::command()
            .try_get_matches_from(args)
            .unwrap();
        let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap();
        assert!(crate::cli::reconcile_sandbox(&mut cli, &matches).is_err());
    }

    #[tokio::test]
    async fn the_in_process_sandbox_gets_an_app_user_token() {
        let mut options = options(&["pc-onboard", "run", "in.csv", "--results", "r.csv"]);
        options.sandbox = true;
        let mut session = Session::open(&options).await.unwrap();
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
