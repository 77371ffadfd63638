//! A dead service (docs/reliability.md, section 3). `tests/integration/run_faults.rs`
//! (`a_dead_service_ends_the_run_quickly_with_failed_rows`) has the basic
//! case; these add the time bound the retry budget sets, a service that
//! refuses connections, and a rerun that finishes the rows.
//!
//! The bound: a row makes at most `--max-attempts` 5 attempts, waiting at
//! most 1 + 2 + 4 + 8 = 15 s of backoff between them (full jitter under
//! `min(30 s, 0.5 s x 2^attempt)`), and the run-wide budget (500 tokens, 5
//! per failure retry) stops all rows after 100 failure retries. So a run
//! against a dead service ends within about 15 s whatever its size.

use crate::support;

use std::time::{Duration, Instant};

use pc_onboard::sandbox::Fault;
use support::*;

/// The longest a run can take against a dead service with the default
/// policy, plus start-up slack.
const DEAD_BOUND: Duration = Duration::from_secs(25);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_503_ends_within_the_budget_bound_then_a_rerun_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    let summary = dir.path().join("summary.json");
    let rows = 500;
    write_customers(&input, rows, "dead");
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults(vec![Fault::ServiceUnavailable; 1_000_000]);
    let started = Instant::now();
    let out = run_against(
        &sb,
        &run_args(
            &input,
            &results,
            &[
                "--rate",
                "60000",
                "--summary-json",
                summary.to_str().unwrap(),
            ],
        ),
    )
    .await;
    let took = started.elapsed();
    let log = text(&out);
    assert_eq!(code(&out), 2, "{log}");
    timing_bound(took, DEAD_BOUND, "always 503");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["stopped"], "retry_budget_exhausted", "{s}");
    let retries = s["retries"].as_u64().unwrap();
    // 100 paid retries, plus at most one per call already in flight.
    assert!(retries <= 100 + 64, "{retries} retries");
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), rows, "every row has a results row");
    assert_eq!(r.count("created"), 0);
    assert!(r.count("failed") > 0);
    assert_eq!(r.count("failed") + r.count("cancelled"), rows);
    let calls = sb.state().stats().calls_to("POST /v1/customers");
    assert_eq!(s["create_calls"].as_u64().unwrap(), calls);
    eprintln!(
        "always 503: {rows} rows ended in {took:?} (bound {DEAD_BOUND:?}): {} create calls, {retries} retries, {} failed, {} cancelled",
        calls,
        r.count("failed"),
        r.count("cancelled")
    );

    // The service recovers: re-running the results file finishes them.
    sb.state().clear_faults();
    let again = dir.path().join("results-2.csv");
    let out = run_against(&sb, &run_args(&results, &again, &["--rate", "60000"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&again);
    assert_eq!(r2.count("created"), rows);
    let stats = sb.state().stats();
    assert_eq!(stats.customers as usize, rows);
    assert_eq!(stats.domain_conflicts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_end_the_run_within_the_bound() {
    // Tokens come from the sandbox, the API address refuses connections.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 200, "refused");
    let sb = sandbox(quiet()).await;
    let started = Instant::now();
    let out = command_against(&sb, &run_args(&input, &results, &["--rate", "60000"]))
        .env("PC_ENDPOINT", REFUSING)
        .output()
        .await
        .unwrap();
    let took = started.elapsed();
    let log = text(&out);
    assert_eq!(code(&out), 2, "{log}");
    timing_bound(took, DEAD_BOUND, "refused connections");
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 200);
    assert_eq!(r.count("failed") + r.count("cancelled"), 200, "{log}");
    eprintln!("refused connections: 200 rows ended in {took:?}");
}

#[tokio::test]
async fn no_service_at_all_is_fatal_and_leaves_no_results_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 5, "none");
    let sb = sandbox(quiet()).await;
    let started = Instant::now();
    let out = command_against(&sb, &run_args(&input, &results, &[]))
        .env("PC_ENDPOINT", REFUSING)
        .env("PC_AUTHORITY", REFUSING)
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    // The first token is retried like any transient failure: 5 attempts.
    timing_bound(
        started.elapsed(),
        Duration::from_secs(30),
        "no service at all",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error:") && err.contains("authenticate"),
        "{err}"
    );
    assert!(!results.exists(), "no results file that looks complete");
}
