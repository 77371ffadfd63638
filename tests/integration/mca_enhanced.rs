//! The enhanced MCA attestation (the default flow), end to end against a
//! sandbox on port 0: `pending` with the acceptance link, the customer
//! accepting at the sandbox's page, a re-run creating the agreement
//! (`attested`), and the kind of credentials each call carries. Expiry,
//! earlier acceptances and credentials in `mca_enhanced_states`; wrong
//! guesses and the legacy flow in `mca_enhanced_guesses`.

use crate::run_mca::{row, run_app_user, write};
use crate::support::*;

use std::path::Path;

use pc_onboard::sandbox::{RunningSandbox, TokenKind};

/// A run with the rate raised (the default flow: enhanced).
pub(crate) fn quick(input: &Path, results: &Path, extra: &[&str]) -> Vec<String> {
    let mut more = vec!["--rate", "6000"];
    more.extend(extra);
    run_args(input, results, &more)
}

/// `POST` the acceptance page at `link`, as the customer's button does.
pub(crate) async fn accept_at(link: &str) -> reqwest::StatusCode {
    let client = reqwest::Client::new();
    client.post(link).send().await.unwrap().status()
}

/// The `mca_*` cells of a row accepted by the billing contact (any date).
pub(crate) const BILLING: &str = ",,,,2026-01-15";

/// One row with the billing contact's MCA values (`BILLING`), run with
/// App+User credentials into `dir/results.csv`, exit 0 asserted; the
/// results file's path.
pub(crate) async fn run_one_billed(
    sb: &RunningSandbox,
    dir: &Path,
    id: &str,
    domain: &str,
) -> std::path::PathBuf {
    let input = dir.join("customers.csv");
    write(&input, &[row(id, domain, "", BILLING)]);
    let results = dir.join("results.csv");
    let out = run_app_user(sb, &quick(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    results
}

/// Calls to `endpoint` with a token of `kind`.
pub(crate) fn calls(sb: &RunningSandbox, endpoint: &str, kind: TokenKind) -> u64 {
    sb.state().stats().calls_with(endpoint, kind)
}

pub(crate) const CREATE_ATTESTATION: &str = "POST /v1/attestations/enhanced";
pub(crate) const READ_ATTESTATION: &str = "GET /v1/attestations/enhanced/{id}";
pub(crate) const AGREEMENT: &str = "POST /v1/customers/{id}/agreements";
pub(crate) const AGREEMENTS: &str = "GET /v1/customers/{id}/agreements";

#[tokio::test]
async fn a_pending_acceptance_is_attested_by_the_rerun_after_the_customer_accepts_at_its_link() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("E-1", "enhone", "", BILLING),
            row(
                "E-2",
                "enhtwo",
                "",
                "Bo,Chen,bo@enhtwo.example,+1 206 555 0101,",
            ),
            row("E-3", "enhthree", "", ",,,,"),
        ],
    );
    let results = dir.path().join("results.csv");
    let out = run_app_user(&sb, &quick(&input, &results, &[])).await;
    assert_eq!(
        code(&out),
        0,
        "pending does not change the exit code: {}",
        text(&out)
    );
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["created", "created", "created"]);
    assert_eq!(r.column("mca_status"), ["pending", "pending", ""]);
    let links = r.column("customer_link");
    let ids = r.column("mca_attestation_id");
    for (link, id) in links.iter().zip(&ids).take(2) {
        assert_eq!(*link, format!("{}/sandbox/mca/{id}", sb.base_url()));
    }
    assert_eq!((links[2].as_str(), ids[2].as_str()), ("", ""));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 customers have to accept the Microsoft Customer Agreement")
            && stderr.contains(&format!("row 2 (enhone): {}", links[0])),
        "{stderr}"
    );
    let posted = &sb.state().attestations();
    let first = posted.iter().find(|a| a.id == ids[0]).unwrap();
    assert_eq!(first.field("companyName"), "enhone Inc");
    assert_eq!(first.field("signatoryEmail"), "ap@enhone.example");
    let second = posted.iter().find(|a| a.id == ids[1]).unwrap();
    assert_eq!(
        (second.field("signatoryFirstName"), second.field("country")),
        ("Bo", "US")
    );
    // Fresh customers have accepted nothing: their agreements are not read.
    assert_eq!(sb.state().stats().calls_to(AGREEMENTS), 0);

    // The customer of row 2 opens the page and accepts.
    let page = reqwest::get(&links[0]).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("enhone Inc") && html.contains("<form method=\"post\""),
        "{html}"
    );
    assert_eq!(accept_at(&links[0]).await, 200);

    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&again);
    assert_eq!(r2.column("mca_status"), ["attested", "pending", ""]);
    assert_eq!(
        r2.column("customer_link")[..2],
        ["".to_owned(), links[1].clone()]
    );
    assert_eq!(r2.column("mca_attestation_id"), ids, "kept for the record");
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        3,
        "nothing created again"
    );
    assert_eq!(sb.state().stats().attestations_created, 2, "no second link");
}

#[tokio::test]
async fn each_call_of_the_enhanced_flow_carries_the_kind_of_credentials_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("K-1", "kindone", "", BILLING),
            row("K-2", "kindtwo", "", BILLING),
        ],
    );
    let results = dir.path().join("results.csv");
    let out = run_app_user(&sb, &quick(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let ids = Results::read(&results).column("mca_attestation_id");
    assert!(sb.state().accept_attestation(&ids[0]));
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        Results::read(&again).column("mca_status"),
        ["attested", "pending"]
    );
    for endpoint in [CREATE_ATTESTATION, READ_ATTESTATION, AGREEMENT] {
        assert!(calls(&sb, endpoint, TokenKind::AppOnly) > 0, "{endpoint}");
        assert_eq!(calls(&sb, endpoint, TokenKind::AppUser), 0, "{endpoint}");
    }
    assert_eq!(calls(&sb, AGREEMENT, TokenKind::AppOnly), 1);
    assert_eq!(calls(&sb, READ_ATTESTATION, TokenKind::AppOnly), 2);
    assert_eq!(
        sb.state().stats().calls_to("GET /v1/agreements"),
        0,
        "no template"
    );
    // The pending row's check read its agreements (App+User) once.
    assert_eq!(calls(&sb, AGREEMENTS, TokenKind::AppUser), 1);
    assert_eq!(calls(&sb, AGREEMENTS, TokenKind::AppOnly), 0);
}

#[tokio::test]
async fn the_customers_agreements_list_the_agreement_made_with_the_attestation() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let results = run_one_billed(&sb, dir.path(), "L-1", "enhlist").await;
    let r = Results::read(&results);
    assert!(
        sb.state()
            .accept_attestation(&r.column("mca_attestation_id")[0])
    );
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).column("mca_status"), ["attested"]);
    // A later results file that lost the attestation id: the customer's
    // agreements say it is accepted, and no new link is made.
    let edited = dir.path().join("edited.csv");
    let text_in = std::fs::read_to_string(&again).unwrap();
    let cut = text_in
        .replace("attested", "failed: edited by hand")
        .replace(&r.column("mca_attestation_id")[0], "");
    std::fs::write(&edited, cut).unwrap();
    let fourth = dir.path().join("results-4.csv");
    let out = run_app_user(&sb, &quick(&edited, &fourth, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&fourth).column("mca_status"), ["accepted"]);
    assert_eq!(sb.state().stats().attestations_created, 1);
}

#[tokio::test]
async fn a_dry_run_of_a_results_file_keeps_its_pending_acceptances() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let results = run_one_billed(&sb, dir.path(), "D-1", "enhdry").await;
    let planned = dir.path().join("planned.csv");
    let out = run_app_user(&sb, &quick(&results, &planned, &["--dry-run"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let before = Results::read(&results);
    let after = Results::read(&planned);
    assert_eq!(after.column("mca_status"), ["pending"]);
    assert_eq!(
        after.column("customer_link"),
        before.column("customer_link")
    );
    assert_eq!(
        after.column("mca_attestation_id"),
        before.column("mca_attestation_id")
    );
    assert_eq!(
        sb.state().stats().calls_to(READ_ATTESTATION),
        0,
        "a dry run sends nothing"
    );
}
