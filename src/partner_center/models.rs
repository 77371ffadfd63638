//! Request and response bodies of the Partner Center API.
//!
//! [`CustomerRequest`] is the `POST /v1/customers` body. The pipeline builds
//! it from a validated customer (`pipeline::request`); the sandbox reads a
//! posted one back into row fields (`sandbox::request_fields`), so posted
//! bodies go through the same `validate::check`. Property names are sent in
//! camelCase and accepted in camelCase or PascalCase; unknown properties and
//! `null`s are accepted (the .NET SDK sends `"Id": null`, `"Attributes": {…}`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The body of `POST /v1/customers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRequest {
    /// Domain and registration number.
    #[serde(
        alias = "CompanyProfile",
        default,
        deserialize_with = "null_as_default"
    )]
    pub company_profile: CompanyProfileRequest,
    /// Contact, company name and address.
    #[serde(
        alias = "BillingProfile",
        default,
        deserialize_with = "null_as_default"
    )]
    pub billing_profile: BillingProfileRequest,
    /// The indirect reseller's tenant id, when creating for one.
    #[serde(
        alias = "AssociatedPartnerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub associated_partner_id: Option<String>,
    /// Default GDAP (`enableGDAPByDefault`, top level): `true` creates a
    /// Default GDAP relationship, `false` none; absent, Partner Center
    /// creates one (`docs/partner-center.md`, "Default GDAP"). The pipeline
    /// always sends it.
    #[serde(
        rename = "enableGDAPByDefault",
        alias = "EnableGDAPByDefault",
        alias = "enableGdapByDefault",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) enable_gdap_by_default: Option<bool>,
}

/// `companyProfile` of a create-customer body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfileRequest {
    /// Full `*.onmicrosoft.com` domain.
    #[serde(alias = "Domain", default, deserialize_with = "null_as_default")]
    pub domain: String,
    /// Organization registration number (INN), where the country requires it.
    #[serde(
        alias = "OrganizationRegistrationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub organization_registration_number: Option<String>,
}

/// `billingProfile` of a create-customer body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingProfileRequest {
    /// Billing contact e-mail.
    #[serde(alias = "Email", default, deserialize_with = "null_as_default")]
    pub email: String,
    /// Culture such as `en-US`.
    #[serde(alias = "Culture", default, deserialize_with = "null_as_default")]
    pub culture: String,
    /// ISO 639-1 language.
    #[serde(alias = "Language", default, deserialize_with = "null_as_default")]
    pub language: String,
    /// Company name.
    #[serde(alias = "CompanyName", default, deserialize_with = "null_as_default")]
    pub(crate) company_name: String,
    /// Billing address.
    #[serde(
        alias = "DefaultAddress",
        default,
        deserialize_with = "null_as_default"
    )]
    pub default_address: AddressBody,
}

/// `defaultAddress` of a billing profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressBody {
    /// Contact first name.
    #[serde(alias = "FirstName", default, deserialize_with = "null_as_default")]
    pub(crate) first_name: String,
    /// Contact last name.
    #[serde(alias = "LastName", default, deserialize_with = "null_as_default")]
    pub(crate) last_name: String,
    /// Contact phone number.
    #[serde(
        alias = "PhoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) phone_number: Option<String>,
    /// Street address.
    #[serde(alias = "AddressLine1", default, deserialize_with = "null_as_default")]
    pub(crate) address_line1: String,
    /// Second address line; omitted when empty.
    #[serde(
        alias = "AddressLine2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line2: Option<String>,
    /// Third address line; omitted when empty.
    #[serde(
        alias = "AddressLine3",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line3: Option<String>,
    /// City (may be empty where the country does not require one).
    #[serde(alias = "City", default, deserialize_with = "null_as_default")]
    pub(crate) city: String,
    /// State or other subdivision code.
    #[serde(alias = "State", default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(alias = "PostalCode", default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    #[serde(alias = "Country", default, deserialize_with = "null_as_default")]
    pub country: String,
}

/// A `null` property reads as the type's default (empty string, empty object).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl CustomerRequest {
    /// The body as JSON with object keys sorted (recursively) and no
    /// whitespace: the input of the request-id hash. Treat it as a file
    /// format: changing it changes every row's `MS-RequestId`.
    pub fn canonical_json(&self) -> String {
        // Serializing these plain structs cannot fail (string keys only).
        let value = serde_json::to_value(self).unwrap_or(Value::Null);
        sorted(value).to_string()
    }
}

/// `value` with every object's keys in sorted order, whether or not
/// serde_json's `preserve_order` feature is enabled somewhere in the build.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn sorted_orders_nested_objects_and_arrays() {
        let v = serde_json::json!({"b": [{"z": 1, "a": 2}], "a": {"d": null, "c": true}});
        assert_eq!(
            sorted(v).to_string(),
            r#"{"a":{"c":true,"d":null},"b":[{"a":2,"z":1}]}"#
        );
    }
}
