//! `POST /v1/customers`: validation shared with the offline validator,
//! idempotency on `MS-RequestId`, domain uniqueness, the integration-sandbox
//! limit, and the injected faults.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::agreements::app_user_only;
use super::faults::Fault;
use super::gate::{Caller, RequestIds};
use super::net::Connection;
use super::responses::{api_error, api_error_with_data, codes, success, throttled};
use super::state::{SandboxState, TokenKind, World};
use super::tenant::RequestRecord;
use super::view;
use crate::partner_center::models::CustomerRequest;
use crate::partner_center::resources::{
    Attributes, CompanyProfile, Customer, UserCredentials, parse_json,
};
use crate::validate::{self, NewCustomer, Problem, ProblemKind};

/// Marks a response whose connection is dropped instead of answered (for the log).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dropped;

/// What the state said about a create call.
enum Outcome {
    /// A customer was created, or replayed for a known request id: `201`.
    Customer(Box<Customer>),
    /// Refused: the answer.
    Refused(Response),
}

/// `POST /v1/customers`.
pub(crate) async fn create(
    State(state): State<SandboxState>,
    extensions: Extensions,
    body: Bytes,
) -> Response {
    let (Some(caller), Some(ids)) = (
        extensions.get::<Caller>().copied(),
        extensions.get::<RequestIds>().copied(),
    ) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::SERVER_ERROR,
            "request reached the handler without passing the gate",
        );
    };
    let request: CustomerRequest = match parse_json(&body) {
        Ok(request) => request,
        Err(err) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                codes::BAD_REQUEST,
                format!("The request body is not a valid customer: {err}"),
            );
        }
    };
    let domain = request.company_profile.domain.trim().to_owned();
    let fault = state.with_world(|w| {
        w.faults
            .next(Some(domain.as_str()).filter(|d| !d.is_empty()))
    });
    match fault {
        Some(Fault::ServiceUnavailable) => {
            count_fault(&state, &Fault::ServiceUnavailable);
            return api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "The service is temporarily unavailable (injected by the sandbox).",
            );
        }
        Some(Fault::Throttle { retry_after_secs }) => {
            state.with_world(|w| {
                w.stats.count_fault("throttle");
                w.stats.throttled += 1;
            });
            return throttled(retry_after_secs.max(1));
        }
        _ => {}
    }

    let outcome = state.with_world(|w| decide(&state, w, &request, caller, ids.request_id));
    let customer = match outcome {
        Outcome::Refused(response) => {
            if let Some(Fault::Delay(delay)) = fault {
                count_fault(&state, &Fault::Delay(delay));
                tokio::time::sleep(delay).await;
            }
            return response;
        }
        Outcome::Customer(customer) => customer,
    };
    match fault {
        Some(Fault::ServerErrorAfterCreate) => {
            count_fault(&state, &Fault::ServerErrorAfterCreate);
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::SERVER_ERROR,
                "An internal error occurred (injected by the sandbox after creating the customer).",
            )
        }
        Some(Fault::Drop) => {
            count_fault(&state, &Fault::Drop);
            dropped(&extensions)
        }
        Some(Fault::Delay(delay)) => {
            count_fault(&state, &Fault::Delay(delay));
            tokio::time::sleep(delay).await;
            success(StatusCode::CREATED, &view::created(&customer))
        }
        _ => success(StatusCode::CREATED, &view::created(&customer)),
    }
}

fn count_fault(state: &SandboxState, fault: &Fault) {
    state.with_world(|w| w.stats.count_fault(fault.kind()));
}

/// Replay, refuse or create, with the world locked.
fn decide(
    state: &SandboxState,
    w: &mut World,
    request: &CustomerRequest,
    caller: Caller,
    request_id: Uuid,
) -> Outcome {
    let request_id = request_id.to_string();
    let body_hash = hex::encode(Sha256::digest(request.canonical_json().as_bytes()));
    if let Some(record) = w.tenant.request(&request_id) {
        if record.body_hash != body_hash {
            w.stats.request_id_mismatches += 1;
            return Outcome::Refused(api_error(
                StatusCode::BAD_REQUEST,
                codes::REQUEST_ID_REUSED,
                format!(
                    "MS-RequestId {request_id} was already used with a different request body: use a new request id for a different request."
                ),
            ));
        }
        if let Some(customer) = w.tenant.customer(&record.customer_id) {
            w.stats.replays += 1;
            return Outcome::Customer(Box::new(customer.clone()));
        }
    }
    let new = match validate::check(&super::body::request_fields(request)) {
        Ok(new) => new,
        Err(problems) => {
            w.stats.validation_errors += 1;
            return Outcome::Refused(problems_response(&problems));
        }
    };
    if new.associated_partner_id.is_some() && caller.kind != TokenKind::AppUser {
        return Outcome::Refused(app_user_only(
            "Creating a customer for an indirect reseller (associatedPartnerId)",
        ));
    }
    let domain = new.domain.as_str();
    if w.tenant.by_domain(domain).is_some() || w.hooks.foreign_domains.contains(domain) {
        w.stats.domain_conflicts += 1;
        return Outcome::Refused(api_error(
            StatusCode::CONFLICT,
            codes::DOMAIN_IN_USE,
            format!("The domain {domain} is already in use by another tenant."),
        ));
    }
    if let Some(limit) = state.config().customer_limit
        && w.tenant.len() >= limit
    {
        return Outcome::Refused(api_error(
            StatusCode::BAD_REQUEST,
            codes::SANDBOX_LIMIT,
            format!("The integration sandbox account has reached its limit of {limit} customers."),
        ));
    }
    let customer = new_customer(&new);
    let password = random_password();
    let mut stored = customer;
    stored.user_credentials = Some(UserCredentials {
        user_name: "admin".to_owned(),
        password: SecretString::from(password.clone()),
    });
    w.tenant.insert(stored.clone());
    w.tenant.record_request(
        &request_id,
        RequestRecord {
            body_hash,
            customer_id: stored.id.clone(),
        },
    );
    w.passwords.push(password);
    w.stats.customers_created += 1;
    state.persist(w);
    Outcome::Customer(Box::new(stored))
}

/// The `400` for failed validation: the most specific problem's code and
/// message, every problem's message in `data`.
fn problems_response(problems: &[Problem]) -> Response {
    let rank = |kind: ProblemKind| match kind {
        ProblemKind::RegistrationMissing => 0,
        ProblemKind::RegistrationFormat => 1,
        ProblemKind::RegistrationNotAllowed => 2,
        ProblemKind::PhoneMissing => 3,
        ProblemKind::CountryUnsupported => 4,
        ProblemKind::Missing => 5,
        ProblemKind::Invalid | ProblemKind::Duplicate => 6,
    };
    let Some(first) = problems.iter().min_by_key(|p| rank(p.kind)) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            codes::INVALID,
            "The customer is invalid.",
        );
    };
    api_error_with_data(
        StatusCode::BAD_REQUEST,
        first.kind.api_code(),
        first.message.clone(),
        problems.iter().map(|p| p.message.clone()).collect(),
    )
}

/// The stored customer for a validated body (without credentials).
fn new_customer(new: &NewCustomer) -> Customer {
    let id = Uuid::new_v4().to_string();
    let request = CustomerRequest::from(new);
    let mut billing = serde_json::to_value(&request.billing_profile)
        .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::new()));
    if let serde_json::Value::Object(map) = &mut billing {
        map.insert("id".to_owned(), Uuid::new_v4().to_string().into());
        let etag: i64 = rand::rng().random();
        map.insert(
            "attributes".to_owned(),
            serde_json::json!({"etag": etag.to_string(), "objectType": "CustomerBillingProfile"}),
        );
    }
    Customer {
        id: id.clone(),
        commerce_id: Some(Uuid::new_v4().to_string()),
        company_profile: CompanyProfile {
            tenant_id: id,
            domain: new.domain.as_str().to_owned(),
            company_name: Some(new.company_name.clone()),
            links: None,
            attributes: None,
        },
        billing_profile: Some(billing),
        relationship_to_partner: Some("reseller".to_owned()),
        user_credentials: None,
        associated_partner_id: request.associated_partner_id,
        allow_delegated_access: Some(true),
        links: None,
        attributes: Some(Attributes::object("Customer")),
    }
}

/// A random initial password: 12 characters with upper, lower, digit and
/// symbol (the real ones hold `=`, `;`, `*`, `.`).
fn random_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"=;.*!@#$%+-";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| char::from(set[rng.random_range(0..set.len())]);
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGIT), pick(SYMBOL)];
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
    while chars.len() < 12 {
        chars.push(pick(&all));
    }
    // Shuffle so the classes are not always in the same places.
    for i in (1..chars.len()).rev() {
        let j = rng.random_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

/// Drop the connection without an answer. Without a connection (a router
/// driven by `oneshot`), answer `201` with a body that fails mid-stream.
fn dropped(extensions: &Extensions) -> Response {
    let mut response = match extensions.get::<ConnectInfo<Connection>>() {
        Some(ConnectInfo(connection)) => {
            connection.drop_without_answer();
            StatusCode::CREATED.into_response()
        }
        None => {
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "connection dropped by the sandbox",
                ))
            });
            (StatusCode::CREATED, Body::from_stream(failing)).into_response()
        }
    };
    response.extensions_mut().insert(Dropped);
    response
}
