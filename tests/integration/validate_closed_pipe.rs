//! `validate --results FILE` whose stdout or stderr reader goes away early
//! (`| head`): the listing stops, the results file is still written whole,
//! and the exit code is the rows' (a truncated results file and exit 0 told
//! a scheduled job "all good").

use std::io::Read;
use std::path::Path;
use std::process::{Child, Stdio};

use crate::support::*;

/// `rows` customers, every one invalid (a US postal code of four digits).
fn write_invalid(path: &Path, rows: usize) {
    write_customers(path, rows, "gone");
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, text.replace(",98052,", ",9805,")).unwrap();
}

fn spawn(args: &[&str], stdout: Stdio, stderr: Stdio) -> Child {
    std::process::Command::new(bin())
        .args(args)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap()
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn a_closed_stderr_still_writes_every_row_to_the_results_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("r.csv"));
    write_invalid(&input, 5_000);
    let args = ["validate", input.to_str().unwrap(), "--results"];
    let mut child = spawn(
        &[&args[..], &[results.to_str().unwrap()]].concat(),
        Stdio::null(),
        Stdio::piped(),
    );
    let mut first = [0u8; 10];
    let stderr = child.stderr.as_mut().unwrap();
    stderr.read_exact(&mut first).unwrap();
    drop(child.stderr.take()); // `2>&1 | head -c 10`
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(lines(&results), 5_001, "header and every row");
}

#[test]
fn a_closed_json_stdout_still_writes_every_row_to_the_results_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("r.csv"));
    write_invalid(&input, 20_000);
    let args = ["validate", input.to_str().unwrap(), "--json", "--results"];
    let mut child = spawn(
        &[&args[..], &[results.to_str().unwrap()]].concat(),
        Stdio::piped(),
        Stdio::null(),
    );
    let mut first = [0u8; 10];
    let stdout = child.stdout.as_mut().unwrap();
    stdout.read_exact(&mut first).unwrap();
    drop(child.stdout.take()); // `| head -c 10`
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
    assert_eq!(lines(&results), 20_001, "header and every row");
}
