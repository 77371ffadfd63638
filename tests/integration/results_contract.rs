//! The results file is an on-disk contract (its columns, statuses, error
//! texts and request ids are what scripts and later runs read): snapshots
//! of the sample's results, so a change to any of it is a deliberate one.

use crate::support::*;

/// `run --dry-run` without credentials: offline, deterministic, and every
/// valid row carries the request id a real run would send.
#[test]
fn the_results_of_a_dry_run_of_the_sample_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let out = run_plain(&[
        "run",
        sample().to_str().unwrap(),
        "--dry-run",
        "--no-progress",
        "--results",
        results.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let text = std::fs::read_to_string(&results).unwrap();
    insta::assert_snapshot!("dry_run_results", text);
}

/// `validate --results`: statuses and every problem's message.
#[test]
fn the_results_of_validating_the_sample_are_stable() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let out = run_plain(&[
        "validate",
        sample().to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let text = std::fs::read_to_string(&results).unwrap();
    insta::assert_snapshot!("validate_results", text);
}
