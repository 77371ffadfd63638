//! The files a run keeps for itself: the results lock follows the results
//! file's identity (two names of one file take one lock); no file given on
//! the command line may be the lock, the journal or the problems file of
//! the results; a workbook's temporary file left by a killed render is
//! removed by the next run (only its own name pattern, only a dead pid's).
#![cfg(unix)]

use std::path::Path;

use crate::scratch::{customers_dir as input, s};
use crate::support::*;

#[tokio::test]
async fn two_runs_on_hard_links_of_one_results_file_take_one_lock() {
    let (dir, input) = input("hard", 40);
    let results = dir.path().join("r.csv");
    std::fs::write(&results, "an earlier results file\n").unwrap();
    let link = dir.path().join("r-link.csv");
    std::fs::hard_link(&results, &link).unwrap();
    let sb = sandbox(slow(50)).await;
    let first = run_args(&input, &results, &["--concurrency", "2"]);
    let mut child = command_against(&sb, &first)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_lines_of(&mut child, &results, 3).await;
    let other = dir.path().join("other.csv");
    write_customers(&other, 5, "hardother");
    let second = run_against(&sb, &run_args(&other, &link, &[])).await;
    let first = child.wait_with_output().await.unwrap();
    assert_eq!(code(&first), 0, "{}", text(&first));
    assert_eq!(code(&second), 1, "the second run: {}", text(&second));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("being written by another pc-onboard run"),
        "{err}"
    );
    assert!(err.contains("hard link"), "{err}");
    let written = Results::read(&results);
    assert_eq!(written.rows.len(), 40, "the first run's rows are intact");
    assert_eq!(written.count("created"), 40);
    assert_eq!(
        sb.state().stats().customers,
        40,
        "the second run sent nothing"
    );
}

#[tokio::test]
async fn no_file_named_on_the_command_line_may_be_the_lock_journal_or_problems_file() {
    let (dir, input) = input("ownfiles", 2);
    let results = dir.path().join("r.csv");
    let lock = dir.path().join("r.csv.lock");
    let workbook = dir.path().join("out.xlsx");
    let problems = dir.path().join("out.xlsx.problems.jsonl");
    let cases: [(&Path, &str, &Path); 4] = [
        (&results, "--summary-json", &lock),
        (&results, "--credentials-out", &lock),
        (&workbook, "--summary-json", &problems),
        (
            &workbook,
            "--credentials-out",
            &dir.path().join("out.xlsx.lock"),
        ),
    ];
    for (target, flag, path) in cases {
        std::fs::write(path, "someone's file\n").unwrap();
        let sb = sandbox(quiet()).await;
        let out = run_against(&sb, &run_args(&input, target, &[flag, s(path)])).await;
        assert_eq!(code(&out), 1, "{flag} {}: {}", path.display(), text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("same file"), "{err}");
        assert!(err.contains(flag), "{err}");
        assert_eq!(sb.state().stats().tokens_issued, 0, "{err}");
        assert_eq!(std::fs::read_to_string(path).unwrap(), "someone's file\n");
        std::fs::remove_file(path).unwrap();
    }
    // The input itself at the lock's path would be truncated by the lock.
    let as_lock = dir.path().join("x.csv.lock");
    std::fs::copy(&input, &as_lock).unwrap();
    let out = run_plain(&["validate", s(&as_lock)]);
    assert_eq!(code(&out), 0, "a valid input: {}", text(&out));
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&as_lock, &dir.path().join("x.csv"), &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(
        std::fs::read(&as_lock).unwrap(),
        std::fs::read(&input).unwrap()
    );
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[tokio::test]
async fn a_killed_render_leaves_no_litter_after_the_next_run() {
    let (dir, input) = input("litter", 2);
    let workbook = dir.path().join("out.xlsx");
    let dead = dir.path().join(format!(".out.xlsx.{}.tmp", dead_pid()));
    let alive = dir
        .path()
        .join(format!(".out.xlsx.{}.tmp", std::process::id()));
    let others = [
        dir.path().join(".out.xlsx.notapid.tmp"),
        dir.path().join(".other.xlsx.1.tmp"),
        dir.path().join("out.xlsx.1.tmp"),
    ];
    for path in others.iter().chain([&dead, &alive]) {
        std::fs::write(path, "half a workbook").unwrap();
    }
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &workbook, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(workbook.exists());
    assert!(!dead.exists(), "a dead run's temporary file is removed");
    assert!(alive.exists(), "a live process's is not");
    for path in &others {
        assert!(path.exists(), "not ours: {}", path.display());
    }
}
