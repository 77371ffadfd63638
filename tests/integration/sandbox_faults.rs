//! Sandbox: injected faults of `POST /v1/customers`.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use std::time::Duration;

use axum::http::StatusCode;
use common::{Sandbox, valid_body};
use pc_onboard::partner_center::resources::parse_json;
use pc_onboard::sandbox::{self, Fault, SandboxConfig};
use tower::ServiceExt;
use uuid::Uuid;

#[tokio::test]
async fn service_unavailable_fault_answers_503_and_creates_nothing() {
    let sb = Sandbox::new();
    sb.state.script_faults([Fault::ServiceUnavailable]);
    let token = sb.token().await;
    let reply = sb
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(sb.state.customers().is_empty());
    assert_eq!(sb.state.stats().faults_of("service_unavailable"), 1);
    // The script is used up: the next call goes through.
    let reply = sb
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn created_but_answered_500_then_a_replay_returns_the_created_customer() {
    let sb = Sandbox::new();
    sb.state.script_faults([Fault::ServerErrorAfterCreate]);
    let token = sb.token().await;
    let request_id = Uuid::new_v4();
    let reply = sb.create(&token, request_id, &valid_body("contoso")).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let created = sb.state.customers();
    assert_eq!(created.len(), 1, "the customer exists despite the 500");

    let replay = sb.create(&token, request_id, &valid_body("contoso")).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.json()["id"], created[0].id.as_str());
    // A retry under a new request id finds the domain taken.
    let fresh = sb
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(fresh.status, StatusCode::CONFLICT);
    let stats = sb.state.stats();
    assert_eq!(stats.customers_created, 1);
    assert_eq!(stats.replays, 1);
    assert_eq!(stats.faults_of("server_error_after_create"), 1);
}

#[tokio::test]
async fn forced_throttle_fault_answers_429_with_its_retry_after() {
    let sb = Sandbox::new();
    sb.state.script_faults([Fault::Throttle {
        retry_after_secs: 7,
    }]);
    let token = sb.token().await;
    let reply = sb
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("retry-after"), Some("7"));
    assert_eq!(
        reply.json()["message"],
        "Rate limit is exceeded. Try again in 7 seconds."
    );
    assert!(sb.state.customers().is_empty());
    assert_eq!(sb.state.stats().throttled, 1);
}

#[tokio::test(start_paused = true)]
async fn delay_fault_outlasts_a_client_timeout_but_the_customer_is_created() {
    let sb = Sandbox::new();
    sb.state
        .script_faults([Fault::Delay(Duration::from_secs(120))]);
    let token = sb.token().await;
    let request = common::api(axum::http::Method::POST, "/v1/customers", &token)
        .header("MS-RequestId", Uuid::new_v4().to_string())
        .body(axum::body::Body::from(valid_body("contoso").to_string()))
        .unwrap();
    let answer =
        tokio::time::timeout(Duration::from_secs(30), sb.app.clone().oneshot(request)).await;
    assert!(answer.is_err(), "the client gave up after 30 s");
    assert_eq!(sb.state.customers().len(), 1);
    assert_eq!(sb.state.stats().faults_of("delay"), 1);
}

#[tokio::test]
async fn drop_fault_without_a_connection_fails_the_answer_body() {
    let sb = Sandbox::new();
    sb.state.script_faults([Fault::Drop]);
    let token = sb.token().await;
    let request = common::api(axum::http::Method::POST, "/v1/customers", &token)
        .header("MS-RequestId", Uuid::new_v4().to_string())
        .body(axum::body::Body::from(valid_body("contoso").to_string()))
        .unwrap();
    let response = sb.app.clone().oneshot(request).await.unwrap();
    assert!(
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .is_err()
    );
    assert_eq!(sb.state.customers().len(), 1);
}

#[tokio::test]
async fn dropped_connection_is_a_client_error_but_the_customer_exists() {
    let running = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    running.state().script_faults([Fault::Drop]);
    let client = reqwest::Client::new();
    let base = running.base_url();
    let token = common::fetch_token(&client, base, common::APP_FORM).await;
    let request_id = Uuid::new_v4().to_string();
    let send = || {
        client
            .post(format!("{base}/v1/customers"))
            .bearer_auth(&token)
            .header("MS-RequestId", &request_id)
            .header("MS-CorrelationId", Uuid::new_v4().to_string())
            .json(&valid_body("contoso"))
            .send()
    };
    let err = send().await.expect_err("the connection is dropped");
    // hyper: "connection closed before message completed" (IncompleteMessage).
    assert!(
        err.is_request() && !err.is_status() && !err.is_timeout(),
        "{err:?}"
    );
    let created = running.state().customers();
    assert_eq!(created.len(), 1, "the customer was created before the drop");

    let replay = send().await.unwrap();
    assert_eq!(replay.status(), 201);
    let body = replay.bytes().await.unwrap();
    let customer: pc_onboard::partner_center::resources::Customer = parse_json(&body).unwrap();
    assert_eq!(customer.id, created[0].id);
    assert_eq!(running.state().stats().faults_of("drop"), 1);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn domain_faults_hit_every_call_for_that_domain_only() {
    let sb = Sandbox::new();
    sb.state
        .fault_domain("Flaky.onmicrosoft.com", Fault::ServiceUnavailable);
    let token = sb.token().await;
    for _ in 0..3 {
        let reply = sb
            .create(&token, Uuid::new_v4(), &valid_body("flaky"))
            .await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    }
    let other = sb
        .create(&token, Uuid::new_v4(), &valid_body("steady"))
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    sb.state.clear_faults();
    let reply = sb
        .create(&token, Uuid::new_v4(), &valid_body("flaky"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn fail_rate_faults_are_reproducible_with_a_seed() {
    async fn statuses(seed: u64) -> Vec<u16> {
        let sb = Sandbox::with(SandboxConfig {
            fail_rate: 0.5,
            seed: Some(seed),
            ..SandboxConfig::default()
        });
        let token = sb.token().await;
        let mut out = Vec::new();
        for i in 0..40 {
            let reply = sb
                .create(&token, Uuid::new_v4(), &valid_body(&format!("cust{i}")))
                .await;
            out.push(if reply.body_failed {
                0
            } else {
                reply.status.as_u16()
            });
        }
        out
    }
    let a = statuses(42).await;
    assert_eq!(a, statuses(42).await);
    assert!(a.contains(&503) && a.contains(&201), "{a:?}");
    assert!(
        a.contains(&500) || a.contains(&0),
        "some faults come after creating: {a:?}"
    );
}
