//! `GET /v1/countryvalidationrules/{iso2}`: [`CountryValidationRules`], read
//! under the field names of Microsoft's Swagger (`CustomerCountryValidationRules`)
//! and of the recorded live answers, and still accepting the older shapes.

use serde::{Deserialize, Deserializer, Serialize};

use super::Attributes;

/// A country's rules, in the live service's flat shape.
///
/// Every field is optional on the wire (fields come and go per country:
/// `taxIdFormat` only where there is a tax id, `attributes` missing in the
/// 2018 answers); a `null` reads as absent. Also accepted:
/// - the documentation example's `CountryInformation` shape: `states`,
///   `supportedLanguages`, `supportedCultures`, `countryCallingCodes` as
///   `{"value": [...]}` wrappers;
/// - `customerOrganizationRegistrationNumberPhoneNumberRequired`, the name
///   this client used to read for `customerOrganizationPhoneNumberRequired`.
///
/// Regexes are .NET regexes, kept as the JSON decoder gives them (compile
/// them with [`DotnetRegex`](crate::partner_center::dotnet_regex::DotnetRegex)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CountryValidationRules {
    /// ISO alpha-2.
    #[serde(deserialize_with = "text")]
    pub iso2_code: String,
    /// Default culture, e.g. `en-US`.
    #[serde(deserialize_with = "text")]
    pub default_culture: String,
    /// Whether `state` is required.
    #[serde(deserialize_with = "flag")]
    pub is_state_required: bool,
    /// Accepted state codes (empty: any).
    #[serde(alias = "states", deserialize_with = "list")]
    pub supported_states_list: Vec<String>,
    /// Accepted languages (`en`, `zh-CHS`; empty: any).
    #[serde(alias = "supportedLanguages", deserialize_with = "list")]
    pub supported_languages_list: Vec<String>,
    /// Accepted cultures (empty: any).
    #[serde(alias = "supportedCultures", deserialize_with = "list")]
    pub supported_cultures_list: Vec<String>,
    /// Whether `postalCode` is required.
    #[serde(deserialize_with = "flag")]
    pub is_postal_code_required: bool,
    /// .NET regex for the postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code_regex: Option<String>,
    /// Whether `city` is required.
    #[serde(deserialize_with = "flag")]
    pub is_city_required: bool,
    /// Whether a VAT id is supported.
    #[serde(deserialize_with = "flag")]
    pub is_vat_id_supported: bool,
    /// The tax id's format, e.g. `DE#########`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_format: Option<String>,
    /// A sample tax id, e.g. `US999965`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_sample: Option<String>,
    /// .NET regex for the VAT id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id_regex: Option<String>,
    /// .NET regex for the phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_regex: Option<String>,
    /// Whether a tax id is supported.
    #[serde(deserialize_with = "flag")]
    pub is_tax_id_supported: bool,
    /// Whether the tax id is optional.
    #[serde(deserialize_with = "flag")]
    pub is_tax_id_optional: bool,
    /// .NET regex for the organization registration number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_organization_registration_number_regex: Option<String>,
    /// A sample registration number, quoted in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_organization_registration_number_sample: Option<String>,
    /// Whether the organization registration number is required.
    #[serde(
        deserialize_with = "optional_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_organization_registration_number_required: Option<bool>,
    /// Whether the contact phone number is required (with the registration
    /// number, in the countries that require one).
    #[serde(
        alias = "customerOrganizationRegistrationNumberPhoneNumberRequired",
        deserialize_with = "optional_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_organization_phone_number_required: Option<bool>,
    /// Calling codes without `+`, e.g. `1`.
    #[serde(alias = "countryCallingCodes", deserialize_with = "list")]
    pub country_calling_codes_list: Vec<String>,
    /// `{"objectType": "CountryValidationRules"}` (absent in older answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

impl CountryValidationRules {
    /// The .NET regexes the answer carries, with their field names
    /// (`postalCodeRegex`, `phoneNumberRegex`, `vatIdRegex`,
    /// `customerOrganizationRegistrationNumberRegex`).
    pub fn regexes(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("postalCodeRegex", &self.postal_code_regex),
            ("phoneNumberRegex", &self.phone_number_regex),
            ("vatIdRegex", &self.vat_id_regex),
            (
                "customerOrganizationRegistrationNumberRegex",
                &self.customer_organization_registration_number_regex,
            ),
        ]
        .into_iter()
        .filter_map(|(field, pattern)| pattern.as_deref().map(|p| (field, p)))
    }
}

/// A string, `null` as empty.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// A boolean, `null` as `false`.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(optional_flag(deserializer)?.unwrap_or(false))
}

/// A boolean, `"true"`/`"false"` too; `null` as absent.
fn optional_flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Bool(b) => Ok(Some(b)),
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
        serde_json::Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
        other => Err(serde::de::Error::custom(format!(
            "expected true or false, found {other}"
        ))),
    }
}

/// A list of strings: `[...]`, `{"value": [...]}` (the `CountryInformation`
/// shape) or `null`.
fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Plain(Vec<String>),
        Wrapped { value: Option<Vec<String>> },
    }
    Ok(match Option::<Shape>::deserialize(deserializer)? {
        Some(Shape::Plain(items)) | Some(Shape::Wrapped { value: Some(items) }) => items,
        Some(Shape::Wrapped { value: None }) | None => Vec::new(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::parse_json;

    #[test]
    fn the_recorded_flat_shape_parses_every_field() {
        let r: CountryValidationRules = parse_json(
            br#"{"iso2Code":"DE","defaultCulture":"de-DE","isStateRequired":false,"supportedStatesList":[],"supportedLanguagesList":["en","de"],"supportedCulturesList":["de-DE","en-US"],"isPostalCodeRequired":true,"postalCodeRegex":"^[0-9]{5,5}$","isCityRequired":true,"isVatIdSupported":true,"taxIdFormat":"DE#########","taxIdSample":"DE123456789","vatIdRegex":"^DE[\\d]{9,9}$","isTaxIdSupported":false,"isTaxIdOptional":true,"countryCallingCodesList":["49"],"attributes":{"objectType":"CountryValidationRules"}}"#,
        )
        .unwrap();
        assert_eq!(
            (r.iso2_code.as_str(), r.default_culture.as_str()),
            ("DE", "de-DE")
        );
        assert!(r.is_postal_code_required && r.is_city_required && r.is_vat_id_supported);
        assert!(!r.is_state_required && !r.is_tax_id_supported && r.is_tax_id_optional);
        assert_eq!(r.supported_languages_list, ["en", "de"]);
        assert_eq!(r.supported_cultures_list, ["de-DE", "en-US"]);
        assert_eq!(r.tax_id_format.as_deref(), Some("DE#########"));
        assert_eq!(r.tax_id_sample.as_deref(), Some("DE123456789"));
        assert_eq!(r.vat_id_regex.as_deref(), Some(r"^DE[\d]{9,9}$"));
        assert_eq!(r.country_calling_codes_list, ["49"]);
        let regexes: Vec<_> = r.regexes().collect();
        assert_eq!(
            regexes,
            [
                ("postalCodeRegex", "^[0-9]{5,5}$"),
                ("vatIdRegex", r"^DE[\d]{9,9}$")
            ]
        );
        assert_eq!(
            r.attributes.unwrap().object_type.as_deref(),
            Some("CountryValidationRules")
        );
    }

    #[test]
    fn the_swagger_registration_and_phone_fields_are_read_under_their_names() {
        let r: CountryValidationRules = parse_json(
            br#"{"iso2Code":"RU","customerOrganizationRegistrationNumberRequired":true,"customerOrganizationRegistrationNumberRegex":"^(\\d{10}|\\d{12})$","customerOrganizationRegistrationNumberSample":"1234567890","customerOrganizationPhoneNumberRequired":true}"#,
        )
        .unwrap();
        assert_eq!(
            r.customer_organization_registration_number_required,
            Some(true)
        );
        assert_eq!(
            r.customer_organization_registration_number_regex.as_deref(),
            Some(r"^(\d{10}|\d{12})$")
        );
        assert_eq!(
            r.customer_organization_registration_number_sample
                .as_deref(),
            Some("1234567890")
        );
        assert_eq!(r.customer_organization_phone_number_required, Some(true));
        // The name read before is still understood.
        let old: CountryValidationRules =
            parse_json(br#"{"customerOrganizationRegistrationNumberPhoneNumberRequired":false}"#)
                .unwrap();
        assert_eq!(old.customer_organization_phone_number_required, Some(false));
        // Absent is not false.
        let none: CountryValidationRules = parse_json(br#"{"iso2Code":"FR"}"#).unwrap();
        assert_eq!(none.customer_organization_phone_number_required, None);
        assert_eq!(
            none.customer_organization_registration_number_required,
            None
        );
    }

    #[test]
    fn the_documented_country_information_shape_is_accepted() {
        // 05b's shape: `{"value": [...]}` wrappers, other extra fields.
        let r: CountryValidationRules = parse_json(
            br#"{"iso2Code":"US","isStateRequired":true,"states":{"value":["AK","AL"]},"supportedLanguages":{"value":["en","es"]},"supportedCultures":{"value":["en-US"]},"countryCallingCodes":{"value":["1"]},"isRegistrationNumberSupported":false,"resellerAgreementRegion":"AOC","taxIdSample":"US999965","attributes":{"objectType":"CountryInformation"}}"#,
        )
        .unwrap();
        assert_eq!(r.supported_states_list, ["AK", "AL"]);
        assert_eq!(r.supported_languages_list, ["en", "es"]);
        assert_eq!(r.supported_cultures_list, ["en-US"]);
        assert_eq!(r.country_calling_codes_list, ["1"]);
        assert_eq!(r.tax_id_sample.as_deref(), Some("US999965"));
    }

    #[test]
    fn nulls_and_string_booleans_read_as_absent_or_their_value() {
        let r: Result<CountryValidationRules, _> = parse_json(
            br#"{"iso2Code":null,"isStateRequired":null,"supportedStatesList":null,"states":null,"isCityRequired":"true","customerOrganizationPhoneNumberRequired":null,"postalCodeRegex":null}"#,
        );
        // `states` and `supportedStatesList` together are one field twice.
        assert!(r.is_err());
        let r: CountryValidationRules = parse_json(
            br#"{"iso2Code":null,"isStateRequired":null,"supportedStatesList":null,"isCityRequired":"true","customerOrganizationPhoneNumberRequired":null,"postalCodeRegex":null,"supportedCultures":{"value":null}}"#,
        )
        .unwrap();
        assert_eq!(r.iso2_code, "");
        assert!(!r.is_state_required && r.is_city_required);
        assert!(r.supported_states_list.is_empty() && r.supported_cultures_list.is_empty());
        assert_eq!(r.customer_organization_phone_number_required, None);
        let bad: Result<CountryValidationRules, _> = parse_json(br#"{"isCityRequired":"maybe"}"#);
        assert!(bad.unwrap_err().to_string().contains("true or false"));
    }

    #[test]
    fn serializing_writes_the_swagger_names_and_reads_back_the_same() {
        let rules = CountryValidationRules {
            iso2_code: "RU".into(),
            customer_organization_phone_number_required: Some(true),
            customer_organization_registration_number_sample: Some("1234567890".into()),
            country_calling_codes_list: vec!["7".into()],
            ..CountryValidationRules::default()
        };
        let json = serde_json::to_value(&rules).unwrap();
        assert_eq!(json["customerOrganizationPhoneNumberRequired"], true);
        assert!(
            json.get("customerOrganizationRegistrationNumberPhoneNumberRequired")
                .is_none()
        );
        assert!(
            json.get("taxIdFormat").is_none(),
            "absent options are left out"
        );
        let back: CountryValidationRules = serde_json::from_value(json).unwrap();
        assert_eq!(back, rules);
    }
}
