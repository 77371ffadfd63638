//! `--resume` after the tool was killed: no customer is created twice, the
//! results file ends with every row once, in input order.

use crate::support;

use support::*;

/// Start a run, `SIGKILL` it once `kill_after_rows` results rows are on
/// disk, then `--resume`; return the final results and the sandbox.
async fn kill_and_resume(
    rows: usize,
    kill_after_rows: usize,
) -> (Results, pc_onboard::sandbox::Stats) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, rows, "k");
    let sb = sandbox(slow(100)).await;
    let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "4"]);
    let mut child = command_against(&sb, &args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lines_of(&mut child, &results, kill_after_rows).await;
    let finished_early = child.try_wait().unwrap().is_some();
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    assert!(!finished_early, "the run ended before it could be killed");
    let at_kill = std::fs::read_to_string(&results).unwrap().lines().count();
    assert!(
        at_kill <= rows,
        "killed before the last row: {at_kill} lines"
    );

    let out = run_against(&sb, &[&args[..], &["--resume".to_owned()]].concat()).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    (Results::read(&results), sb.state().stats())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_after_kill_creates_no_customer_twice() {
    for kill_after in [1, 7, 23] {
        let (r, stats) = kill_and_resume(40, kill_after).await;
        assert_eq!(r.rows.len(), 40);
        assert_eq!(r.count("created"), 40, "killed after {kill_after}");
        let ids: Vec<String> = r.column("external_id");
        let expected: Vec<String> = (0..40).map(|i| format!("k-{i}")).collect();
        assert_eq!(ids, expected, "input order");
        assert_eq!(stats.customers, 40, "no duplicate tenants: {stats:?}");
        assert_eq!(stats.customers_created, 40, "{stats:?}");
        assert_eq!(stats.request_id_mismatches, 0);
        assert_eq!(
            stats.domain_conflicts, 0,
            "rows in flight were replayed, not re-created"
        );
    }
}

#[tokio::test]
async fn resume_repairs_a_torn_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 10, "t");
    let sb = sandbox(quiet()).await;
    let args = run_args(&input, &results, &["--rate", "60000"]);
    assert_eq!(code(&run_against(&sb, &args).await), 0);
    // Cut the file in the middle of its 7th data row, as a crash mid-write would.
    let text = std::fs::read_to_string(&results).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut torn: String = lines[..7].concat();
    torn.push_str(&lines[7][..lines[7].len() / 2]);
    std::fs::write(&results, torn).unwrap();

    let out = run_against(&sb, &[&args[..], &["--resume".to_owned()]].concat()).await;
    assert_eq!(code(&out), 0, "{}", support::text(&out));
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 10);
    assert_eq!(r.count("created"), 10);
    assert_eq!(sb.state().stats().customers, 10);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("resumed: 6 rows"),
        "{}",
        support::text(&out)
    );
}

#[tokio::test]
async fn resume_refuses_results_of_another_input() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let results = dir.path().join("results.csv");
    write_customers(&a, 5, "a");
    write_customers(&b, 5, "b");
    let sb = sandbox(quiet()).await;
    let first = run_against(&sb, &run_args(&a, &results, &[])).await;
    assert_eq!(code(&first), 0);
    let out = run_against(&sb, &run_args(&b, &results, &["--resume"])).await;
    assert_eq!(code(&out), 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not match"),
        "{}",
        text(&out)
    );
}

#[test]
fn resume_without_a_results_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("none.csv");
    let out = run_plain(&run_args(&sample(), &results, &["--resume", "--sandbox"]));
    assert_eq!(code(&out), 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not exist"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn resume_of_an_empty_results_file_starts_from_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 4, "e");
    // Killed after creating the file, before its header.
    std::fs::write(&results, b"").unwrap();
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &["--resume"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), 4);
}

#[tokio::test]
async fn resume_carries_on_a_dry_run_or_validate_results_file_as_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 5, "plan");
    let sb = sandbox(quiet()).await;
    for first in ["dry-run", "validate"] {
        let results = dir.path().join(format!("{first}.csv"));
        let out = if first == "dry-run" {
            run_against(&sb, &run_args(&input, &results, &["--dry-run"])).await
        } else {
            let args = [
                "validate",
                input.to_str().unwrap(),
                "--results",
                results.to_str().unwrap(),
            ];
            run_against(&sb, &args).await
        };
        assert_eq!(code(&out), 0, "{first}: {}", text(&out));
        let before = sb.state().stats().customers;
        let out = run_against(&sb, &run_args(&input, &results, &["--resume"])).await;
        assert_eq!(code(&out), 0, "{first}: {}", text(&out));
        let r = Results::read(&results);
        assert_eq!(r.rows.len(), 5, "{first}");
        assert_eq!(
            r.count("created") + r.count("exists"),
            5,
            "{first}: {:?}",
            r.column("status")
        );
        assert!(sb.state().stats().customers >= before, "{first}");
    }
    assert_eq!(sb.state().stats().customers, 5, "created once each");
}

#[tokio::test]
async fn a_workbook_run_killed_midway_is_finished_by_resume_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.xlsx");
    let journal = dir.path().join("results.xlsx.journal.csv");
    let rows = 40;
    write_customers(&input, rows, "wb");
    let sb = sandbox(slow(100)).await;
    let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "4"]);
    let mut child = command_against(&sb, &args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_lines_of(&mut child, &journal, 8).await;
    child.start_kill().unwrap(); // SIGKILL: no workbook rendered
    child.wait().await.unwrap();
    let out = run_against(&sb, &[&args[..], &["--resume".to_owned()]].concat()).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let mut reader = pc_onboard::input::InputReader::open(&results).unwrap();
    pc_onboard::results::recognise(&mut reader, &Default::default()).unwrap();
    let layout = reader.layout().clone();
    let mut row = pc_onboard::input::InputRow::new();
    let mut statuses = Vec::new();
    while reader.read_row(&mut row).unwrap() {
        let previous = pc_onboard::results::previous(&row, &layout).unwrap();
        statuses.push(previous.status.to_string());
    }
    assert_eq!(statuses.len(), rows);
    assert!(statuses.iter().all(|s| s == "created"), "{statuses:?}");
    assert_eq!(sb.state().stats().customers as usize, rows, "no duplicate");
}
