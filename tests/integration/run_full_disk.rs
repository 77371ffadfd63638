//! A results file that stops taking rows: the run stops
//! before the next call slot is taken, every time, and its summary agrees
//! with what was sent. The write fails deterministically: `ulimit -f` caps
//! the results file at 3 KiB, so the same row fails in every round (not a
//! disk filled by chance). `--concurrency 1` at an open rate: one call at a
//! time, the next one ready the moment the last answer arrives.
#![cfg(unix)]

use std::path::Path;

use crate::support::*;

/// The run's output, the sandbox's creates, and the rows written.
struct Round {
    out: std::process::Output,
    creates: u64,
    customers: u64,
    written: usize,
    stderr: String,
}

/// Run 60 rows (20 ms calls, one slot) into a results file capped at
/// 3 KiB, with `extra` arguments.
async fn full_disk_round(dir: &Path, tag: &str, extra: &[&str]) -> Round {
    let input = dir.join(format!("{tag}.csv"));
    let results = dir.join(format!("{tag}-results.csv"));
    write_customers(&input, 60, tag);
    let sb = sandbox(slow(20)).await;
    let mut flags = vec!["--rate", "60000", "--concurrency", "1"];
    flags.extend_from_slice(extra);
    let args = run_args(&input, &results, &flags);
    let out = command_with_file_limit(&sb, &args, 3)
        .output()
        .await
        .unwrap();
    let stats = sb.state().stats();
    Round {
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        out,
        creates: stats.calls_to("POST /v1/customers"),
        customers: stats.customers,
        written: Results::read_lossy(&results).rows.len(),
    }
}

#[tokio::test]
async fn a_failed_write_stops_the_run_before_the_next_create_every_time() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let r = full_disk_round(dir.path(), &format!("full{round}"), &[]).await;
        let stderr = &r.stderr;
        assert_eq!(code(&r.out), 1, "{stderr}");
        assert!(r.written > 0, "{stderr}");
        // The rows written and the one whose write failed: nothing after.
        assert_eq!(r.creates, r.written as u64 + 1, "{stderr}");
        assert_eq!(r.customers, r.creates, "{stderr}");
        let listed = stderr
            .lines()
            .filter(|l| l.starts_with("not recorded: row"))
            .count();
        assert_eq!(listed, 1, "{stderr}");
        // The summary agrees with what was sent.
        let processed = format!(": processed {} rows in ", r.written);
        assert!(stderr.contains(&processed), "{stderr}");
        let more = "1 more row reached Partner Center but is not in the results file (1 created; listed above)";
        assert!(stderr.contains(more), "{stderr}");
        let discarded = format!("{} initial admin passwords were discarded", r.creates);
        assert!(stderr.contains(&discarded), "{stderr}");
        assert!(!stderr.contains("nothing more was sent"), "{stderr}");
        assert!(stderr.contains("no call was started after it"), "{stderr}");
    }
}

#[tokio::test]
async fn the_password_of_a_row_not_recorded_is_kept_in_the_credentials_file() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.csv");
    let flags = ["--credentials-out", creds.to_str().unwrap()];
    let r = full_disk_round(dir.path(), "keep", &flags).await;
    assert_eq!(code(&r.out), 1, "{}", r.stderr);
    let stored = std::fs::read_to_string(&creds).unwrap().lines().count() - 1;
    assert_eq!(
        stored as u64, r.creates,
        "every password kept: {}",
        r.stderr
    );
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("not recorded: row"))
        .unwrap_or_default();
    assert!(
        line.ends_with(&format!(
            "(its initial admin password is in {})",
            creds.display()
        )),
        "{line}"
    );
    assert!(
        !r.stderr.contains("passwords were discarded"),
        "{}",
        r.stderr
    );
}
