//! The enhanced MCA attestation as the sandbox plays it (docs/sandbox.md):
//! `POST /v1/attestations/enhanced` (app-only) makes an attestation whose
//! acceptance link points at the sandbox's own page (`acceptance`), `GET
//! /v1/attestations/enhanced/{id}` says where it stands (`Pending`,
//! `Ready` once accepted, `Expired` after `--attestation-ttl`), and
//! `POST /v1/customers/{id}/agreements` with its `attestationId` records
//! the agreement once it is accepted.
//!
//! Microsoft publishes neither the answer's fields nor the states: the
//! sandbox answers with the names pc-onboard guesses first (`id`,
//! `status`, `url`) or, with `--attestation-names alternate`, with others
//! a client must read as well.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::config::AttestationNames;
use super::gate::{Caller, RequestIds};
use super::reads::customer_not_found;
use super::responses::{api_error, codes, success};
use super::state::{SandboxState, TokenKind};
use super::tenant::Attestation;
use crate::partner_center::resources::{AgreementContact, CustomerAgreement, parse_json};

/// The fields a creation must carry (Microsoft's documented ones).
const REQUIRED: [&str; 5] = [
    "country",
    "language",
    "companyName",
    "signatoryFirstName",
    "signatoryLastName",
];

/// The path of the acceptance page of attestation `id`.
pub(crate) fn acceptance_path(id: &str) -> String {
    format!("/sandbox/mca/{id}")
}

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// `POST /v1/attestations/enhanced`.
pub(crate) async fn create(
    State(state): State<SandboxState>,
    Extension(caller): Extension<Caller>,
    Extension(ids): Extension<RequestIds>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if caller.kind != TokenKind::AppOnly {
        return app_only("Creating an enhanced MCA attestation (POST /v1/attestations/enhanced)");
    }
    let request: Value = match parse_json(&body) {
        Ok(value @ Value::Object(_)) => value,
        _ => {
            let text = "The request body is not a JSON object.";
            return api_error(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, text);
        }
    };
    if let Some(refusal) = refusal(&request) {
        return refusal;
    }
    let hash = hex::encode(Sha256::digest(request.to_string().as_bytes()));
    let request_id = ids.request_id.to_string();
    let host = host(&headers);
    let names = state.config().attestation_names;
    let ttl = u64::try_from(state.config().attestation_ttl.as_millis()).unwrap_or(u64::MAX);
    state.with_world(|w| {
        if let Some(earlier) = w.tenant.attestation_of_request(&request_id) {
            if earlier.body_hash != hash {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    codes::REQUEST_ID_REUSED,
                    format!(
                        "MS-RequestId {request_id} was already used with a different request body."
                    ),
                );
            }
            return success(StatusCode::CREATED, &answer(earlier, names, now_ms()));
        }
        let id = Uuid::new_v4().to_string();
        let created_ms = now_ms();
        let attestation = Attestation {
            link: format!("http://{host}{}", acceptance_path(&id)),
            id,
            request,
            body_hash: hash,
            created_ms,
            expires_ms: created_ms.saturating_add(ttl),
            accepted_ms: None,
            used_by: None,
        };
        w.stats.attestations_created += 1;
        let created = answer(&attestation, names, created_ms);
        w.tenant.add_attestation(&request_id, attestation);
        state.persist(w);
        success(StatusCode::CREATED, &created)
    })
}

/// `GET /v1/attestations/enhanced/{id}`.
pub(crate) async fn read(
    State(state): State<SandboxState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    if caller.kind != TokenKind::AppOnly {
        return app_only("Reading an enhanced MCA attestation");
    }
    let names = state.config().attestation_names;
    state.with_world(|w| match w.tenant.attestation(&id) {
        Some(found) => success(StatusCode::OK, &answer(found, names, now_ms())),
        None => unknown(&id),
    })
}

/// `POST /v1/customers/{customer}/agreements` with an `attestationId`
/// (app-only): the agreement, once the attestation is accepted.
pub(crate) fn agreement(
    state: &SandboxState,
    caller: Caller,
    customer: &str,
    attestation_id: &str,
) -> Response {
    if caller.kind != TokenKind::AppOnly {
        return app_only("Creating an agreement with an enhanced attestation");
    }
    state.with_world(|w| {
        if w.tenant.customer(customer).is_none() {
            return customer_not_found(customer);
        }
        let now = now_ms();
        let Some(found) = w.tenant.attestation(attestation_id).cloned() else {
            return unknown(attestation_id);
        };
        let refused = |text: String| api_error(StatusCode::BAD_REQUEST, codes::INVALID, text);
        match (found.state(now), found.used_by.as_deref()) {
            ("Expired", _) => {
                return refused(format!(
                    "Attestation {attestation_id} expired before the customer accepted it."
                ));
            }
            ("Pending", _) => {
                return refused(format!(
                    "The customer has not accepted attestation {attestation_id} yet."
                ));
            }
            (_, Some(used)) if !used.eq_ignore_ascii_case(customer) => {
                return refused(format!(
                    "Attestation {attestation_id} was used for another customer."
                ));
            }
            (_, Some(_)) => return super::agreements::already_exists(),
            _ => {}
        }
        let agreement = CustomerAgreement {
            user_id: None,
            primary_contact: AgreementContact {
                first_name: found.field("signatoryFirstName").to_owned(),
                last_name: found.field("signatoryLastName").to_owned(),
                email: found.field("signatoryEmail").to_owned(),
                phone_number: None,
            },
            template_id: super::agreements::MCA_TEMPLATE_ID.to_owned(),
            date_agreed: humantime::format_rfc3339_seconds(
                UNIX_EPOCH + std::time::Duration::from_millis(found.accepted_ms.unwrap_or(now)),
            )
            .to_string(),
            agreement_type: "MicrosoftCustomerAgreement".to_owned(),
            agreement_link: None,
            attestation_id: Some(found.id.clone()),
        };
        if let Some(used) = w.tenant.attestation_mut(attestation_id) {
            used.used_by = Some(customer.to_owned());
        }
        w.tenant.add_agreement(customer, agreement.clone());
        state.persist(w);
        success(StatusCode::CREATED, &agreement)
    })
}

/// Accept the attestation `id` at its page: `Ok(company)` when accepted
/// (or already accepted), `Err(why not)` when unknown or expired.
pub(crate) fn accept(state: &SandboxState, id: &str) -> Result<String, &'static str> {
    state.with_world(|w| {
        let now = now_ms();
        let found = w.tenant.attestation_mut(id).ok_or("unknown")?;
        match found.state(now) {
            "Expired" => Err("expired"),
            _ => {
                found.accepted_ms.get_or_insert(now);
                let company = found.field("companyName").to_owned();
                w.stats.acceptances += 1;
                state.persist(w);
                Ok(company)
            }
        }
    })
}

/// The answer about `a` at `now` in the names of `names`.
fn answer(a: &Attestation, names: AttestationNames, now: u64) -> Value {
    let expires = humantime::format_rfc3339_seconds(
        UNIX_EPOCH + std::time::Duration::from_millis(a.expires_ms),
    )
    .to_string();
    match names {
        AttestationNames::Plain => json!({
            "id": a.id, "status": a.state(now), "url": a.link, "expiresAt": expires,
            "companyName": a.field("companyName"),
            "attributes": {"objectType": "EnhancedAttestation"},
        }),
        AttestationNames::Alternate => json!({
            "attestationId": a.id, "attestationStatus": a.state(now).to_uppercase(),
            "links": {"acceptance": {"uri": a.link, "method": "GET"}},
            "expiry": expires,
            "attributes": {"objectType": "EnhancedAttestation"},
        }),
    }
}

/// The `400` for a creation body missing a documented field, if any.
fn refusal(request: &Value) -> Option<Response> {
    let text = |k: &str| {
        request
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|k| text(k).is_empty())
        .collect();
    if !missing.is_empty() {
        let text = format!("Missing details: {}.", missing.join(", "));
        return Some(api_error(StatusCode::BAD_REQUEST, codes::MISSING, text));
    }
    let country = text("country");
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        let text = format!("country {country:?} is not an ISO 3166-1 alpha-2 code.");
        return Some(api_error(StatusCode::BAD_REQUEST, codes::INVALID, text));
    }
    None
}

/// `host:port` the request was sent to, for links back to the sandbox.
fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1")
        .to_owned()
}

fn unknown(id: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        format!("Attestation {id} could not be found."),
    )
}

/// `403` code 600006 for a call the enhanced attestation takes app-only.
fn app_only(what: &str) -> Response {
    api_error(
        StatusCode::FORBIDDEN,
        codes::FORBIDDEN,
        format!(
            "The requested action is not allowed: {what} supports app-only authentication only."
        ),
    )
}
