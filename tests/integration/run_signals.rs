//! Ctrl-C and SIGTERM (issue: "stops when told"): no new call after the
//! signal, the calls on the wire finish, every row not sent is `cancelled`,
//! waits end at once, a second signal exits at once and `--resume` repairs.
#![cfg(unix)]

use std::process::Stdio;
use std::time::Duration;

use pc_onboard::sandbox::{Endpoint, Fault, RetryAfter, RunningSandbox};

use crate::support::*;

/// A hang guard only (not a speed bound): a run that ignores the signal
/// would otherwise hold the test forever.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn kill(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

fn creates(sb: &RunningSandbox) -> u64 {
    sb.state().stats().calls_to("POST /v1/customers")
}

#[tokio::test]
async fn after_sigterm_no_new_call_is_sent_and_the_rest_is_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 60, "term");
    let sb = sandbox(quiet()).await;
    // One call per second: the limiter holds most rows waiting, none in flight.
    let args = run_args(&input, &results, &["--rate", "60"]);
    let mut child = command_against(&sb, &args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    wait_for_lines_of(&mut child, &results, 3).await;
    kill(pid, "-TERM");
    let at_signal = creates(&sb);
    let out = tokio::time::timeout(HANG_GUARD, child.wait_with_output())
        .await
        .expect("the run ends")
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let after = creates(&sb) - at_signal;
    assert!(after <= 1, "{after} creates sent after the signal");
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 60);
    let created = r.count("created");
    assert_eq!(created as u64, sb.state().stats().customers);
    assert_eq!(created + r.count("cancelled"), 60);
    assert!(r.count("cancelled") >= 50, "{}", r.count("cancelled"));
}

#[tokio::test]
async fn ctrl_c_ends_a_long_retry_after_wait_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 3, "wait");
    let sb = sandbox(quiet()).await;
    sb.state().script_faults_on(
        Endpoint::Create,
        [Fault::ThrottleWith(RetryAfter::Seconds(300))],
    );
    let args = run_args(&input, &results, &["--concurrency", "1"]);
    let child = command_against(&sb, &args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    for _ in 0..2000 {
        if sb.state().stats().throttled > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(sb.state().stats().throttled, 1);
    kill(pid, "-INT");
    let out = tokio::time::timeout(HANG_GUARD, child.wait_with_output())
        .await
        .expect("the run ends")
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    // Not waited out (the HANG_GUARD would fail first): the wait ending at
    // once on a stop is proven on tokio's paused clock (pipeline::retry).
    assert_eq!(creates(&sb), 1, "nothing sent after the signal");
    let r = Results::read(&results);
    assert_eq!(r.count("cancelled"), 3, "{:?}", r.column("status"));
}

#[tokio::test]
async fn a_second_signal_exits_at_once_and_resume_finishes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 30, "twice");
    let sb = sandbox(slow(3000)).await;
    let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "8"]);
    let child = command_against(&sb, &args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    for _ in 0..2000 {
        if creates(&sb) >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    kill(pid, "-INT");
    tokio::time::sleep(Duration::from_millis(200)).await;
    kill(pid, "-INT");
    let out = tokio::time::timeout(HANG_GUARD, child.wait_with_output())
        .await
        .expect("the run ends")
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    // The calls that were on the wire may have created customers the
    // results do not show: --resume replays their request ids.
    let args = run_args(&input, &results, &["--rate", "60000", "--resume"]);
    let sb_fast = &sb;
    let out = run_against(sb_fast, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 30);
    assert_eq!(r.count("created"), 30);
    assert_eq!(sb.state().stats().customers, 30, "no duplicate");
}
