//! Sandbox: the state file, the stats endpoint, and serving over TCP.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Sandbox, valid_body};
use pc_onboard::sandbox::{self, SandboxConfig, Stats};
use uuid::Uuid;

fn with_state_file(path: &std::path::Path) -> Sandbox {
    Sandbox::with(SandboxConfig {
        state_file: Some(path.to_owned()),
        ..SandboxConfig::default()
    })
}

#[tokio::test]
async fn state_file_keeps_customers_and_request_ids_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.json");
    let request_id = Uuid::new_v4();

    let first = with_state_file(&path);
    let token = first.token().await;
    let created = first
        .create(&token, request_id, &valid_body("contoso"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert!(path.exists(), "written after the change");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "it holds initial passwords");
    }
    drop(first);

    let second = with_state_file(&path);
    let token = second.token().await;
    let fetched = second.get(&token, &format!("/v1/customers/{id}")).await;
    assert_eq!(fetched.status, StatusCode::OK);
    let replay = second
        .create(&token, request_id, &valid_body("contoso"))
        .await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.json()["id"], id.as_str());
    let conflict = second
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let stats = second.state.stats();
    assert_eq!(
        (stats.customers, stats.customers_created, stats.replays),
        (1, 0, 1)
    );
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.json");
    std::fs::write(&path, "{ not json").unwrap();
    let err = sandbox::SandboxState::new(SandboxConfig {
        state_file: Some(path),
        ..SandboxConfig::default()
    })
    .unwrap_err();
    assert!(format!("{err:#}").contains("tenant.json"));
}

#[tokio::test]
async fn stats_endpoint_reports_calls_per_endpoint_and_outcomes() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    sb.create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    sb.create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    sb.get(&token, "/v1/customers").await;
    let reply = sb
        .call(Request::get("/sandbox/stats").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let stats: Stats = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(stats.calls_to("POST /v1/customers"), 2);
    assert_eq!(stats.calls_to("GET /v1/customers"), 1);
    assert_eq!(stats.calls_to("POST /{tenant}/oauth2/token"), 1);
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.customers_created, 1);
    assert_eq!(stats.domain_conflicts, 1);
    assert_eq!(stats.customers, 1);
    assert_eq!(stats, sb.state.stats(), "the same counters as the test API");
}

#[tokio::test]
async fn spawned_sandbox_serves_reqwest_over_tcp_and_shuts_down() {
    let running = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let base = running.base_url().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::new();
    let token = common::fetch_token(&client, &base, common::APP_FORM).await;
    let request_id = Uuid::new_v4().to_string();
    let reply = client
        .post(format!("{base}/v1/customers"))
        .bearer_auth(&token)
        .header("MS-RequestId", &request_id)
        .header("MS-CorrelationId", Uuid::new_v4().to_string())
        .json(&valid_body("contoso"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 201);
    assert_eq!(
        reply.headers()["ms-requestid"].to_str().unwrap(),
        request_id
    );
    let body = reply.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let stats: Stats = client
        .get(format!("{base}/sandbox/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats.customers_created, 1);
    let password = running.state().issued_passwords().pop().unwrap();
    assert!(String::from_utf8_lossy(&body).contains(&password));
    running.shutdown().await.unwrap();
    assert!(
        client
            .get(format!("{base}/sandbox/stats"))
            .send()
            .await
            .is_err(),
        "nothing listens after shutdown"
    );
}
