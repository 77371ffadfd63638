//! `POST /v1/customers`: the App+User rule for indirect resellers,
//! idempotency on `MS-RequestId` (a customer and a business refusal are
//! both answered again for the same id and body), validation shared with the offline
//! validator, domain uniqueness and the integration-sandbox limit. (Faults
//! are injected around the handler: `inject.rs`.)

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Extensions, StatusCode};
use axum::response::Response;
use rand::RngExt;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::agreements::app_user_only;
use super::config::SandboxConfig;
use super::country_rules::unlisted_state;
use super::gate::{Caller, RequestIds};
use super::responses::{api_error, api_error_with_data, codes, success};
use super::state::{Refusal, SandboxState, TokenKind, World};
use super::tenant::RequestRecord;
use super::view;
use crate::partner_center::models::CustomerRequest;
use crate::partner_center::resources::{
    Attributes, CompanyProfile, Customer, UserCredentials, parse_json,
};
use crate::validate::{self, CheckContext, Field, NewCustomer, Problem, ProblemKind};

/// What the state said about a create call.
enum Outcome {
    /// A customer was created, or replayed for a known request id: `201`.
    Customer(Box<Customer>),
    /// Refused: the answer.
    Refused(Response),
}

/// `POST /v1/customers` (faults are injected around it: `inject.rs`).
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
    match state.with_world(|w| decide(&state, w, &request, caller, ids.request_id)) {
        Outcome::Refused(response) => response,
        Outcome::Customer(customer) => success(StatusCode::CREATED, &view::created(&customer)),
    }
}

/// Replay, refuse or create, with the world locked.
fn decide(
    state: &SandboxState,
    w: &mut World,
    request: &CustomerRequest,
    caller: Caller,
    request_id: Uuid,
) -> Outcome {
    let indirect = request
        .associated_partner_id
        .as_deref()
        .is_some_and(|id| !id.trim().is_empty());
    if indirect && caller.kind != TokenKind::AppUser {
        return Outcome::Refused(app_user_only(
            "Creating a customer for an indirect reseller (associatedPartnerId)",
        ));
    }
    let request_id = request_id.to_string();
    let body_hash = hex::encode(Sha256::digest(request.canonical_json().as_bytes()));
    if let Some((hash, refusal)) = w.hooks.refusals.get(&request_id)
        && *hash == body_hash
    {
        w.stats.replays += 1;
        return Outcome::Refused(refused(refusal));
    }
    match refuse_or_create(state, w, request, &request_id, &body_hash) {
        Ok(customer) => Outcome::Customer(customer),
        Err(refusal) => {
            let response = refused(&refusal);
            w.hooks.refusals.insert(request_id, (body_hash, refusal));
            Outcome::Refused(response)
        }
    }
}

/// The answer for a remembered refusal.
fn refused(refusal: &Refusal) -> Response {
    if refusal.data.is_empty() {
        api_error(refusal.status, &refusal.code, refusal.description.clone())
    } else {
        api_error_with_data(
            refusal.status,
            &refusal.code,
            refusal.description.clone(),
            refusal.data.clone(),
        )
    }
}

/// Replay a known request id's customer, refuse the body, or create it.
fn refuse_or_create(
    state: &SandboxState,
    w: &mut World,
    request: &CustomerRequest,
    request_id: &str,
    body_hash: &str,
) -> Result<Box<Customer>, Refusal> {
    let refusal = |status, code: &str, description: String| Refusal {
        status,
        code: code.to_owned(),
        description,
        data: Vec::new(),
    };
    if let Some(record) = w.tenant.request(request_id) {
        if record.body_hash != body_hash {
            w.stats.request_id_mismatches += 1;
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                codes::REQUEST_ID_REUSED,
                format!(
                    "MS-RequestId {request_id} was already used with a different request body: use a new request id for a different request."
                ),
            ));
        }
        if let Some(customer) = w.tenant.customer(&record.customer_id) {
            w.stats.replays += 1;
            return Ok(Box::new(customer.clone()));
        }
    }
    let new = validated(w, state.config(), request)?;
    let domain = new.domain.as_str();
    if w.tenant.by_domain(domain).is_some() || w.hooks.foreign_domains.contains(domain) {
        w.stats.domain_conflicts += 1;
        return Err(refusal(
            StatusCode::CONFLICT,
            codes::DOMAIN_IN_USE,
            format!("The domain {domain} is already in use by another tenant."),
        ));
    }
    if let Some(limit) = state.config().customer_limit
        && w.tenant.len() >= limit
    {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            codes::SANDBOX_LIMIT,
            format!("The integration sandbox account has reached its limit of {limit} customers."),
        ));
    }
    let customer = new_customer(&new, request.enable_gdap_by_default);
    let password = random_password();
    let mut stored = customer;
    stored.user_credentials = Some(UserCredentials {
        user_name: "admin".to_owned(),
        password: SecretString::from(password.clone()),
    });
    w.tenant.insert(stored.clone());
    w.tenant.record_request(
        request_id,
        RequestRecord {
            body_hash: body_hash.to_owned(),
            customer_id: stored.id.clone(),
        },
    );
    w.passwords.push(password);
    w.stats.customers_created += 1;
    state.persist(w);
    Ok(Box::new(stored))
}

/// A posted body checked as Partner Center checks it: the offline
/// validator, then the state against the country's served list. The state
/// is kept as posted (the listed form), not as the code it was checked as.
fn validated(
    w: &mut World,
    config: &SandboxConfig,
    request: &CustomerRequest,
) -> Result<NewCustomer, Refusal> {
    let mut new = check(request, config).map_err(|problems| {
        w.stats.validation_errors += 1;
        problems_refusal(&problems)
    })?;
    let address = &request.billing_profile.default_address;
    let posted = address.state.as_deref().unwrap_or_default().trim();
    if let Some(reason) = unlisted_state(w, config, &address.country, posted) {
        w.stats.validation_errors += 1;
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            code: codes::INVALID.to_owned(),
            description: reason,
            data: Vec::new(),
        });
    }
    new.address.state = new
        .address
        .state
        .take()
        .map(|s| s.listed_as(posted.to_owned()));
    Ok(new)
}

/// Validate a posted body with the offline validator, the sandbox's
/// partner domains known (its own and `--partner-domain`s). A registration number given for a country that
/// takes none (`600002`) is ignored unless `strict_registration`
/// (Microsoft's newest create page calls it optional there): the body is
/// checked again without it.
fn check(request: &CustomerRequest, config: &SandboxConfig) -> Result<NewCustomer, Vec<Problem>> {
    let fields = super::body::request_fields(request);
    // The sandbox partner's own domain (its user's) always, as Partner
    // Center knows its partner's domains; `--partner-domain`s besides.
    let own = crate::partner_center::auth::jwt::user_domain(super::claims::SANDBOX_USER);
    let context =
        CheckContext::default().with_partner_domains(own.iter().chain(&config.partner_domains));
    match validate::check_with(&fields, &context) {
        Err(problems)
            if !config.strict_registration
                && problems
                    .iter()
                    .any(|p| p.kind == ProblemKind::RegistrationNotAllowed) =>
        {
            let remaining: Vec<Problem> = problems
                .into_iter()
                .filter(|p| p.kind != ProblemKind::RegistrationNotAllowed)
                .collect();
            if !remaining.is_empty() {
                return Err(remaining);
            }
            validate::check_with(&fields.with(Field::RegistrationNumber, ""), &context)
        }
        checked => checked,
    }
}

/// The `400` for failed validation: the most specific problem's code and
/// message, every problem's message in `data`.
fn problems_refusal(problems: &[Problem]) -> Refusal {
    let rank = |kind: ProblemKind| match kind {
        ProblemKind::RegistrationMissing => 0,
        ProblemKind::RegistrationFormat => 1,
        ProblemKind::RegistrationNotAllowed => 2,
        ProblemKind::PhoneMissing => 3,
        ProblemKind::CountryUnsupported => 4,
        ProblemKind::Missing => 5,
        // The name and e-mail rules, each its own code.
        ProblemKind::SingleCharacter
        | ProblemKind::OnlySpecialCharacters
        | ProblemKind::OnlySpaces
        | ProblemKind::SpacedCharacters
        | ProblemKind::LegalFormOnly
        | ProblemKind::RepeatedCharacter
        | ProblemKind::MicrosoftEmail
        | ProblemKind::PartnerEmail
        | ProblemKind::ControlCharacter => 6,
        // Never found in a posted body (a warning is not a refusal; the
        // others are a run's: its credentials, the domain look-up).
        ProblemKind::Invalid
        | ProblemKind::Duplicate
        | ProblemKind::NeedsAppUser
        | ProblemKind::DomainInName
        | ProblemKind::DomainTaken => 7,
    };
    let Some(first) = problems.iter().min_by_key(|p| rank(p.kind)) else {
        return Refusal {
            status: StatusCode::BAD_REQUEST,
            code: codes::INVALID.to_owned(),
            description: "The customer is invalid.".to_owned(),
            data: Vec::new(),
        };
    };
    Refusal {
        status: StatusCode::BAD_REQUEST,
        code: first.kind.code().to_owned(),
        description: first.message.clone(),
        data: problems.iter().map(|p| p.message.clone()).collect(),
    }
}

/// The stored customer for a validated body (without credentials), with
/// the body's `enableGDAPByDefault` as posted (`None`: absent), which the
/// create answer echoes and which decides its Default GDAP relationship.
fn new_customer(new: &NewCustomer, enable_gdap_by_default: Option<bool>) -> Customer {
    let id = Uuid::new_v4().to_string();
    let request = CustomerRequest::from(new);
    let indirect = request.associated_partner_id.is_some();
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
        // As Microsoft's examples: a direct customer is `"none"`, an
        // indirect reseller's `"reseller"` with delegated access.
        relationship_to_partner: Some(if indirect { "reseller" } else { "none" }.to_owned()),
        user_credentials: None,
        associated_partner_id: request.associated_partner_id,
        allow_delegated_access: indirect.then_some(true),
        enable_gdap_by_default,
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
