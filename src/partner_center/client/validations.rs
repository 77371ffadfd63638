//! The validation endpoints: a country's validation rules, and address
//! validation (including Partner Center's legacy `400`/`2007` answer, read
//! as a suggestion).

use reqwest::Method;
use uuid::Uuid;

use super::PartnerCenterClient;
use crate::partner_center::error::{ApiError, clean_text};
use crate::partner_center::resources::{
    AddressValidationResponse, ApiErrorBody, CountryValidationRules, parse_json,
};

impl PartnerCenterClient {
    /// `GET /v1/countryvalidationrules/{iso2}`.
    pub async fn country_validation_rules(
        &self,
        iso2: &str,
    ) -> Result<CountryValidationRules, ApiError> {
        let url = self.url(&["v1", "countryvalidationrules", iso2.trim()]);
        let answer = self.send(self.read(Method::GET, url)).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        answer.parse()
    }

    /// `POST /v1/validations/address` under `request_id` (the same for
    /// every retry). Also understands the legacy contract: `200` with an
    /// empty body (status `Verified`), and `400` code `2007` with a JSON
    /// document in the description (status `InteractionRequired`, its
    /// corrected address as the suggestion).
    pub async fn validate_address(
        &self,
        address: &serde_json::Value,
        request_id: Uuid,
    ) -> Result<AddressValidationResponse, ApiError> {
        let body = serde_json::to_string(address).map_err(|e| ApiError::Config {
            message: format!("address: {e}"),
        })?;
        let url = self.url(&["v1", "validations", "address"]);
        let timeout = self.inner.timeout;
        let answer = self
            .send(self.post(url, request_id, &body, timeout))
            .await?;
        if answer.is_success() {
            if answer.is_empty() {
                return Ok(AddressValidationResponse {
                    original_address: address.clone(),
                    status: "Verified".into(),
                    ..AddressValidationResponse::default()
                });
            }
            return answer.parse();
        }
        let error = answer.error();
        if error.status() == Some(400)
            && error.code() == Some("2007")
            && let Some(legacy) = legacy_address_answer(address, &answer.body)
        {
            return Ok(legacy);
        }
        Err(error)
    }
}

/// The legacy `400`/`2007` answer: `description` holds
/// `{"code":"60071","reason":..,"corrected_address":{..snake_case..}}`.
fn legacy_address_answer(
    original: &serde_json::Value,
    body: &[u8],
) -> Option<AddressValidationResponse> {
    let envelope: ApiErrorBody = parse_json(body).ok()?;
    let inner: serde_json::Value = serde_json::from_str(&envelope.description).ok()?;
    let inner = inner.as_object()?;
    let reason = inner.get("reason").and_then(|r| r.as_str()).map(clean_text);
    let suggested = inner
        .get("corrected_address")
        .and_then(|a| a.as_object())
        .map(|a| {
            let converted: serde_json::Map<String, serde_json::Value> = a
                .iter()
                .map(|(k, v)| {
                    let key = match k.as_str() {
                        "region" => "state".to_owned(),
                        other => snake_to_camel(other),
                    };
                    (key, v.clone())
                })
                .collect();
            serde_json::Value::Object(converted)
        });
    Some(AddressValidationResponse {
        original_address: original.clone(),
        suggested_addresses: suggested.into_iter().collect(),
        status: "InteractionRequired".into(),
        validation_message: reason,
    })
}

fn snake_to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn the_legacy_address_error_becomes_a_suggestion() {
        let body = br#"{"code": 2007, "description": "{\"code\":\"60071\",\"reason\":\"ZipCityInvalid - Details: Field - &#39;City&#39; is corrected from OldValue: &#39;Redmond&#39; to NewValue: &#39;BELLEVUE&#39;.\",\"corrected_address\":{\"country\":\"US\",\"region\":\"WA\",\"city\":\"BELLEVUE\",\"address_line1\":\"One Microsoft Way\",\"postal_code\":\"98007\"},\"object_type\":\"AddressValidation\",\"resource_status\":\"Active\"}", "data": [], "source": "PartnerFD"}"#;
        let original = serde_json::json!({"country": "US", "city": "Redmond"});
        let answer = legacy_address_answer(&original, body).unwrap();
        assert_eq!(answer.status, "InteractionRequired");
        assert_eq!(answer.original_address, original);
        let suggestion = &answer.suggested_addresses[0];
        assert_eq!(suggestion["addressLine1"], "One Microsoft Way");
        assert_eq!(suggestion["postalCode"], "98007");
        assert_eq!(suggestion["state"], "WA");
        assert!(
            answer
                .validation_message
                .unwrap()
                .contains("'City' is corrected")
        );
    }
}
