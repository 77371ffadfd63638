//! What Microsoft has not published about the enhanced MCA attestation, end
//! to end: answers under other field names are read, an answer in a shape
//! nobody guessed ends `failed: ...` quoting it (cut, secrets scrubbed),
//! and the legacy flow against a retired endpoint says to switch flows.

use crate::fake_server::{Seen, TokenCall, json, serve};
use crate::hostile::{created, run_against_server};
use crate::mca_enhanced::{BILLING, quick, run_one_billed};
use crate::run_mca::{row, run_app_user, write};
use crate::support::*;

use axum::http::Method;
use axum::response::Response;
use pc_onboard::sandbox::{AttestationNames, LegacyMca, SandboxConfig};

#[tokio::test]
async fn answers_under_other_field_names_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(SandboxConfig {
        attestation_names: AttestationNames::Alternate,
        ..quiet()
    })
    .await;
    let results = run_one_billed(&sb, dir.path(), "N-1", "altnames").await;
    let r = Results::read(&results);
    assert_eq!(r.column("mca_status"), ["pending"]);
    let id = &r.column("mca_attestation_id")[0];
    assert_eq!(
        r.column("customer_link")[0],
        format!("{}/sandbox/mca/{id}", sb.base_url())
    );
    assert!(sb.state().accept_attestation(id));
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).column("mca_status"), ["attested"]);
}

#[tokio::test]
async fn a_legacy_run_against_a_retired_endpoint_fails_with_the_advice_to_switch_flows() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(SandboxConfig {
        legacy_mca: LegacyMca::Retired,
        ..quiet()
    })
    .await;
    let input = dir.path().join("customers.csv");
    write(&input, &[row("R-1", "retired", "", BILLING)]);
    let results = dir.path().join("results.csv");
    let out = run_app_user(&sb, &quick(&input, &results, &["--mca-flow", "legacy"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["created"]);
    let mca = &r.column("mca_status")[0];
    assert!(
        mca.starts_with("failed: cannot get the MCA template: Partner Center answered 410"),
        "{mca}"
    );
    assert!(mca.contains("run again with --mca-flow enhanced"), "{mca}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--mca-flow legacy"),
        "the printed re-run repeats the flow: {stderr}"
    );

    // Switching flows: the re-run of the results file makes the link.
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &["--mca-flow", "enhanced"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).column("mca_status"), ["pending"]);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 1);
}

/// The app-only credentials of the runs against the hostile server.
const APP: [(&str, &str); 3] = [
    ("PC_TENANT_ID", "partner.onmicrosoft.com"),
    ("PC_CLIENT_ID", "app"),
    ("PC_CLIENT_SECRET", "hostile-mca-client-secret-31337"),
];

/// The token authority of the hostile server: a token for every request.
fn tokens(call: &TokenCall, _: &[TokenCall]) -> Response {
    json(
        200,
        format!(
            r#"{{"token_type":"Bearer","expires_in":"3600","access_token":"hostile-mca-token-{}"}}"#,
            call.index
        ),
    )
}

/// An API that creates customers and answers the attestation with
/// `attestation` (which may echo the `Authorization` header).
fn api(
    attestation: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> impl Fn(&Seen) -> Response + Send + Sync + 'static {
    move |call: &Seen| match (call.method.clone(), call.path.as_str()) {
        (Method::POST, "/v1/customers") => created(call),
        (_, path) if path.starts_with("/v1/attestations/enhanced") => attestation(call),
        _ => json(404, r#"{"code":3000,"description":"not here"}"#),
    }
}

/// Run a one-row MCA input against a hostile server whose attestation
/// answers are `attestation`; the `mca_status` and the whole output.
pub(crate) async fn hostile_run(
    dir: &std::path::Path,
    attestation: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> (i32, Results, String) {
    let (base, _server) = serve(Box::new(tokens), Box::new(api(attestation))).await;
    let input = dir.join("customers.csv");
    write(&input, &[row("H-1", "hostilemca", "", BILLING)]);
    let results = dir.join("results.csv");
    let out = run_against_server(&base, &quick(&input, &results, &[]), &APP).await;
    assert_ne!(code(&out), 101, "no panic: {}", text(&out));
    (code(&out), Results::read(&results), text(&out))
}

#[tokio::test]
async fn an_answer_without_an_attestation_id_fails_quoting_it_with_secrets_scrubbed() {
    let dir = tempfile::tempdir().unwrap();
    let (code, r, all) = hostile_run(dir.path(), |call| {
        json(
            201,
            format!(
                r#"{{"reference":"r-77","message":"queued","seen":"{}"}}"#,
                call.authorization()
            ),
        )
    })
    .await;
    assert_eq!(code, 2, "{all}");
    assert_eq!(r.column("status"), ["created"]);
    let mca = &r.column("mca_status")[0];
    assert!(
        mca.starts_with("failed: creating the MCA attestation (POST /v1/attestations/enhanced): "),
        "{mca}"
    );
    assert!(
        mca.contains("no attestation id (looked for id, attestationId"),
        "{mca}"
    );
    assert!(
        mca.ends_with(
            r#"Partner Center answered: {"reference":"r-77","message":"queued","seen":"Bearer [REDACTED]"}"#
        ),
        "quoted as answered, the echoed token scrubbed: {mca}"
    );
    assert!(
        !all.contains("hostile-mca-token-") && !all.contains("hostile-mca-client-secret"),
        "{all}"
    );
}

#[tokio::test]
async fn an_answer_without_a_link_keeps_the_id_and_fails_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2_000);
    let (code, r, all) = hostile_run(dir.path(), move |_| {
        json(
            201,
            format!(r#"{{"attestationId":"att-5","status":"Required","note":"{long}"}}"#),
        )
    })
    .await;
    assert_eq!(code, 2, "{all}");
    let mca = &r.column("mca_status")[0];
    assert!(
        mca.contains("no acceptance link (looked for an http(s) URL under url, link"),
        "{mca}"
    );
    assert!(
        mca.contains(r#"{"attestationId":"att-5""#) && mca.ends_with("..."),
        "cut: {mca}"
    );
    assert!(mca.len() < 900, "a sane length: {}", mca.len());
    assert_eq!(
        r.column("mca_attestation_id"),
        ["att-5"],
        "kept for a support case"
    );
    assert_eq!(r.column("customer_link"), [""]);
}

#[tokio::test]
async fn a_state_nobody_guessed_fails_the_check_quoting_it_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (exit, first, all) = hostile_run(dir.path(), |call| {
        if call.method == Method::POST {
            json(201, r#"{"id":"att-9","url":"https://mca.example/att-9"}"#)
        } else {
            json(200, r#"{"id":"att-9","status":"Withdrawn"}"#)
        }
    })
    .await;
    assert_eq!(exit, 0, "{all}");
    assert_eq!(first.column("mca_status"), ["pending"]);
    // The re-run reads the state: an unknown word is a wrong guess.
    let (base, _server) = serve(
        Box::new(tokens),
        Box::new(api(|_| json(200, r#"{"id":"att-9","status":"Withdrawn"}"#))),
    )
    .await;
    let results = dir.path().join("results.csv");
    let again = dir.path().join("results-2.csv");
    let out = run_against_server(&base, &quick(&results, &again, &[]), &APP).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&again);
    let mca = &r.column("mca_status")[0];
    assert!(
        mca.starts_with("failed: reading the MCA attestation att-9: "),
        "{mca}"
    );
    assert!(
        mca.contains(r#"an attestation state "Withdrawn" pc-onboard does not know"#),
        "{mca}"
    );
    assert_eq!(
        r.column("customer_link"),
        ["https://mca.example/att-9"],
        "the link stays"
    );
    assert_eq!(r.column("mca_attestation_id"), ["att-9"]);
}

#[tokio::test]
async fn an_attestation_refused_with_600061_is_already_attested() {
    let dir = tempfile::tempdir().unwrap();
    let (exit, r, all) = hostile_run(dir.path(), |_| {
        json(
            409,
            r#"{"code":600061,"message":"A partner confirmed agreement already exists for the customer.","errorName":"PartnerConfirmedAgreementAlreadyExists","isRetryable":false}"#,
        )
    })
    .await;
    assert_eq!(exit, 0, "{all}");
    assert_eq!(r.column("mca_status"), ["already_attested"]);
    assert_eq!(r.column("customer_link"), [""]);
}
