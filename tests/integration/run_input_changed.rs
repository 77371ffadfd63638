//! The input changed while a run reads it (an export rewritten in place,
//! or another file moved over it): the run notices (size, modification
//! time, device and inode), stops sending, records the rows in flight and
//! exits 1 saying so; with the input put back, `--resume` finishes the job
//! as after any interruption, every row created once.
#![cfg(unix)]

use std::path::Path;

use crate::support::*;

/// Run 300 rows (20 ms calls, 4 at a time); once the results hold more
/// than 20 lines, `change` the input. Returns the run's output and the
/// results' line count at the change.
async fn change_the_input_midway(
    sb: &pc_onboard::sandbox::RunningSandbox,
    input: &Path,
    results: &Path,
    change: impl FnOnce(),
) -> (std::process::Output, usize) {
    let args = run_args(input, results, &["--rate", "60000", "--concurrency", "4"]);
    let mut child = command_against(sb, &args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_lines_of(&mut child, results, 20).await;
    let lines = std::fs::read_to_string(results).unwrap().lines().count();
    change();
    (child.wait_with_output().await.unwrap(), lines)
}

/// The checks both ways of changing the input share, then `--resume` with
/// the original input back.
async fn check_and_resume(
    sb: &pc_onboard::sandbox::RunningSandbox,
    dir: &Path,
    (out, lines): (std::process::Output, usize),
) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 1, "{stderr}");
    assert!(stderr.contains("changed while the run read it"), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    let (input, results) = (dir.join("in.csv"), dir.join("results.csv"));
    let written = Results::read_lossy(&results);
    assert!(written.rows.len() < 300, "{stderr}");
    // Nothing from the new content was sent.
    assert!(
        written
            .column("domain")
            .iter()
            .all(|d| d.starts_with("chgcust"))
    );
    let created = sb.state().stats().customers as usize;
    assert!(
        created <= lines + 4 + 64,
        "{created} created after {lines} lines"
    );
    write_customers(&input, 300, "chg");
    let out = run_against(
        sb,
        &run_args(&input, &results, &["--resume", "--rate", "60000"]),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let done = Results::read(&results);
    assert_eq!(done.rows.len(), 300);
    assert_eq!(done.count("created"), 300);
    assert_eq!(sb.state().stats().customers, 300, "each created once");
}

#[tokio::test]
async fn an_input_rewritten_in_place_mid_run_stops_it_and_resume_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("results.csv"));
    write_customers(&input, 300, "chg");
    let sb = sandbox(slow(20)).await;
    let rewrite = || write_customers(&input, 5, "other");
    let outcome = change_the_input_midway(&sb, &input, &results, rewrite).await;
    check_and_resume(&sb, dir.path(), outcome).await;
}

#[tokio::test]
async fn another_file_moved_over_the_input_mid_run_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("results.csv"));
    write_customers(&input, 300, "chg");
    let sb = sandbox(slow(20)).await;
    let replace = || {
        // The same bytes, another file: a sync tool's way of updating it.
        let other = dir.path().join("new.csv");
        std::fs::copy(&input, &other).unwrap();
        std::fs::rename(&other, &input).unwrap();
    };
    let outcome = change_the_input_midway(&sb, &input, &results, replace).await;
    check_and_resume(&sb, dir.path(), outcome).await;
}
