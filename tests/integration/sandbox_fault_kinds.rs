//! Sandbox: the fault kinds (docs/sandbox.md, "Faults"): unusable `2xx` bodies,
//! `429`s with any `Retry-After`, redirects to another origin, garbage.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use common::{APP_FORM, Sandbox, valid_body};
use pc_onboard::partner_center::resources::{Customer, TokenResponse, parse_json};
use pc_onboard::sandbox::{
    self, BadBody, DEFAULT_REDIRECT_LOCATION, Endpoint, Fault, RetryAfter, SandboxConfig,
};
use serde_json::Value;
use uuid::Uuid;

#[tokio::test]
async fn an_unusable_create_answer_keeps_its_201_and_the_customer_is_created() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    for (i, bad) in BadBody::ALL.into_iter().enumerate() {
        sb.state.script_faults([Fault::Body(bad)]);
        let request_id = Uuid::new_v4();
        let body = valid_body(&format!("bad{i}"));
        let reply = sb.create(&token, request_id, &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{bad:?}");
        let customer = parse_json::<Customer>(&reply.body);
        assert!(
            customer.is_err() || customer.as_ref().unwrap().id.is_empty(),
            "{bad:?}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(sb.state.customers().len(), i + 1, "{bad:?} created it");
        // The answer is lost, not the customer: a replay hands it out.
        let replay = sb.create(&token, request_id, &body).await;
        assert_eq!(
            replay.json()["id"],
            sb.state.customers()[i].id.as_str(),
            "{bad:?}"
        );
        assert_eq!(
            sb.state
                .stats()
                .faults_on("create", Fault::Body(bad).kind()),
            1
        );
    }
}

#[tokio::test]
async fn bad_bodies_look_like_what_they_say() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let (sb, token) = (&sb, &token);
    let spoiled = |bad| async move {
        sb.state.script_faults([Fault::Body(bad)]);
        let prefix = format!("look{}", &Uuid::new_v4().simple().to_string()[..8]);
        sb.create(token, Uuid::new_v4(), &valid_body(&prefix)).await
    };
    let html = spoiled(BadBody::Html).await;
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&html.body).contains("<html>"));
    assert!(spoiled(BadBody::Empty).await.body.is_empty());
    let not_json = spoiled(BadBody::NotJson).await;
    assert!(parse_json::<Value>(&not_json.body).is_err());
    assert!(spoiled(BadBody::WrongShape).await.json().is_array());
    let no_id = spoiled(BadBody::NoId).await.json();
    assert!(
        no_id.get("id").is_none() && no_id["commerceId"].is_string(),
        "{no_id}"
    );
    let truncated = spoiled(BadBody::Truncated).await;
    assert!(
        truncated.has_bom(),
        "a cut success body still starts with the BOM"
    );
    assert!(parse_json::<Value>(&truncated.body).is_err());
}

#[tokio::test]
async fn garbage_can_answer_reads_and_the_token_endpoint() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    sb.state
        .script_faults_on(Endpoint::Search, [Fault::Body(BadBody::NotJson)]);
    let search = sb.get(&token, "/v1/customers?size=10").await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(parse_json::<Value>(&search.body).is_err());
    sb.state
        .script_faults_on(Endpoint::Rules, [Fault::Body(BadBody::WrongShape)]);
    let rules = sb.get(&token, "/v1/countryvalidationrules/US").await;
    assert!(rules.json().is_array());
    sb.state
        .script_faults_on(Endpoint::Token, [Fault::Body(BadBody::NoId)]);
    let answer = sb.token_reply(APP_FORM).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(parse_json::<TokenResponse>(&answer.body).is_err());
    assert_eq!(answer.json()["token_type"], "Bearer");
}

#[tokio::test]
async fn a_head_answer_has_no_body_to_spoil() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    sb.state
        .script_faults_on(Endpoint::Domains, [Fault::Body(BadBody::Html)]);
    let reply = sb
        .call(
            common::api(
                axum::http::Method::HEAD,
                "/v1/domains/free.onmicrosoft.com",
                &token,
            )
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .body(axum::body::Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(sb.state.stats().faults_at("domains"), 0);
}

#[tokio::test]
async fn throttle_faults_send_retry_after_exactly_as_scripted() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let in_30s = SystemTime::now() + Duration::from_secs(30);
    let cases = [
        (RetryAfter::Seconds(7), Some("7".to_owned())),
        (RetryAfter::Raw("1.5".into()), Some("1.5".to_owned())),
        (RetryAfter::Seconds(999_999), Some("999999".to_owned())),
        (RetryAfter::Raw("-5".into()), Some("-5".to_owned())),
        (RetryAfter::Raw("soon".into()), Some("soon".to_owned())),
        (
            RetryAfter::At(in_30s),
            Some(httpdate::fmt_http_date(in_30s)),
        ),
        (RetryAfter::Absent, None),
    ];
    for (retry_after, expected) in &cases {
        sb.state
            .script_faults([Fault::ThrottleWith(retry_after.clone())]);
        let reply = sb
            .create(&token, Uuid::new_v4(), &valid_body("throttled"))
            .await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(reply.header("retry-after").map(str::to_owned), *expected);
        assert_eq!(reply.json()["statusCode"], 429);
    }
    if let Some(date) = cases[5].1.as_deref() {
        let parsed = httpdate::parse_http_date(date).unwrap();
        assert!(parsed > SystemTime::now(), "the date lies ahead");
    }
    assert!(sb.state.customers().is_empty());
    let stats = sb.state.stats();
    assert_eq!(stats.throttled, cases.len() as u64);
    assert_eq!(stats.faults_on("create", "throttle"), cases.len() as u64);
}

#[tokio::test]
async fn redirects_point_to_another_origin_and_do_nothing() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    sb.state.script_faults([Fault::redirect()]);
    let create = sb
        .create(&token, Uuid::new_v4(), &valid_body("redirected"))
        .await;
    assert_eq!(create.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(create.header("location"), Some(DEFAULT_REDIRECT_LOCATION));
    assert!(sb.state.customers().is_empty());
    sb.state.script_faults_on(
        Endpoint::Token,
        [Fault::Redirect {
            status: 302,
            location: "https://login.example.invalid/other".into(),
        }],
    );
    let before = sb.state.stats().tokens_issued;
    let token_reply = sb.token_reply(APP_FORM).await;
    assert_eq!(token_reply.status, StatusCode::FOUND);
    assert_eq!(
        token_reply.header("location"),
        Some("https://login.example.invalid/other")
    );
    assert_eq!(sb.state.stats().tokens_issued, before);
    assert_eq!(sb.state.stats().faults_of("redirect"), 2);
}

/// What the redirect fault guards against: a client that follows a `307`
/// re-sends the create, body and all, to the other origin (here a second
/// sandbox, so a test can see whether anything arrived there).
#[tokio::test]
async fn a_following_client_would_resend_the_create_to_the_redirect_target() {
    let origin = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let elsewhere = sandbox::spawn(SandboxConfig::default()).await.unwrap();
    let location = format!("{}/v1/customers", elsewhere.base_url());
    origin.state().script_faults([Fault::Redirect {
        status: 307,
        location,
    }]);
    let client = reqwest::Client::new();
    let token = common::fetch_token(&client, origin.base_url(), APP_FORM).await;
    let followed = client
        .post(format!("{}/v1/customers", origin.base_url()))
        .bearer_auth(&token)
        .header("MS-RequestId", Uuid::new_v4().to_string())
        .header("MS-CorrelationId", Uuid::new_v4().to_string())
        .json(&valid_body("followed"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        followed.status(),
        401,
        "the other origin does not know the token"
    );
    assert_eq!(
        elsewhere.state().stats().calls_to("POST /v1/customers"),
        1,
        "the create reached the other origin"
    );
    assert!(origin.state().customers().is_empty());
    origin.shutdown().await.unwrap();
    elsewhere.shutdown().await.unwrap();
}

#[tokio::test]
async fn fail_with_draws_only_the_listed_kinds() {
    let sb = Sandbox::with(SandboxConfig {
        fail_rate: 1.0,
        fail_with: vec![Fault::Body(BadBody::Html)],
        ..SandboxConfig::default()
    });
    let token = sb.token().await;
    for uri in ["/v1/customers?size=5", "/v1/countryvalidationrules/DE"] {
        let reply = sb.get(&token, uri).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
    }
    let stats = sb.state.stats();
    assert_eq!(stats.faults_of("html_body"), 2);
    assert_eq!(stats.faults.len(), 1, "{stats:?}");
}
