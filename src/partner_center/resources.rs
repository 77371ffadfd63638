//! Resources the API answers with, shared by the client (which parses them)
//! and the sandbox (which serves them).
//!
//! Parsing is tolerant, as Microsoft's own payloads demand: unknown fields are
//! ignored, most fields are optional, `code` may be a number or a string, and
//! a success body may start with a UTF-8 BOM (see [`parse_json`]).

use crate::partner_center::error::ApiError;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod country_rules;
mod error_body;
mod relationship_request;

pub use country_rules::CountryValidationRules;
pub use error_body::{ApiErrorBody, ThrottleBody};
pub(crate) use relationship_request::RelationshipRequest;

/// Parse a response body, tolerating a leading UTF-8 BOM.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(crate::bom::strip_bom(body))
}

/// A customer (`POST /v1/customers`, `GET /v1/customers/{id}`, collection items).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer id; equals `companyProfile.tenantId`.
    #[serde(default)]
    pub id: String,
    /// Commerce id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commerce_id: Option<String>,
    /// Company profile.
    #[serde(default)]
    pub company_profile: CompanyProfile,
    /// Billing profile, kept as sent back (only passed through, never interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_profile: Option<serde_json::Value>,
    /// `none`, `reseller`, ...: informational only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_to_partner: Option<String>,
    /// Initial admin credentials: only in the create answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_credentials: Option<UserCredentials>,
    /// The indirect reseller the customer was created for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associated_partner_id: Option<String>,
    /// Whether the partner has delegated admin access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) allow_delegated_access: Option<bool>,
    /// `enableGDAPByDefault` as the create answer echoes it (Microsoft's
    /// 2023 example); other answers do not carry it.
    #[serde(
        rename = "enableGDAPByDefault",
        alias = "EnableGDAPByDefault",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_gdap_by_default: Option<bool>,
    /// `self` link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) links: Option<Links>,
    /// `objectType` (`Customer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attributes: Option<Attributes>,
}

impl Customer {
    /// The customer as the pipeline may use it: `id` must be a GUID (it
    /// goes into results files and into URLs), else the answer (with HTTP
    /// `status`) is unusable: [`ApiError::Decode`]. A `tenantId` or
    /// `commerceId` that is not a GUID (a documentation placeholder, a
    /// broken proxy) is dropped. GUIDs are written lower-case, hyphenated.
    pub fn checked(mut self, status: u16) -> Result<Customer, ApiError> {
        let guid = |text: &str| {
            uuid::Uuid::parse_str(text.trim())
                .ok()
                .map(|u| u.to_string())
        };
        self.id = guid(&self.id).ok_or_else(|| ApiError::Decode {
            status,
            message: if self.id.trim().is_empty() {
                "the answer has no customer id".to_owned()
            } else {
                "the answer's customer id is not a GUID".to_owned()
            },
        })?;
        self.company_profile.tenant_id = guid(&self.company_profile.tenant_id).unwrap_or_default();
        self.commerce_id = self.commerce_id.as_deref().and_then(guid);
        Ok(self)
    }
}

/// A customer's company profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfile {
    /// Azure AD tenant id (a placeholder such as `<guid>` in some docs examples).
    #[serde(default)]
    pub tenant_id: String,
    /// The initial domain, e.g. `contoso.onmicrosoft.com`.
    #[serde(default)]
    pub domain: String,
    /// Company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) company_name: Option<String>,
    /// `self` link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) links: Option<Links>,
    /// `objectType` (`CustomerCompanyProfile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attributes: Option<Attributes>,
}

/// The `attributes` object most resources carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    /// Entity tag: a string holding a signed 64-bit number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) etag: Option<String>,
    /// e.g. `Customer`, `Collection`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) object_type: Option<String>,
}

impl Attributes {
    /// `{"objectType": object_type}`.
    pub(crate) fn object(object_type: &str) -> Self {
        Self {
            etag: None,
            object_type: Some(object_type.to_owned()),
        }
    }
}

/// The initial admin user and password. The password is a secret: it is
/// never logged, and `Debug` redacts it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCredentials {
    /// Admin user name, e.g. `admin`.
    #[serde(default)]
    pub user_name: String,
    /// Initial password (registered with `crate::secrets` as it is read).
    #[serde(deserialize_with = "registered_secret")]
    pub password: SecretString,
}

impl Serialize for UserCredentials {
    // Only the sandbox serializes credentials (to hand them to the client);
    // nothing else in the tool writes them except --credentials-out.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Plain<'a> {
            user_name: &'a str,
            password: &'a str,
        }
        Plain {
            user_name: &self.user_name,
            password: self.password.expose_secret(),
        }
        .serialize(serializer)
    }
}

/// A page of a collection (`{"totalCount", "items", "links", "attributes"}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection<T> {
    /// Items on this page (or in total, per the service).
    #[serde(default)]
    pub total_count: u64,
    /// The items.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    /// `self` and, when there is another page, `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Links>,
    /// `{"objectType": "Collection"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attributes: Option<Attributes>,
    /// A top-level continuation token (some collections carry it instead
    /// of, or besides, a next link's `MS-ContinuationToken` header).
    #[serde(
        default,
        rename = "continuationToken",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) continuation_token: Option<String>,
}

/// Collection links.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Links {
    /// This page.
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Link>,
    /// The next page: its headers carry `MS-ContinuationToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
}

/// One link of a collection.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Link {
    /// Relative URI (with or without `/v1`).
    #[serde(default)]
    pub uri: String,
    /// HTTP method.
    #[serde(default)]
    pub method: String,
    /// Headers to send, e.g. `MS-ContinuationToken`.
    #[serde(default)]
    pub(crate) headers: Vec<LinkHeader>,
}

/// A header carried by a link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct LinkHeader {
    /// Header name.
    pub(crate) key: String,
    /// Header value.
    pub(crate) value: String,
}

impl Link {
    /// A `GET` link to `uri` without headers.
    pub(crate) fn get(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            method: "GET".to_owned(),
            headers: Vec::new(),
        }
    }

    /// The `MS-ContinuationToken` this link carries, if any.
    pub fn continuation_token(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key.eq_ignore_ascii_case("MS-ContinuationToken"))
            .map(|h| h.value.as_str())
    }
}

/// OAuth token answer; `expires_in` may be a string or a number.
///
/// Serialized (by the sandbox) like the live v1 endpoint: numbers as strings.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    /// `Bearer`.
    #[serde(default)]
    pub token_type: String,
    /// Lifetime in seconds.
    #[serde(default, deserialize_with = "u64_from_string_or_number")]
    pub expires_in: u64,
    /// The bearer token (secret; registered with `crate::secrets` as it is read).
    #[serde(deserialize_with = "registered_secret")]
    pub access_token: SecretString,
}

impl Serialize for TokenResponse {
    // Only the sandbox serializes tokens, to hand them to its client.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Plain<'a> {
            token_type: &'a str,
            expires_in: String,
            access_token: &'a str,
        }
        Plain {
            token_type: &self.token_type,
            expires_in: self.expires_in.to_string(),
            access_token: self.access_token.expose_secret(),
        }
        .serialize(serializer)
    }
}

/// OAuth error answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct TokenErrorBody {
    /// e.g. `invalid_client`.
    #[serde(default)]
    pub(crate) error: String,
    /// Description.
    #[serde(default)]
    pub(crate) error_description: String,
}

/// A secret read from an answer, registered at once with
/// `crate::secrets` so that no text leaving the process can carry it.
pub(crate) fn registered_secret<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<SecretString, D::Error> {
    let value = String::deserialize(deserializer)?;
    crate::secrets::register(&value);
    Ok(SecretString::from(value))
}

fn u64_from_string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom("expires_in is not a whole number")),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("expires_in {s:?} is not a number"))),
        serde_json::Value::Null => Ok(0),
        other => Err(serde::de::Error::custom(format!(
            "expires_in has an unexpected type: {other}"
        ))),
    }
}

/// `POST /v1/validations/address` answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AddressValidationResponse {
    /// The address as sent.
    pub original_address: serde_json::Value,
    /// Suggestions, best first.
    pub suggested_addresses: Vec<serde_json::Value>,
    /// `VerifiedShippable`, `Verified`, `StreetPartial`, ...
    pub status: String,
    /// Why the address is not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_message: Option<String>,
}

/// Agreement metadata (`GET /v1/agreements?agreementType=...`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgreementMetadata {
    /// Template id to attest with.
    pub template_id: String,
    /// e.g. `MicrosoftCustomerAgreement`.
    pub agreement_type: String,
    /// Link to the agreement text.
    pub(crate) agreement_link: String,
    /// Version rank.
    pub(crate) version_rank: i64,
}

/// A customer's acceptance of an agreement (`POST`/`GET /v1/customers/{id}/agreements`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomerAgreement {
    /// The user who recorded the acceptance (in the `201` answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Who accepted it.
    pub primary_contact: AgreementContact,
    /// The agreement template (from [`AgreementMetadata`]).
    pub(crate) template_id: String,
    /// When it was accepted, e.g. `2018-06-14T00:00:00.000Z` (returned without offset).
    pub date_agreed: String,
    /// e.g. `MicrosoftCustomerAgreement`.
    #[serde(rename = "type")]
    pub agreement_type: String,
    /// Link to the agreement text (in `GET` answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) agreement_link: Option<String>,
    /// The enhanced attestation the agreement was created with (the field
    /// name is pc-onboard's guess: `partner_center::enhanced_attestation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attestation_id: Option<String>,
}

/// The customer's contact who accepted an agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AgreementContact {
    /// First name.
    pub(crate) first_name: String,
    /// Last name.
    pub(crate) last_name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone_number: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn parses_customer_with_bom_extra_fields_and_placeholder_ids() {
        let body = "\u{feff}{\"id\":\"b44bb1fb-c595-45b0-9e09-d657365580bf\",\"companyProfile\":{\"tenantId\":\"<guid>\",\"domain\":\"domain\",\"attributes\":{\"objectType\":\"CustomerCompanyProfile\"}},\"relationshipToPartner\":\"reseller\",\"allowDelegatedAccess\":true,\"attributes\":{\"objectType\":\"Customer\"}}";
        let c: Customer = parse_json(body.as_bytes()).unwrap();
        assert_eq!(c.id, "b44bb1fb-c595-45b0-9e09-d657365580bf");
        assert_eq!(c.company_profile.tenant_id, "<guid>");
        assert!(c.user_credentials.is_none());
    }

    #[test]
    fn credentials_debug_does_not_show_the_password() {
        let c: Customer = parse_json(
            br#"{"id":"x","companyProfile":{"tenantId":"x","domain":"d"},"userCredentials":{"userName":"admin","password":"=;;n.=s9Z"}}"#,
        )
        .unwrap();
        let creds = c.user_credentials.unwrap();
        assert_eq!(creds.password.expose_secret(), "=;;n.=s9Z");
        assert!(!format!("{creds:?}").contains("=;;n.=s9Z"));
    }

    #[test]
    fn error_code_may_be_a_number_or_a_string() {
        let n: ApiErrorBody = parse_json(
            br#"{"code": 600049, "description": "missing", "data": [], "source": "PartnerFD"}"#,
        )
        .unwrap();
        assert_eq!(n.code, "600049");
        let s: ApiErrorBody = parse_json(br#"{"code": "900420", "description": "aud"}"#).unwrap();
        assert_eq!(s.code, "900420");
        let ext: ApiErrorBody = parse_json(
            br#"{"code": 600061, "message": "A partner confirmed agreement already exists for the customer.", "errorName": "PartnerConfirmedAgreementAlreadyExists", "isRetryable": false, "parameters": {}}"#,
        )
        .unwrap();
        assert_eq!(ext.code, "600061");
        assert!(ext.text().starts_with("A partner confirmed"));
    }

    #[test]
    fn throttle_body_parses_with_trailing_space() {
        let t: ThrottleBody = parse_json(
            b"{ \"statusCode\": 429, \"message\": \"Rate limit is exceeded. Try again in 57 seconds.\" } ",
        )
        .unwrap();
        assert_eq!(t.status_code, 429);
    }

    #[test]
    fn token_expiry_may_be_a_string_or_a_number() {
        let a: TokenResponse =
            parse_json(br#"{"token_type":"Bearer","expires_in":"3599","access_token":"t"}"#)
                .unwrap();
        assert_eq!(a.expires_in, 3599);
        let b: TokenResponse =
            parse_json(br#"{"token_type":"Bearer","expires_in":3600,"access_token":"t"}"#).unwrap();
        assert_eq!(b.expires_in, 3600);
        assert!(!format!("{b:?}").contains("\"t\""));
    }

    #[test]
    fn collection_links_are_optional_and_next_carries_the_token() {
        let c: Collection<Customer> =
            parse_json(br#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#)
                .unwrap();
        assert!(c.links.is_none());
        let c: Collection<serde_json::Value> = parse_json(
            br#"{"totalCount":2,"items":[{},{}],"links":{"self":{"uri":"/x","method":"GET","headers":[]},"next":{"uri":"/x?seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"AQAAAA=="}]}}}"#,
        )
        .unwrap();
        let next = c.links.unwrap().next.unwrap();
        assert_eq!(next.continuation_token(), Some("AQAAAA=="));
    }

    #[test]
    fn country_rules_parse_the_recorded_shape() {
        let r: CountryValidationRules = parse_json(
            br#"{"iso2Code":"CN","defaultCulture":"zh-CN","isStateRequired":true,"supportedStatesList":["AH"],"supportedLanguagesList":["zh-CHS","en"],"supportedCulturesList":["zh-CN"],"isPostalCodeRequired":true,"postalCodeRegex":"^[0-9]{6,6}$","isCityRequired":true,"isVatIdSupported":false,"isTaxIdSupported":false,"isTaxIdOptional":false,"countryCallingCodesList":["86"]}"#,
        )
        .unwrap();
        assert_eq!(r.iso2_code, "CN");
        assert_eq!(r.postal_code_regex.as_deref(), Some("^[0-9]{6,6}$"));
    }

    #[test]
    fn error_body_serializes_like_the_documented_envelope() {
        let body = ApiErrorBody {
            code: "600049".into(),
            description: "missing".into(),
            source: "PartnerFD".into(),
            ..ApiErrorBody::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"code":600049,"description":"missing","data":[],"source":"PartnerFD"}"#
        );
        let text = ApiErrorBody {
            code: "900420".into(),
            ..ApiErrorBody::default()
        };
        assert!(
            serde_json::to_string(&text)
                .unwrap()
                .contains(r#""code":900420"#)
        );
        let odd = ApiErrorBody {
            code: "0042".into(),
            ..ApiErrorBody::default()
        };
        assert!(
            serde_json::to_string(&odd)
                .unwrap()
                .contains(r#""code":"0042""#)
        );
    }

    #[test]
    fn extended_error_shape_serializes_without_data_and_source() {
        let body = ApiErrorBody {
            code: "600061".into(),
            description: "exists".into(),
            message: Some("exists".into()),
            error_name: Some("PartnerConfirmedAgreementAlreadyExists".into()),
            is_retryable: Some(false),
            error_message_extended: Some("InternalErrorCode=600061".into()),
            ..ApiErrorBody::default()
        };
        let json: serde_json::Value = serde_json::to_value(&body).unwrap();
        assert_eq!(json["code"], 600061);
        assert_eq!(json["errorName"], "PartnerConfirmedAgreementAlreadyExists");
        assert_eq!(json["parameters"], serde_json::json!({}));
        assert!(json.get("data").is_none() && json.get("source").is_none());
        let back: ApiErrorBody =
            parse_json(serde_json::to_string(&body).unwrap().as_bytes()).unwrap();
        assert_eq!(back.code, "600061");
        assert_eq!(
            back.error_name.as_deref(),
            Some("PartnerConfirmedAgreementAlreadyExists")
        );
    }

    #[test]
    fn token_response_serializes_numbers_as_strings_and_round_trips() {
        let t: TokenResponse =
            parse_json(br#"{"token_type":"Bearer","expires_in":3599,"access_token":"tok"}"#)
                .unwrap();
        let text = serde_json::to_string(&t).unwrap();
        assert!(text.contains(r#""expires_in":"3599""#));
        let back: TokenResponse = parse_json(text.as_bytes()).unwrap();
        assert_eq!(back.access_token.expose_secret(), "tok");
    }

    #[test]
    fn address_answers_parse_with_and_without_a_validation_message() {
        let verified: AddressValidationResponse = parse_json(
            b"\xEF\xBB\xBF{\"originalAddress\":{\"country\":\"US\",\"city\":\"Kirkland\",\"state\":\"WA\",\"addressLine1\":\"2 Lake St\",\"postalCode\":\"98033\"},\"suggestedAddresses\":[{\"country\":\"US\",\"city\":\"Kirkland\",\"state\":\"WA\",\"addressLine1\":\"2 Lake St\",\"postalCode\":\"98033-6314\"}],\"status\":\"VerifiedShippable\"}",
        )
        .unwrap();
        assert_eq!(verified.status, "VerifiedShippable");
        assert!(verified.validation_message.is_none());
        assert_eq!(verified.suggested_addresses[0]["postalCode"], "98033-6314");
        let partial: AddressValidationResponse = parse_json(
            br#"{"originalAddress":{"addressLine1":"Lake St"},"suggestedAddresses":[],"status":"StreetPartial","validationMessage":"Address field invalid for property: 'Region'"}"#,
        )
        .unwrap();
        assert_eq!(
            partial.validation_message.as_deref(),
            Some("Address field invalid for property: 'Region'")
        );
    }

    #[test]
    fn agreement_answers_parse_in_the_documented_shapes() {
        // Metadata collections may come without links.
        let templates: Collection<AgreementMetadata> = parse_json(
            br#"{"totalCount":1,"items":[{"templateId":"0b6b7a38-1d1c-4f2e-9a55-6c2f2b0f0a11","agreementType":"MicrosoftCustomerAgreement","agreementLink":"https://example.com/mca","versionRank":0}],"attributes":{"objectType":"Collection"}}"#,
        )
        .unwrap();
        assert!(templates.links.is_none());
        assert_eq!(
            templates.items[0].agreement_type,
            "MicrosoftCustomerAgreement"
        );
        // The 201 adds userId; GET answers add agreementLink and drop the offset.
        let created: CustomerAgreement = parse_json(
            b"\xEF\xBB\xBF{\"userId\":\"5c1f0a39-0e5b-4c1c-8d4b-2a1e9f3b7c10\",\"primaryContact\":{\"firstName\":\"Ann\",\"lastName\":\"Lee\",\"email\":\"ann@example.com\",\"phoneNumber\":\"4255550100\"},\"templateId\":\"0b6b7a38-1d1c-4f2e-9a55-6c2f2b0f0a11\",\"dateAgreed\":\"2024-05-02T00:00:00.000Z\",\"type\":\"MicrosoftCustomerAgreement\"}",
        )
        .unwrap();
        assert!(created.user_id.is_some() && created.agreement_link.is_none());
        let listed: Collection<CustomerAgreement> = parse_json(
            br#"{"totalCount":1,"items":[{"primaryContact":{"firstName":"Ann","lastName":"Lee","email":"ann@example.com"},"templateId":"0b6b7a38-1d1c-4f2e-9a55-6c2f2b0f0a11","dateAgreed":"2024-05-02T00:00:00","type":"MicrosoftCustomerAgreement","agreementLink":"https://example.com/mca"}]}"#,
        )
        .unwrap();
        assert_eq!(listed.items[0].date_agreed, "2024-05-02T00:00:00");
        assert!(listed.items[0].primary_contact.phone_number.is_none());
    }
}
