//! Running the original input again after its customers were created (not
//! the results file): each create is replayed (`created`, same request id)
//! and so is each attestation, whose answer now says the customer accepted.
//! The row must not go back to `pending` with a link the customer already
//! used: the agreement is made (`attested`), or was (`already_attested`).

use crate::fake_server::{Seen, json, serve, tokens_numbered};
use crate::hostile::{created, run_against_server};
use crate::mca_enhanced::{BILLING, accept_at, quick};
use crate::mca_enhanced_guesses::hostile_run;
use crate::run_mca::{row, run_app_user, write};
use crate::signin_support::APP_ONLY;
use crate::support::*;

use axum::http::Method;

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

#[tokio::test]
async fn the_agreement_tried_after_a_replayed_attestation_has_a_request_id_of_its_own() {
    let agreements = std::sync::atomic::AtomicUsize::new(0);
    let api = move |call: &Seen| match (call.method.clone(), call.path.as_str()) {
        (Method::POST, "/v1/customers") => created(call),
        (Method::POST, "/v1/attestations/enhanced") => json(
            201,
            r#"{"id":"att-q","status":"Ready","url":"https://mca.example/att-q"}"#,
        ),
        (Method::GET, _) => json(200, r#"{"id":"att-q","status":"Accepted"}"#),
        // Refused the first time (the attestation was ready to send, not
        // accepted), made the second.
        (Method::POST, path) if path.ends_with("/agreements") => {
            match agreements.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => json(400, r#"{"code":27002,"description":"not accepted yet"}"#),
                _ => json(201, r#"{"agreementType":"MicrosoftCustomerAgreement"}"#),
            }
        }
        _ => json(404, r#"{"code":3000,"description":"not here"}"#),
    };
    let (base, server) = serve(tokens_numbered("3600"), Box::new(api)).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write(&input, &[row("Q-1", "replayq", "", BILLING)]);
    let (first, second) = (dir.path().join("r1.csv"), dir.path().join("r2.csv"));
    let out = run_against_server(&base, &quick(&input, &first, &[]), &APP_ONLY).await;
    assert_eq!(
        Results::read(&first).column("mca_status"),
        ["pending"],
        "{}",
        text(&out)
    );
    let out = run_against_server(&base, &quick(&first, &second, &[]), &APP_ONLY).await;
    assert_eq!(
        Results::read(&second).column("mca_status"),
        ["attested"],
        "{}",
        text(&out)
    );
    let ids: Vec<String> = server
        .seen()
        .iter()
        .filter(|c| c.method == Method::POST && c.path.ends_with("/agreements"))
        .map(|c| c.header("MS-RequestId").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "the refusal is not the later agreement's");
}
