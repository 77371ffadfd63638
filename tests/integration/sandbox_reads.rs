//! Sandbox: customer reads, domain availability, country rules, address
//! validation and MCA attestation.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Reply, Sandbox, api, attestation, set, valid_body};
use pc_onboard::partner_center::resources::{
    AddressValidationResponse, Collection, CountryValidationRules, Customer, parse_json,
};
use pc_onboard::sandbox::MCA_TEMPLATE_ID;
use serde_json::{Value, json};
use uuid::Uuid;

async fn with_customers(prefixes: &[&str]) -> (Sandbox, String) {
    let sb = Sandbox::new();
    let token = sb.token().await;
    for p in prefixes {
        let reply = sb.create(&token, Uuid::new_v4(), &valid_body(p)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    }
    (sb, token)
}

fn filter(field: &str, value: &str) -> String {
    let json = json!({"Field": field, "Value": value, "Operator": "starts_with"}).to_string();
    let mut out = String::new();
    for b in json.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn page(reply: &Reply) -> Collection<Customer> {
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert!(reply.has_bom());
    parse_json(&reply.body).unwrap()
}

fn domains(page: &Collection<Customer>) -> Vec<&str> {
    page.items
        .iter()
        .map(|c| c.company_profile.domain.as_str())
        .collect()
}

#[tokio::test]
async fn domain_filter_is_a_case_insensitive_prefix_match() {
    let (sb, token) = with_customers(&["contoso", "contosoeu", "fabrikam"]).await;
    let uri = format!(
        "/v1/customers?size=10&filter={}",
        filter("Domain", "CONTOSO")
    );
    let page = page(&sb.get(&token, &uri).await);
    assert_eq!(
        domains(&page),
        ["contoso.onmicrosoft.com", "contosoeu.onmicrosoft.com"]
    );
    assert!(page.links.unwrap().next.is_none());
    assert!(page.items.iter().all(|c| c.user_credentials.is_none()));
}

#[tokio::test]
async fn company_name_filter_matches_the_start_of_the_name() {
    let (sb, token) = with_customers(&["contoso", "fabrikam"]).await;
    let uri = format!("/v1/customers?filter={}", filter("CompanyName", "fab"));
    assert_eq!(
        domains(&page(&sb.get(&token, &uri).await)),
        ["fabrikam.onmicrosoft.com"]
    );
}

#[tokio::test]
async fn pages_continue_with_the_continuation_token_of_links_next() {
    let (sb, token) = with_customers(&["page1", "page2", "page3", "page4", "page5", "other"]).await;
    let mut uri = format!("/v1/customers?size=2&filter={}", filter("Domain", "page"));
    let mut continuation: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let mut request =
            api(Method::GET, &uri, &token).header("MS-RequestId", Uuid::new_v4().to_string());
        if let Some(value) = &continuation {
            request = request.header("MS-ContinuationToken", value);
        }
        let page = page(&sb.call(request.body(Body::empty()).unwrap()).await);
        pages += 1;
        assert_eq!(page.total_count as usize, page.items.len());
        seen.extend(domains(&page).into_iter().map(str::to_owned));
        match page.links.and_then(|l| l.next) {
            Some(next) => {
                assert!(next.uri.contains("seekOperation=Next"), "{}", next.uri);
                assert_eq!(next.method, "GET");
                continuation = Some(next.continuation_token().unwrap().to_owned());
                uri = format!("/v1{}", next.uri);
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        (1..=5)
            .map(|i| format!("page{i}.onmicrosoft.com"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn next_page_without_its_continuation_token_is_a_400() {
    let (sb, token) = with_customers(&[]).await;
    let reply = sb
        .get(&token, "/v1/customers?size=2&seekOperation=Next")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "2000");
}

#[tokio::test]
async fn unsupported_filters_are_a_400() {
    let (sb, token) = with_customers(&[]).await;
    let reply = sb
        .get(
            &token,
            &format!("/v1/customers?filter={}", filter("Email", "x")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn customer_by_id_has_the_billing_profile_but_no_password() {
    let (sb, token) = with_customers(&["contoso"]).await;
    let id = sb.state.customers()[0].id.clone();
    let reply = sb.get(&token, &format!("/v1/customers/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let json = reply.json();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["companyProfile"]["tenantId"], id.as_str());
    assert_eq!(json["billingProfile"]["email"], "ap@contoso.example");
    assert_eq!(json["links"]["self"]["uri"], format!("/customers/{id}"));
    assert!(json.get("userCredentials").is_none());
}

#[tokio::test]
async fn unknown_customer_id_is_a_404_with_the_error_envelope() {
    let (sb, token) = with_customers(&[]).await;
    let reply = sb
        .get(&token, &format!("/v1/customers/{}", Uuid::new_v4()))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["source"], "PartnerFD");
}

#[tokio::test]
async fn domain_check_answers_200_when_taken_and_404_when_free_without_body() {
    let (sb, token) = with_customers(&["contoso"]).await;
    let head = |domain: &str| {
        api(Method::HEAD, &format!("/v1/domains/{domain}"), &token)
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .body(Body::empty())
            .unwrap()
    };
    let taken = sb.call(head("Contoso.onmicrosoft.com")).await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(taken.body.is_empty());
    let free = sb.call(head("fabrikam.onmicrosoft.com")).await;
    assert_eq!(free.status, StatusCode::NOT_FOUND);
    assert!(free.body.is_empty());
}

#[tokio::test]
async fn country_rules_come_from_the_country_data() {
    let (sb, token) = with_customers(&[]).await;
    let reply = sb.get(&token, "/v1/countryvalidationrules/US").await;
    assert_eq!(reply.status, StatusCode::OK);
    let rules: CountryValidationRules = parse_json(&reply.body).unwrap();
    assert_eq!(rules.iso2_code, "US");
    assert!(rules.is_state_required && rules.is_postal_code_required);
    assert!(rules.supported_states_list.iter().any(|s| s == "WA"));
    assert!(rules.postal_code_regex.is_some());
    assert_eq!(
        rules.customer_organization_registration_number_required,
        Some(false)
    );

    let ru: CountryValidationRules =
        parse_json(&sb.get(&token, "/v1/countryvalidationrules/ru").await.body).unwrap();
    assert_eq!(
        ru.customer_organization_registration_number_required,
        Some(true)
    );
    assert!(ru.customer_organization_registration_number_regex.is_some());

    let unknown = sb.get(&token, "/v1/countryvalidationrules/XX").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "20000");
}

async fn check_address(sb: &Sandbox, token: &str, address: Value) -> AddressValidationResponse {
    let reply = sb
        .call(
            api(Method::POST, "/v1/validations/address", token)
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .body(Body::from(address.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    parse_json(&reply.body).unwrap()
}

#[tokio::test]
async fn address_passing_the_country_rules_is_verified_shippable() {
    let (sb, token) = with_customers(&[]).await;
    let answer = check_address(
        &sb,
        &token,
        json!({"AddressLine1": "1 Microsoft Way", "City": "Redmond", "State": "Washington", "PostalCode": "98052", "Country": "US"}),
    )
    .await;
    assert_eq!(answer.status, "VerifiedShippable");
    assert!(answer.validation_message.is_none());
    assert_eq!(answer.original_address["state"], "Washington");
    assert_eq!(answer.suggested_addresses[0]["state"], "WA");
}

#[tokio::test]
async fn address_with_a_bad_postal_code_is_street_partial_with_a_suggestion() {
    let (sb, token) = with_customers(&[]).await;
    let answer = check_address(
        &sb,
        &token,
        json!({"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "9805", "country": "US"}),
    )
    .await;
    assert_eq!(answer.status, "StreetPartial");
    assert!(answer.validation_message.unwrap().contains("'PostalCode'"));
    assert_eq!(answer.suggested_addresses.len(), 1);
}

#[tokio::test]
async fn address_in_an_unknown_country_is_status_none() {
    let (sb, token) = with_customers(&[]).await;
    let answer = check_address(
        &sb,
        &token,
        json!({"AddressLine1": "1 Main St", "City": "X", "Country": "UK"}),
    )
    .await;
    assert_eq!(answer.status, "None");
    assert!(answer.suggested_addresses.is_empty());
}

#[tokio::test]
async fn agreement_metadata_gives_the_mca_template_id() {
    let (sb, _) = with_customers(&[]).await;
    let token = sb.user_token().await;
    let reply = sb
        .get(
            &token,
            "/v1/agreements?agreementType=MicrosoftCustomerAgreement",
        )
        .await;
    let json = reply.json();
    assert_eq!(json["totalCount"], 1);
    assert_eq!(json["items"][0]["templateId"], MCA_TEMPLATE_ID);
    assert_eq!(
        json["items"][0]["agreementType"],
        "MicrosoftCustomerAgreement"
    );
}

#[tokio::test]
async fn repeating_an_attestation_with_identical_contact_is_409_600061() {
    let (sb, _) = with_customers(&["contoso"]).await;
    let user = sb.user_token().await;
    let id = sb.state.customers()[0].id.clone();
    let first = sb
        .attest(&user, &id, &attestation("tania@contoso.example"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert!(first.json()["userId"].is_string());
    let again = sb
        .attest(&user, &id, &attestation("tania@contoso.example"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let json = again.json();
    assert_eq!(json["code"], 600061);
    assert_eq!(json["errorName"], "PartnerConfirmedAgreementAlreadyExists");
    let other = sb
        .attest(&user, &id, &attestation("other@contoso.example"))
        .await;
    assert_eq!(
        other.status,
        StatusCode::CREATED,
        "different details: another agreement"
    );

    let listed = sb
        .get(&user, &format!("/v1/customers/{id}/agreements"))
        .await;
    assert_eq!(listed.json()["totalCount"], 2);
}

#[tokio::test]
async fn attestation_needs_an_app_user_token() {
    let (sb, token) = with_customers(&["contoso"]).await;
    let id = sb.state.customers()[0].id.clone();
    let reply = sb
        .attest(&token, &id, &attestation("tania@contoso.example"))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "600006");
}

#[tokio::test]
async fn attestation_for_an_unknown_customer_is_404() {
    let (sb, _) = with_customers(&[]).await;
    let user = sb.user_token().await;
    let mut body = attestation("tania@contoso.example");
    set(&mut body, "type", json!("MicrosoftCustomerAgreement"));
    let reply = sb.attest(&user, &Uuid::new_v4().to_string(), &body).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_routes_are_404_with_the_error_envelope() {
    let sb = Sandbox::new();
    let reply = sb
        .call(Request::get("/v1/invoices").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["source"], "PartnerFD");
}
