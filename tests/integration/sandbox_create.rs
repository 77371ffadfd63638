//! Sandbox: `POST /v1/customers` — success shape, validation codes,
//! idempotency, domain uniqueness, the integration-sandbox limit.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::{Sandbox, api, pascal_body, remove, set, valid_body};
use pc_onboard::partner_center::resources::{Customer, parse_json};
use pc_onboard::sandbox::SandboxConfig;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use uuid::Uuid;

/// A valid Russian customer: registration number and phone required.
fn russian_body(prefix: &str) -> Value {
    json!({
        "companyProfile": {
            "domain": format!("{prefix}.onmicrosoft.com"),
            "organizationRegistrationNumber": "7707083893"
        },
        "billingProfile": {
            "email": "buh@example.ru", "culture": "ru-RU", "language": "ru",
            "companyName": "OOO Romashka",
            "defaultAddress": {
                "firstName": "Ivan", "lastName": "Petrov", "phoneNumber": "+74951234567",
                "addressLine1": "ul. Tverskaya 1", "city": "Moskva", "state": "MOW",
                "postalCode": "125009", "country": "RU"
            }
        }
    })
}

async fn refused(body: &Value) -> (StatusCode, Value) {
    refused_by(Sandbox::new(), body).await
}

async fn refused_by(sb: Sandbox, body: &Value) -> (StatusCode, Value) {
    let token = sb.token().await;
    let reply = sb.create(&token, Uuid::new_v4(), body).await;
    assert!(!reply.has_bom(), "error bodies have no BOM");
    assert!(sb.state.customers().is_empty(), "nothing is created");
    (reply.status, reply.json())
}

fn code(json: &Value) -> String {
    json["code"].to_string()
}

#[tokio::test]
async fn created_customer_has_tenant_id_commerce_id_and_admin_credentials() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let reply = sb
        .create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert!(
        reply.has_bom(),
        "success bodies start with a BOM like the live service"
    );
    let customer: Customer = parse_json(&reply.body).unwrap();
    assert_eq!(customer.id, customer.company_profile.tenant_id);
    assert!(Uuid::parse_str(&customer.id).is_ok());
    assert!(customer.commerce_id.is_some());
    assert_eq!(customer.company_profile.domain, "contoso.onmicrosoft.com");
    let creds = customer.user_credentials.expect("credentials");
    assert_eq!(creds.user_name, "admin");
    assert!(creds.password.expose_secret().len() >= 8);
    assert_eq!(
        sb.state.issued_passwords(),
        vec![creds.password.expose_secret().to_owned()]
    );
    let json = reply.json();
    assert_eq!(json["attributes"]["objectType"], "Customer");
    assert_eq!(json["billingProfile"]["defaultAddress"]["city"], "Redmond");
    assert_eq!(sb.state.stats().customers_created, 1);
}

#[tokio::test]
async fn pascal_case_bodies_are_accepted() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let reply = sb
        .create(&token, Uuid::new_v4(), &pascal_body("fabrikam"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(reply.json()["billingProfile"]["culture"], "en-US");
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_error_envelope() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let reply = sb
        .call(
            api(Method::POST, "/v1/customers", &token)
                .header("MS-RequestId", Uuid::new_v4().to_string())
                .body(Body::from("{\"companyProfile\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let json = reply.json();
    assert_eq!(json["code"], 2000);
    assert_eq!(json["source"], "PartnerFD");
    assert_eq!(json["data"], json!([]));
}

#[tokio::test]
async fn missing_registration_number_is_600049() {
    let mut body = russian_body("romashka");
    remove(&mut body, "companyProfile/organizationRegistrationNumber");
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "600049", "{json}");
}

#[tokio::test]
async fn malformed_registration_number_is_600050() {
    let mut body = russian_body("romashka");
    set(
        &mut body,
        "companyProfile/organizationRegistrationNumber",
        json!("12-AB"),
    );
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "600050", "{json}");
}

#[tokio::test]
async fn missing_phone_where_registration_is_required_is_600051() {
    let mut body = russian_body("romashka");
    remove(&mut body, "billingProfile/defaultAddress/phoneNumber");
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "600051", "{json}");
}

#[tokio::test]
async fn registration_number_outside_the_list_is_600002_with_strict_registration() {
    let mut body = valid_body("contoso");
    set(
        &mut body,
        "companyProfile/organizationRegistrationNumber",
        json!("1234567890"),
    );
    let strict = Sandbox::with(SandboxConfig {
        strict_registration: true,
        ..SandboxConfig::default()
    });
    let (status, json) = refused_by(strict, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "600002", "{json}");
}

#[tokio::test]
async fn invalid_email_is_27002() {
    let mut body = valid_body("contoso");
    set(&mut body, "billingProfile/email", json!("not-an-address"));
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "27002", "{json}");
    assert!(json["description"].as_str().unwrap().contains("email"));
}

#[tokio::test]
async fn missing_company_name_is_2001_and_data_lists_every_problem() {
    let mut body = valid_body("contoso");
    remove(&mut body, "billingProfile/companyName");
    remove(&mut body, "billingProfile/defaultAddress/city");
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "2001", "{json}");
    assert_eq!(json["data"].as_array().unwrap().len(), 2, "{json}");
}

#[tokio::test]
async fn unsupported_country_is_20000() {
    let mut body = valid_body("contoso");
    set(
        &mut body,
        "billingProfile/defaultAddress/country",
        json!("XX"),
    );
    let (status, json) = refused(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&json), "20000", "{json}");
}

#[tokio::test]
async fn creations_past_the_integration_sandbox_limit_are_800018() {
    let sb = Sandbox::with(SandboxConfig {
        customer_limit: Some(1),
        ..SandboxConfig::default()
    });
    let token = sb.token().await;
    let first = sb
        .create(&token, Uuid::new_v4(), &valid_body("first"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = sb
        .create(&token, Uuid::new_v4(), &valid_body("second"))
        .await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.code(), "800018");
    assert_eq!(sb.state.customers().len(), 1);
}

#[tokio::test]
async fn same_request_id_and_body_replays_the_customer_and_creates_nothing() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let id = Uuid::new_v4();
    let first = sb.create(&token, id, &valid_body("contoso")).await;
    // The same body in the other casing is the same request.
    let mut pascal = pascal_body("contoso");
    set(&mut pascal, "BillingProfile/Culture", json!("en-US"));
    let again = sb.create(&token, id, &pascal).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(
        again.json()["userCredentials"]["password"],
        first.json()["userCredentials"]["password"]
    );
    let stats = sb.state.stats();
    assert_eq!((stats.customers_created, stats.replays), (1, 1));
    assert_eq!(sb.state.customers().len(), 1);
}

#[tokio::test]
async fn same_request_id_with_a_different_body_is_900402() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let id = Uuid::new_v4();
    assert_eq!(
        sb.create(&token, id, &valid_body("contoso")).await.status,
        StatusCode::CREATED
    );
    let reply = sb.create(&token, id, &valid_body("fabrikam")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "900402");
    assert_eq!(sb.state.stats().request_id_mismatches, 1);
    assert_eq!(sb.state.customers().len(), 1);
}

#[tokio::test]
async fn a_taken_domain_is_a_409_naming_the_domain() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    sb.create(&token, Uuid::new_v4(), &valid_body("contoso"))
        .await;
    let mut body = valid_body("contoso");
    set(
        &mut body,
        "companyProfile/domain",
        json!("CONTOSO.onmicrosoft.com"),
    );
    let reply = sb.create(&token, Uuid::new_v4(), &body).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["description"]
            .as_str()
            .unwrap()
            .contains("contoso.onmicrosoft.com")
    );
    assert_eq!(sb.state.stats().domain_conflicts, 1);
}
