//! `pc-onboard run` against a sandbox that misbehaves: every fault kind ends
//! with every row created exactly once, and a dead service ends quickly.

use crate::support;

use std::time::{Duration, Instant};

use pc_onboard::sandbox::{Fault, SandboxConfig};
use support::*;

async fn run_with_faults(
    faults: Vec<Fault>,
    rows: usize,
    extra: &[&str],
) -> (Results, pc_onboard::sandbox::Stats, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, rows, "f");
    let sb = sandbox(quiet()).await;
    sb.state().script_faults(faults);
    let args = run_args(
        &input,
        &results,
        &[&["--rate", "6000", "--concurrency", "4"], extra].concat(),
    );
    let out = run_against(&sb, &args).await;
    let log = text(&out);
    assert_eq!(code(&out), 0, "{log}");
    (Results::read(&results), sb.state().stats(), log)
}

fn assert_each_created_once(
    results: &Results,
    stats: &pc_onboard::sandbox::Stats,
    rows: usize,
    log: &str,
) {
    assert_eq!(results.rows.len(), rows, "{log}");
    assert_eq!(results.count("created"), rows, "{log}");
    assert_eq!(
        stats.customers as usize, rows,
        "no duplicate tenants: {stats:?}"
    );
    assert_eq!(stats.customers_created as usize, rows, "{stats:?}");
    assert_eq!(stats.request_id_mismatches, 0, "{stats:?}");
    let mut ids = results.column("customer_id");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), rows, "every row has its own customer id");
}

#[tokio::test]
async fn service_unavailable_is_retried_until_created() {
    let (results, stats, log) = run_with_faults(
        vec![Fault::ServiceUnavailable, Fault::ServiceUnavailable],
        6,
        &[],
    )
    .await;
    assert_each_created_once(&results, &stats, 6, &log);
    assert_eq!(stats.faults_of("service_unavailable"), 2);
    let attempts: u32 = results
        .column("attempts")
        .iter()
        .map(|a| a.parse::<u32>().unwrap())
        .sum();
    assert_eq!(attempts, 8, "6 rows + 2 retries");
}

#[tokio::test]
async fn created_but_answered_500_is_replayed_not_duplicated() {
    let (results, stats, log) =
        run_with_faults(vec![Fault::ServerErrorAfterCreate; 3], 5, &[]).await;
    assert_each_created_once(&results, &stats, 5, &log);
    assert_eq!(stats.faults_of("server_error_after_create"), 3);
    assert!(stats.replays >= 3, "the retries were replays: {stats:?}");
}

#[tokio::test]
async fn dropped_connection_after_create_is_replayed_not_duplicated() {
    let (results, stats, log) = run_with_faults(vec![Fault::Drop, Fault::Drop], 5, &[]).await;
    assert_each_created_once(&results, &stats, 5, &log);
    assert_eq!(stats.faults_of("drop"), 2);
}

#[tokio::test]
async fn timeout_after_create_is_replayed_not_duplicated() {
    let (results, stats, log) = run_with_faults(
        vec![Fault::Delay(Duration::from_secs(3))],
        4,
        &["--timeout", "1"],
    )
    .await;
    assert_each_created_once(&results, &stats, 4, &log);
    assert_eq!(stats.faults_of("delay"), 1);
}

#[tokio::test]
async fn throttled_calls_wait_for_retry_after_and_are_not_counted_as_attempts() {
    let started = Instant::now();
    let (results, stats, log) = run_with_faults(
        vec![Fault::Throttle {
            retry_after_secs: 2,
        }],
        6,
        &["--max-attempts", "1"],
    )
    .await;
    assert_each_created_once(&results, &stats, 6, &log);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was honoured"
    );
    assert!(log.contains("1 answers 429"), "{log}");
}

#[tokio::test]
async fn a_dead_service_ends_the_run_quickly_with_failed_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 300, "dead");
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults(vec![Fault::ServiceUnavailable; 100_000]);
    let started = Instant::now();
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "60000"])).await;
    let log = text(&out);
    assert_eq!(code(&out), 2, "{log}");
    // Bounded by the retry budget (500 tokens, 5 per failure retry), not by
    // 300 rows x 5 attempts of backoff: the call count below proves it.
    timing_bound(started.elapsed(), Duration::from_secs(60), "a dead service");
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 300);
    assert_eq!(r.count("created"), 0);
    assert!(r.count("failed") > 0, "{log}");
    assert_eq!(r.count("failed") + r.count("cancelled"), 300);
    assert!(log.contains("retry budget"), "{log}");
    let calls = sb.state().stats().calls_to("POST /v1/customers");
    assert!(calls < 400, "the service was not hammered: {calls} calls");

    // A rerun of the results file against a healthy service finishes them.
    sb.state().clear_faults();
    let again = dir.path().join("results-2.csv");
    let out = run_against(&sb, &run_args(&results, &again, &["--rate", "60000"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&again);
    assert_eq!(r2.count("created"), 300);
    assert_eq!(sb.state().stats().customers, 300);
}

#[tokio::test]
async fn rate_is_held_across_workers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 30, "rate");
    // The sandbox counts a sliding 60 s window per token, like the service.
    let sb = sandbox(SandboxConfig {
        quota: 600,
        latency: Duration::from_millis(20),
        ..SandboxConfig::default()
    })
    .await;
    let started = Instant::now();
    let out = run_against(
        &sb,
        &run_args(&input, &results, &["--rate", "600", "--concurrency", "16"]),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stats = sb.state().stats();
    assert_eq!(stats.throttled, 0, "{stats:?}");
    // 30 calls at 600/min: two at once, then one per 60 s / 599 (the gate's
    // burst of 2 keeps any 60 s at 600 calls), so at least 28 x 100.2 ms: a
    // floor the limiter sets, not the machine. (The window property itself
    // is proven on tokio's paused clock: pipeline::gate's tests.)
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(2800),
        "{took:?}: faster than the rate"
    );
}

#[tokio::test]
async fn rows_are_created_in_about_input_order_so_results_keep_pace() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    let rows = 200;
    write_customers(&input, rows, "ord");
    let sb = sandbox(slow(20)).await;
    let args = run_args(&input, &results, &["--rate", "3000", "--concurrency", "16"]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    // The order the sandbox created them in, against the input's order: the
    // rate limiter serves callers first come, first served, so no row is
    // overtaken by many later ones (which would hold the ordered writer up).
    let created: Vec<usize> = sb
        .state()
        .customers()
        .iter()
        .map(|c| {
            let prefix = c.company_profile.domain.split('.').next().unwrap();
            prefix.trim_start_matches("ordcust").parse().unwrap()
        })
        .collect();
    assert_eq!(created.len(), rows);
    let most_overtaken = created
        .iter()
        .enumerate()
        .map(|(position, &row)| position.saturating_sub(row))
        .max()
        .unwrap();
    // Measured (200 rows): 0 to 15 on an idle machine. One stall seen in
    // the full suite on 2 cores put a block of rows 53 places late (100
    // rows then; not reproduced with 24 copies of the test at once, 4
    // times): a stall of the machine, most likely on the way to the
    // sandbox, after the gate. Without the gate's queue (governor alone)
    // starved rows end 188 to 195 places late.
    assert!(
        most_overtaken <= 64,
        "a row was created {most_overtaken} places late: {created:?}\n{}",
        text(&out)
    );
}
