//! Pre-flight resources: `GET /v1/countryvalidationrules/{iso2}` from the
//! embedded country data, and `POST /v1/validations/address` judged by the
//! same offline rules (no real address verification). Tests can replace
//! both: [`SandboxState::set_country_rules`] and [`SandboxState::answer_address`].

use axum::body::Bytes;
use axum::extract::{Path, State as Shared};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::responses::{api_error, codes, success};
use super::state::SandboxState;
use crate::partner_center::models::AddressBody;
use crate::partner_center::resources::{
    AddressValidationResponse, CountryValidationRules, parse_json,
};
use crate::validate::{self, CountryCode, CountryRules, PostalCode, State};
use crate::validate::{CustomerFields, Field};

/// `GET /v1/countryvalidationrules/{iso2}`.
pub(crate) async fn country_rules(
    Shared(state): Shared<SandboxState>,
    Path(iso2): Path<String>,
) -> Response {
    let code = iso2.trim();
    let set = state.with_world(|w| w.hooks.country_rules.get(&code.to_uppercase()).cloned());
    if let Some(rules) = set {
        return success(StatusCode::OK, &rules);
    }
    match CountryCode::parse(code) {
        Ok(country) => success(StatusCode::OK, &rules_resource(country.rules())),
        Err(reason) => api_error(
            StatusCode::NOT_FOUND,
            codes::COUNTRY_UNSUPPORTED,
            format!("Country {code:?} {reason}."),
        ),
    }
}

/// The live service's flat shape, filled from the country data. The data has
/// no languages, cultures, phone or tax rules: the lists are empty (a client
/// then has nothing to check them against) and the rest is generic.
fn rules_resource(rules: &CountryRules) -> CountryValidationRules {
    let code = rules.code();
    let registration = rules.registration();
    CountryValidationRules {
        iso2_code: code.to_owned(),
        default_culture: format!("en-{code}"),
        is_state_required: rules.requires_state(),
        supported_states_list: rules
            .subdivisions()
            .iter()
            .map(|s| s.code().to_owned())
            .collect(),
        supported_languages_list: Vec::new(),
        supported_cultures_list: Vec::new(),
        is_postal_code_required: rules.requires_postal_code(),
        postal_code_regex: rules.postal_code_pattern().map(str::to_owned),
        is_city_required: rules.requires_city(),
        is_vat_id_supported: false,
        phone_number_regex: None,
        is_tax_id_supported: false,
        is_tax_id_optional: true,
        country_calling_codes_list: Vec::new(),
        customer_organization_registration_number_required: Some(registration.is_some()),
        customer_organization_registration_number_regex: registration
            .map(|r| format!("^(?:{})$", r.pattern())),
        customer_organization_registration_number_phone_number_required: Some(
            registration.is_some(),
        ),
    }
}

/// The address fields the offline rules check, with the API's property names.
const ADDRESS_FIELDS: [(Field, &str); 6] = [
    (Field::AddressLine1, "AddressLine1"),
    (Field::AddressLine2, "AddressLine2"),
    (Field::AddressLine3, "AddressLine3"),
    (Field::City, "City"),
    (Field::State, "Region"),
    (Field::PostalCode, "PostalCode"),
];

/// `POST /v1/validations/address`.
pub(crate) async fn validate_address(Shared(state): Shared<SandboxState>, body: Bytes) -> Response {
    let address: AddressBody = match parse_json(&body) {
        Ok(address) => address,
        Err(err) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                codes::BAD_REQUEST,
                format!("The request body is not an address: {err}"),
            );
        }
    };
    let key = address.address_line1.trim().to_lowercase();
    let canned = state.with_world(|w| w.hooks.address_answers.get(&key).cloned());
    if let Some(mut answer) = canned {
        let opt = |o: &Option<String>| o.as_deref().unwrap_or("").trim().to_owned();
        let original = wire_address(&address, &opt(&address.state), &opt(&address.postal_code));
        answer.original_address = Value::Object(original);
        return success(StatusCode::OK, &answer);
    }
    success(StatusCode::OK, &judge(&address))
}

/// Run the address through the offline rules (the other customer fields are
/// filled with valid values, and their problems ignored).
fn judge(address: &AddressBody) -> AddressValidationResponse {
    let opt = |o: &Option<String>| o.as_deref().unwrap_or("").trim().to_owned();
    let fields = CustomerFields::new()
        .with(Field::CompanyName, "Address Check")
        .with(Field::Domain, "addresscheck.onmicrosoft.com")
        .with(Field::Email, "check@example.com")
        .with(Field::Culture, "en-US")
        .with(Field::Language, "en")
        .with(Field::FirstName, "Address")
        .with(Field::LastName, "Check")
        .with(Field::AddressLine1, &address.address_line1)
        .with(Field::City, &address.city)
        .with(Field::Country, &address.country);
    let (line2, line3, state, postal) = (
        opt(&address.address_line2),
        opt(&address.address_line3),
        opt(&address.state),
        opt(&address.postal_code),
    );
    let fields = fields
        .with(Field::AddressLine2, &line2)
        .with(Field::AddressLine3, &line3)
        .with(Field::State, &state)
        .with(Field::PostalCode, &postal);
    let problems: Vec<_> = match validate::check(&fields) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .into_iter()
            .filter(|p| {
                p.field == Field::Country || ADDRESS_FIELDS.iter().any(|(f, _)| *f == p.field)
            })
            .collect(),
    };
    let original = wire_address(address, &state, &postal);
    let country = CountryCode::parse(address.country.trim()).ok();
    let (Some(country), true) = (country, problems.is_empty()) else {
        return refused(original, country, &problems, &state, &postal);
    };
    let mut suggested = original.clone();
    if let Ok(s) = State::parse(&state, &country) {
        suggested.insert("state".to_owned(), s.as_str().into());
    }
    if let Ok(p) = PostalCode::parse(&postal, &country) {
        suggested.insert("postalCode".to_owned(), p.as_str().into());
    }
    suggested.insert("country".to_owned(), country.as_str().into());
    AddressValidationResponse {
        original_address: Value::Object(original),
        suggested_addresses: vec![Value::Object(suggested)],
        status: "VerifiedShippable".to_owned(),
        validation_message: None,
    }
}

/// `None` when the country or street is unusable, else `StreetPartial` with
/// a suggestion where the data allows one (the state's code, an example
/// postal code).
fn refused(
    original: Map<String, Value>,
    country: Option<CountryCode>,
    problems: &[validate::Problem],
    state: &str,
    postal: &str,
) -> AddressValidationResponse {
    let mut properties: Vec<&str> = Vec::new();
    if problems.iter().any(|p| p.field == Field::Country) {
        properties.push("Country");
    }
    for (field, name) in ADDRESS_FIELDS {
        if problems.iter().any(|p| p.field == field) {
            properties.push(name);
        }
    }
    let details: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    let message = format!(
        "Address field invalid for property: '{}' ({})",
        properties.join("', '"),
        details.join("; ")
    );
    let unusable = country.is_none() || problems.iter().any(|p| p.field == Field::AddressLine1);
    let mut suggestions = Vec::new();
    if let (Some(country), false) = (country, unusable) {
        let mut suggested = original.clone();
        let mut changed = false;
        if let Ok(s) = State::parse(state, &country) {
            changed |= s.as_str() != state;
            suggested.insert("state".to_owned(), s.as_str().into());
        }
        let postal_bad = problems.iter().any(|p| p.field == Field::PostalCode);
        if let (true, Some(example)) = (postal_bad, country.rules().postal_code_examples().first())
        {
            changed |= example != postal;
            suggested.insert("postalCode".to_owned(), example.as_str().into());
        }
        if changed {
            suggestions.push(Value::Object(suggested));
        }
    }
    AddressValidationResponse {
        original_address: Value::Object(original),
        suggested_addresses: suggestions,
        status: if unusable { "None" } else { "StreetPartial" }.to_owned(),
        validation_message: Some(message),
    }
}

/// The address as the service echoes it: camelCase, empty parts left out.
fn wire_address(address: &AddressBody, state: &str, postal: &str) -> Map<String, Value> {
    let mut map = Map::new();
    let mut put = |key: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() {
            map.insert(key.to_owned(), value.into());
        }
    };
    put("country", &address.country);
    put("city", &address.city);
    put("state", state);
    put("addressLine1", &address.address_line1);
    put(
        "addressLine2",
        address.address_line2.as_deref().unwrap_or(""),
    );
    put(
        "addressLine3",
        address.address_line3.as_deref().unwrap_or(""),
    );
    put("postalCode", postal);
    map
}
