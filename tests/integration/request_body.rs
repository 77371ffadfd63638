//! The create-customer body: built from a validated row
//! (`pipeline::request`), its shape, both casings, canonical JSON, and the
//! round trip through the sandbox's reading of a posted body and validation.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use pc_onboard::partner_center::models::CustomerRequest;
use pc_onboard::sandbox::request_fields;
use pc_onboard::validate::{CustomerFields, Field, check};

/// A valid Russian row: registration number, phone, state with an ISO id.
fn ru_fields() -> CustomerFields<'static> {
    CustomerFields::new()
        .with(Field::ExternalId, "CRM-7")
        .with(Field::CompanyName, "ООО Ромашка")
        .with(Field::Domain, "Romashka")
        .with(Field::Email, "buh@romashka.example")
        .with(Field::Culture, "ru-ru")
        .with(Field::Language, "RU")
        .with(Field::FirstName, "Анна")
        .with(Field::LastName, "Иванова")
        .with(Field::PhoneNumber, "+7 495 123-45-67")
        .with(Field::AddressLine1, "ул. Тверская, 1")
        .with(Field::AddressLine2, "офис 5")
        .with(Field::City, "Москва")
        .with(Field::State, "Москва")
        .with(Field::PostalCode, "103375")
        .with(Field::Country, "ru")
        .with(Field::RegistrationNumber, "7707083893")
        .with(
            Field::AssociatedPartnerId,
            "484E548C-F5F3-4528-93A9-C16C6373CB59",
        )
}

fn us_request() -> CustomerRequest {
    let fields = CustomerFields::new()
        .with(Field::CompanyName, "Contoso Ltd")
        .with(Field::Domain, "contoso")
        .with(Field::Email, "ap@contoso.example")
        .with(Field::Culture, "en-US")
        .with(Field::Language, "en")
        .with(Field::FirstName, "Ann")
        .with(Field::LastName, "Lee")
        .with(Field::PhoneNumber, "+14255550100")
        .with(Field::AddressLine1, "1 Main St")
        .with(Field::City, "Redmond")
        .with(Field::State, "WA")
        .with(Field::PostalCode, "98052")
        .with(Field::Country, "US");
    CustomerRequest::from(&check(&fields).unwrap())
}

#[test]
fn request_is_built_from_the_normalized_customer() {
    let r = CustomerRequest::from(&check(&ru_fields()).unwrap());
    assert_eq!(r.company_profile.domain, "romashka.onmicrosoft.com");
    assert_eq!(
        r.company_profile
            .organization_registration_number
            .as_deref(),
        Some("7707083893")
    );
    let b = &r.billing_profile;
    assert_eq!((b.culture.as_str(), b.language.as_str()), ("ru-RU", "ru"));
    let a = &b.default_address;
    assert_eq!(a.state.as_deref(), Some("MOW"));
    assert_eq!(a.country, "RU");
    assert_eq!(a.address_line2.as_deref(), Some("офис 5"));
    assert_eq!(a.address_line3, None);
    assert_eq!(
        r.associated_partner_id.as_deref(),
        Some("484e548c-f5f3-4528-93a9-c16c6373cb59")
    );
}

#[test]
fn serializes_camel_case_and_omits_absent_options() {
    let json = serde_json::to_value(us_request()).unwrap();
    let expected = serde_json::json!({
        "companyProfile": { "domain": "contoso.onmicrosoft.com" },
        "billingProfile": {
            "email": "ap@contoso.example", "culture": "en-US", "language": "en",
            "companyName": "Contoso Ltd",
            "defaultAddress": {
                "firstName": "Ann", "lastName": "Lee", "phoneNumber": "+14255550100",
                "addressLine1": "1 Main St", "city": "Redmond", "state": "WA",
                "postalCode": "98052", "country": "US"
            }
        }
    });
    assert_eq!(json, expected);
}

#[test]
fn canonical_json_is_sorted_compact_and_stable() {
    let expected = concat!(
        r#"{"billingProfile":{"companyName":"Contoso Ltd","culture":"en-US","#,
        r#""defaultAddress":{"addressLine1":"1 Main St","city":"Redmond","country":"US","#,
        r#""firstName":"Ann","lastName":"Lee","phoneNumber":"+14255550100","#,
        r#""postalCode":"98052","state":"WA"},"email":"ap@contoso.example","language":"en"},"#,
        r#""companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#
    );
    assert_eq!(us_request().canonical_json(), expected);
}

#[test]
fn canonical_json_does_not_depend_on_input_casing() {
    let pascal: CustomerRequest = serde_json::from_str(
        r#"{"BillingProfile":{"DefaultAddress":{"Country":"US","State":"WA","PostalCode":"98052",
            "City":"Redmond","AddressLine1":"1 Main St","PhoneNumber":"+14255550100",
            "LastName":"Lee","FirstName":"Ann"},"CompanyName":"Contoso Ltd","Language":"en",
            "Culture":"en-US","Email":"ap@contoso.example"},
            "CompanyProfile":{"Domain":"contoso.onmicrosoft.com"}}"#,
    )
    .unwrap();
    assert_eq!(pascal.canonical_json(), us_request().canonical_json());
}

#[test]
fn accepts_camel_case_bodies() {
    let r: CustomerRequest = serde_json::from_str(
        r#"{
          "companyProfile": { "domain": "contoso.onmicrosoft.com",
                              "organizationRegistrationNumber": "1234567890" },
          "billingProfile": {
            "email": "ap@contoso.example", "culture": "en-US", "language": "en",
            "companyName": "Contoso Ltd",
            "defaultAddress": {
              "firstName": "Ann", "lastName": "Lee", "phoneNumber": "+14255550100",
              "addressLine1": "1 Main St", "addressLine2": "", "addressLine3": "",
              "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"
            }
          },
          "associatedPartnerId": "484e548c-f5f3-4528-93a9-c16c6373cb59"
        }"#,
    )
    .unwrap();
    assert_eq!(
        r.company_profile
            .organization_registration_number
            .as_deref(),
        Some("1234567890")
    );
    assert_eq!(
        r.billing_profile.default_address.address_line2.as_deref(),
        Some("")
    );
    assert_eq!(
        r.billing_profile.default_address.postal_code.as_deref(),
        Some("98052")
    );
    assert!(r.associated_partner_id.is_some());
}

#[test]
fn accepts_pascal_case_sdk_bodies_with_nulls_and_unknown_properties() {
    // The shape the .NET SDK posts (Microsoft's indirect-reseller example).
    let r: CustomerRequest = serde_json::from_str(
        r#"{
          "Id": null, "CommerceId": null,
          "CompanyProfile": { "TenantId": null, "Domain": "WingtipToys678152504.onmicrosoft.com",
                              "CompanyName": null, "Attributes": { "ObjectType": "CustomerCompanyProfile" } },
          "BillingProfile": {
            "Id": null, "FirstName": null, "LastName": null,
            "Email": "Gena@wingtiptoys.com", "Culture": "EN-US", "Language": "En",
            "CompanyName": "Wingtip Toys678152504",
            "DefaultAddress": {
              "Country": "US", "Region": null, "City": "Redmond", "State": "WA",
              "AddressLine1": "One Microsoft Way", "AddressLine2": null, "PostalCode": "98052",
              "FirstName": "Gena", "LastName": "Soto", "PhoneNumber": "4255550101"
            },
            "Attributes": { "ObjectType": "CustomerBillingProfile" }
          },
          "RelationshipToPartner": "none", "AllowDelegatedAccess": null,
          "UserCredentials": null, "CustomDomains": null,
          "AssociatedPartnerId": "484e548c-f5f3-4528-93a9-c16c6373cb59",
          "Attributes": { "ObjectType": "Customer" }
        }"#,
    )
    .unwrap();
    assert_eq!(r.billing_profile.culture, "EN-US");
    assert_eq!(r.billing_profile.default_address.address_line2, None);
    let c = check(&request_fields(&r)).unwrap();
    assert_eq!(c.domain.as_str(), "wingtiptoys678152504.onmicrosoft.com");
    assert_eq!(c.culture.as_str(), "en-US");
    assert_eq!(c.language.as_str(), "en");
}

#[test]
fn null_or_missing_properties_become_validation_problems() {
    let r: CustomerRequest =
        serde_json::from_str(r#"{"CompanyProfile": null, "billingProfile": {"email": null}}"#)
            .unwrap();
    assert_eq!(r, CustomerRequest::default());
    let problems = check(&request_fields(&r)).unwrap_err();
    assert!(problems.iter().any(|p| p.field == Field::Domain));
    assert!(problems.iter().any(|p| p.field == Field::Email));
}

#[test]
fn fields_trim_values_and_leave_external_id_empty() {
    let mut r = us_request();
    r.billing_profile.email = "  ap@contoso.example ".to_owned();
    let f = request_fields(&r);
    assert_eq!(f.get(Field::Email), "ap@contoso.example");
    assert_eq!(f.get(Field::ExternalId), "");
    assert_eq!(f.get(Field::AddressLine2), "");
}

#[test]
fn round_trip_through_fields_and_check_gives_an_equal_request() {
    for fields in [ru_fields(), request_fields(&us_request())] {
        let first = CustomerRequest::from(&check(&fields).unwrap());
        let again = CustomerRequest::from(&check(&request_fields(&first)).unwrap());
        assert_eq!(again, first);
        assert_eq!(again.canonical_json(), first.canonical_json());
    }
}
