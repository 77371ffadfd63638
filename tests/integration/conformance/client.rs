//! Documented answers through the client itself: each one replayed whole
//! (status, headers, body, with and without the BOM the live service puts
//! in front) to the client call that reads it, and the answers only the
//! client reads (empty bodies, the legacy address error, `Retry-After`,
//! token answers).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use pc_onboard::partner_center::auth::Credentials;
use pc_onboard::partner_center::client::{ClientConfig, PartnerCenterClient};
use pc_onboard::partner_center::cloud::CloudEndpoints;
use secrecy::SecretString;
use serde_json::Value;
use uuid::Uuid;

use std::path::Path;

use serde_json::json;

use super::responses::with_bom;
use super::{Kind, PAYLOADS, payload_dir, read};

/// What the canned server answers: the token answer and the API answer.
#[derive(Clone, Default)]
struct Canned {
    token: Vec<u8>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Shared = Arc<Mutex<Canned>>;

async fn token_answer(State(canned): State<Shared>) -> Response {
    let body = canned.lock().unwrap().token.clone();
    ([("content-type", "application/json; charset=utf-8")], body).into_response()
}

async fn api_answer(State(canned): State<Shared>) -> Response {
    let canned = canned.lock().unwrap().clone();
    let mut response = (StatusCode::from_u16(canned.status).unwrap(), canned.body).into_response();
    for (name, value) in canned.headers {
        let name = axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Serve `canned` on a free loopback port; a client of it.
async fn canned_client(canned: &Shared) -> PartnerCenterClient {
    let router = Router::new()
        .route("/{tenant}/oauth2/token", post(token_answer))
        .fallback(api_answer)
        .with_state(canned.clone());
    let base = crate::fake_server::spawn_router(router).await;
    let credentials = Credentials::ClientCredentials {
        tenant_id: "partner-tenant".into(),
        client_id: "app-id".into(),
        client_secret: SecretString::from("app-secret"),
    };
    let endpoints = CloudEndpoints::global().with_overrides(Some(&base), Some(&base));
    PartnerCenterClient::new(ClientConfig::new(endpoints, credentials)).unwrap()
}

/// A response transcript's status and headers (`Name: value` lines before
/// the body; some transcripts have blank lines between headers).
fn transcript(dir: &std::path::Path, stem: &str) -> (u16, Vec<(String, String)>) {
    let text = String::from_utf8(read(dir, &format!("http/{stem}.http.txt"))).unwrap();
    let mut lines = text.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .take_while(|l| !l.trim_start().starts_with(['{', '[']))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length"))
        .collect();
    (status, headers)
}

#[tokio::test]
async fn answers_only_the_client_reads_go_through_the_client() {
    let dir = payload_dir();
    let load = |canned: &Shared, stem: &str, body: Vec<u8>| {
        let (status, headers) = transcript(&dir, stem);
        let mut c = canned.lock().unwrap();
        (c.status, c.headers, c.body) = (status, headers, body);
    };
    // Each documented token answer is taken by the token source.
    for token in [
        "09b-token-app-only.response-200.json",
        "09d-token-authcode.response-200.json",
        "09f-token-refresh.response-200.json",
    ] {
        let canned = Shared::default();
        canned.lock().unwrap().token = read(&dir, token);
        let client = canned_client(&canned).await;
        load(
            &canned,
            "04b-domain-availability.taken.response-200",
            Vec::new(),
        );
        assert_eq!(client.domain_exists("contoso").await, Ok(true), "{token}");
        load(
            &canned,
            "04c-domain-availability.available.response-404",
            Vec::new(),
        );
        assert_eq!(client.domain_exists("contoso").await, Ok(false), "{token}");
    }
    let canned = Shared::default();
    canned.lock().unwrap().token = read(&dir, "09b-token-app-only.response-200.json");
    let client = canned_client(&canned).await;
    let address: Value =
        serde_json::from_slice(&read(&dir, "06e-validate-address.legacy.request.json")).unwrap();
    load(
        &canned,
        "06f-validate-address.legacy.response-200-empty",
        Vec::new(),
    );
    let verified = client
        .validate_address(&address, Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(verified.status, "Verified");
    let legacy = read(&dir, "06g-validate-address.legacy.response-400.json");
    load(&canned, "06g-validate-address.legacy.response-400", legacy);
    let corrected = client
        .validate_address(&address, Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(corrected.status, "InteractionRequired");
    assert_eq!(corrected.suggested_addresses[0]["city"], "BELLEVUE");
    assert_eq!(corrected.suggested_addresses[0]["postalCode"], "98007");
    let reason = corrected.validation_message.unwrap_or_default();
    assert!(reason.contains("'City' is corrected"), "{reason}");
    // The 429: Retry-After from the header, the body not the envelope.
    load(
        &canned,
        "08a-error-429-throttled",
        read(&dir, "08a-error-429-throttled.json"),
    );
    let throttled = client
        .get_customer(&Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(throttled.status(), Some(429));
    assert_eq!(throttled.retry_after(), Some(Duration::from_secs(57)));
    assert!(
        throttled.to_string().contains("Rate limit is exceeded"),
        "{throttled}"
    );
}

/// The status an answer of `kind` comes with, for the kinds a client call
/// reads; `None` for the others (the models test parses those).
fn replayed_status(kind: Kind) -> Option<u16> {
    match kind {
        Kind::Customer(status) | Kind::Error(status, _) => Some(status),
        Kind::Customers(_)
        | Kind::CountryRules
        | Kind::AddressAnswer
        | Kind::AgreementTemplates => Some(200),
        Kind::CustomerAgreement => Some(201),
        Kind::Throttled => Some(429),
        Kind::LegacyAddressError => Some(400),
        _ => None,
    }
}

/// The status and headers to replay the body file `name` with: its
/// transcript's when it has one with a start line, else `status` and a JSON
/// content type.
fn answer_head(dir: &Path, name: &str, status: u16) -> (u16, Vec<(String, String)>) {
    let stem = name.trim_end_matches(".json");
    let text = std::fs::read(dir.join(format!("http/{stem}.http.txt"))).unwrap_or_default();
    if text.starts_with(b"HTTP/") {
        return transcript(dir, stem);
    }
    let json = ("Content-Type".to_owned(), "application/json".to_owned());
    (status, vec![json])
}

/// The client call that reads an answer of `kind`, made against the canned
/// answer; what it returns must agree with the published body `doc`.
async fn read_back(client: &PartnerCenterClient, name: &str, kind: Kind, doc: &Value) {
    let id = Uuid::new_v4();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match kind {
        Kind::Customer(201) => {
            let customer = client.create_customer("{}", id).await;
            assert_eq!(customer.map(|c| c.id), Ok(text(&doc["id"])), "{name}");
        }
        Kind::Customer(_) => {
            let customer = client.get_customer(&text(&doc["id"])).await;
            let customer = customer.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(customer.map(|c| c.id), Some(text(&doc["id"])), "{name}");
        }
        Kind::Customers(count) => {
            let found = client.find_customers_by_domain("contoso").await;
            assert_eq!(found.map(|f| f.len()), Ok(count), "{name}");
        }
        Kind::CountryRules => {
            let rules = client.country_validation_rules("US").await;
            assert_eq!(rules.map(|r| r.iso2_code), Ok(text(&doc["iso2Code"])));
        }
        Kind::AddressAnswer => {
            let answer = client.validate_address(&doc["originalAddress"], id).await;
            assert_eq!(answer.map(|a| a.status), Ok(text(&doc["status"])));
        }
        Kind::AgreementTemplates => {
            let first = &doc["items"][0];
            let agreement_type = text(&first["agreementType"]);
            let template = client.agreement_template(&agreement_type).await;
            let template = template.unwrap_or_else(|e| panic!("{name}: {e}"));
            let template_id = template.map(|t| t.template_id);
            assert_eq!(template_id, Some(text(&first["templateId"])), "{name}");
        }
        Kind::CustomerAgreement => {
            let attested = client.create_agreement("c1", &doc.to_string(), id).await;
            assert_eq!(attested, Ok(()), "{name}");
        }
        Kind::Error(status, code) => {
            let error = client.create_customer("{}", id).await.unwrap_err();
            assert_eq!((error.status(), error.code()), (Some(status), Some(code)));
        }
        Kind::Throttled => {
            let error = client.create_customer("{}", id).await.unwrap_err();
            assert!(error.is_throttled(), "{name}: {error}");
            assert_eq!(error.retry_after(), Some(Duration::from_secs(57)), "{name}");
        }
        Kind::LegacyAddressError => {
            let answer = client.validate_address(&json!({"country": "US"}), id).await;
            assert_eq!(
                answer.map(|a| a.status).as_deref(),
                Ok("InteractionRequired")
            );
        }
        _ => unreachable!("{name}: not replayed"),
    }
}

#[tokio::test]
async fn every_documented_answer_replayed_whole_reaches_the_call_that_reads_it() {
    let dir = payload_dir();
    let canned = Shared::default();
    canned.lock().unwrap().token = read(&dir, "09b-token-app-only.response-200.json");
    let client = canned_client(&canned).await;
    let mut replayed = 0;
    for (name, kind) in PAYLOADS {
        let Some(status) = replayed_status(*kind) else {
            continue;
        };
        let published = read(&dir, name);
        let doc: Value = serde_json::from_slice(&published).unwrap();
        let (status, headers) = answer_head(&dir, name, status);
        // As published, and after the BOM the live service sends.
        for body in [published.clone(), with_bom(&published)] {
            {
                let mut answer = canned.lock().unwrap();
                (answer.status, answer.headers, answer.body) = (status, headers.clone(), body);
            }
            read_back(&client, name, *kind, &doc).await;
            replayed += 1;
        }
    }
    assert_eq!(replayed, 2 * 28, "every answer a client call reads, twice");
    println!("conformance: {replayed} documented answers replayed through the client");
}
