//! `--credentials-out`, the only place initial admin passwords are kept:
//! `--force` replaces a regular file and nothing else (a FIFO, a symlink,
//! a directory are refused before any call); a re-run or a resume adds to
//! an existing credentials file (mode 0600, no second row for a customer
//! already in it) instead of refusing; the file uses the input's delimiter.
#![cfg(unix)]

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use crate::scratch::{customers_dir as input, s};
use crate::support::*;

/// Run `args` against a fresh sandbox: exit 1, nothing sent (no token
/// either), stderr returned.
async fn refused_before_any_call(args: &[String]) -> String {
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, args).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let stats = sb.state().stats();
    assert!(stats.calls.is_empty(), "nothing sent: {:?}", stats.calls);
    assert_eq!(stats.tokens_issued, 0, "{}", text(&out));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn force_replaces_only_a_regular_file_never_a_fifo_a_symlink_or_a_directory() {
    let (dir, input) = input("nodes", 2);
    let results = dir.path().join("results.csv");
    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let to_stdout = dir.path().join("stdout.csv");
    std::os::unix::fs::symlink("/proc/self/fd/1", &to_stdout).unwrap();
    let directory = dir.path().join("dir.csv");
    std::fs::create_dir(&directory).unwrap();
    for (node, kind) in [
        (&fifo, "a FIFO"),
        (&to_stdout, "a symlink"),
        (&directory, "a directory"),
    ] {
        let args = run_args(&input, &results, &["--credentials-out", s(node), "--force"]);
        let err = refused_before_any_call(&args).await;
        assert!(err.contains(kind), "{kind}: {err}");
        assert!(err.contains("regular file"), "{err}");
        assert!(!results.exists(), "no results file: {err}");
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(
        std::fs::read_link(&to_stdout).unwrap(),
        Path::new("/proc/self/fd/1")
    );
    assert!(directory.is_dir());
    assert_eq!(std::fs::read_dir(&directory).unwrap().count(), 0);
}

#[tokio::test]
async fn a_rerun_adds_to_the_credentials_file_once_per_customer() {
    let (dir, first) = input("again", 3);
    let creds = dir.path().join("creds.csv");
    let sb = sandbox(quiet()).await;
    let flags = ["--credentials-out", s(&creds)];
    let out = run_against(&sb, &run_args(&first, &dir.path().join("r1.csv"), &flags)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&creds).rows.len(), 3);
    assert!(
        text(&out).contains("(mode 0600): 3 stored by this run\n"),
        "{}",
        text(&out)
    );
    // Loosened by someone: the next run puts it back to 0600.
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    // The same three rows (replayed: Partner Center hands the passwords out
    // again) and two new ones, into a new results file.
    let second = dir.path().join("more.csv");
    write_customers(&second, 5, "again");
    let out = run_against(&sb, &run_args(&second, &dir.path().join("r2.csv"), &flags)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("(mode 0600): 2 stored by this run, added to the 3 it held\n"),
        "the summary says what the file got: {}",
        text(&out)
    );
    let stored = Results::read(&creds);
    let mut ids = stored.column("customer_id");
    assert_eq!(ids.len(), 5, "one row per customer: {ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    assert!(stored.column("password").iter().all(|p| !p.is_empty()));
    let kept = std::fs::read_to_string(&creds).unwrap();
    assert_eq!(kept.matches("domain,customer_id").count(), 1, "{kept}");
    let mode = std::fs::metadata(&creds).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    for password in sb.state().issued_passwords() {
        assert!(kept.contains(&password));
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_credentials_file_is_refused_without_force() {
    let (dir, input) = input("notcreds", 2);
    let creds = dir.path().join("notes.csv");
    std::fs::write(&creds, "my notes\nkeep them\n").unwrap();
    let results = dir.path().join("results.csv");
    let args = run_args(&input, &results, &["--credentials-out", s(&creds)]);
    let err = refused_before_any_call(&args).await;
    assert!(err.contains("not a pc-onboard credentials file"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&creds).unwrap(),
        "my notes\nkeep them\n"
    );
}

#[tokio::test]
async fn the_credentials_file_uses_the_input_delimiter() {
    let (dir, input) = input("semi", 2);
    let semicolons = std::fs::read_to_string(&input).unwrap().replace(',', ";");
    std::fs::write(&input, semicolons).unwrap();
    let creds = dir.path().join("creds.csv");
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let args = run_args(&input, &results, &["--credentials-out", s(&creds)]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stored = std::fs::read_to_string(&creds).unwrap();
    assert!(
        stored.starts_with("domain;customer_id;admin_user;password\n"),
        "{stored}"
    );
    assert_eq!(Results::read(&creds).rows.len(), 2);
}
