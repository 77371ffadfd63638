//! Running the original input again after its customers were created (not
//! the results file): each create is replayed (`created`, same request id)
//! and so is each attestation, whose answer now says the customer accepted.
//! The row must not go back to `pending` with a link the customer already
//! used: the agreement is made (`attested`), or was (`already_attested`).

use crate::fake_server::json;
use crate::mca_enhanced::{BILLING, accept_at, quick};
use crate::mca_enhanced_guesses::hostile_run;
use crate::run_mca::{row, run_app_user, write};
use crate::support::*;

#[tokio::test]
async fn an_accepted_attestation_replayed_by_a_rerun_of_the_input_is_finished_not_pending() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("R-1", "replayone", "", BILLING),
            row("R-2", "replaytwo", "", BILLING),
        ],
    );
    let first = dir.path().join("first.csv");
    let out = run_app_user(&sb, &quick(&input, &first, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let links = Results::read(&first).column("customer_link");
    for link in &links {
        assert_eq!(accept_at(link).await, 200);
    }
    // Row 2's agreement is made by re-running the results file.
    let finished = dir.path().join("finished.csv");
    let out = run_app_user(&sb, &quick(&first, &finished, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        Results::read(&finished).column("mca_status"),
        ["attested", "attested"]
    );
    // Now the original input again.
    let again = dir.path().join("again.csv");
    let out = run_app_user(&sb, &quick(&input, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&again);
    assert_eq!(r.column("status"), ["created", "created"], "replayed");
    assert_eq!(
        r.column("mca_status"),
        ["already_attested", "already_attested"],
        "{}",
        text(&out)
    );
    assert_eq!(r.column("customer_link"), ["", ""], "no link to send again");
}

#[tokio::test]
async fn an_attestation_accepted_before_the_rerun_of_the_input_is_attested() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(&input, &[row("S-1", "acceptedone", "", BILLING)]);
    let first = dir.path().join("first.csv");
    let out = run_app_user(&sb, &quick(&input, &first, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let link = Results::read(&first).column("customer_link")[0].clone();
    assert_eq!(accept_at(&link).await, 200);
    let again = dir.path().join("again.csv");
    let out = run_app_user(&sb, &quick(&input, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&again);
    assert_eq!(r.column("mca_status"), ["attested"], "{}", text(&out));
    assert_eq!(r.column("customer_link"), [""]);
    let id = &r.column("mca_attestation_id")[0];
    let first_id = &Results::read(&first).column("mca_attestation_id")[0];
    assert_eq!(id, first_id, "the same attestation");
}

#[tokio::test]
async fn a_new_attestation_answered_ready_whose_agreement_is_refused_stays_pending_with_its_link() {
    // "ready" may mean ready to send: the agreement is refused, the link kept.
    let dir = tempfile::tempdir().unwrap();
    let (exit, r, all) = hostile_run(dir.path(), |_| {
        json(
            201,
            r#"{"id":"att-r","status":"Ready","url":"https://mca.example/att-r"}"#,
        )
    })
    .await;
    assert_eq!(exit, 0, "{all}");
    assert_eq!(r.column("mca_status"), ["pending"], "{all}");
    assert_eq!(r.column("customer_link"), ["https://mca.example/att-r"]);
    assert_eq!(r.column("mca_attestation_id"), ["att-r"]);
}
