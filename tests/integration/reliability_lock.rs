//! Overlapping runs (docs/reliability.md, section 6): two `run` processes started at the
//! same moment on the same input and results file, as two overlapping cron
//! jobs would be. One proceeds; the other exits 1 at once naming the lock
//! holder; the results file is intact. (`tests/integration/run_cli.rs` starts the second
//! run once the first is under way; these start both together.)

use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use pc_onboard::sandbox::SandboxConfig;
use support::*;

async fn race(rounds: usize) {
    for round in 0..rounds {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let results = dir.path().join("results.csv");
        let rows = 30;
        write_customers(&input, rows, &format!("lock{round}x"));
        let sb = sandbox(SandboxConfig {
            quota: 0,
            latency: Duration::from_millis(100),
            ..SandboxConfig::default()
        })
        .await;
        let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "4"]);
        let started = Instant::now();
        let spawn = || {
            command_against(&sb, &args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let pids = [a.id().unwrap(), b.id().unwrap()];
        let timed = |child: tokio::process::Child| async move {
            let out = child.wait_with_output().await.unwrap();
            (out, started.elapsed())
        };
        let ((out_a, took_a), (out_b, took_b)) = tokio::join!(timed(a), timed(b));
        let outs = [(out_a, took_a), (out_b, took_b)];
        let winners: Vec<usize> = (0..2).filter(|i| code(&outs[*i].0) == 0).collect();
        let losers: Vec<usize> = (0..2).filter(|i| code(&outs[*i].0) == 1).collect();
        assert_eq!(
            (winners.len(), losers.len()),
            (1, 1),
            "round {round}: one proceeds, one is refused\n{}\n{}",
            text(&outs[0].0),
            text(&outs[1].0)
        );
        let (w, l) = (winners[0], losers[0]);
        let err = String::from_utf8_lossy(&outs[l].0.stderr);
        assert!(
            err.contains(&format!("pid {}", pids[w])),
            "round {round}: the refusal names the holder (pid {}): {err}",
            pids[w]
        );
        assert!(err.contains("results.csv"), "{err}");
        assert!(
            outs[l].1 < outs[w].1,
            "round {round}: refused ({:?}) before the winner finished ({:?})",
            outs[l].1,
            outs[w].1
        );
        timing_bound(outs[l].1, Duration::from_secs(2), "the refusal");
        let r = Results::read(&results);
        assert_eq!(r.rows.len(), rows, "round {round}");
        assert_eq!(r.count("created"), rows);
        let expected: Vec<String> = (0..rows).map(|i| format!("lock{round}x-{i}")).collect();
        assert_eq!(r.column("external_id"), expected);
        assert_eq!(sb.state().stats().customers as usize, rows);
        assert_eq!(
            sb.state().stats().calls_to("POST /v1/customers") as usize,
            rows,
            "the refused run sent nothing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_started_together_one_proceeds_one_is_refused() {
    race(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: scripts/reliability.sh"]
async fn twenty_simultaneous_starts() {
    race(20).await;
}
