//! A results file that cannot be written stops the run: after the first
//! failed write nothing more is sent, every row finished but not recorded
//! is listed on stderr (domain, customer id, tenant id; never a password),
//! and the exit code is 1. The disk is "full" through `ulimit -f`.
#![cfg(unix)]

use std::collections::HashSet;

use crate::support::*;

#[tokio::test]
async fn a_full_disk_stops_sending_and_lists_the_rows_not_recorded() {
    if !crate::tools::available("bash", "the full disk (ulimit -f) was not simulated") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 100, "full");
    let sb = sandbox(slow(20)).await;
    let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "4"]);
    // The results file may grow to 3 KiB.
    let out = command_with_file_limit(&sb, &args, 3)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    let recorded = Results::read_lossy(&results);
    let listed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("not recorded: row"))
        .collect();
    assert!(!listed.is_empty(), "{stderr}");
    for password in sb.state().issued_passwords() {
        assert!(!stderr.contains(&password), "a password on stderr");
    }
    // Every customer created is in the results file or listed on stderr.
    let mut accounted: HashSet<String> = recorded.column("customer_id").into_iter().collect();
    for line in &listed {
        let id = line
            .split("customer_id=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default();
        assert!(line.contains("domain=fullcust"), "{line}");
        assert!(line.contains("tenant_id="), "{line}");
        accounted.insert(id.to_owned());
    }
    for customer in sb.state().customers() {
        assert!(
            accounted.contains(&customer.id),
            "{} unaccounted",
            customer.id
        );
    }
    let created = sb.state().stats().customers;
    assert!(created < 40, "{created} of 100 created: sending went on");
}
