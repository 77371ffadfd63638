//! Documented responses through the client's models (`client` sends them
//! through the client itself).

use std::time::Duration;

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
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use super::{Kind, PAYLOADS, payload_dir, read};

/// Parse `body` as `T`, as sent and with the BOM the live service puts in
/// front of success bodies.
fn parse_both<T: DeserializeOwned>(name: &str, body: &[u8]) -> T {
    parse_json::<T>(&with_bom(body)).unwrap_or_else(|e| panic!("{name} with a BOM: {e}"));
    parse_json(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `body` after a UTF-8 BOM.
pub(crate) fn with_bom(body: &[u8]) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body);
    bytes
}

/// An error body as published, after a BOM, and with its numeric `code`
/// written as a string (the service sends both forms).
fn error_shapes(body: &[u8]) -> [(&'static str, Vec<u8>); 3] {
    let mut value: Value = serde_json::from_slice(body).unwrap();
    let number = value["code"]
        .as_u64()
        .expect("the corpus's codes are numbers");
    value["code"] = Value::String(number.to_string());
    [
        ("as published", body.to_vec()),
        ("after a BOM", with_bom(body)),
        ("code as a string", serde_json::to_vec(&value).unwrap()),
    ]
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
            for body in [body.to_vec(), with_bom(body)] {
                let error = ApiError::from_response(400, None, &body);
                assert_eq!(
                    (error.status(), error.code()),
                    (Some(400), Some("2007")),
                    "{name}"
                );
            }
            // The description is itself the legacy JSON document.
            let envelope: ApiErrorBody = parse_json(body).unwrap();
            let inner: Value = serde_json::from_str(&envelope.description).unwrap();
            assert_eq!(inner["code"], "60071", "{name}: the inner code is a string");
            assert_eq!(inner["corrected_address"]["city"], "BELLEVUE", "{name}");
        }
        Kind::Error(status, code) => {
            for (shape, body) in error_shapes(body) {
                check_error(&format!("{name} {shape}"), status, code, &body);
            }
        }
        Kind::Throttled => {
            for body in [body.to_vec(), with_bom(body)] {
                let throttle: ThrottleBody = parse_json(&body).unwrap();
                assert_eq!(throttle.status_code, 429, "{name}");
                let error = ApiError::from_response(429, None, &body);
                assert_eq!(
                    error.retry_after(),
                    Some(Duration::from_secs(57)),
                    "{name}: from the message"
                );
            }
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

/// One error body through the envelope and `ApiError::from_response`.
fn check_error(name: &str, status: u16, code: &str, body: &[u8]) {
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
    let dir = payload_dir();
    let checked = PAYLOADS
        .iter()
        .filter(|(name, kind)| check_response(name, *kind, &read(&dir, name)))
        .count();
    println!("conformance: {checked} documented responses parsed");
}

#[test]
fn the_recorded_us_phone_regex_takes_only_the_national_form() {
    let dir = payload_dir();
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
