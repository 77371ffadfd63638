//! `pc-onboard run`: validate, then create customers under the rate limit.

mod progress;
mod summary;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::FutureExt;
use secrecy::SecretString;
use tokio::sync::watch;

use super::ExitStatus;
use crate::cli::{Concurrency, RunArgs};
use crate::input::InputReader;
use crate::partner_center::auth::Credentials;
use crate::partner_center::client::{ClientConfig, PartnerCenterClient};
use crate::partner_center::cloud::CloudEndpoints;
use crate::pipeline::{
    AbortReason, CallGate, CallSlots, ConcurrencyController, CredentialSink, CredentialsFile,
    Engine, Mode, ResultsLock, RetryBudget, RetryPolicy, RunContext, StopReason, prepare_resume,
    run_rows,
};
use crate::results::{FlushPolicy, ResultsWriter};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};
use progress::Progress;
use summary::Summary;

/// The client id and secret `run --sandbox` uses against its own sandbox.
const SANDBOX_DEMO_CLIENT_ID: &str = "pc-onboard-demo";
const SANDBOX_DEMO_TENANT: &str = "sandbox-partner.onmicrosoft.com";

/// Run `pc-onboard run` to the end on a fresh tokio runtime.
pub fn run(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args))
}

/// Where the calls go and how they authenticate.
struct Target {
    client: Option<PartnerCenterClient>,
    sandbox: Option<RunningSandbox>,
    describe: String,
}

async fn connect(
    args: &RunArgs,
    gate: &Arc<CallGate>,
    concurrency: &Arc<ConcurrencyController>,
) -> anyhow::Result<Target> {
    let correlation_id = uuid::Uuid::new_v4();
    let (endpoints, credentials, sandbox) = if args.sandbox {
        let config = SandboxConfig {
            log_requests: false,
            ..SandboxConfig::default()
        };
        let sandbox = sandbox::spawn(config)
            .await
            .context("cannot start the built-in sandbox")?;
        let base = sandbox.base_url().to_owned();
        let endpoints =
            CloudEndpoints::for_cloud(args.cloud).with_overrides(Some(&base), Some(&base));
        let credentials = Credentials::ClientCredentials {
            tenant_id: SANDBOX_DEMO_TENANT.to_owned(),
            client_id: SANDBOX_DEMO_CLIENT_ID.to_owned(),
            client_secret: SecretString::from("sandbox-demo-secret"),
        };
        (endpoints, Some(credentials), Some(sandbox))
    } else {
        let endpoints = CloudEndpoints::for_cloud(args.cloud)
            .with_overrides(args.endpoint.as_deref(), args.authority.as_deref());
        (endpoints, Credentials::from_env()?, None)
    };
    let describe = match &sandbox {
        Some(s) => format!("built-in sandbox at {}", s.base_url()),
        None => endpoints.api.clone(),
    };
    let Some(credentials) = credentials else {
        if args.dry_run {
            return Ok(Target {
                client: None,
                sandbox,
                describe: "offline (no credentials: domains not checked)".to_owned(),
            });
        }
        anyhow::bail!(
            "no Partner Center credentials: set PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or PC_REFRESH_TOKEN with PC_CLIENT_ID, or PC_ACCESS_TOKEN), or try it with --sandbox"
        );
    };
    let mut config = ClientConfig::new(endpoints, credentials);
    config.timeout = Duration::from_secs(args.timeout.max(1));
    config.correlation_id = correlation_id;
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
    Ok(Target {
        client: Some(client),
        sandbox,
        describe,
    })
}

async fn run_async(args: &RunArgs) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let mut reader = InputReader::open(&args.input)?;
    let layout = reader.layout().clone();
    let total_rows = count_rows(&args.input)?;

    let _lock = ResultsLock::acquire(&args.results)?;
    let resume = if args.resume {
        Some(prepare_resume(&args.results, &args.input, &layout)?)
    } else {
        None
    };
    let skip_rows = resume.as_ref().map_or(0, |r| r.kept_rows);

    let rate = args.rate.get();
    let gate = Arc::new(CallGate::new(rate));
    let concurrency = Arc::new(match args.concurrency {
        Concurrency::Auto => ConcurrencyController::auto(rate),
        Concurrency::Fixed(n) => ConcurrencyController::fixed(n.get()),
    });

    // The credentials file exists before the first call, so a run never
    // receives a password it cannot keep.
    let credentials_file = match &args.credentials_out {
        Some(path) if !args.dry_run => Some(CredentialsFile::create(path, args.force)?),
        _ => None,
    };
    let target = connect(args, &gate, &concurrency).await?;

    let writer = if resume.is_some() {
        ResultsWriter::append(&args.results, &layout, FlushPolicy::EveryRow)?
    } else {
        ResultsWriter::create(&args.results, &layout, FlushPolicy::EveryRow)?
    };

    let policy = RetryPolicy {
        max_attempts: args.max_attempts.get(),
        ..RetryPolicy::default()
    };
    let correlation_id = target.client.as_ref().map(|c| c.correlation_id());
    let engine = target.client.clone().map(|client| {
        Arc::new(Engine::new(
            client,
            gate.clone(),
            CallSlots::new(concurrency.clone()),
            policy,
            RetryBudget::default(),
            rand::random(),
        ))
    });

    let (cancel_tx, cancel_rx) = watch::channel(false);
    let interrupts = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = cancel_tx.send(true);
            eprintln!(
                "\ninterrupted: finishing the calls in flight, then writing the remaining rows as cancelled (Ctrl-C again to quit at once)"
            );
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });

    let progress = Progress::new(total_rows, skip_rows, args.no_progress);
    let on_written = progress.row_callback();
    let stored_credentials = credentials_file.as_ref().map(|_| ());
    let credentials_path = args.credentials_out.clone();
    let sink = credentials_file.map(|f| Box::new(f) as Box<dyn CredentialSink>);
    let ctx = RunContext {
        engine: engine.clone(),
        concurrency: concurrency.clone(),
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Create
        },
        skip_rows,
        cancel: cancel_rx,
        credentials: sink,
    };
    let report = run_rows(&mut reader, writer, ctx, on_written).await?;
    interrupts.abort();
    progress.finish();
    let rows_written = report.writer.rows();
    report.writer.finish()?;
    if let Some(sandbox) = target.sandbox {
        let _ = sandbox.shutdown().await;
    }

    let summary = Summary {
        input: args.input.clone(),
        results: args.results.clone(),
        target: target.describe,
        counts: progress.counts(),
        rows_this_run: rows_written,
        resumed_rows: skip_rows,
        truncated_bytes: resume.map_or(0, |r| r.truncated_bytes),
        engine: engine.as_deref(),
        correlation_id,
        duration: started.elapsed(),
        passwords_discarded: report.passwords_discarded,
        credentials_out: stored_credentials.and(credentials_path),
        stopped: report.stopped.clone(),
        dry_run: args.dry_run,
        latency: concurrency.latency(),
    };
    summary.print()?;
    if let Some(path) = &args.summary_json {
        summary.write_json(path)?;
    }
    Ok(match report.stopped {
        Some(StopReason::Interrupted) => ExitStatus::Interrupted,
        Some(StopReason::Aborted(AbortReason::Auth(reason))) => {
            anyhow::bail!(
                "authentication failed during the run: {reason}; the rows not attempted are `cancelled` in {}",
                args.results.display()
            )
        }
        _ => ExitStatus::from_counts(&progress.counts()),
    })
}

/// Count the data rows (for the progress bar); cheap next to the network.
fn count_rows(path: &std::path::Path) -> anyhow::Result<u64> {
    let mut reader = InputReader::open(path)?;
    let mut row = crate::input::InputRow::new();
    let mut n = 0;
    while reader.read_row(&mut row)? {
        n += 1;
    }
    Ok(n)
}
