//! Customer reads: `GET /v1/customers` (filter, paging), `GET
//! /v1/customers/{id}` and `HEAD /v1/domains/{domain}`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::responses::{api_error, codes, success};
use super::state::SandboxState;
use super::view;
use crate::partner_center::resources::{Attributes, Collection, Customer, Link, LinkHeader, Links};

/// Page size when the request gives none (or 0).
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page served.
pub const MAX_PAGE_SIZE: usize = 500;

const CONTINUATION: &str = "MS-ContinuationToken";

/// `GET /v1/customers?size=N&filter=JSON[&seekOperation=Next]`.
pub(crate) async fn list_customers(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("The query string is malformed.");
    };
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let size = match param("size").map(str::trim) {
        None | Some("") => DEFAULT_PAGE_SIZE,
        Some(text) => match text.parse::<usize>() {
            Ok(0) => DEFAULT_PAGE_SIZE,
            Ok(n) => n.min(MAX_PAGE_SIZE),
            Err(_) => return bad_request(format!("size {text:?} is not a number.")),
        },
    };
    let filter_text = param("filter").filter(|f| !f.trim().is_empty());
    let filter = match filter_text.map(Filter::parse).transpose() {
        Ok(filter) => filter,
        Err(message) => return bad_request(message),
    };
    let offset = match param("seekOperation") {
        None => 0,
        Some(op) if op.eq_ignore_ascii_case("next") => {
            let token = headers
                .get(CONTINUATION)
                .and_then(|v| v.to_str().ok())
                .map(str::trim);
            match token.and_then(decode_token) {
                Some(offset) => offset,
                None => {
                    return bad_request(
                        "seekOperation=Next needs the MS-ContinuationToken header of links.next.",
                    );
                }
            }
        }
        Some(op) => return bad_request(format!("seekOperation {op:?} is not supported.")),
    };
    let (items, more) = state.with_world(|w| {
        let mut matching = w
            .tenant
            .customers()
            .iter()
            .filter(|c| filter.as_ref().is_none_or(|f| f.matches(c)))
            .skip(offset);
        let items: Vec<Customer> = matching.by_ref().take(size).map(view::list_item).collect();
        (items, matching.next().is_some())
    });
    let mut uri = format!("/customers?size={size}");
    if let Some(text) = filter_text {
        uri.push_str("&filter=");
        uri.push_str(&percent_encode(text));
    }
    let next = more.then(|| Link {
        uri: format!("{uri}&seekOperation=Next"),
        method: "GET".to_owned(),
        headers: vec![LinkHeader {
            key: CONTINUATION.to_owned(),
            value: encode_token(offset + items.len()),
        }],
    });
    let page = Collection {
        total_count: items.len() as u64,
        items,
        links: Some(Links {
            self_link: Some(Link::get(uri)),
            next,
        }),
        attributes: Some(Attributes::object("Collection")),
        continuation_token: None,
    };
    success(StatusCode::OK, &page)
}

/// `GET /v1/customers/{id}`.
pub(crate) async fn get_customer(
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Response {
    match state.with_world(|w| w.tenant.customer(&id).map(view::detail)) {
        Some(customer) => success(StatusCode::OK, &customer),
        None => customer_not_found(&id),
    }
}

/// `HEAD /v1/domains/{domain}`: `200` taken, `404` free, no body.
pub(crate) async fn domain_exists(
    State(state): State<SandboxState>,
    Path(domain): Path<String>,
) -> Response {
    let domain = domain.trim();
    let taken = state.with_world(|w| {
        w.tenant.by_domain(domain).is_some()
            || w.hooks.foreign_domains.contains(&domain.to_lowercase())
    });
    if taken {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// `404` naming the customer id.
pub(crate) fn customer_not_found(id: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        format!("Customer {id} could not be found."),
    )
}

fn bad_request(message: impl Into<String>) -> Response {
    api_error(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
}

/// `{"Field": "Domain"|"CompanyName"|"IndirectReseller", "Value": "...", "Operator": "starts_with"}`.
#[derive(Debug)]
struct Filter {
    field: FilterField,
    value: String,
}

#[derive(Debug, Clone, Copy)]
enum FilterField {
    Domain,
    CompanyName,
    IndirectReseller,
}

impl Filter {
    fn parse(text: &str) -> Result<Self, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("filter is not JSON ({e}): {text}"))?;
        let object = json
            .as_object()
            .ok_or_else(|| "filter must be a JSON object".to_owned())?;
        let get = |name: &str| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
        };
        let field = match get("Field") {
            Some(f) if f.eq_ignore_ascii_case("Domain") => FilterField::Domain,
            Some(f) if f.eq_ignore_ascii_case("CompanyName") => FilterField::CompanyName,
            Some(f) if f.eq_ignore_ascii_case("IndirectReseller") => FilterField::IndirectReseller,
            other => {
                return Err(format!(
                    "filter Field {other:?} is not supported (Domain, CompanyName, IndirectReseller)"
                ));
            }
        };
        match get("Operator") {
            Some(op) if op.eq_ignore_ascii_case("starts_with") => {}
            other => {
                return Err(format!(
                    "filter Operator {other:?} is not supported (starts_with)"
                ));
            }
        }
        let value = get("Value")
            .ok_or_else(|| "filter Value is required".to_owned())?
            .to_lowercase();
        Ok(Self { field, value })
    }

    fn matches(&self, customer: &Customer) -> bool {
        let text = match self.field {
            FilterField::Domain => customer.company_profile.domain.as_str(),
            FilterField::CompanyName => customer
                .company_profile
                .company_name
                .as_deref()
                .unwrap_or(""),
            FilterField::IndirectReseller => {
                customer.associated_partner_id.as_deref().unwrap_or("")
            }
        };
        text.to_lowercase().starts_with(&self.value)
    }
}

/// An opaque continuation token for `offset`.
fn encode_token(offset: usize) -> String {
    hex::encode(format!("sbx-offset:{offset}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let bytes = hex::decode(token).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    text.strip_prefix("sbx-offset:")?.parse().ok()
}

/// Percent-encode everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;

    #[test]
    fn continuation_tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_token(&encode_token(250)), Some(250));
        assert_eq!(decode_token("AQAAAA=="), None);
    }

    #[test]
    fn percent_encoding_matches_the_documented_filter() {
        assert_eq!(
            percent_encode(r#"{"Field":"Domain","Value":"cont","Operator":"starts_with"}"#),
            "%7B%22Field%22%3A%22Domain%22%2C%22Value%22%3A%22cont%22%2C%22Operator%22%3A%22starts_with%22%7D"
        );
    }

    #[test]
    fn filter_keys_and_fields_are_case_insensitive() {
        let f =
            Filter::parse(r#"{"field":"domain","value":"CON","operator":"STARTS_WITH"}"#).unwrap();
        let mut c = Customer::default();
        c.company_profile.domain = "contoso.onmicrosoft.com".into();
        assert!(f.matches(&c));
        assert!(
            Filter::parse(r#"{"Field":"Email","Value":"x","Operator":"starts_with"}"#).is_err()
        );
        assert!(Filter::parse(r#"{"Field":"Domain","Value":"x","Operator":"equals"}"#).is_err());
    }
}
