//! Sandbox: the three paging shapes of `GET /v1/customers` (docs/sandbox.md),
//! followed the way Microsoft's clients do: `links.next.uri` as given
//! (relative to `{endpoint}/v1`) with every `links.next.headers` entry, or
//! the top-level `continuationToken` sent as `MS-ContinuationToken`.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{Reply, Sandbox, api, valid_body};
use pc_onboard::sandbox::{Paging, SandboxConfig};
use serde_json::Value;
use uuid::Uuid;

const FILTER: &str = "%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22page%22%2C%22Operator%22%3A%22starts_with%22%7D";

/// A sandbox serving pages of at most 2, with five `page*` customers and one other.
async fn five_pages_worth(paging: Paging) -> (Sandbox, String) {
    let sb = Sandbox::with(SandboxConfig {
        paging,
        max_page_size: 2,
        ..SandboxConfig::default()
    });
    let token = sb.token().await;
    for prefix in ["page1", "page2", "other", "page3", "page4", "page5"] {
        let reply = sb.create(&token, Uuid::new_v4(), &valid_body(prefix)).await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    (sb, token)
}

async fn get(sb: &Sandbox, token: &str, uri: &str, headers: &[(String, String)]) -> Reply {
    let mut request =
        api(Method::GET, uri, token).header("MS-RequestId", Uuid::new_v4().to_string());
    for (key, value) in headers {
        request = request.header(key, value);
    }
    sb.call(request.body(Body::empty()).unwrap()).await
}

/// The next request a Microsoft client makes: the uri as given under
/// `/v1`, every header entry, and the top-level token as a header.
fn next_request(page: &Value) -> Option<(String, Vec<(String, String)>)> {
    let next = page["links"].get("next")?;
    let uri = format!("/v1{}", next["uri"].as_str().unwrap());
    let mut headers: Vec<(String, String)> = next["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let text = |k: &str| h[k].as_str().unwrap().to_owned();
            (text("key"), text("value"))
        })
        .collect();
    if let Some(token) = page["continuationToken"].as_str() {
        headers.push(("MS-ContinuationToken".to_owned(), token.to_owned()));
    }
    Some((uri, headers))
}

/// Walk every page; the domains seen and the pages.
async fn walk(sb: &Sandbox, token: &str) -> (Vec<String>, Vec<Value>) {
    let mut request = (
        format!("/v1/customers?size=100&filter={FILTER}"),
        Vec::new(),
    );
    let (mut seen, mut pages) = (Vec::new(), Vec::new());
    loop {
        let reply = get(sb, token, &request.0, &request.1).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let page = reply.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(
                item["companyProfile"]["domain"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let next = next_request(&page);
        pages.push(page);
        match next {
            Some(next) => request = next,
            None => return (seen, pages),
        }
    }
}

fn all_five() -> Vec<String> {
    (1..=5)
        .map(|i| format!("page{i}.onmicrosoft.com"))
        .collect()
}

#[tokio::test]
async fn every_paging_shape_walks_all_pages_when_followed_as_given() {
    for paging in [Paging::Headers, Paging::Uri, Paging::Token] {
        let (sb, token) = five_pages_worth(paging).await;
        let (seen, pages) = walk(&sb, &token).await;
        assert_eq!(seen, all_five(), "{paging:?}");
        assert_eq!(pages.len(), 3, "{paging:?}");
        assert_eq!(pages[0]["totalCount"], 2);
        assert_eq!(
            sb.state.stats().calls_to("GET /v1/customers"),
            3,
            "{paging:?}"
        );
    }
}

#[tokio::test]
async fn each_shape_puts_the_continuation_token_in_one_place() {
    let first_page = |paging| async move {
        let (sb, token) = five_pages_worth(paging).await;
        let uri = format!("/v1/customers?size=100&filter={FILTER}");
        get(&sb, &token, &uri, &[]).await.json()
    };
    let headers = first_page(Paging::Headers).await;
    let next = &headers["links"]["next"];
    assert_eq!(next["headers"][0]["key"], "MS-ContinuationToken");
    assert!(!next["uri"].as_str().unwrap().contains("continuationToken"));
    assert!(headers.get("continuationToken").is_none());

    let uri = first_page(Paging::Uri).await;
    let next = &uri["links"]["next"];
    let next_uri = next["uri"].as_str().unwrap();
    assert!(
        next_uri.starts_with("/customers?size=2&filter="),
        "{next_uri}"
    );
    assert!(next_uri.contains("&seekOperation=Next&continuationToken="));
    assert_eq!(next["headers"].as_array().unwrap().len(), 0);
    assert!(uri.get("continuationToken").is_none());

    let top = first_page(Paging::Token).await;
    assert!(
        top["continuationToken"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(top["links"]["next"]["headers"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_next_request_without_its_token_is_refused_in_every_shape() {
    for paging in [Paging::Headers, Paging::Uri, Paging::Token] {
        let (sb, token) = five_pages_worth(paging).await;
        let uri = format!("/v1/customers?size=100&filter={FILTER}");
        let page = get(&sb, &token, &uri, &[]).await.json();
        let (next_uri, _) = next_request(&page).unwrap();
        let bare = next_uri
            .split("&continuationToken=")
            .next()
            .unwrap()
            .to_owned();
        let reply = get(&sb, &token, &bare, &[]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{paging:?}");
        assert_eq!(reply.code(), "2000");
    }
}

#[tokio::test]
async fn max_page_size_caps_the_size_asked_for_and_the_default_allows_500() {
    let (sb, token) = five_pages_worth(Paging::Headers).await;
    let page = get(&sb, &token, "/v1/customers?size=500", &[]).await.json();
    assert_eq!(page["totalCount"], 2);
    let sb = Sandbox::new();
    let token = sb.token().await;
    for i in 0..3 {
        sb.create(&token, Uuid::new_v4(), &valid_body(&format!("big{i}")))
            .await;
    }
    let page = get(&sb, &token, "/v1/customers?size=500", &[]).await.json();
    assert_eq!(page["totalCount"], 3);
    assert!(page["links"].get("next").is_none());
}

#[tokio::test]
async fn a_max_page_size_outside_1_to_500_is_refused_at_start() {
    for bad in [0, 501] {
        let err = pc_onboard::sandbox::SandboxState::new(SandboxConfig {
            max_page_size: bad,
            ..SandboxConfig::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("--max-page-size"), "{err}");
    }
}
