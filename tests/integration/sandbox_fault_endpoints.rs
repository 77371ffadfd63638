//! Sandbox: faults on every endpoint (docs/sandbox.md, "Faults"): scripted per endpoint,
//! random over `fail_on`, and a dead service at `fail_rate: 1.0`.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{Reply, Sandbox, USER_FORM, api, valid_body};
use pc_onboard::sandbox::{self, Endpoint, Fault, SandboxConfig};
use serde_json::json;
use uuid::Uuid;

/// One call to `endpoint` (with an App+User token, so every endpoint
/// answers `2xx` when nothing is injected). `customer` is an existing id.
async fn call(sb: &Sandbox, token: &str, endpoint: Endpoint, customer: &str) -> Reply {
    let (method, uri, body) = match endpoint {
        Endpoint::Create => (
            Method::POST,
            "/v1/customers".to_owned(),
            Some(valid_body(&format!(
                "c{}",
                &Uuid::new_v4().simple().to_string()[..12]
            ))),
        ),
        Endpoint::Search => (Method::GET, "/v1/customers?size=10".to_owned(), None),
        Endpoint::Customer => (Method::GET, format!("/v1/customers/{customer}"), None),
        Endpoint::Domains => (
            Method::HEAD,
            "/v1/domains/base.onmicrosoft.com".to_owned(),
            None,
        ),
        Endpoint::Rules => (
            Method::GET,
            "/v1/countryvalidationrules/US".to_owned(),
            None,
        ),
        Endpoint::Address => (
            Method::POST,
            "/v1/validations/address".to_owned(),
            Some(
                json!({"addressLine1": "1 Main St", "city": "Redmond", "state": "WA",
                        "postalCode": "98052", "country": "US"}),
            ),
        ),
        Endpoint::Agreements => (Method::GET, "/v1/agreements".to_owned(), None),
        Endpoint::Attest => (
            Method::GET,
            format!("/v1/customers/{customer}/agreements"),
            None,
        ),
        Endpoint::Invitation => (
            Method::GET,
            "/v1/customers/relationshiprequests".to_owned(),
            None,
        ),
        Endpoint::Token => return sb.token_reply(USER_FORM).await,
        // App-only, as documented: with the app's token.
        Endpoint::Attestation => {
            let body = json!({"country": "US", "language": "en", "companyName": "Contoso",
                              "signatoryFirstName": "Ann", "signatoryLastName": "Lee"});
            let request = api(Method::POST, "/v1/attestations/enhanced", &sb.token().await)
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .body(Body::from(body.to_string()))
                .unwrap();
            return sb.call(request).await;
        }
    };
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    sb.call(
        api(method, &uri, token)
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .body(body)
            .unwrap(),
    )
    .await
}

/// A sandbox with one customer (`base.onmicrosoft.com`), an App+User token
/// and the customer's id.
async fn with_base(config: SandboxConfig) -> (Sandbox, String, String) {
    let sb = Sandbox::with(config);
    let token = sb.user_token().await;
    let created = sb.create(&token, Uuid::new_v4(), &valid_body("base")).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    (sb, token, id)
}

#[tokio::test]
async fn every_endpoint_can_be_scripted_to_answer_503() {
    let (sb, token, id) = with_base(SandboxConfig::default()).await;
    for endpoint in Endpoint::ALL {
        assert!(
            call(&sb, &token, endpoint, &id).await.status.is_success(),
            "{endpoint:?} works without faults"
        );
        sb.state
            .script_faults_on(endpoint, [Fault::ServiceUnavailable]);
        let reply = call(&sb, &token, endpoint, &id).await;
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{endpoint:?}"
        );
        assert!(
            call(&sb, &token, endpoint, &id).await.status.is_success(),
            "{endpoint:?}: the script is used up"
        );
        let stats = sb.state.stats();
        assert_eq!(
            stats.faults_on(endpoint.name(), "service_unavailable"),
            1,
            "{endpoint:?}: {stats:?}"
        );
    }
    let stats = sb.state.stats();
    assert_eq!(
        stats.faults_of("service_unavailable"),
        Endpoint::ALL.len() as u64
    );
    assert_eq!(
        stats.customers_created, 3,
        "the faulted create made nothing"
    );
}

#[tokio::test]
async fn an_agreement_faulted_after_posting_is_recorded_and_its_answer_lost() {
    let (sb, token, id) = with_base(SandboxConfig::default()).await;
    let agreement = common::attestation("ann@contoso.example");
    let post = || sb.attest(&token, &id, &agreement);
    sb.state
        .script_faults_on(Endpoint::Attest, [Fault::ServerErrorAfterCreate]);
    assert_eq!(post().await.status, StatusCode::INTERNAL_SERVER_ERROR);
    let listed = call(&sb, &token, Endpoint::Attest, &id).await;
    assert_eq!(listed.json()["totalCount"], 1, "recorded despite the 500");
    sb.state.script_faults_on(Endpoint::Attest, [Fault::Drop]);
    let dropped = post().await;
    assert_eq!(
        dropped.status,
        StatusCode::CONFLICT,
        "a refused post is answered: after-faults spoil only successes"
    );
    assert_eq!(sb.state.stats().faults_on("attest", "drop"), 0);
    let stats = sb.state.stats();
    assert_eq!(stats.faults_on("attest", "server_error_after_create"), 1);
}

#[tokio::test]
async fn a_dropped_read_closes_the_connection_without_an_answer() {
    let running = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    running
        .state()
        .script_faults_on(Endpoint::Search, [Fault::Drop]);
    let client = reqwest::Client::new();
    let base = running.base_url();
    let token = common::fetch_token(&client, base, USER_FORM).await;
    let search = || {
        client
            .get(format!("{base}/v1/customers?size=5"))
            .bearer_auth(&token)
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .header("MS-CorrelationId", Uuid::new_v4().to_string())
            .send()
    };
    let err = search().await.expect_err("the connection is dropped");
    assert!(err.is_request() && !err.is_status(), "{err:?}");
    assert_eq!(search().await.unwrap().status(), 200);
    assert_eq!(running.state().stats().faults_on("search", "drop"), 1);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_fail_rate_of_one_is_a_dead_service_on_every_api_endpoint_but_tokens() {
    let sb = Sandbox::with(SandboxConfig::dead_service());
    let token = sb.user_token().await;
    let id = Uuid::new_v4().to_string();
    for endpoint in Endpoint::API {
        for _ in 0..3 {
            let reply = call(&sb, &token, endpoint, &id).await;
            assert_eq!(
                reply.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{endpoint:?}"
            );
        }
        assert_eq!(sb.state.stats().faults_at(endpoint.name()), 3);
    }
    assert!(sb.state.customers().is_empty());
    assert_eq!(sb.state.stats().faults_at("token"), 0);
}

#[tokio::test]
async fn fail_on_restricts_the_dice_to_the_listed_endpoints() {
    let dead = |fail_on| SandboxConfig {
        fail_rate: 1.0,
        fail_on,
        fail_with: vec![Fault::ServiceUnavailable],
        ..SandboxConfig::default()
    };
    let (sb, token, id) = with_base(dead(vec![Endpoint::Rules])).await;
    let rules = call(&sb, &token, Endpoint::Rules, &id).await;
    assert_eq!(rules.status, StatusCode::SERVICE_UNAVAILABLE);
    for endpoint in [Endpoint::Search, Endpoint::Create, Endpoint::Token] {
        let reply = call(&sb, &token, endpoint, &id).await;
        assert!(reply.status.is_success(), "{endpoint:?}");
    }
    let sb = Sandbox::with(dead(vec![Endpoint::Token]));
    let tokens = sb.token_reply(USER_FORM).await;
    assert_eq!(tokens.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sb.state.stats().faults_at("token"), 1);
    assert_eq!(sb.state.stats().tokens_issued, 0);
}

#[tokio::test]
async fn a_fifth_of_the_calls_to_each_endpoint_fail_at_a_fail_rate_of_0_2() {
    let (sb, token, id) = with_base(SandboxConfig {
        fail_rate: 0.2,
        seed: Some(20),
        quota: 0,
        ..SandboxConfig::default()
    })
    .await;
    for endpoint in [
        Endpoint::Search,
        Endpoint::Customer,
        Endpoint::Rules,
        Endpoint::Address,
        Endpoint::Agreements,
    ] {
        let mut failed = 0;
        for _ in 0..200 {
            let reply = call(&sb, &token, endpoint, &id).await;
            if reply.body_failed || !reply.status.is_success() {
                failed += 1;
            }
        }
        assert!((20..=60).contains(&failed), "{endpoint:?}: {failed}/200");
        assert_eq!(sb.state.stats().faults_at(endpoint.name()), failed);
    }
}
