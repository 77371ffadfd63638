//! `GET /v1/countryvalidationrules/{iso2}` in the live flat shape: the
//! answers Microsoft published where there are some (US recorded 2019; CN,
//! DE, GB from the 2018 fixtures of Microsoft's PowerShell module:
//! `data/recorded-country-rules.json`), otherwise derived from the
//! embedded Google address data (states as ISO codes, postal-code regex);
//! the registration-number fields come from the embedded registration list.
//! A country named in [`SandboxConfig::state_names`] lists its states by
//! name instead (`Osaka`), as a country whose list Microsoft has not
//! published may. Tests can serve other rules:
//! [`SandboxState::set_country_rules`].
//!
//! A create whose state is not one of the served list's entries is refused,
//! as Partner Center refuses it ([`unlisted_state`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::config::SandboxConfig;
use super::responses::{api_error, codes, success};
use super::state::{SandboxState, World};
use crate::validate::{CountryCode, CountryRules, recorded_country_rules};

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
        Ok(country) => success(StatusCode::OK, &rules_json(country.rules(), state.config())),
        Err(reason) => api_error(
            StatusCode::NOT_FOUND,
            codes::COUNTRY_UNSUPPORTED,
            format!("Country {code:?} {reason}."),
        ),
    }
}

/// Why a posted `state` is refused: the country's served answer lists
/// states and the value is none of them (ASCII case ignored).
pub(crate) fn unlisted_state(
    w: &World,
    config: &SandboxConfig,
    country: &str,
    state: &str,
) -> Option<String> {
    let country = country.trim().to_uppercase();
    let listed: Vec<String> = match w.hooks.country_rules.get(&country) {
        Some(rules) => rules.supported_states_list.clone(),
        None => {
            let rules = CountryRules::get(&country)?;
            let answer = rules_json(rules, config);
            answer["supportedStatesList"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        }
    };
    let state = state.trim();
    if listed.is_empty()
        || state.is_empty()
        || listed.iter().any(|s| s.trim().eq_ignore_ascii_case(state))
    {
        return None;
    }
    Some(format!(
        "The state {state:?} is not one of the supported states for {country}."
    ))
}

/// The answer for a country: published values where there are some, else
/// the embedded data's; registration fields from the registration list;
/// states by name for the countries of `config.state_names`.
fn rules_json(rules: &CountryRules, config: &SandboxConfig) -> Value {
    let code = rules.code();
    let mut answer = match recorded_country_rules(code) {
        Some(recorded) => recorded.clone(),
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
        if config
            .state_names
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
            && let Some(Value::Array(states)) = map.get_mut("supportedStatesList")
        {
            for entry in states.iter_mut() {
                let named = entry
                    .as_str()
                    .and_then(|e| rules.find_subdivision(e))
                    .map(|sub| match sub.latin_name() {
                        "" => sub.name(),
                        latin => latin,
                    });
                if let Some(name) = named {
                    *entry = name.into();
                }
            }
        }
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
        rules_json(CountryRules::get(code).unwrap(), &SandboxConfig::default())
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
                serde_json::from_value(rules_json(country, &SandboxConfig::default())).unwrap();
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
