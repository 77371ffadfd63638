//! Sandbox: the enhanced MCA attestation as it plays it (docs/sandbox.md):
//! app-only creation with the documented fields, one attestation per
//! request id, the acceptance page, expiry, the agreement made with an
//! accepted attestation (and listed), and the legacy calls as a retired
//! endpoint answers them.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support::{Reply, Sandbox, api, valid_body};

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use pc_onboard::sandbox::{LegacyMca, SandboxConfig};
use serde_json::{Value, json};
use uuid::Uuid;

fn signatory() -> Value {
    json!({"country": "US", "language": "en", "companyName": "Contoso Ltd",
           "signatoryFirstName": "Ann", "signatoryLastName": "Lee",
           "signatoryEmail": "ann@contoso.example"})
}

async fn post(sb: &Sandbox, token: &str, uri: &str, request_id: Uuid, body: &Value) -> Reply {
    let request = api(Method::POST, uri, token)
        .header("MS-RequestId", request_id.to_string())
        .header("Host", "sandbox.test:8765")
        .body(Body::from(body.to_string()))
        .unwrap();
    sb.call(request).await
}

async fn page(sb: &Sandbox, method: Method, link: &str) -> Reply {
    let path = link.trim_start_matches("http://sandbox.test:8765");
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    sb.call(request).await
}

/// A sandbox with one customer; its id.
async fn with_customer(config: SandboxConfig) -> (Sandbox, String) {
    let sb = Sandbox::with(config);
    let user = sb.user_token().await;
    let created = sb
        .create(&user, Uuid::new_v4(), &valid_body("attest"))
        .await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    (sb, id)
}

const CREATE: &str = "/v1/attestations/enhanced";

/// The id and the link of an attestation answer.
fn id_and_link(created: &Value) -> (&str, &str) {
    (
        created["id"].as_str().unwrap(),
        created["url"].as_str().unwrap(),
    )
}

#[tokio::test]
async fn an_attestation_is_app_only_needs_the_documented_fields_and_is_one_per_request_id() {
    let sb = Sandbox::new();
    let (app, user) = (sb.token().await, sb.user_token().await);
    let refused = post(&sb, &user, CREATE, Uuid::new_v4(), &signatory()).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "600006".to_owned())
    );
    let mut missing = signatory();
    missing.as_object_mut().unwrap().remove("companyName");
    let missing = post(&sb, &app, CREATE, Uuid::new_v4(), &missing).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.json()["description"]
            .as_str()
            .unwrap()
            .contains("companyName")
    );

    let request_id = Uuid::new_v4();
    let first = post(&sb, &app, CREATE, request_id, &signatory()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let json = first.json();
    assert_eq!(json["status"], "Pending");
    let id = json["id"].as_str().unwrap();
    assert_eq!(
        json["url"],
        format!("http://sandbox.test:8765/sandbox/mca/{id}")
    );
    let replay = post(&sb, &app, CREATE, request_id, &signatory()).await;
    assert_eq!(
        replay.json()["id"],
        id,
        "the same request id: the same attestation"
    );
    let mut other = signatory();
    other["signatoryLastName"] = json!("Chen");
    let reused = post(&sb, &app, CREATE, request_id, &other).await;
    assert_eq!(
        (reused.status, reused.code()),
        (StatusCode::BAD_REQUEST, "900402".to_owned())
    );
    assert_eq!(sb.state.stats().attestations_created, 1);
}

#[tokio::test]
async fn the_page_shows_and_accepts_and_the_agreement_follows_the_acceptance() {
    let (sb, customer) = with_customer(SandboxConfig::default()).await;
    let app = sb.token().await;
    let created = post(&sb, &app, CREATE, Uuid::new_v4(), &signatory())
        .await
        .json();
    let (id, link) = id_and_link(&created);
    let agreements = format!("/v1/customers/{customer}/agreements");
    let with_id = json!({"attestationId": id, "type": "MicrosoftCustomerAgreement"});
    let early = post(&sb, &app, &agreements, Uuid::new_v4(), &with_id).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "not accepted yet");

    let shown = page(&sb, Method::GET, link).await;
    let html = String::from_utf8_lossy(&shown.body).into_owned();
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        html.contains("Contoso Ltd") && html.contains("Ann Lee") && html.contains("Accept"),
        "{html}"
    );
    assert_eq!(page(&sb, Method::POST, link).await.status, StatusCode::OK);
    let state = sb.get(&app, &format!("{CREATE}/{id}")).await.json();
    assert_eq!(state["status"], "Ready");

    let user = sb.user_token().await;
    let as_user = post(&sb, &user, &agreements, Uuid::new_v4(), &with_id).await;
    assert_eq!(
        as_user.status,
        StatusCode::FORBIDDEN,
        "the enhanced agreement is app-only"
    );
    let made = post(&sb, &app, &agreements, Uuid::new_v4(), &with_id).await;
    assert_eq!(made.status, StatusCode::CREATED);
    let again = post(&sb, &app, &agreements, Uuid::new_v4(), &with_id).await;
    assert_eq!(again.code(), "600061");
    let listed = sb
        .get(
            &user,
            &format!("{agreements}?agreementType=MicrosoftCustomerAgreement"),
        )
        .await
        .json();
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["items"][0]["attestationId"], id);
    assert_eq!(sb.state.stats().acceptances, 1);
}

#[tokio::test]
async fn an_expired_link_cannot_be_accepted_nor_used() {
    let config = SandboxConfig {
        attestation_ttl: Duration::ZERO,
        ..SandboxConfig::default()
    };
    let (sb, customer) = with_customer(config).await;
    let app = sb.token().await;
    let created = post(&sb, &app, CREATE, Uuid::new_v4(), &signatory())
        .await
        .json();
    let (id, link) = id_and_link(&created);
    assert_eq!(created["status"], "Expired");
    assert_eq!(page(&sb, Method::GET, link).await.status, StatusCode::GONE);
    assert_eq!(page(&sb, Method::POST, link).await.status, StatusCode::GONE);
    assert!(!sb.state.accept_attestation(id));
    let with_id = json!({"attestationId": id});
    let used = post(
        &sb,
        &app,
        &format!("/v1/customers/{customer}/agreements"),
        Uuid::new_v4(),
        &with_id,
    )
    .await;
    assert_eq!(used.status, StatusCode::BAD_REQUEST);
    assert!(
        used.json()["description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn retired_legacy_calls_answer_410_and_13605() {
    let config = SandboxConfig {
        legacy_mca: LegacyMca::Retired,
        ..SandboxConfig::default()
    };
    let (sb, customer) = with_customer(config).await;
    let user = sb.user_token().await;
    let template = sb
        .get(
            &user,
            "/v1/agreements?agreementType=MicrosoftCustomerAgreement",
        )
        .await;
    assert_eq!(template.status, StatusCode::GONE);
    let legacy = crate::sandbox_support::attestation("ann@contoso.example");
    let refused = sb.attest(&user, &customer, &legacy).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "13605".to_owned())
    );
}
