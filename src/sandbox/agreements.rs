//! Microsoft Customer Agreement: `GET /v1/agreements` (metadata, App+User
//! only) and `POST`/`GET /v1/customers/{id}/agreements` (attestation: the
//! `POST` with a template id is App+User only; with an `attestationId`, the
//! enhanced flow's, app-only: `attestations`). With `--legacy-mca retired`
//! the legacy calls answer as a retired endpoint: `GET /v1/agreements`
//! `410`, an agreement with a template id `403` code `13605`.
//!
//! Repeating an attestation with identical contact details is refused with
//! `409` and the extended error shape of code 600061 (Microsoft documents
//! the body, not the status; the sandbox picks 409, "already exists").

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::config::LegacyMca;
use super::gate::Caller;
use super::reads::customer_not_found;
use super::responses::{api_error, codes, plain_json, success};
use super::state::{SandboxState, TokenKind};
use crate::partner_center::resources::{
    AgreementMetadata, ApiErrorBody, Attributes, Collection, CustomerAgreement, Link, Links,
    parse_json,
};

/// The Microsoft Customer Agreement template id (as in Microsoft's example).
pub const MCA_TEMPLATE_ID: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
/// The Microsoft Cloud Agreement template id (as in Microsoft's example).
pub(crate) const MCLOUD_TEMPLATE_ID: &str = "998b88de-aa99-4388-a42c-1b3517d49490";
const MCA: &str = "MicrosoftCustomerAgreement";
const MCLOUD: &str = "MicrosoftCloudAgreement";
const MCA_LINK: &str = "https://aka.ms/customeragreement";

/// `?agreementType=...`.
#[derive(Debug, Deserialize)]
pub(crate) struct AgreementQuery {
    #[serde(rename = "agreementType", alias = "agreementtype")]
    agreement_type: Option<String>,
}

fn mca() -> AgreementMetadata {
    AgreementMetadata {
        template_id: MCA_TEMPLATE_ID.to_owned(),
        agreement_type: MCA.to_owned(),
        agreement_link: MCA_LINK.to_owned(),
        version_rank: 0,
    }
}

fn mcloud() -> AgreementMetadata {
    AgreementMetadata {
        template_id: MCLOUD_TEMPLATE_ID.to_owned(),
        agreement_type: MCLOUD.to_owned(),
        agreement_link: "https://docs.microsoft.com/partner-center/agreements".to_owned(),
        version_rank: 0,
    }
}

/// `GET /v1/agreements[?agreementType=MicrosoftCustomerAgreement|MicrosoftCloudAgreement|All]`
/// (App+User only, as documented).
pub(crate) async fn metadata(
    State(state): State<SandboxState>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<AgreementQuery>, QueryRejection>,
) -> Response {
    if state.config().legacy_mca == LegacyMca::Retired {
        return api_error(
            StatusCode::GONE,
            codes::NOT_FOUND,
            "Partner confirmation of the Microsoft Customer Agreement with a template was retired on 5 January 2026: create an enhanced attestation (POST /v1/attestations/enhanced).",
        );
    }
    if caller.kind != TokenKind::AppUser {
        return app_user_only("Reading agreement metadata (GET /v1/agreements)");
    }
    let Ok(Query(query)) = query else {
        return api_error(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            "The query string is malformed.",
        );
    };
    let items = match query.agreement_type.as_deref() {
        None => vec![mcloud()],
        Some(t) if t.eq_ignore_ascii_case(MCA) => vec![mca()],
        Some(t) if t.eq_ignore_ascii_case(MCLOUD) => vec![mcloud()],
        Some(t) if t.eq_ignore_ascii_case("All") => vec![mcloud(), mca()],
        Some(_) => Vec::new(),
    };
    let page = Collection {
        total_count: items.len() as u64,
        items,
        links: Some(Links {
            self_link: Some(Link::get("/agreements")),
            next: None,
        }),
        attributes: Some(Attributes::object("Collection")),
        continuation_token: None,
    };
    success(StatusCode::OK, &page)
}

/// `POST /v1/customers/{id}/agreements`.
pub(crate) async fn attest(
    State(state): State<SandboxState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let attestation = parse_json::<serde_json::Value>(&body).ok().and_then(|v| {
        let id = v.get("attestationId")?.as_str()?.trim().to_owned();
        (!id.is_empty()).then_some(id)
    });
    if let Some(attestation) = attestation {
        return super::attestations::agreement(&state, caller, &id, &attestation);
    }
    if state.config().legacy_mca == LegacyMca::Retired {
        return api_error(
            StatusCode::FORBIDDEN,
            codes::MCA_REQUIRED,
            "A partner confirmation of the customer's acceptance of the Microsoft Customer Agreement must be provided through an enhanced attestation, or the customer must accept it in the admin center.",
        );
    }
    if caller.kind != TokenKind::AppUser {
        return app_user_only(
            "Confirming a customer's acceptance of the Microsoft Customer Agreement",
        );
    }
    let agreement: CustomerAgreement = match parse_json(&body) {
        Ok(a) => a,
        Err(err) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                codes::BAD_REQUEST,
                format!("The request body is not a valid agreement: {err}"),
            );
        }
    };
    if let Some(refusal) = refusal(&agreement) {
        return refusal;
    }
    state.with_world(|w| {
        if w.tenant.customer(&id).is_none() {
            return customer_not_found(&id);
        }
        let exists = w.tenant.agreements(&id).iter().any(|a| {
            a.template_id.eq_ignore_ascii_case(&agreement.template_id)
                && same_contact(a, &agreement)
        });
        if exists {
            return already_exists();
        }
        let mut stored = agreement.clone();
        stored.user_id = Some(Uuid::new_v4().to_string());
        stored.agreement_link = None;
        w.tenant.add_agreement(&id, stored.clone());
        state.persist(w);
        success(StatusCode::CREATED, &stored)
    })
}

/// `GET /v1/customers/{id}/agreements[?agreementType=...]`.
pub(crate) async fn list(State(state): State<SandboxState>, Path(id): Path<String>) -> Response {
    let found = state.with_world(|w| {
        w.tenant.customer(&id)?;
        Some(w.tenant.agreements(&id).to_vec())
    });
    let Some(agreements) = found else {
        return customer_not_found(&id);
    };
    let items: Vec<CustomerAgreement> = agreements
        .into_iter()
        .map(|mut a| {
            a.user_id = None;
            a.date_agreed = a
                .date_agreed
                .trim_end_matches('Z')
                .trim_end_matches(".000")
                .to_owned();
            a.agreement_link = Some(MCA_LINK.to_owned());
            a
        })
        .collect();
    let page = Collection {
        total_count: items.len() as u64,
        items,
        links: None,
        attributes: Some(Attributes::object("Collection")),
        continuation_token: None,
    };
    success(StatusCode::OK, &page)
}

/// The `400` for an agreement with missing or wrong details, if any.
fn refusal(a: &CustomerAgreement) -> Option<Response> {
    let contact = &a.primary_contact;
    let missing: Vec<&str> = [
        ("primaryContact.firstName", contact.first_name.trim()),
        ("primaryContact.lastName", contact.last_name.trim()),
        ("primaryContact.email", contact.email.trim()),
        ("templateId", a.template_id.trim()),
        ("dateAgreed", a.date_agreed.trim()),
        ("type", a.agreement_type.trim()),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_empty())
    .map(|(k, _)| k)
    .collect();
    if !missing.is_empty() {
        return Some(api_error(
            StatusCode::BAD_REQUEST,
            codes::MISSING,
            format!("Missing details: {}.", missing.join(", ")),
        ));
    }
    if !a.agreement_type.eq_ignore_ascii_case(MCA)
        || !a.template_id.eq_ignore_ascii_case(MCA_TEMPLATE_ID)
    {
        return Some(api_error(
            StatusCode::BAD_REQUEST,
            codes::INVALID,
            format!(
                "Only type {MCA} with templateId {MCA_TEMPLATE_ID} (GET /v1/agreements?agreementType={MCA}) can be attested."
            ),
        ));
    }
    if !contact.email.contains('@') {
        return Some(api_error(
            StatusCode::BAD_REQUEST,
            codes::INVALID,
            format!(
                "primaryContact.email {:?} is not an e-mail address.",
                contact.email
            ),
        ));
    }
    None
}

fn same_contact(a: &CustomerAgreement, b: &CustomerAgreement) -> bool {
    let (x, y) = (&a.primary_contact, &b.primary_contact);
    let phone = |p: &Option<String>| p.as_deref().unwrap_or("").trim().to_owned();
    x.first_name.trim() == y.first_name.trim()
        && x.last_name.trim() == y.last_name.trim()
        && x.email.trim().eq_ignore_ascii_case(y.email.trim())
        && phone(&x.phone_number) == phone(&y.phone_number)
}

/// `409` with the extended shape of Microsoft's 600061 example.
pub(crate) fn already_exists() -> Response {
    let text = "A partner confirmed agreement already exists for the customer.";
    plain_json(
        StatusCode::CONFLICT,
        &ApiErrorBody {
            code: codes::AGREEMENT_EXISTS.to_owned(),
            description: text.to_owned(),
            message: Some(text.to_owned()),
            error_name: Some("PartnerConfirmedAgreementAlreadyExists".to_owned()),
            is_retryable: Some(false),
            error_message_extended: Some(format!("InternalErrorCode={}", codes::AGREEMENT_EXISTS)),
            ..ApiErrorBody::default()
        },
    )
}

/// `403` code 600006 for a call that needs an App+User token.
pub(crate) fn app_user_only(what: &str) -> Response {
    api_error(
        StatusCode::FORBIDDEN,
        codes::FORBIDDEN,
        format!(
            "The requested action is not allowed: {what} needs an App+User token (grant_type=refresh_token)."
        ),
    )
}
