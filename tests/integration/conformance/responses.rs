//! Documented responses through the client's models, and through the client
//! itself where only it reads the answer (empty bodies, the legacy address
//! error, `Retry-After`, token answers).

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
use pc_onboard::partner_center::dotnet_regex::DotnetRegex;
use pc_onboard::partner_center::error::ApiError;
use pc_onboard::partner_center::models::CustomerRequest;
use pc_onboard::partner_center::resources::{
    AddressValidationResponse, AgreementMetadata, ApiErrorBody, Collection, CountryValidationRules,
    Customer, CustomerAgreement, ThrottleBody, TokenResponse, parse_json,
};
use pc_onboard::sandbox::request_fields;
use pc_onboard::validate::Field;
use pc_onboard::validate::LiveRules;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{Kind, PAYLOADS, payload_dir, read};

/// Parse `body` as `T`, as sent and with the BOM the live service puts in
/// front of success bodies.
fn parse_both<T: DeserializeOwned>(name: &str, body: &[u8]) -> T {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(body);
    parse_json::<T>(&with_bom).unwrap_or_else(|e| panic!("{name} with a BOM: {e}"));
    parse_json(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn is_guid(text: &str) -> bool {
    Uuid::parse_str(text).is_ok_and(|u| u.to_string() == text)
}

/// Check one response; false when `kind` is not a response.
fn check_response(name: &str, kind: Kind, body: &[u8]) -> bool {
    check_customers(name, kind, body)
        || check_documents(name, kind, body)
        || check_errors(name, kind, body)
}

/// Customers and collections.
fn check_customers(name: &str, kind: Kind, body: &[u8]) -> bool {
    match kind {
        Kind::Customer(status) => {
            let customer: Customer = parse_both(name, body);
            let customer = customer
                .checked(status)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(is_guid(&customer.id), "{name}");
            assert!(!customer.company_profile.domain.is_empty(), "{name}");
            if let Some(credentials) = &customer.user_credentials {
                let password = credentials.password.expose_secret();
                assert!(!format!("{customer:?}").contains(password), "{name}");
            }
        }
        Kind::Customers(count) => {
            let page: Collection<Customer> = parse_both(name, body);
            assert_eq!(page.items.len(), count, "{name}");
            for customer in page.items {
                let customer = customer
                    .checked(200)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                // Placeholders such as `<guid>` are dropped, GUIDs kept.
                let tenant = &customer.company_profile.tenant_id;
                assert!(tenant.is_empty() || is_guid(tenant), "{name}: {tenant}");
            }
        }
        Kind::LineItems { next } => {
            let page: Collection<Value> = parse_both(name, body);
            let links = page.links.unwrap_or_else(|| panic!("{name}: links"));
            assert!(links.self_link.is_some(), "{name}");
            let token = links.next.as_ref().and_then(|n| n.continuation_token());
            assert_eq!(token.is_some(), next, "{name}");
        }
        Kind::OtherCollection => {
            let page: Collection<Value> = parse_both(name, body);
            assert_eq!(page.items.len() as u64, page.total_count, "{name}");
            assert!(
                page.links.is_none(),
                "{name}: collections may come without links"
            );
        }
        _ => return false,
    }
    true
}

/// Country rules, address answers, agreements.
fn check_documents(name: &str, kind: Kind, body: &[u8]) -> bool {
    match kind {
        Kind::CountryRules => check_country_rules(name, parse_both(name, body)),
        Kind::AddressAnswer => {
            let answer: AddressValidationResponse = parse_both(name, body);
            assert!(!answer.status.is_empty(), "{name}");
            assert!(
                answer.original_address["addressLine1"].is_string(),
                "{name}"
            );
            assert!(
                answer.suggested_addresses[0]["postalCode"].is_string(),
                "{name}"
            );
            assert_eq!(
                answer.validation_message.is_some(),
                answer.status != "VerifiedShippable"
            );
        }
        Kind::AgreementTemplates => {
            let page: Collection<AgreementMetadata> = parse_both(name, body);
            assert!(is_guid(&page.items[0].template_id), "{name}");
            assert!(
                page.items[0].agreement_type.starts_with("Microsoft"),
                "{name}"
            );
        }
        Kind::CustomerAgreement => {
            let agreement: CustomerAgreement = parse_both(name, body);
            assert!(agreement.user_id.as_deref().is_some_and(is_guid), "{name}");
            assert!(!agreement.primary_contact.email.is_empty(), "{name}");
            assert_eq!(
                agreement.agreement_type, "MicrosoftCustomerAgreement",
                "{name}"
            );
        }
        Kind::CustomerAgreements => {
            let page: Collection<CustomerAgreement> = parse_both(name, body);
            assert_eq!(page.items.len(), 2, "{name}");
            // Returned without an offset; kept as sent.
            assert_eq!(page.items[0].date_agreed, "2019-08-26T00:00:00", "{name}");
        }
        _ => return false,
    }
    true
}

/// Errors, the 429 body, tokens.
fn check_errors(name: &str, kind: Kind, body: &[u8]) -> bool {
    match kind {
        Kind::LegacyAddressError => {
            let error = ApiError::from_response(400, None, body);
            assert_eq!(
                (error.status(), error.code()),
                (Some(400), Some("2007")),
                "{name}"
            );
            // The description is itself the legacy JSON document.
            let envelope: ApiErrorBody = parse_json(body).unwrap();
            let inner: Value = serde_json::from_str(&envelope.description).unwrap();
            assert_eq!(inner["code"], "60071", "{name}: the inner code is a string");
            assert_eq!(inner["corrected_address"]["city"], "BELLEVUE", "{name}");
        }
        Kind::Error(status, code) => {
            let envelope: ApiErrorBody = parse_json(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                envelope.code, code,
                "{name}: a number on the wire, read as text"
            );
            let error = ApiError::from_response(status, None, body);
            assert_eq!(
                (error.status(), error.code()),
                (Some(status), Some(code)),
                "{name}"
            );
            let text = error.to_string();
            assert!(
                !text.contains('\n') && !text.contains("&#39;"),
                "{name}: {text}"
            );
            assert_eq!(
                error.is_agreement_already_attested(),
                code == "600061",
                "{name}"
            );
        }
        Kind::Throttled => {
            let throttle: ThrottleBody = parse_json(body).unwrap();
            assert_eq!(throttle.status_code, 429, "{name}");
            let error = ApiError::from_response(429, None, body);
            assert_eq!(
                error.retry_after(),
                Some(Duration::from_secs(57)),
                "{name}: from the message"
            );
        }
        Kind::Token => {
            let token: TokenResponse = parse_both(name, body);
            assert_eq!(token.token_type, "Bearer", "{name}");
            assert!(token.expires_in >= 3599, "{name}: a string on the wire");
            let secret = token.access_token.expose_secret();
            assert!(!format!("{token:?}").contains(secret), "{name}");
        }
        _ => return false,
    }
    true
}

/// A country's rules as `LiveRules` take them: every regex compiles.
fn check_country_rules(name: &str, rules: CountryValidationRules) {
    assert_eq!(rules.iso2_code.len(), 2, "{name}");
    assert!(!rules.supported_cultures_list.is_empty(), "{name}");
    assert!(!rules.country_calling_codes_list.is_empty(), "{name}");
    for (field, pattern) in rules.regexes() {
        let compiled = DotnetRegex::new(pattern);
        assert!(compiled.is_ok(), "{name} {field}: {pattern}: {compiled:?}");
    }
    if rules.iso2_code == "US" {
        assert_eq!(rules.supported_states_list.len(), 51, "{name}");
    }
    assert_eq!(LiveRules::from_resource(&rules).country(), rules.iso2_code);
}

#[test]
fn every_documented_response_parses_through_the_clients_models() {
    let Some(dir) = payload_dir() else { return };
    let checked = PAYLOADS
        .iter()
        .filter(|(name, kind)| check_response(name, *kind, &read(&dir, name)))
        .count();
    println!("conformance: {checked} documented responses parsed");
}

#[test]
fn the_recorded_us_phone_regex_takes_only_the_national_form() {
    let Some(dir) = payload_dir() else { return };
    let rules = |name: &str| -> CountryValidationRules { parse_json(&read(&dir, name)).unwrap() };
    let phone = |rules: &CountryValidationRules| {
        DotnetRegex::new(rules.phone_number_regex.as_deref().unwrap()).unwrap()
    };
    for recorded in [
        "05c-countryvalidationrules-US.recorded-2019.response-200.json",
        "05d-countryvalidationrules-US.fixture-2018.response-200.json",
    ] {
        let rules = rules(recorded);
        let regex = phone(&rules);
        assert_eq!(regex.is_match("425 555 0100"), Ok(true), "{recorded}");
        assert_eq!(regex.is_match("+1 425 555 0100"), Ok(false), "{recorded}");
        // What validate --online says of the documented indirect request's
        // customer with the phone written internationally.
        let request: CustomerRequest = parse_json(&read(
            &dir,
            "01c-create-customer-indirect-reseller.request.json",
        ))
        .unwrap();
        let fields = request_fields(&request).with(Field::PhoneNumber, "+1 425 555 0101");
        let customer = pc_onboard::validate::check(&fields).unwrap();
        let problems = LiveRules::from_resource(&rules).check(&customer);
        assert_eq!(problems.len(), 1, "{recorded}: {problems:?}");
        assert!(
            problems[0].message.ends_with(
                "the national form \"425 555 0101\" would: write it without the country code"
            ),
            "{}",
            problems[0]
        );
    }
    // The documentation's copy lost the spaces: it refuses the spaced national form.
    let doc = rules("05b-countryvalidationrules-US.doc.response-200.json");
    assert_eq!(phone(&doc).is_match("425 555 0100"), Ok(false));
    assert_eq!(phone(&doc).is_match("425-555-0100"), Ok(true));
}

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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
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
    let Some(dir) = payload_dir() else { return };
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
