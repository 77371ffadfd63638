//! `validate --results FILE` whose stdout or stderr reader goes away early
//! (`| head`): the listing stops, the results file is still written whole,
//! and the exit code is the rows' (a truncated results file and exit 0 told
//! a scheduled job "all good").

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use crate::support::*;

/// `rows` customers, every one invalid (a US postal code of four digits).
fn write_invalid(path: &Path, rows: usize) {
    write_customers(path, rows, "gone");
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, text.replace(",98052,", ",9805,")).unwrap();
}

/// Validate `rows` invalid rows into a results file with `extra` flags,
/// the reader of stdout (`close_stdout`) or of stderr gone after 10 bytes:
/// the exit code and the lines of the results file.
fn closed_round(rows: usize, extra: &[&str], close_stdout: bool) -> (Option<i32>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("r.csv"));
    write_invalid(&input, rows);
    let piped = || {
        if close_stdout {
            (Stdio::piped(), Stdio::null())
        } else {
            (Stdio::null(), Stdio::piped())
        }
    };
    let (stdout, stderr) = piped();
    let mut child = std::process::Command::new(bin())
        .args([
            "validate",
            input.to_str().unwrap(),
            "--results",
            results.to_str().unwrap(),
        ])
        .args(extra)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    if close_stdout {
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take()); // `| head -c 10`
    } else {
        child
            .stderr
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stderr.take()); // `2>&1 | head -c 10`
    }
    let status = child.wait().unwrap();
    let lines = std::fs::read_to_string(&results).unwrap().lines().count();
    (status.code(), lines)
}

#[test]
fn a_closed_stderr_still_writes_every_row_to_the_results_and_exits_2() {
    assert_eq!(closed_round(5_000, &[], false), (Some(2), 5_001));
}

#[test]
fn a_closed_json_stdout_still_writes_every_row_to_the_results_and_exits_2() {
    assert_eq!(closed_round(20_000, &["--json"], true), (Some(2), 20_001));
}
