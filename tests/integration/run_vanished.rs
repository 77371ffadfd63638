//! The directory holding `--results` and `--credentials-out` removed
//! (`rm -rf`) while the run writes them: the files are still open, so the
//! writes succeed into files no one can read. The run notices that the
//! paths no longer name its files, stops sending, lists on stderr every
//! customer created (domain, customer and tenant ids; never a password),
//! says the passwords are lost and how to reset them, and exits 1; it never
//! claims results are in a file that no longer exists.
#![cfg(unix)]

use std::path::Path;

use crate::support::*;

/// What a run whose output directory was removed mid-way did.
struct Vanished {
    out: std::process::Output,
    stderr: String,
    sb: pc_onboard::sandbox::RunningSandbox,
    lines_at_removal: usize,
}

/// Run 30 rows (50 ms calls, 2 at a time) with `--results out/RESULTS`
/// (and `--credentials-out out/creds.csv` if `creds`); remove `out/` once
/// `watched` (in it) has more than 3 lines.
async fn remove_the_directory_midway(
    dir: &Path,
    results: &str,
    watched: &str,
    creds: bool,
) -> Vanished {
    let input = dir.join("in.csv");
    write_customers(&input, 30, "gone");
    let out_dir = dir.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let creds_path = out_dir.join("creds.csv");
    let mut flags = vec!["--concurrency", "2"];
    if creds {
        flags.extend(["--credentials-out", creds_path.to_str().unwrap()]);
    }
    let sb = sandbox(slow(50)).await;
    let args = run_args(&input, &out_dir.join(results), &flags);
    let mut child = command_against(&sb, &args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let watched = out_dir.join(watched);
    wait_for_lines_of(&mut child, &watched, 3).await;
    let lines_at_removal = std::fs::read_to_string(&watched).unwrap().lines().count();
    std::fs::remove_dir_all(&out_dir).unwrap();
    let out = child.wait_with_output().await.unwrap();
    Vanished {
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        out,
        sb,
        lines_at_removal,
    }
}

/// The checks every variant shares.
fn check(v: &Vanished) {
    let stderr = &v.stderr;
    assert_eq!(code(&v.out), 1, "{stderr}");
    assert!(stderr.contains("was removed or replaced"), "{stderr}");
    assert!(stderr.contains("passwords"), "{stderr}");
    assert!(stderr.contains("reset"), "{stderr}");
    assert!(!stderr.contains("complete in"), "{stderr}");
    for password in v.sb.state().issued_passwords() {
        assert!(!stderr.contains(&password), "a password on stderr");
    }
    // Every customer created is named on stderr, with its domain.
    for customer in v.sb.state().customers() {
        let line = stderr
            .lines()
            .find(|l| l.contains(&customer.id))
            .unwrap_or_else(|| panic!("{} not listed: {stderr}", customer.id));
        assert!(line.contains("domain=gonecust"), "{line}");
        assert!(line.contains("tenant_id="), "{line}");
    }
    // Sending stopped: the rows written when the directory went, the two
    // calls in flight, and the row whose write noticed it, at most.
    let created = v.sb.state().stats().customers as usize;
    assert!(
        created <= v.lines_at_removal + 4,
        "{created} created, {} lines when removed: {stderr}",
        v.lines_at_removal
    );
}

#[tokio::test]
async fn removing_the_results_directory_stops_the_run_and_lists_the_customers_created() {
    let dir = tempfile::tempdir().unwrap();
    let v = remove_the_directory_midway(dir.path(), "r.csv", "r.csv", true).await;
    check(&v);
    assert!(v.stderr.contains("creds.csv was removed"), "{}", v.stderr);
    assert!(!dir.path().join("out").exists(), "nothing is recreated");
}

#[tokio::test]
async fn without_a_credentials_file_the_results_file_going_is_noticed_at_the_next_row() {
    let dir = tempfile::tempdir().unwrap();
    let v = remove_the_directory_midway(dir.path(), "r.csv", "r.csv", false).await;
    check(&v);
    assert!(v.stderr.contains("r.csv was removed"), "{}", v.stderr);
    assert!(
        v.stderr.contains("lost with r.csv: created"),
        "{}",
        v.stderr
    );
}

#[tokio::test]
async fn a_results_workbook_never_claims_a_journal_that_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let v = remove_the_directory_midway(dir.path(), "r.xlsx", "r.xlsx.journal.csv", true).await;
    check(&v);
    assert!(!v.stderr.contains("journal.csv,"), "{}", v.stderr);
    assert!(!dir.path().join("out").exists(), "nothing is recreated");
}
