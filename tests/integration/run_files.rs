//! The files a run reads and writes, through the binary: two of input,
//! results, `--credentials-out` that are one file are refused before
//! anything is sent; `--credentials-out` never writes through nor
//! replaces a symlink, `--force` or not; no `<results>.lock` is left
//! behind; `--timeout 0` is refused.

use crate::support;

use std::path::{Path, PathBuf};

use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A directory with `in.csv` (3 customers) and its bytes.
fn input(tag: &str) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 3, tag);
    let bytes = std::fs::read(&input).unwrap();
    (dir, input, bytes)
}

/// Run with `args` against a fresh sandbox: refused with exit 1 and a
/// message naming `role` and "same file", before any call (no token either).
async fn refused_before_any_call(args: &[String], role: &str) -> String {
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, args).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("same file"), "{err}");
    assert!(err.contains(role), "{err}");
    let stats = sb.state().stats();
    assert!(stats.calls.is_empty(), "nothing sent: {:?}", stats.calls);
    assert_eq!(stats.tokens_issued, 0);
    err
}

#[tokio::test]
async fn credentials_out_equal_to_results_is_refused_before_anything_is_sent() {
    let (dir, input, _) = input("sameco");
    let results = dir.path().join("results.csv");
    let spellings = [results.clone(), dir.path().join("./results.csv")];
    for creds in &spellings {
        let args = run_args(&input, &results, &["--credentials-out", s(creds)]);
        refused_before_any_call(&args, "--credentials-out").await;
        assert_eq!(
            names(dir.path()),
            ["in.csv"],
            "no file created, no lock left"
        );
    }
    std::fs::write(&results, "earlier results\n").unwrap();
    let args = run_args(
        &input,
        &results,
        &["--credentials-out", s(&results), "--force"],
    );
    refused_before_any_call(&args, "--credentials-out").await;
    assert_eq!(std::fs::read(&results).unwrap(), b"earlier results\n");
}

#[tokio::test]
async fn results_hard_linked_to_the_input_are_refused_and_the_input_is_intact() {
    let (dir, input, bytes) = input("hardres");
    let results = dir.path().join("results.csv");
    std::fs::hard_link(&input, &results).unwrap();
    let err = refused_before_any_call(&run_args(&input, &results, &[]), "--results").await;
    assert!(err.contains("hard link"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), bytes, "the input is intact");
    let resumed = run_args(&input, &results, &["--resume"]);
    refused_before_any_call(&resumed, "--results").await;
    assert_eq!(std::fs::read(&input).unwrap(), bytes);

    let out = run_plain(&["validate", s(&input), "--results", s(&results)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(stderr(&out).contains("same file"), "{}", text(&out));
    assert_eq!(std::fs::read(&input).unwrap(), bytes, "validate too");
    assert_eq!(names(dir.path()), ["in.csv", "results.csv"]);
}

#[cfg(unix)]
#[tokio::test]
async fn results_or_credentials_symlinked_to_the_input_are_refused() {
    let (dir, input, bytes) = input("symres");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("in.csv", &link).unwrap();
    let err = refused_before_any_call(&run_args(&input, &link, &[]), "--results").await;
    assert!(err.contains("symlink"), "{err}");
    let results = dir.path().join("results.csv");
    let creds = run_args(
        &input,
        &results,
        &["--credentials-out", s(&link), "--force"],
    );
    refused_before_any_call(&creds, "--credentials-out").await;
    let summary = run_args(&input, &results, &["--summary-json", s(&link)]);
    refused_before_any_call(&summary, "--summary-json").await;
    assert_eq!(std::fs::read(&input).unwrap(), bytes, "the input is intact");
    assert_eq!(names(dir.path()), ["in.csv", "link.csv"]);
    let out = run_plain(&["validate", s(&input), "--results", s(&link)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(std::fs::read(&input).unwrap(), bytes, "validate too");
}

#[cfg(unix)]
#[tokio::test]
async fn credentials_out_on_a_symlink_is_refused_even_with_force_and_its_target_untouched() {
    let (dir, input, _) = input("credlink");
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "keep me\n").unwrap();
    let creds = dir.path().join("creds.csv");
    std::os::unix::fs::symlink(&precious, &creds).unwrap();
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    for force in [&[][..], &["--force"][..]] {
        let mut flags = vec!["--credentials-out", s(&creds)];
        flags.extend_from_slice(force);
        let out = run_against(&sb, &run_args(&input, &results, &flags)).await;
        assert_eq!(code(&out), 1, "{force:?}: {}", text(&out));
        assert!(stderr(&out).contains("is a symlink"), "{}", text(&out));
    }
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me\n");
    assert!(std::fs::symlink_metadata(&creds).unwrap().is_symlink());
    assert_eq!(names(dir.path()), ["creds.csv", "in.csv", "precious.txt"]);
}

#[tokio::test]
async fn no_lock_file_is_left_after_a_run_or_a_failed_one() {
    let (dir, input, _) = input("nolock");
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(names(dir.path()), ["in.csv", "results.csv"]);
    // No credentials: fails after the lock was taken.
    let out = run_plain(&run_args(&input, &dir.path().join("again.csv"), &[]));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(names(dir.path()), ["in.csv", "results.csv"]);
}

#[cfg(unix)]
#[test]
fn results_to_dev_null_take_no_lock() {
    let (_dir, input, _) = input("devnull");
    let lock = Path::new("/dev/null.lock");
    assert!(
        !lock.exists(),
        "{} exists (left by an older build): remove it, this test checks that none is made",
        lock.display()
    );
    let out = run_plain(&run_args(&input, Path::new("/dev/null"), &["--dry-run"]));
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!lock.exists(), "no lock file for a device");
}

#[test]
fn a_timeout_of_zero_is_refused() {
    let (dir, input, _) = input("timeout");
    let results = dir.path().join("results.csv");
    let out = run_plain(&run_args(
        &input,
        &results,
        &["--timeout", "0", "--dry-run"],
    ));
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", text(&out));
    let out = run_plain(&["validate", s(&input), "--sandbox", "--timeout", "0"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(stderr(&out).contains("--timeout"), "{}", text(&out));
    assert_eq!(names(dir.path()), ["in.csv"]);
}
