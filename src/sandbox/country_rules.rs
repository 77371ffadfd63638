//! `GET /v1/countryvalidationrules/{iso2}` in the live flat shape (the 2019
//! recording of US): the values of Microsoft's published answers where
//! there are some (US recorded 2019; CN, DE, GB from the 2018 fixtures of
//! Microsoft's PowerShell module), otherwise derived from the embedded
//! Google address data (states as ISO codes, postal-code regex); the
//! registration-number fields come from the embedded registration list.
//! Tests can serve other rules: [`SandboxState::set_country_rules`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::responses::{api_error, codes, success};
use super::state::SandboxState;
use crate::validate::{CountryCode, CountryRules};

/// A published answer's values, as Microsoft's answers gave them.
struct Published {
    iso2: &'static str,
    default_culture: &'static str,
    state_required: bool,
    /// Space-separated.
    states: &'static str,
    languages: &'static [&'static str],
    cultures: &'static [&'static str],
    postal_regex: &'static str,
    /// .NET, with the literal spaces of the recording.
    phone_regex: Option<&'static str>,
    vat_supported: bool,
    tax_id_format: Option<&'static str>,
    vat_id_regex: Option<&'static str>,
    tax_id_supported: bool,
    tax_id_optional: bool,
    calling_code: &'static str,
}

const US_STATES: &str = "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY";
const CN_STATES: &str =
    "AH BJ CQ FJ GD GS GX GZ HA HB HE HI HL HN JL JS JX LN NM NX QH SC SD SH SN SX TJ XJ XZ YN ZJ";

const PUBLISHED: [Published; 4] = [
    Published {
        iso2: "US",
        default_culture: "en-US",
        state_required: true,
        states: US_STATES,
        languages: &["en", "es"],
        cultures: &["en-US", "es-US"],
        postal_regex: r"^\d{5}(-\d{4})?$",
        phone_regex: Some(
            r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$",
        ),
        vat_supported: false,
        tax_id_format: None,
        vat_id_regex: None,
        tax_id_supported: true,
        tax_id_optional: true,
        calling_code: "1",
    },
    Published {
        iso2: "CN",
        default_culture: "zh-CN",
        state_required: true,
        states: CN_STATES,
        languages: &["zh-CHS", "en"],
        cultures: &["zh-CN", "en-US"],
        postal_regex: "^[0-9]{6,6}$",
        phone_regex: None,
        vat_supported: false,
        tax_id_format: None,
        vat_id_regex: None,
        tax_id_supported: false,
        tax_id_optional: false,
        calling_code: "86",
    },
    Published {
        iso2: "DE",
        default_culture: "de-DE",
        state_required: false,
        states: "",
        languages: &["en", "de"],
        cultures: &["de-DE", "en-US"],
        postal_regex: "^[0-9]{5,5}$",
        phone_regex: None,
        vat_supported: true,
        tax_id_format: Some("DE#########"),
        vat_id_regex: Some(r"^DE[\d]{9,9}$"),
        tax_id_supported: false,
        tax_id_optional: true,
        calling_code: "49",
    },
    Published {
        iso2: "GB",
        default_culture: "en-GB",
        state_required: false,
        states: "",
        languages: &["en"],
        cultures: &["en-GB", "en-US"],
        postal_regex: "^([gG][iI][rR][ ]?0[aA]{2,2}|[a-zA-Z]([0-9][0-9a-zA-Z]?|[a-zA-Z][0-9][0-9a-zA-Z]?)[ ]?[0-9][a-zA-Z]{2,2})$",
        phone_regex: None,
        vat_supported: true,
        tax_id_format: Some("GB#########"),
        vat_id_regex: Some(r"^GB(([\d]{3,3}[\d]{4,4}[\d]{2,2}([\d]{3,3})?)|((GD|HA)[\d]{3,3}))$"),
        tax_id_supported: false,
        tax_id_optional: true,
        calling_code: "44",
    },
];

/// `GET /v1/countryvalidationrules/{iso2}`.
pub(crate) async fn country_rules(
    State(state): State<SandboxState>,
    Path(iso2): Path<String>,
) -> Response {
    let code = iso2.trim();
    let set = state.with_world(|w| w.hooks.country_rules.get(&code.to_uppercase()).cloned());
    if let Some(rules) = set {
        return success(StatusCode::OK, &rules);
    }
    match CountryCode::parse(code) {
        Ok(country) => success(StatusCode::OK, &rules_json(country.rules())),
        Err(reason) => api_error(
            StatusCode::NOT_FOUND,
            codes::COUNTRY_UNSUPPORTED,
            format!("Country {code:?} {reason}."),
        ),
    }
}

/// The answer for a country: published values where there are some, else
/// the embedded data's; registration fields from the registration list.
fn rules_json(rules: &CountryRules) -> Value {
    let code = rules.code();
    let mut answer = match PUBLISHED.iter().find(|p| p.iso2 == code) {
        Some(published) => published_json(published),
        None => derived_json(rules),
    };
    let registration = rules.registration();
    if let Value::Object(map) = &mut answer {
        map.insert(
            "customerOrganizationRegistrationNumberRequired".to_owned(),
            registration.is_some().into(),
        );
        map.insert(
            "customerOrganizationRegistrationNumberRegex".to_owned(),
            registration
                .map(|r| format!("^(?:{})$", r.pattern()))
                .into(),
        );
        map.insert(
            "customerOrganizationRegistrationNumberSample".to_owned(),
            registration.and_then(|r| r.example()).into(),
        );
        map.insert(
            "customerOrganizationPhoneNumberRequired".to_owned(),
            registration.is_some().into(),
        );
        map.insert(
            "attributes".to_owned(),
            json!({"objectType": "CountryValidationRules"}),
        );
    }
    answer
}

fn published_json(p: &Published) -> Value {
    let mut answer = json!({
        "iso2Code": p.iso2,
        "defaultCulture": p.default_culture,
        "isStateRequired": p.state_required,
        "supportedStatesList": p.states.split_whitespace().collect::<Vec<_>>(),
        "supportedLanguagesList": p.languages,
        "supportedCulturesList": p.cultures,
        "isPostalCodeRequired": true,
        "postalCodeRegex": p.postal_regex,
        "isCityRequired": true,
        "isVatIdSupported": p.vat_supported,
    });
    if let Value::Object(map) = &mut answer {
        let mut put = |key: &str, value: Option<&str>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value.into());
            }
        };
        put("taxIdFormat", p.tax_id_format);
        put("vatIdRegex", p.vat_id_regex);
        put("phoneNumberRegex", p.phone_regex);
        map.insert("isTaxIdSupported".to_owned(), p.tax_id_supported.into());
        map.insert("isTaxIdOptional".to_owned(), p.tax_id_optional.into());
        map.insert(
            "countryCallingCodesList".to_owned(),
            json!([p.calling_code]),
        );
    }
    answer
}

/// From the embedded address data, which has no languages, cultures,
/// phone, tax or calling-code data: those lists are empty (nothing for a
/// client to check against) and `defaultCulture` is `en-<CC>`.
fn derived_json(rules: &CountryRules) -> Value {
    let code = rules.code();
    let mut answer = json!({
        "iso2Code": code,
        "defaultCulture": format!("en-{code}"),
        "isStateRequired": rules.requires_state(),
        "supportedStatesList": rules.subdivisions().iter().map(|s| s.code()).collect::<Vec<_>>(),
        "supportedLanguagesList": [],
        "supportedCulturesList": [],
        "isPostalCodeRequired": rules.requires_postal_code(),
        "isCityRequired": rules.requires_city(),
        "isVatIdSupported": false,
        "isTaxIdSupported": false,
        "isTaxIdOptional": true,
        "countryCallingCodesList": [],
    });
    if let (Value::Object(map), Some(pattern)) = (&mut answer, rules.postal_code_pattern()) {
        map.insert("postalCodeRegex".to_owned(), pattern.into());
    }
    answer
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn rules(code: &str) -> Value {
        rules_json(CountryRules::get(code).unwrap())
    }

    #[test]
    fn published_countries_answer_microsofts_values() {
        let us = rules("US");
        assert_eq!(us["supportedStatesList"].as_array().unwrap().len(), 51);
        assert_eq!(us["supportedCulturesList"], json!(["en-US", "es-US"]));
        assert_eq!(us["countryCallingCodesList"], json!(["1"]));
        let phone = us["phoneNumberRegex"].as_str().unwrap();
        assert!(phone.contains("[ \\-\\/\\.]"), "{phone}");
        assert_eq!(us["attributes"]["objectType"], "CountryValidationRules");
        let cn = rules("CN");
        assert_eq!(cn["defaultCulture"], "zh-CN");
        assert_eq!(cn["isTaxIdOptional"], false);
        assert_eq!(rules("DE")["vatIdRegex"], r"^DE[\d]{9,9}$");
        assert_eq!(rules("GB")["supportedStatesList"], json!([]));
    }

    #[test]
    fn other_countries_are_derived_from_the_address_data() {
        let ru = rules("RU");
        assert_eq!(ru["customerOrganizationRegistrationNumberRequired"], true);
        assert_eq!(ru["customerOrganizationPhoneNumberRequired"], true);
        assert!(ru["customerOrganizationRegistrationNumberRegex"].is_string());
        assert!(
            ru["supportedStatesList"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "MOW")
        );
        let fr = rules("FR");
        assert_eq!(fr["customerOrganizationRegistrationNumberRequired"], false);
        assert!(fr["customerOrganizationRegistrationNumberRegex"].is_null());
        assert!(fr["postalCodeRegex"].is_string());
        assert_eq!(fr["supportedCulturesList"], json!([]));
    }

    #[test]
    fn every_answer_reads_back_through_the_clients_model() {
        use crate::partner_center::resources::CountryValidationRules;
        for code in ["US", "CN", "DE", "GB", "RU", "BR", "FR", "JP"] {
            let answer = rules(code);
            let parsed: CountryValidationRules = serde_json::from_value(answer.clone()).unwrap();
            assert_eq!(parsed.iso2_code, code);
            let listed = answer["customerOrganizationRegistrationNumberRequired"] == true;
            assert_eq!(
                parsed.customer_organization_registration_number_required,
                Some(listed),
                "{code}"
            );
            assert_eq!(
                parsed.customer_organization_phone_number_required,
                Some(listed),
                "{code}: the phone is required with the registration number"
            );
            assert_eq!(
                parsed
                    .customer_organization_registration_number_sample
                    .is_some(),
                answer["customerOrganizationRegistrationNumberSample"].is_string(),
                "{code}"
            );
            let back = serde_json::to_value(&parsed).unwrap();
            for key in [
                "taxIdFormat",
                "vatIdRegex",
                "phoneNumberRegex",
                "postalCodeRegex",
            ] {
                assert_eq!(back.get(key), answer.get(key), "{code} {key}");
            }
        }
    }

    #[test]
    fn every_served_regex_compiles_in_the_client_and_takes_its_sample() {
        use crate::partner_center::dotnet_regex::DotnetRegex;
        use crate::partner_center::resources::CountryValidationRules;
        let mut samples = 0;
        for country in CountryRules::all() {
            let answer: CountryValidationRules =
                serde_json::from_value(rules_json(country)).unwrap();
            let code = &answer.iso2_code;
            for (field, pattern) in answer.regexes() {
                let compiled = DotnetRegex::new(pattern);
                assert!(compiled.is_ok(), "{code} {field}: {pattern}: {compiled:?}");
            }
            if let (Some(pattern), Some(sample)) = (
                &answer.customer_organization_registration_number_regex,
                &answer.customer_organization_registration_number_sample,
            ) {
                let regex = DotnetRegex::new(pattern).unwrap();
                assert_eq!(regex.is_match(sample), Ok(true), "{code}: {sample}");
                samples += 1;
            }
        }
        assert!(samples > 0, "some registration samples are served");
    }
}
