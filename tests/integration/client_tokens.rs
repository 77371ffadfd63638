//! The client's access token against the mock (`client_mock`): fetched once
//! and shared, refreshed when expired or after a `401` (once, same request
//! id), a refresh token's rotation, and token answers that are refused,
//! unusable or transient.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use pc_onboard::partner_center::auth::{AuthError, Credentials};
use pc_onboard::partner_center::client::PartnerCenterClient;
use pc_onboard::partner_center::error::ApiError;
use secrecy::SecretString;
use uuid::Uuid;

use crate::client_mock::*;

#[tokio::test]
async fn fetches_the_token_once_and_reuses_it_across_calls() {
    let (base, mock) = serve(
        tokens_numbered("3599"),
        Box::new(|_| json_with_bom(200, &customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    for _ in 0..3 {
        assert!(client.get_customer(ID).await.unwrap().is_some());
    }
    assert_eq!(mock.token_calls().len(), 1);
    for seen in mock.seen() {
        assert_eq!(seen.header("authorization"), Some("Bearer tok-1"));
    }
    let form = mock.token_calls()[0].form.clone();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "app-id");
    assert_eq!(form["client_secret"], SECRET);
    assert_eq!(form["resource"], "https://api.partnercenter.microsoft.com");
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| json(200, customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_customer(ID).await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert!(call.await.unwrap().unwrap().is_some());
    }
    assert_eq!(mock.token_calls().len(), 1);
}

#[tokio::test]
async fn refreshes_the_token_when_it_has_expired() {
    // The first token is already expired when it arrives; the second lasts.
    let (base, mock) = serve(
        by_index(|n| {
            let expires_in = if n == 0 { "0" } else { "3600" };
            json(
                200,
                format!(
                    r#"{{"token_type":"Bearer","expires_in":"{expires_in}","access_token":"tok-{}"}}"#,
                    n + 1
                ),
            )
        }),
        Box::new(|_| json(200, customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    for _ in 0..3 {
        client.get_customer(ID).await.unwrap();
    }
    assert_eq!(mock.token_calls().len(), 2);
    let auth: Vec<_> = mock
        .seen()
        .iter()
        .map(|s| s.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_retries_once_with_the_same_request_id() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            if seen.index == 0 {
                json(
                    401,
                    r#"{"code":"900420","description":"The token is expired","data":[],"source":"PartnerFD"}"#,
                )
            } else {
                json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com"))
            }
        }),
    )
    .await;
    let gate_calls = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let gate_calls = gate_calls.clone();
        let latencies = latencies.clone();
        client(&base)
            .with_before_send(Arc::new(move || {
                gate_calls.fetch_add(1, Ordering::SeqCst);
                async { Ok(()) }.boxed()
            }))
            .with_latency_observer(Arc::new(move |d| latencies.lock().unwrap().push(d)))
    };
    let request_id = Uuid::new_v4();
    let customer = client
        .create_customer(r#"{"companyProfile":{}}"#, request_id)
        .await
        .unwrap();
    assert_eq!(customer.id, ID);

    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    let rid = request_id.to_string();
    assert_eq!(seen[0].header("ms-requestid"), Some(rid.as_str()));
    assert_eq!(seen[1].header("ms-requestid"), Some(rid.as_str()));
    assert_eq!(seen[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(seen[1].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(seen[1].body, r#"{"companyProfile":{}}"#);
    assert_eq!(mock.token_calls().len(), 2);
    assert_eq!(
        gate_calls.load(Ordering::SeqCst),
        2,
        "the gate guards the retry too"
    );
    assert_eq!(latencies.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_second_401_is_a_fatal_authentication_error() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|_| {
            json(
                401,
                r#"{"code":"900420","description":"The audience 'https://graph.windows.net' in the token is invalid"}"#,
            )
        }),
    )
    .await;
    let err = client(&base).get_customer(ID).await.unwrap_err();
    assert_eq!(mock.seen().len(), 2);
    assert!(matches!(
        &err,
        ApiError::Auth(AuthError::Unauthorized { code, .. }) if code == "900420"
    ));
    assert!(err.is_fatal());
    assert!(!err.is_transient());
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn a_ready_access_token_is_not_refreshed_after_a_401() {
    let (base, mock) = serve(tokens_numbered("3600"), Box::new(|_| empty(401))).await;
    let client = client_with_ready_token(&base);
    let err = client
        .domain_exists("contoso.onmicrosoft.com")
        .await
        .unwrap_err();
    assert_eq!(mock.seen().len(), 1);
    assert_eq!(mock.token_calls().len(), 0);
    assert_eq!(
        mock.seen()[0].header("authorization"),
        Some("Bearer ready-token-value")
    );
    assert!(
        err.to_string()
            .contains("PC_ACCESS_TOKEN cannot be refreshed")
    );
    assert!(!err.to_string().contains("ready-token-value"));
}

#[tokio::test]
async fn a_rejected_client_secret_is_reported_without_the_secret() {
    let (base, mock) = serve(
        by_index(|_| {
            json(
                401,
                format!(
                    r#"{{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided ({SECRET}).\r\nTrace ID: 1f2e"}}"#
                ),
            )
        }),
        Box::new(|_| empty(200)),
    )
    .await;
    let client = client(&base);
    let err = client.authenticate().await.unwrap_err();
    assert!(err.is_fatal());
    let text = err.to_string();
    assert!(text.contains("invalid_client"), "{text}");
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!format!("{err:?}").contains(SECRET));
    assert!(!format!("{client:?}").contains(SECRET));
    let err = client.get_customer(ID).await.unwrap_err();
    assert!(matches!(
        err,
        ApiError::Auth(AuthError::Rejected { status: 401, .. })
    ));
    assert!(mock.seen().is_empty(), "no API call without a token");
}

#[tokio::test]
async fn a_refresh_token_buys_an_app_user_token() {
    let (base, mock) = serve(
        by_index(|_| {
            json(
                200,
                r#"{"token_type":"Bearer","scope":"user_impersonation","expires_in":"3600","access_token":"user-token","refresh_token":"rotated","id_token":"x"}"#,
            )
        }),
        // 401 to the first call forces a second token fetch.
        Box::new(|seen| if seen.index == 0 { empty(401) } else { empty(200) }),
    )
    .await;
    let client = PartnerCenterClient::new(config(
        &base,
        Credentials::RefreshToken {
            tenant_id: "common".into(),
            client_id: "app-id".into(),
            refresh_token: SecretString::from("refresh-value"),
            client_secret: None,
        },
    ))
    .unwrap();
    assert!(
        client
            .domain_exists("contoso.onmicrosoft.com")
            .await
            .unwrap()
    );
    let form = mock.token_calls()[0].form.clone();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-value");
    assert_eq!(form["client_id"], "app-id");
    assert!(!form.contains_key("client_secret"));
    assert_eq!(
        mock.seen()[0].header("authorization"),
        Some("Bearer user-token")
    );
    let second = mock.token_calls()[1].form.clone();
    assert_eq!(
        second["refresh_token"], "rotated",
        "a rotated refresh token is used next"
    );
}

#[tokio::test]
async fn a_token_answer_that_is_not_a_token_is_fatal_and_names_the_authority() {
    let shapes: [(&str, &str); 4] = [
        ("html", "<html><body>Sign in to your proxy</body></html>"),
        (
            "no access_token",
            r#"{"token_type":"Bearer","expires_in":"3599"}"#,
        ),
        (
            "empty access_token",
            r#"{"token_type":"Bearer","expires_in":"3599","access_token":""}"#,
        ),
        (
            "expires_in not a number",
            r#"{"token_type":"Bearer","expires_in":"soon","access_token":"tok"}"#,
        ),
    ];
    for (what, body) in shapes {
        let (base, mock) = serve(
            by_index(move |_| json(200, body)),
            Box::new(|_| json(200, customer_json(ID, "contoso.onmicrosoft.com"))),
        )
        .await;
        let client = client(&base);
        let err = client.authenticate().await.unwrap_err();
        assert!(
            matches!(err, ApiError::Auth(AuthError::InvalidResponse { .. })),
            "{what}: {err:?}"
        );
        assert!(err.is_fatal(), "{what}: {err:?}");
        assert!(!err.is_transient(), "{what}: {err:?}");
        let text = err.to_string();
        assert!(text.contains("token authority"), "{what}: {text}");
        assert!(
            !text.contains("Sign in"),
            "{what}: the body is not echoed: {text}"
        );
        assert!(
            client.get_customer(ID).await.is_err(),
            "{what}: no call without a token"
        );
        assert!(mock.seen().is_empty(), "{what}: no API call was made");
    }
}

#[tokio::test]
async fn a_token_endpoint_that_answers_503_once_is_transient_and_the_next_fetch_works() {
    let (base, mock) = serve(
        by_index(|n| {
            if n == 0 {
                json(
                    503,
                    r#"{"error":"temporarily_unavailable","error_description":"AADSTS90033: A transient error has occurred."}"#,
                )
            } else {
                numbered_token("3599", n - 1)
            }
        }),
        Box::new(|_| json(200, customer_json(ID, "contoso.onmicrosoft.com"))),
    )
    .await;
    let client = client(&base);
    let err = client.authenticate().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Auth(AuthError::Unavailable { .. })),
        "{err:?}"
    );
    assert!(err.is_transient() && !err.is_fatal(), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");
    assert!(mock.seen().is_empty());
    assert!(client.get_customer(ID).await.unwrap().is_some());
    assert_eq!(mock.token_calls().len(), 2);
    assert_eq!(mock.seen()[0].header("authorization"), Some("Bearer tok-1"));
}
