//! Request and response bodies of the Partner Center API.
//!
//! [`CustomerRequest`] is the `POST /v1/customers` body. It is built from a
//! validated [`NewCustomer`] and read back by the sandbox with
//! [`CustomerRequest::fields`], so posted bodies go through the same
//! [`validate::check`](crate::validate::check). Property names are sent in
//! camelCase and accepted in camelCase or PascalCase; unknown properties and
//! `null`s are accepted (the .NET SDK sends `"Id": null`, `"Attributes": {…}`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::input::{CustomerFields, Field};
use crate::validate::NewCustomer;

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
    pub company_name: String,
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
    pub first_name: String,
    /// Contact last name.
    #[serde(alias = "LastName", default, deserialize_with = "null_as_default")]
    pub last_name: String,
    /// Contact phone number.
    #[serde(
        alias = "PhoneNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub phone_number: Option<String>,
    /// Street address.
    #[serde(alias = "AddressLine1", default, deserialize_with = "null_as_default")]
    pub address_line1: String,
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
    pub city: String,
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

/// The string in an optional property, empty when absent.
fn opt(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or_default()
}

/// `Some` for a non-empty string.
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl From<&NewCustomer> for CustomerRequest {
    fn from(c: &NewCustomer) -> Self {
        let a = &c.address;
        CustomerRequest {
            company_profile: CompanyProfileRequest {
                domain: c.domain.as_str().to_owned(),
                organization_registration_number: c
                    .registration_number
                    .as_ref()
                    .map(|r| r.as_str().to_owned()),
            },
            billing_profile: BillingProfileRequest {
                email: c.email.as_str().to_owned(),
                culture: c.culture.as_str().to_owned(),
                language: c.language.as_str().to_owned(),
                company_name: c.company_name.clone(),
                default_address: AddressBody {
                    first_name: a.first_name.clone(),
                    last_name: a.last_name.clone(),
                    phone_number: a.phone_number.as_ref().map(|p| p.as_str().to_owned()),
                    address_line1: a.address_line1.clone(),
                    address_line2: non_empty(&a.address_line2),
                    address_line3: non_empty(&a.address_line3),
                    city: a.city.clone(),
                    state: a.state.as_ref().map(|s| s.as_str().to_owned()),
                    postal_code: a.postal_code.as_ref().map(|p| p.as_str().to_owned()),
                    country: a.country.as_str().to_owned(),
                },
            },
            associated_partner_id: c.associated_partner_id.map(|id| id.to_string()),
        }
    }
}

impl NewCustomer {
    /// The create-customer body for this customer.
    pub fn to_request(&self) -> CustomerRequest {
        CustomerRequest::from(self)
    }
}

impl CustomerRequest {
    /// The body's values as input fields (values trimmed, absent ones empty;
    /// `external_id` is never in a body), for [`validate::check`](crate::validate::check).
    pub fn fields(&self) -> CustomerFields<'_> {
        let c = &self.company_profile;
        let b = &self.billing_profile;
        let a = &b.default_address;
        let mut f = CustomerFields::new();
        f.set(Field::CompanyName, &b.company_name);
        f.set(Field::Domain, &c.domain);
        f.set(Field::Email, &b.email);
        f.set(Field::Culture, &b.culture);
        f.set(Field::Language, &b.language);
        f.set(Field::FirstName, &a.first_name);
        f.set(Field::LastName, &a.last_name);
        f.set(Field::PhoneNumber, opt(&a.phone_number));
        f.set(Field::AddressLine1, &a.address_line1);
        f.set(Field::AddressLine2, opt(&a.address_line2));
        f.set(Field::AddressLine3, opt(&a.address_line3));
        f.set(Field::City, &a.city);
        f.set(Field::State, opt(&a.state));
        f.set(Field::PostalCode, opt(&a.postal_code));
        f.set(Field::Country, &a.country);
        f.set(
            Field::RegistrationNumber,
            opt(&c.organization_registration_number),
        );
        f.set(Field::AssociatedPartnerId, opt(&self.associated_partner_id));
        f
    }

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
#[path = "models_tests.rs"]
mod tests;
