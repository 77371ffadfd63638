//! The enhanced MCA attestation's other ends, against a sandbox on port 0:
//! a link that expires (`expired`, exit 2, then a new link), a customer
//! that had already accepted (`accepted`, no attestation), and what each
//! kind of credentials can do.

use crate::mca_enhanced::{
    AGREEMENTS, BILLING, CREATE_ATTESTATION, accept_at, calls, quick, run_one_billed,
};
use crate::run_mca::{row, run_app_user, write};
use crate::support::*;

use std::time::Duration;

use pc_onboard::sandbox::{SandboxConfig, TokenKind};

#[tokio::test]
async fn an_expired_link_is_expired_on_the_rerun_and_the_next_rerun_sends_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(SandboxConfig {
        attestation_ttl: Duration::ZERO,
        ..quiet()
    })
    .await;
    let results = run_one_billed(&sb, dir.path(), "X-1", "expone").await;
    let first = Results::read(&results);
    assert_eq!(first.column("mca_status"), ["pending"]);
    let old_link = first.column("customer_link")[0].clone();
    assert_eq!(accept_at(&old_link).await, 410, "the page says it expired");

    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(
        code(&out),
        2,
        "an expired link needs the partner: {}",
        text(&out)
    );
    let r2 = Results::read(&again);
    assert_eq!(r2.column("mca_status"), ["expired"]);
    assert_eq!(
        r2.column("customer_link"),
        [""],
        "a dead link is not kept to be sent"
    );
    assert_eq!(
        r2.column("mca_attestation_id"),
        first.column("mca_attestation_id")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 MCA acceptance link expired unaccepted: row 2 (expone)"),
        "{stderr}"
    );
    let rerun = format!("new link with: {} run", printed_program());
    assert!(stderr.contains(&rerun), "{stderr}");
    assert_eq!(sb.state().stats().attestations_created, 1);

    let third = dir.path().join("results-3.csv");
    let out = run_app_user(&sb, &quick(&again, &third, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r3 = Results::read(&third);
    assert_eq!(r3.column("mca_status"), ["pending"]);
    assert_ne!(r3.column("customer_link")[0], old_link, "a new link");
    assert_ne!(
        r3.column("mca_attestation_id"),
        first.column("mca_attestation_id")
    );
    assert!(r3.column("customer_link")[0].starts_with(sb.base_url()));
    assert_eq!(
        sb.state().stats().attestations_created,
        2,
        "a new attestation, not a replay"
    );
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 1);
}

#[tokio::test]
async fn a_customer_that_had_accepted_is_accepted_and_gets_no_link() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    // Created earlier without MCA values; its admin accepted the MCA in the
    // Microsoft 365 admin center.
    let plain = dir.path().join("plain.csv");
    write(&plain, &[row("A-1", "accone", "", ",,,,")]);
    let first = dir.path().join("first.csv");
    let out = run_app_user(&sb, &quick(&plain, &first, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let customer = Results::read(&first).column("customer_id")[0].clone();
    assert!(sb.state().accept_directly(&customer));

    // The partner's CRM sends the row again, with MCA values, under
    // another key: the customer `exists`, and had accepted.
    let results = run_one_billed(&sb, dir.path(), "CRM-9", "accone").await;
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["exists"]);
    assert_eq!(r.column("mca_status"), ["accepted"]);
    assert_eq!(
        (
            r.column("customer_link")[0].as_str(),
            r.column("mca_attestation_id")[0].as_str()
        ),
        ("", "")
    );
    assert_eq!(calls(&sb, AGREEMENTS, TokenKind::AppUser), 1);
    assert_eq!(sb.state().stats().attestations_created, 0);

    // Without App+User credentials the check is skipped: a link is made.
    let app_only = dir.path().join("app-only.csv");
    let input = dir.path().join("customers.csv");
    let out = run_against(&sb, &quick(&input, &app_only, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&app_only).column("mca_status"), ["pending"]);
    assert_eq!(
        calls(&sb, AGREEMENTS, TokenKind::AppUser),
        1,
        "not read again"
    );
    assert_eq!(
        calls(&sb, AGREEMENTS, TokenKind::AppOnly),
        0,
        "never app-only"
    );
    assert_eq!(calls(&sb, CREATE_ATTESTATION, TokenKind::AppOnly), 1);
}

#[tokio::test]
async fn a_pending_customer_that_accepts_in_the_admin_center_is_accepted_on_the_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let results = run_one_billed(&sb, dir.path(), "P-1", "admcenter").await;
    let r = Results::read(&results);
    assert!(sb.state().accept_directly(&r.column("customer_id")[0]));
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&again);
    assert_eq!(r2.column("mca_status"), ["accepted"]);
    assert_eq!(r2.column("customer_link"), [""], "nothing left to send");
    assert_eq!(
        sb.state()
            .stats()
            .calls_to("POST /v1/customers/{id}/agreements"),
        0
    );
}

#[tokio::test]
async fn app_user_credentials_alone_create_the_customer_and_say_the_attestation_needs_app_only_ones()
 {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("U-1", "useronly", "", BILLING),
            row("U-2", "usernomca", "", ",,,,"),
        ],
    );
    let results = dir.path().join("results.csv");
    let out = command_against(&sb, &quick(&input, &results, &[]))
        .env_remove("PC_CLIENT_SECRET")
        .env_remove("PC_TENANT_ID")
        .env("PC_REFRESH_TOKEN", "test-refresh-token")
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "the attestation failed: {}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["created", "created"]);
    let mca = &r.column("mca_status")[0];
    assert!(
        mca.starts_with("failed: the enhanced MCA attestation takes app-only credentials")
            && mca.contains("PC_CLIENT_SECRET"),
        "{mca}"
    );
    assert_eq!(
        sb.state().stats().calls_to(CREATE_ATTESTATION),
        0,
        "nothing sent unusable"
    );

    // With app-only credentials too, the re-run makes the link.
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &quick(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).column("mca_status"), ["pending", ""]);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 2);
}
