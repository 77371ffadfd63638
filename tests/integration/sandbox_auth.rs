//! Sandbox: tokens, bearer checks and the Partner Center request headers.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Sandbox, USER_FORM, api, valid_body};
use pc_onboard::sandbox::{AcceptedCredentials, SandboxConfig};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn v1_calls_without_a_token_are_refused_with_401() {
    let sb = Sandbox::new();
    let reply = sb
        .call(
            Request::get("/v1/customers")
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .header("MS-CorrelationId", Uuid::new_v4().to_string())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.header("www-authenticate").is_some());
    assert_eq!(reply.code(), "900401");
    let reply = sb.get("not-a-token-we-issued", "/v1/customers").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(sb.state.stats().unauthorized, 2);
}

#[tokio::test]
async fn token_endpoint_answers_like_the_v1_endpoint() {
    let sb = Sandbox::new();
    let reply = sb.token_reply(common::APP_FORM).await;
    assert_eq!(reply.status, StatusCode::OK);
    let json = reply.json();
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(
        json["expires_in"], "3599",
        "a string, like the live endpoint"
    );
    assert!(json["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(sb.state.stats().tokens_issued, 1);
}

#[tokio::test(start_paused = true)]
async fn tokens_expire_after_the_configured_ttl() {
    let sb = Sandbox::with(SandboxConfig {
        token_ttl: Duration::from_secs(60),
        ..SandboxConfig::default()
    });
    let token = sb.token().await;
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
    tokio::time::advance(Duration::from_secs(1)).await;
    let reply = sb.get(&token, "/v1/customers").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.json()["description"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let fresh = sb.token().await;
    assert_eq!(sb.get(&fresh, "/v1/customers").await.status, StatusCode::OK);
}

#[tokio::test]
async fn configured_credentials_refuse_a_wrong_secret_with_invalid_client() {
    let sb = Sandbox::with(SandboxConfig {
        credentials: AcceptedCredentials {
            client_id: Some("app-id".into()),
            client_secret: Some("app-secret".to_owned().into()),
        },
        ..SandboxConfig::default()
    });
    assert_eq!(
        sb.token_reply(common::APP_FORM).await.status,
        StatusCode::OK
    );
    let wrong = sb
        .token_reply("grant_type=client_credentials&client_id=app-id&client_secret=nope")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"], "invalid_client");
    let other_app = sb
        .token_reply("grant_type=client_credentials&client_id=other&client_secret=app-secret")
        .await;
    assert_eq!(other_app.json()["error"], "invalid_client");
    assert_eq!(sb.state.stats().tokens_issued, 1);
}

#[tokio::test]
async fn token_requests_without_grant_or_secret_are_invalid() {
    let sb = Sandbox::new();
    let no_grant = sb.token_reply("client_id=a&client_secret=b").await;
    assert_eq!(no_grant.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_grant.json()["error"], "invalid_request");
    let no_secret = sb
        .token_reply("grant_type=client_credentials&client_id=a")
        .await;
    assert_eq!(no_secret.json()["error"], "invalid_client");
    let odd_grant = sb.token_reply("grant_type=password&client_id=a").await;
    assert_eq!(odd_grant.json()["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn refresh_token_grant_gives_an_app_user_token() {
    let sb = Sandbox::new();
    let reply = sb.token_reply(USER_FORM).await;
    assert_eq!(reply.json()["scope"], "user_impersonation");
    let user = common::access_token(&reply);
    let mut body = valid_body("resellercust");
    body["associatedPartnerId"] = json!("484e548c-f5f3-4528-93a9-c16c6373cb59");
    let created = sb.create(&user, Uuid::new_v4(), &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(
        created.json()["associatedPartnerId"],
        "484e548c-f5f3-4528-93a9-c16c6373cb59"
    );
}

#[tokio::test]
async fn indirect_reseller_creation_with_an_app_only_token_is_forbidden_600006() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let mut body = valid_body("resellercust");
    body["associatedPartnerId"] = json!("484e548c-f5f3-4528-93a9-c16c6373cb59");
    let reply = sb.create(&token, Uuid::new_v4(), &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "600006");
    assert!(sb.state.customers().is_empty());
}

#[tokio::test]
async fn missing_or_malformed_request_ids_are_refused_with_400() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let no_request_id = sb
        .call(
            api(Method::GET, "/v1/customers", &token)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(no_request_id.status, StatusCode::BAD_REQUEST);
    assert!(
        no_request_id.json()["description"]
            .as_str()
            .unwrap()
            .contains("MS-RequestId")
    );
    let bad_correlation = sb
        .call(
            Request::get("/v1/customers")
                .header("Authorization", format!("Bearer {token}"))
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .header("MS-CorrelationId", "run-42")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bad_correlation.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_correlation.code(), "2000");
    assert!(
        bad_correlation.json()["description"]
            .as_str()
            .unwrap()
            .contains("MS-CorrelationId")
    );
}

#[tokio::test]
async fn request_and_correlation_ids_are_echoed() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let (request_id, correlation_id) = (Uuid::new_v4(), Uuid::new_v4());
    let reply = sb
        .call(
            Request::get("/v1/customers")
                .header("Authorization", format!("Bearer {token}"))
                .header("MS-RequestId", request_id.to_string())
                .header("MS-CorrelationId", correlation_id.to_string())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("ms-requestid"),
        Some(request_id.to_string().as_str())
    );
    assert_eq!(
        reply.header("MS-CorrelationId"),
        Some(correlation_id.to_string().as_str())
    );
}

#[tokio::test]
async fn tokens_for_the_retired_graph_audience_are_refused_with_900420() {
    let sb = Sandbox::new();
    let reply = sb
        .token_reply("grant_type=client_credentials&client_id=a&client_secret=b&resource=https%3A%2F%2Fgraph.windows.net")
        .await;
    let token = common::access_token(&reply);
    let refused = sb.get(&token, "/v1/customers").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.code(), "900420");
}
