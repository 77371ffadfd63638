//! Kill -9 chaos (docs/reliability.md, section 1): SIGKILL `pc-onboard run` at seeded
//! random moments, `--resume` each time, and check that every row ends
//! created exactly once, in input order, with no duplicate tenant and no
//! request-id/body mismatch at the sandbox (which keeps its state in a
//! `--state` file).
//!
//! The full version (300 rows, 20 kills) is `#[ignore]`d: run it with
//! `scripts/reliability.sh`. A short one runs with `cargo test`.

use crate::support;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use pc_onboard::sandbox::{RunningSandbox, SandboxConfig, SandboxState};
use support::*;

/// A small seeded generator (xorshift64*), so the kill moments repeat.
struct Moments(u64);

impl Moments {
    fn next_ms(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        lo + self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (hi - lo)
    }
}

/// `kills` runs, each resuming the one before, each SIGKILLed at a seeded
/// random moment: how many were still running when killed, and a log.
async fn kill_runs(
    sb: &RunningSandbox,
    dir: &Path,
    input: &Path,
    results: &Path,
    kills: usize,
    seed: u64,
) -> (usize, String) {
    let mut moments = Moments(seed | 1);
    let mut hit_running = 0;
    let mut log = String::new();
    for k in 0..kills {
        let mut extra = vec!["--rate", "60000", "--concurrency", "2"];
        if results.exists() {
            extra.push("--resume");
        }
        let stderr_path = dir.join(format!("stderr-{k}.txt"));
        let mut child = command_against(sb, &run_args(input, results, &extra))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .expect("start the run");
        let wait = moments.next_ms(40, 450);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let early = child.try_wait().unwrap();
        // tokio's kill is SIGKILL on Unix: no handler, no flush, no unlock.
        let _ = child.kill().await;
        match early {
            None => hit_running += 1,
            Some(status) => {
                // Finished before the kill: it must have finished cleanly.
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                assert_eq!(status.code(), Some(0), "kill {k}: {err}");
            }
        }
        let lines = std::fs::read(results)
            .map(|b| b.iter().filter(|c| **c == b'\n').count())
            .unwrap_or(0);
        log.push_str(&format!("kill {k} at {wait} ms: {lines} lines\n"));
    }
    (hit_running, log)
}

async fn chaos(rows: usize, kills: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    let state = dir.path().join("sandbox-state.json");
    write_customers(&input, rows, "chaos");
    let sb = sandbox(SandboxConfig {
        quota: 0,
        latency: Duration::from_millis(50),
        state_file: Some(state.clone()),
        ..SandboxConfig::default()
    })
    .await;
    let (hit_running, log) = kill_runs(&sb, dir.path(), &input, &results, kills, seed).await;
    let extra: Vec<&str> = if results.exists() {
        vec!["--rate", "60000", "--concurrency", "2", "--resume"]
    } else {
        vec!["--rate", "60000", "--concurrency", "2"]
    };
    let out = run_against(&sb, &run_args(&input, &results, &extra)).await;
    assert_eq!(code(&out), 0, "{log}{}", text(&out));
    assert!(
        hit_running * 4 >= kills * 3,
        "most kills must land while the run is going: {hit_running} of {kills}\n{log}"
    );

    let r = Results::read(&results);
    assert_eq!(r.rows.len(), rows, "one results row per input row\n{log}");
    assert_eq!(r.count("created"), rows, "{log}");
    let expected: Vec<String> = (0..rows).map(|i| format!("chaos-{i}")).collect();
    assert_eq!(r.column("external_id"), expected, "input order");
    let mut ids = r.column("customer_id");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), rows, "every row has its own customer");

    let stats = sb.state().stats();
    assert_eq!(
        stats.customers as usize, rows,
        "no duplicate tenant: {stats:?}"
    );
    assert_eq!(stats.customers_created as usize, rows, "{stats:?}");
    assert_eq!(stats.domain_conflicts, 0, "{stats:?}");
    assert_eq!(stats.request_id_mismatches, 0, "{stats:?}");
    // The results' ids are the sandbox's.
    let server: std::collections::HashSet<String> =
        sb.state().customers().into_iter().map(|c| c.id).collect();
    assert!(r.column("customer_id").iter().all(|id| server.contains(id)));
    drop(sb);

    // The state file holds the same tenant after a restart.
    let reloaded = SandboxState::new(SandboxConfig {
        state_file: Some(state),
        ..SandboxConfig::default()
    })
    .unwrap();
    assert_eq!(reloaded.customers().len(), rows);
    eprintln!(
        "chaos: {rows} rows, {kills} SIGKILLs ({hit_running} during the run), seed {seed}: all created once; replays {}\n{log}",
        stats.replays
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_then_resume_short() {
    chaos(40, 4, 7).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: scripts/reliability.sh"]
async fn kill_9_twenty_times_during_a_300_row_run() {
    chaos(300, 20, 20261125).await;
}
