//! Sandbox: answers shaped like Microsoft's documents and recordings
//! (docs/sandbox.md): country rules, `relationshipToPartner`, the BOM, App+User-only
//! calls, and a registration number outside the list.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::http::StatusCode;
use common::{Sandbox, set, valid_body};
use pc_onboard::sandbox::SandboxConfig;
use serde_json::{Value, json};
use uuid::Uuid;

const RESELLER: &str = "484e548c-f5f3-4528-93a9-c16c6373cb59";

#[tokio::test]
async fn us_rules_answer_the_recorded_live_shape() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let reply = sb.get(&token, "/v1/countryvalidationrules/us").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.has_bom());
    let us = reply.json();
    assert_eq!(us["iso2Code"], "US");
    assert_eq!(us["defaultCulture"], "en-US");
    assert_eq!(us["supportedLanguagesList"], json!(["en", "es"]));
    assert_eq!(us["supportedCulturesList"], json!(["en-US", "es-US"]));
    assert_eq!(us["countryCallingCodesList"], json!(["1"]));
    assert_eq!(us["postalCodeRegex"], r"^\d{5}(-\d{4})?$");
    assert_eq!(
        us["phoneNumberRegex"],
        r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$"
    );
    assert_eq!(us["isTaxIdSupported"], true);
    assert_eq!(us["isTaxIdOptional"], true);
    assert_eq!(us["attributes"]["objectType"], "CountryValidationRules");
    let states = us["supportedStatesList"].as_array().unwrap();
    assert_eq!(
        (states.len(), &states[0], &states[50]),
        (51, &json!("AK"), &json!("WY"))
    );
    for field in [
        "customerOrganizationRegistrationNumberRequired",
        "customerOrganizationRegistrationNumberRegex",
        "customerOrganizationRegistrationNumberSample",
        "customerOrganizationPhoneNumberRequired",
    ] {
        assert!(us.get(field).is_some(), "{field} missing: {us}");
    }
    assert_eq!(us["customerOrganizationRegistrationNumberRequired"], false);
}

#[tokio::test]
async fn fixture_countries_answer_microsofts_values_and_others_the_address_data() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let rules = |code: &'static str| {
        let (sb, token) = (&sb, &token);
        async move {
            sb.get(token, &format!("/v1/countryvalidationrules/{code}"))
                .await
                .json()
        }
    };
    let cn = rules("CN").await;
    assert_eq!(cn["supportedLanguagesList"], json!(["zh-CHS", "en"]));
    assert_eq!(cn["supportedStatesList"].as_array().unwrap().len(), 31);
    assert_eq!(cn["countryCallingCodesList"], json!(["86"]));
    let de = rules("DE").await;
    assert_eq!(de["taxIdFormat"], "DE#########");
    assert_eq!(de["isStateRequired"], false);
    let gb = rules("GB").await;
    assert_eq!(gb["supportedCulturesList"], json!(["en-GB", "en-US"]));
    let ru = rules("RU").await;
    assert_eq!(ru["customerOrganizationRegistrationNumberRequired"], true);
    assert_eq!(ru["customerOrganizationPhoneNumberRequired"], true);
    assert!(ru["customerOrganizationRegistrationNumberSample"].is_string());
    assert!(
        ru["supportedStatesList"]
            .as_array()
            .unwrap()
            .contains(&json!("MOW")),
        "ISO codes, not Google's keys"
    );
    let jp = rules("JP").await;
    assert_eq!(jp["supportedCulturesList"], json!([]));
    assert_eq!(jp["attributes"]["objectType"], "CountryValidationRules");
}

#[tokio::test]
async fn a_direct_create_is_relationship_none_and_an_indirect_one_reseller() {
    let sb = Sandbox::new();
    let token = sb.user_token().await;
    let direct = sb
        .create(&token, Uuid::new_v4(), &valid_body("direct"))
        .await
        .json();
    assert_eq!(direct["relationshipToPartner"], "none");
    assert!(direct.get("allowDelegatedAccess").is_none());
    assert!(direct.get("associatedPartnerId").is_none());
    let mut body = valid_body("indirect");
    set(&mut body, "associatedPartnerId", json!(RESELLER));
    let indirect = sb.create(&token, Uuid::new_v4(), &body).await.json();
    assert_eq!(indirect["relationshipToPartner"], "reseller");
    assert_eq!(indirect["allowDelegatedAccess"], true);
    assert_eq!(indirect["associatedPartnerId"], RESELLER);
}

#[tokio::test]
async fn success_bodies_start_with_a_bom_unless_it_is_turned_off() {
    for bom in [true, false] {
        let sb = Sandbox::with(SandboxConfig {
            bom,
            ..SandboxConfig::default()
        });
        let token = sb.token().await;
        let created = sb.create(&token, Uuid::new_v4(), &valid_body("bom")).await;
        let search = sb.get(&token, "/v1/customers").await;
        let rules = sb.get(&token, "/v1/countryvalidationrules/US").await;
        for reply in [&created, &search, &rules] {
            assert!(reply.status.is_success());
            assert_eq!(reply.has_bom(), bom, "{:?}", reply.body);
            assert!(reply.json().is_object());
        }
        let refused = sb.create(&token, Uuid::new_v4(), &valid_body("bom")).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(!refused.has_bom(), "error bodies never have one");
    }
}

#[tokio::test]
async fn a_registration_number_outside_the_list_is_ignored_by_default() {
    let sb = Sandbox::new();
    let token = sb.token().await;
    let mut body = valid_body("contoso");
    set(
        &mut body,
        "companyProfile/organizationRegistrationNumber",
        json!("1234567890"),
    );
    let reply = sb.create(&token, Uuid::new_v4(), &body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    // Other problems are still reported, without the ignored one.
    set(&mut body, "billingProfile/email", json!("not-an-email"));
    let refused = sb.create(&token, Uuid::new_v4(), &body).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.code(), "27002");
    assert!(!refused.json()["data"].to_string().contains("registration"));
}

#[tokio::test]
async fn app_only_tokens_are_refused_where_microsoft_documents_app_user_only() {
    let sb = Sandbox::new();
    let app = sb.token().await;
    let user = sb.user_token().await;
    let created = sb.create(&app, Uuid::new_v4(), &valid_body("direct")).await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "direct creates take either"
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let metadata = "/v1/agreements?agreementType=MicrosoftCustomerAgreement";
    let refused = sb.get(&app, metadata).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "600006");
    assert_eq!(sb.get(&user, metadata).await.status, StatusCode::OK);

    let post = sb
        .attest(&app, &id, &common::attestation("ann@example.com"))
        .await;
    assert_eq!(
        (post.status, post.code()),
        (StatusCode::FORBIDDEN, "600006".into())
    );

    // An indirect create is refused before its body is judged.
    let mut indirect: Value = json!({"associatedPartnerId": RESELLER, "companyProfile": {}});
    set(&mut indirect, "billingProfile", json!({}));
    let refused = sb.create(&app, Uuid::new_v4(), &indirect).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "600006");
    assert_eq!(sb.state.customers().len(), 1);
}
