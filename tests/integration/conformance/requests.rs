//! Documented requests through the sandbox: accepted, or refused for the
//! documented reason.

use axum::http::StatusCode;
use pc_onboard::partner_center::error::ApiError;
use pc_onboard::partner_center::resources::{
    AddressValidationResponse, Customer, CustomerAgreement, parse_json,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Kind, listed, payload_dir, read};
use crate::sandbox_support::{Reply, Sandbox, set, valid_body};

const RESELLER: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

fn body_json(dir: &std::path::Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(reply: &Reply) -> ApiError {
    let retry_after = reply.header("retry-after");
    ApiError::from_response(reply.status.as_u16(), retry_after, &reply.body)
}

/// `POST /v1/customers` with a documented body: the customer, checked.
fn created(name: &str, reply: &Reply) -> Customer {
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{name}: {:?}",
        reply.body
    );
    let customer: Customer = parse_json(&reply.body).unwrap();
    customer.checked(201).unwrap()
}

async fn create_requests(sb: &Sandbox, name: &str, mut body: Value) {
    let (app, user) = (sb.token().await, sb.user_token().await);
    match name {
        "01a-create-customer.request.json" => {
            // The documented domain has the test environment's suffix.
            let refused = error(&sb.create(&app, Uuid::new_v4(), &body).await);
            assert_eq!(
                (refused.status(), refused.code()),
                (Some(400), Some("27002"))
            );
            assert!(refused.to_string().contains("onmicrosoft.com"), "{refused}");
            // Everything else is accepted: PascalCase, `EN-US`, no phone.
            set(
                &mut body,
                "CompanyProfile/Domain",
                json!("xyz.onmicrosoft.com"),
            );
            let customer = created(name, &sb.create(&app, Uuid::new_v4(), &body).await);
            assert_eq!(customer.company_profile.domain, "xyz.onmicrosoft.com");
            assert_eq!(customer.relationship_to_partner.as_deref(), Some("none"));
        }
        "01c-create-customer-indirect-reseller.request.json" => {
            // For an indirect reseller: App+User only.
            let refused = error(&sb.create(&app, Uuid::new_v4(), &body).await);
            assert_eq!(refused.status(), Some(403), "{refused}");
            assert!(refused.to_string().contains("App+User"), "{refused}");
            let customer = created(name, &sb.create(&user, Uuid::new_v4(), &body).await);
            assert_eq!(
                customer.relationship_to_partner.as_deref(),
                Some("reseller")
            );
            assert_eq!(customer.associated_partner_id.as_deref(), Some(RESELLER));
        }
        other => panic!("{other}: no expectation for this create request"),
    }
}

async fn address_request(sb: &Sandbox, name: &str, body: Value) {
    let token = sb.token().await;
    let reply = sb
        .call(
            crate::sandbox_support::api(
                axum::http::Method::POST,
                "/v1/validations/address",
                &token,
            )
            .header("MS-RequestId", Uuid::new_v4().to_string())
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {:?}", reply.body);
    let answer: AddressValidationResponse = parse_json(&reply.body).unwrap();
    // The sandbox knows no streets: it judges by the address data only.
    assert_eq!(answer.status, "VerifiedShippable", "{name}");
    assert_eq!(
        answer.original_address["addressLine1"], body["AddressLine1"],
        "{name}"
    );
    assert_eq!(answer.original_address["state"], "WA", "{name}");
}

async fn agreement_request(sb: &Sandbox, name: &str, body: Value) {
    let (app, user) = (sb.token().await, sb.user_token().await);
    let customer = created(
        name,
        &sb.create(&user, Uuid::new_v4(), &valid_body("attested"))
            .await,
    );
    // App+User only.
    let refused = error(&sb.attest(&app, &customer.id, &body).await);
    assert_eq!(refused.status(), Some(403), "{refused}");
    let reply = sb.attest(&user, &customer.id, &body).await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{name}: {:?}",
        reply.body
    );
    let agreement: CustomerAgreement = parse_json(&reply.body).unwrap();
    assert_eq!(agreement.primary_contact.email, "someone@example.com");
    assert!(agreement.user_id.is_some(), "{name}: the 201 adds userId");
    // The same contact again: 600061, in the extended shape.
    let again = sb.attest(&user, &customer.id, &body).await;
    assert!(again.json().get("errorName").is_some(), "{:?}", again.body);
    assert!(error(&again).is_agreement_already_attested());
}

async fn token_form(sb: &Sandbox, name: &str, form: &str) {
    let reply = sb.token_reply(form).await;
    match name {
        "09a-token-app-only.request.form.txt" => {
            // Issued, but the Azure AD Graph audience is retired (900420).
            let token = crate::sandbox_support::access_token(&reply);
            let refused = error(&sb.get(&token, "/v1/countryvalidationrules/US").await);
            assert_eq!(
                (refused.status(), refused.code()),
                (Some(401), Some("900420"))
            );
        }
        "09c-token-authcode.request.form.txt" => {
            // pc-onboard never signs a user in: no authorization codes.
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{:?}", reply.body);
            assert_eq!(reply.json()["error"], "unsupported_grant_type");
        }
        // The refresh form has stray spaces around its values: trimmed.
        "09e-token-refresh.request.form.txt" | "09g-token-app-only.request.2025.form.txt" => {
            let token = crate::sandbox_support::access_token(&reply);
            let rules = sb.get(&token, "/v1/countryvalidationrules/US").await;
            assert_eq!(rules.status, StatusCode::OK, "{name}: {:?}", rules.body);
        }
        other => panic!("{other}: no expectation for this token form"),
    }
}

#[tokio::test]
async fn every_documented_request_is_accepted_by_the_sandbox_or_refused_for_the_documented_reason()
{
    let dir = payload_dir();
    let requests = listed(|k| {
        matches!(
            k,
            Kind::CreateRequest | Kind::AddressRequest | Kind::AgreementRequest | Kind::TokenForm
        )
    });
    for (name, kind) in &requests {
        let sb = Sandbox::new();
        match kind {
            Kind::CreateRequest => create_requests(&sb, name, body_json(&dir, name)).await,
            Kind::AddressRequest => address_request(&sb, name, body_json(&dir, name)).await,
            Kind::AgreementRequest => agreement_request(&sb, name, body_json(&dir, name)).await,
            Kind::TokenForm => {
                let form = String::from_utf8(read(&dir, name)).unwrap();
                token_form(&sb, name, form.trim_end()).await;
            }
            _ => unreachable!(),
        }
    }
    println!(
        "conformance: {} documented requests sent to the sandbox",
        requests.len()
    );
}
