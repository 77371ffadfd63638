//! Request identity across runs: the same `MS-RequestId` for every retry of
//! a row (also on re-runs after a transient failure), and a new one,
//! chained from the previous, after a definitive business answer
//! (`rejected`), as Microsoft asks.

use std::path::Path;

use pc_onboard::input::{InputReader, InputRow};
use pc_onboard::pipeline::PreparedRequest;
use pc_onboard::sandbox::{Endpoint, Fault};

use crate::support::*;

/// The request id a row of `path` gets, chained from `after` when given.
fn expected_id(path: &Path, index: usize, after: Option<&str>) -> String {
    let mut reader = InputReader::open(path).unwrap();
    let layout = reader.layout().clone();
    let mut row = InputRow::new();
    for _ in 0..=index {
        assert!(reader.read_row(&mut row).unwrap());
    }
    let (fields, _) = row.fields(&layout);
    let customer = pc_onboard::validate::check(&fields).unwrap();
    PreparedRequest::new(&customer, after, pc_onboard::validate::DefaultGdap::On)
        .request_id
        .to_string()
}

#[tokio::test]
async fn a_rejected_row_is_sent_again_under_a_new_chained_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write_customers(&input, 2, "rid");
    sb.state().reserve_domain("ridcust0.onmicrosoft.com");

    let first = dir.path().join("first.csv");
    let out = run_against(&sb, &run_args(&input, &first, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r1 = Results::read(&first);
    assert_eq!(r1.column("status"), ["rejected", "created"]);
    let rejected_id = r1.column("request_id")[0].clone();
    assert_eq!(rejected_id, expected_id(&input, 0, None));

    // The other tenant gives the domain up; the results file is run again.
    sb.state().release_domain("ridcust0.onmicrosoft.com");
    let dry = dir.path().join("dry.csv");
    let out = run_against(&sb, &run_args(&first, &dry, &["--dry-run"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let chained = expected_id(&input, 0, Some(&rejected_id));
    assert_ne!(chained, rejected_id);
    assert_eq!(
        Results::read(&dry).column("request_id")[0],
        chained,
        "a dry run shows the id a real run will use"
    );

    let second = dir.path().join("second.csv");
    let out = run_against(&sb, &run_args(&first, &second, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&second);
    assert_eq!(
        r2.column("status"),
        ["created", "created"],
        "under its old id the service would answer the old refusal again"
    );
    assert_eq!(r2.column("request_id")[0], chained);
    assert_eq!(r2.column("request_id")[1], r1.column("request_id")[1]);
}

#[tokio::test]
async fn the_sandbox_answers_a_refused_request_id_with_its_refusal_again() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write_customers(&input, 1, "old");
    sb.state().reserve_domain("oldcust0.onmicrosoft.com");
    let first = dir.path().join("first.csv");
    run_against(&sb, &run_args(&input, &first, &[])).await;
    sb.state().release_domain("oldcust0.onmicrosoft.com");
    // The original input (no results columns) is sent under the original id.
    let again = dir.path().join("again.csv");
    let out = run_against(&sb, &run_args(&input, &again, &[])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(Results::read(&again).column("status"), ["rejected"]);
}

#[tokio::test]
async fn a_failed_row_keeps_its_request_id_on_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write_customers(&input, 1, "keep");
    sb.state().script_faults_on(
        Endpoint::Create,
        std::iter::repeat_n(Fault::ServiceUnavailable, 2),
    );
    let first = dir.path().join("first.csv");
    let out = run_against(&sb, &run_args(&input, &first, &["--max-attempts", "2"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r1 = Results::read(&first);
    assert_eq!(r1.column("status"), ["failed"]);
    let second = dir.path().join("second.csv");
    let out = run_against(&sb, &run_args(&first, &second, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&second);
    assert_eq!(r2.column("status"), ["created"]);
    assert_eq!(r2.column("request_id"), r1.column("request_id"));
}
