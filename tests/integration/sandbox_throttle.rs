//! Sandbox: per-token 60-second quota windows.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use std::time::Duration;

use axum::http::StatusCode;
use common::Sandbox;
use pc_onboard::sandbox::SandboxConfig;

fn sandbox(quota: u32) -> Sandbox {
    Sandbox::with(SandboxConfig {
        quota,
        ..SandboxConfig::default()
    })
}

#[tokio::test(start_paused = true)]
async fn calls_past_the_quota_get_429_with_retry_after_until_a_slot_frees() {
    let sb = sandbox(3);
    let token = sb.token().await;
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
    tokio::time::advance(Duration::from_millis(20_300)).await;
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);

    let refused = sb.get(&token, "/v1/customers").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // The first call leaves the window 60 s after it was made: 39.7 s from now.
    assert_eq!(refused.header("retry-after"), Some("40"));
    let json = refused.json();
    assert_eq!(json["statusCode"], 429);
    assert_eq!(
        json["message"],
        "Rate limit is exceeded. Try again in 40 seconds."
    );

    tokio::time::advance(Duration::from_millis(39_600)).await;
    let still = sb.get(&token, "/v1/customers").await;
    assert_eq!(
        still.header("retry-after"),
        Some("1"),
        "rounded up, at least 1"
    );
    tokio::time::advance(Duration::from_millis(100)).await;
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
    assert_eq!(sb.state.stats().throttled, 2);
}

#[tokio::test(start_paused = true)]
async fn each_token_has_its_own_window() {
    let sb = sandbox(1);
    let (a, b) = (sb.token().await, sb.token().await);
    assert_eq!(sb.get(&a, "/v1/customers").await.status, StatusCode::OK);
    assert_eq!(sb.get(&b, "/v1/customers").await.status, StatusCode::OK);
    assert_eq!(
        sb.get(&a, "/v1/customers").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(start_paused = true)]
async fn token_calls_do_not_count_against_the_quota() {
    let sb = sandbox(1);
    let token = sb.token().await;
    for _ in 0..5 {
        sb.token().await;
    }
    assert_eq!(sb.get(&token, "/v1/customers").await.status, StatusCode::OK);
}
