//! Customer reads: `GET /v1/customers` (filter, paging), `GET
//! /v1/customers/{id}` and `HEAD /v1/domains/{domain}`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::paging;
use super::responses::{api_error, codes, success};
use super::state::SandboxState;
use super::view;
use crate::partner_center::resources::Customer;

/// Page size when the request gives none (or 0).
pub(crate) const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page served.
pub(crate) const MAX_PAGE_SIZE: usize = 500;

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
    let size = size.min(state.config().max_page_size.max(1));
    let filter_text = param("filter").filter(|f| !f.trim().is_empty());
    let filter = match filter_text.map(Filter::parse).transpose() {
        Ok(filter) => filter,
        Err(message) => return bad_request(message),
    };
    let offset = match paging::start(param, &headers) {
        Ok(offset) => offset,
        Err(message) => return bad_request(message),
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
        uri.push_str(&paging::percent_encode(text));
    }
    let page = paging::page(items, offset, more, uri, state.config().paging);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

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
