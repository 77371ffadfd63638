//! `POST /v1/validations/address`, judged by the offline rules (no real
//! address verification). Tests can give canned answers:
//! [`SandboxState::answer_address`]. (The other pre-flight resource, the
//! country rules, is `country_rules.rs`.)

use axum::body::Bytes;
use axum::extract::State as Shared;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::responses::{api_error, codes, success};
use super::state::SandboxState;
use crate::partner_center::models::AddressBody;
use crate::partner_center::resources::{AddressValidationResponse, parse_json};
use crate::validate::{self, CountryCode, PostalCode, State};
use crate::validate::{CustomerFields, Field};

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
