//! What the client sends and reads, against the mock (`client_mock`): the
//! contract headers, created customers with or without a BOM, GUIDs,
//! paging through continuation tokens, the pre-flight resources and both
//! address-validation contracts.

#![allow(clippy::unwrap_used)]

use axum::http::Method;
use axum::response::Response;
use pc_onboard::partner_center::client::PartnerCenterClient;
use uuid::Uuid;

use crate::client_mock::*;

#[tokio::test]
async fn every_call_carries_the_contract_headers() {
    let (base, mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.method {
            Method::POST => json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com")),
            Method::HEAD => empty(404),
            _ => json(200, customer_json(ID, "contoso.onmicrosoft.com")),
        }),
    )
    .await;
    let mut cfg = config(&base, client_credentials());
    cfg.locale = "nl-NL".into();
    let correlation = cfg.correlation_id;
    let client = PartnerCenterClient::new(cfg).unwrap();
    assert_eq!(client.correlation_id(), correlation);
    let request_id = Uuid::new_v4();
    let body = r#"{"billingProfile":{"companyName":"Contoso"},"companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#;
    client.create_customer(body, request_id).await.unwrap();
    client.get_customer(ID).await.unwrap();
    assert!(
        !client
            .domain_exists("contoso.onmicrosoft.com")
            .await
            .unwrap()
    );

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    let correlation = correlation.to_string();
    let mut request_ids = Vec::new();
    for s in &seen {
        assert_eq!(
            s.header("ms-correlationid"),
            Some(correlation.as_str()),
            "{s:?}"
        );
        assert_eq!(s.header("ms-contract-version"), Some("v1"));
        assert_eq!(s.header("x-locale"), Some("nl-NL"));
        assert_eq!(s.header("accept"), Some("application/json"));
        let rid: Uuid = s.header("ms-requestid").unwrap().parse().unwrap();
        request_ids.push(rid);
    }
    assert_eq!(request_ids[0], request_id);
    assert_eq!(
        request_ids[1].get_version_num(),
        4,
        "reads get a fresh v4 id"
    );
    assert_ne!(request_ids[1], request_ids[2]);

    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/v1/customers");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(
        seen[0].body, body,
        "the exact bytes hashed are the bytes sent"
    );
    assert_eq!(seen[1].path, format!("/v1/customers/{ID}"));
    assert_eq!(seen[2].method, Method::HEAD);
    assert_eq!(seen[2].path, "/v1/domains/contoso.onmicrosoft.com");
}

#[tokio::test]
async fn a_created_customer_is_read_from_201_or_200_with_or_without_a_bom() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match seen.index {
            0 => json_with_bom(201, &customer_json(ID, "contoso.onmicrosoft.com")),
            _ => json(200, customer_json(ID, "contoso.onmicrosoft.com")),
        }),
    )
    .await;
    let client = client(&base);
    for _ in 0..2 {
        let c = client.create_customer("{}", Uuid::new_v4()).await.unwrap();
        assert_eq!(c.id, ID);
        assert_eq!(c.company_profile.domain, "contoso.onmicrosoft.com");
        let creds = c.user_credentials.unwrap();
        assert_eq!(creds.user_name, "admin");
        assert!(!format!("{creds:?}").contains("=;;n.=s9Z"));
    }
}

/// Three pages of one customer each, linked by continuation tokens (the
/// second one has a comma in it).
fn three_pages(seen: &Seen) -> Response {
    let token = seen.header("ms-continuationtoken");
    let (items, next) = match token {
        None => (
            vec![customer_json(GUID_A, "contoso.onmicrosoft.com")],
            Some("AQAAAA=="),
        ),
        Some("AQAAAA==") => (
            vec![customer_json(GUID_B, "contoso2.onmicrosoft.com")],
            Some("second,token"),
        ),
        Some(_) => (
            vec![customer_json(GUID_C, "Contosoltd.onmicrosoft.com")],
            None,
        ),
    };
    let next = next
        .map(|t| {
            format!(
                r#","next":{{"uri":"/customers?size=100&seekOperation=Next","method":"GET","headers":[{{"key":"MS-ContinuationToken","value":"{t}"}}]}}"#
            )
        })
        .unwrap_or_default();
    json_with_bom(
        200,
        &format!(
            r#"{{"totalCount":{},"items":[{}],"links":{{"self":{{"uri":"/customers?size=100","method":"GET","headers":[]}}{next}}},"attributes":{{"objectType":"Collection"}}}}"#,
            items.len(),
            items.join(",")
        ),
    )
}

#[tokio::test]
async fn paging_follows_the_continuation_token_until_the_last_page() {
    let (base, mock) = serve(tokens_numbered("3600"), Box::new(three_pages)).await;
    let client = client(&base);
    let found = client.find_customers_by_domain("contoso").await.unwrap();
    let ids: Vec<_> = found.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [GUID_A, GUID_B, GUID_C]);

    let seen = mock.seen();
    assert_eq!(seen.len(), 3);
    // The first page is the search; the next ones are the next link's URI
    // exactly as given, under /v1 (as Microsoft's SDK requests it).
    let filter: serde_json::Value = serde_json::from_str(&seen[0].query["filter"]).unwrap();
    assert_eq!(
        filter,
        serde_json::json!({"Field": "Domain", "Value": "contoso", "Operator": "starts_with"})
    );
    for s in &seen {
        assert_eq!(s.method, Method::GET);
        assert_eq!(s.path, "/v1/customers");
        assert!(s.query.contains_key("size"));
    }
    assert!(
        !seen[1].query.contains_key("filter"),
        "the link is not rebuilt"
    );
    assert_eq!(seen[0].query.get("seekOperation"), None);
    assert_eq!(
        seen[1].query.get("seekOperation").map(String::as_str),
        Some("Next")
    );
    assert_eq!(seen[1].header("ms-continuationtoken"), Some("AQAAAA=="));
    assert_eq!(seen[2].header("ms-continuationtoken"), Some("second,token"));

    let exact = client
        .find_customer_by_domain("CONTOSOLTD.onmicrosoft.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exact.id, GUID_C);
    assert!(
        client
            .find_customer_by_domain("contosox.onmicrosoft.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn pre_flight_resources_parse_their_documented_shapes() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/v1/countryvalidationrules/US") => json_with_bom(
                200,
                r#"{"iso2Code":"US","defaultCulture":"en-US","isStateRequired":true,"supportedStatesList":["WA"],"supportedLanguagesList":["en"],"supportedCulturesList":["en-US"],"isPostalCodeRequired":true,"postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true,"isVatIdSupported":false,"isTaxIdSupported":true,"isTaxIdOptional":true,"countryCallingCodesList":["1"],"attributes":{"objectType":"CountryValidationRules"}}"#,
            ),
            ("GET", "/v1/customers/missing") => json(
                404,
                r#"{"code":3000,"description":"Customer not found","data":[],"source":"PartnerFD"}"#,
            ),
            ("HEAD", "/v1/domains/taken.onmicrosoft.com") => empty(200),
            ("HEAD", _) => empty(404),
            ("GET", "/v1/agreements") => {
                assert_eq!(
                    seen.query.get("agreementType").map(String::as_str),
                    Some("MicrosoftCustomerAgreement")
                );
                json_with_bom(
                    200,
                    r#"{"totalCount":1,"items":[{"templateId":"117a77b0-9360-443b-8795-c6dedc750cf9","agreementType":"MicrosoftCustomerAgreement","agreementLink":"https://aka.ms/customeragreement","versionRank":0}],"attributes":{"objectType":"Collection"}}"#,
                )
            }
            ("POST", "/v1/customers/c1/agreements") => json_with_bom(201, &seen.body),
            ("POST", "/v1/customers/c2/agreements") => json(
                400,
                r#"{"code":600061,"message":"A partner confirmed agreement already exists for the customer.","description":"A partner confirmed agreement already exists for the customer.","errorName":"PartnerConfirmedAgreementAlreadyExists","isRetryable":false,"parameters":{},"errorMessageExtended":"InternalErrorCode=600061"}"#,
            ),
            _ => empty(500),
        }),
    )
    .await;
    let client = client(&base);
    let rules = client.country_validation_rules("US").await.unwrap();
    assert!(rules.is_state_required);
    assert_eq!(
        rules.postal_code_regex.as_deref(),
        Some(r"^\d{5}(-\d{4})?$")
    );
    assert!(client.get_customer("missing").await.unwrap().is_none());
    assert!(client.domain_exists("taken.onmicrosoft.com").await.unwrap());
    assert!(!client.domain_exists("free.onmicrosoft.com").await.unwrap());
    let template = client
        .agreement_template("MicrosoftCustomerAgreement")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(template.template_id, "117a77b0-9360-443b-8795-c6dedc750cf9");
    let agreement = serde_json::json!({
        "primaryContact": {"firstName": "Ann", "lastName": "Lee", "email": "ann@contoso.example", "phoneNumber": "4255550100"},
        "templateId": template.template_id,
        "dateAgreed": "2026-11-25T00:00:00Z",
        "type": "MicrosoftCustomerAgreement"
    });
    let agreement = agreement.to_string();
    client
        .create_agreement("c1", &agreement, Uuid::new_v4())
        .await
        .unwrap();
    let err = client
        .create_agreement("c2", &agreement, Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(err.is_agreement_already_attested());
    let err = client.country_validation_rules("XX").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.is_ambiguous());
}

#[tokio::test]
async fn address_validation_understands_the_current_and_the_legacy_contract() {
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(|seen| {
            let address: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
            match address["city"].as_str() {
                Some("Redmond") => json_with_bom(
                    200,
                    r#"{"originalAddress":{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Microsoft Way","postalCode":"98052"},"suggestedAddresses":[{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Microsoft Way","postalCode":"98052-8300"}],"status":"VerifiedShippable"}"#,
                ),
                Some("Legacy") => empty(200),
                _ => json(
                    400,
                    r#"{"code":2007,"description":"{\"code\":\"60071\",\"reason\":\"ZipCityInvalid - Details: Field - &#39;City&#39; is corrected from OldValue: &#39;Redmond&#39; to NewValue: &#39;BELLEVUE&#39;.\",\"corrected_address\":{\"country\":\"US\",\"region\":\"WA\",\"city\":\"BELLEVUE\",\"address_line1\":\"One Microsoft Way\",\"postal_code\":\"98007\"},\"object_type\":\"AddressValidation\",\"resource_status\":\"Active\"}","data":[],"source":"PartnerFD"}"#,
                ),
            }
        }),
    )
    .await;
    let client = client(&base);
    let current = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Redmond"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(current.status, "VerifiedShippable");
    assert_eq!(current.suggested_addresses[0]["postalCode"], "98052-8300");
    let legacy_ok = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Legacy"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(legacy_ok.status, "Verified");
    let legacy_fix = client
        .validate_address(
            &serde_json::json!({"country": "US", "city": "Bellevue?"}),
            Uuid::new_v4(),
        )
        .await
        .unwrap();
    assert_eq!(legacy_fix.status, "InteractionRequired");
    assert_eq!(legacy_fix.suggested_addresses[0]["city"], "BELLEVUE");
}

#[tokio::test]
async fn guids_are_written_lower_case_and_placeholder_tenant_ids_dropped() {
    let upper = ID.to_uppercase();
    let (base, _mock) = serve(
        tokens_numbered("3600"),
        Box::new(move |_| {
            let body = customer_json(&upper, "contoso.onmicrosoft.com").replacen(
                &format!(r#""tenantId":"{upper}""#),
                r#""tenantId":"<guid>""#,
                1,
            );
            json(201, &body)
        }),
    )
    .await;
    let customer = client(&base)
        .create_customer("{}", Uuid::new_v4())
        .await
        .unwrap();
    assert_eq!(customer.id, ID);
    assert_eq!(customer.company_profile.tenant_id, "");
}
