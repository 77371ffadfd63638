//! How the client reports failures, against the mock (`client_mock`):
//! unreadable answers, business errors, `429`s, timeouts, refused and
//! dropped connections; which are transient, ambiguous or fatal.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderValue;
use pc_onboard::partner_center::client::{ClientConfig, PartnerCenterClient};
use pc_onboard::partner_center::cloud::CloudEndpoints;
use pc_onboard::partner_center::error::ApiError;
use uuid::Uuid;

use crate::client_mock::*;

#[tokio::test]
async fn an_unreadable_success_body_is_an_ambiguous_decode_error() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| {
            json(
                201,
                r#"{"id": 12, "userCredentials": {"password": "p4ss-w0rd"}"#,
            )
        }),
    )
    .await;
    let err = client(&base)
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Decode { status: 201, .. }));
    assert!(err.is_ambiguous());
    assert!(!err.is_transient());
    assert!(!err.to_string().contains("p4ss-w0rd"));
    assert!(!format!("{err:?}").contains("p4ss-w0rd"));
}

#[tokio::test]
async fn business_errors_keep_code_and_description() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.index {
            0 => json(
                400,
                r#"{"code": 600049, "description": "Organization registration ID information is missing", "data": [], "source": "PartnerFD"}"#,
            ),
            _ => json(
                409,
                r#"{"code": "2001", "description": "The domain contoso.onmicrosoft.com is already in use"}"#,
            ),
        }),
    )
    .await;
    let client = client(&base);
    let err = create_error(&client).await;
    assert_eq!(
        err.to_string(),
        "Partner Center answered 400 (code 600049): Organization registration ID information is missing"
    );
    assert!(!err.is_transient());
    assert!(!err.is_domain_taken());
    let err = create_error(&client).await;
    assert!(err.is_domain_taken());
    assert_eq!(err.code(), Some("2001"));
}

#[tokio::test]
async fn a_429_carries_retry_after_from_the_header_or_the_message() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            let body = "{ \"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 3 seconds.\" } ";
            let mut response = json(429, body);
            if seen.index == 0 {
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from_static("57"));
            }
            response
        }),
    )
    .await;
    let client = client(&base);
    let err = create_error(&client).await;
    assert!(err.is_throttled());
    assert!(err.is_transient());
    assert!(!err.is_ambiguous());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(57)));
    let err = client.get_customer(ID).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(
        err.to_string(),
        "Partner Center answered 429: Rate limit is exceeded. Try again in 3 seconds."
    );
}

#[tokio::test]
async fn a_call_that_outlives_the_timeout_is_an_ambiguous_timeout() {
    let (base, _mock) = serve(tokens_numbered("3600"), Box::new(|_| empty(200))).await;
    // A second server that accepts and never answers.
    let (silent, silent_base) = loopback().await;
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut cfg = ClientConfig::new(
        CloudEndpoints::global().with_overrides(Some(&silent_base), Some(&base)),
        client_credentials(),
    );
    cfg.timeout = Duration::from_millis(200);
    cfg.create_timeout = Duration::from_millis(300);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let observed = latencies.clone();
    let client = PartnerCenterClient::new(cfg)
        .unwrap()
        .with_latency_observer(Arc::new(move |d| observed.lock().unwrap().push(d)));
    let err = create_error(&client).await;
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.is_ambiguous());
    assert_eq!(
        err.to_string(),
        "Partner Center did not answer within 300 ms",
        "creates have their own, longer timeout"
    );
    let err = client.country_validation_rules("US").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Partner Center did not answer within 200 ms"
    );
    assert_eq!(latencies.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_transient_but_not_ambiguous() {
    // Nothing can listen on port 0: refused, with no race for a freed port.
    let client = client_with_ready_token(crate::support::REFUSING);
    let err = create_error(&client).await;
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(!err.is_ambiguous());
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_ambiguous() {
    use tokio::io::AsyncReadExt;
    let (listener, base) = loopback().await;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            drop(socket);
        }
    });
    let client = client_with_ready_token(&base);
    let err = create_error(&client).await;
    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.is_ambiguous());
}

#[tokio::test]
async fn a_customer_id_that_is_not_a_guid_is_an_unusable_answer() {
    let evil = r#"../../etc/passwd\n,=cmd"#;
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(move |_| json(201, customer_json(evil, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let err = create_error(&client).await;
    assert!(
        matches!(err, ApiError::Decode { status: 201, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a GUID"), "{err}");
    assert!(
        !err.to_string().contains("passwd"),
        "the id is not echoed: {err}"
    );
    // A lookup answer with such an id is unusable too: never written anywhere.
    assert!(client.get_customer(ID).await.is_err());
}
