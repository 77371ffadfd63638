//! `--results` or `--summary-json` at a FIFO nobody reads: refused before
//! any call. Before, the summary's open waited for a reader for ever once
//! every customer was created (SIGTERM did not end it), and results rows
//! went into the pipe's buffer, lost, until it filled and the run hung.
#![cfg(unix)]

use std::path::Path;
use std::time::Duration;

use crate::hostile::{created, hostile, is_create, no_customers, run_at};
use crate::support::{code, run_args, text, write_customers};

const GUARD: Duration = Duration::from_secs(30);

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.unwrap().success(), "mkfifo {}", path.display());
}

/// Run 3 rows with `flag` naming a FIFO nobody reads; the output and the
/// creates sent.
async fn run_with_fifo(flag: &str) -> (std::process::Output, usize) {
    let (base, mock) = hostile(|seen| {
        if is_create(seen) {
            created(seen)
        } else {
            no_customers()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 3, "fifo");
    let fifo = dir.path().join("nobody-reads");
    mkfifo(&fifo);
    let fifo = fifo.to_str().unwrap();
    let (results, extra) = match flag {
        "--results" => (Path::new(fifo).to_owned(), vec![]),
        _ => (dir.path().join("r.csv"), vec![flag, fifo]),
    };
    let out = run_at(&base, &run_args(&input, &results, &extra), GUARD).await;
    let creates = mock.seen().iter().filter(|s| is_create(s)).count();
    (out, creates)
}

#[tokio::test]
async fn a_summary_json_fifo_nobody_reads_is_refused_before_any_call() {
    let (out, creates) = run_with_fifo("--summary-json").await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(creates, 0, "{}", text(&out));
    assert!(text(&out).contains("nobody reads"), "{}", text(&out));
}

#[tokio::test]
async fn a_results_fifo_nobody_reads_is_refused_before_any_call() {
    let (out, creates) = run_with_fifo("--results").await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert_eq!(creates, 0, "{}", text(&out));
    assert!(text(&out).contains("nobody reads"), "{}", text(&out));
}
