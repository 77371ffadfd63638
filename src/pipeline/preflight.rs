//! `validate --online`: per valid row, ask Partner Center what it will think
//! of the row before anything is created.
//!
//! 1. `HEAD /v1/domains/{domain}`: free is fine; taken by one of this
//!    partner's customers is `exists` (with its IDs); taken by anyone else
//!    is a problem.
//! 2. `GET /v1/countryvalidationrules/{iso2}`, once per country per run
//!    (a transient failure is the answer for a minute: the engine's
//!    `RunMemo`, shared with `run`):
//!    the live rules ([`LiveRules`](crate::validate::LiveRules)) layered over the offline checks
//!    (postal code, phone, state, city, culture, registration number).
//! 3. `POST /v1/validations/address`: any status but `Verified` /
//!    `VerifiedShippable` is a problem quoting the service's message and its
//!    first suggested address.
//!
//! Every call goes through the run's [`Engine`] (limiter, 429 pause, slots,
//! retries, budget). A check that could not be made leaves the row `failed`
//! (safe to re-run) unless another check already found it invalid.

use std::sync::Arc;

use futures_util::FutureExt;
use serde_json::Value;

use super::country_rules::RulesAnswer;
use super::driver::{Finished, Job};
use super::engine::{DomainCheck, Engine, fill_customer, note_other_company};
use super::plan::RowPlan;
use super::stop::{StopReason, Undone};
use crate::input::InputRow;
use crate::partner_center::error::ApiError;
use crate::partner_center::models::CustomerRequest;
use crate::partner_center::request_id::operation_id;
use crate::partner_center::resources::AddressValidationResponse;
use crate::results::{McaStatus, RowResult, Status};
use crate::validate::{Field, NewCustomer, Problem, ProblemKind};

/// What the online check of one row found.
#[derive(Debug)]
pub(crate) struct PreflightOutcome {
    /// `valid`, `invalid` (with the problems found online, typed),
    /// `exists`, `failed` (a check could not be made) or `cancelled` (not
    /// checked: the run is stopping).
    pub(crate) result: RowResult,
    /// Set when no further row can be checked (authentication failed, retry
    /// budget spent, a stop requested).
    pub(crate) stop: Option<StopReason>,
}

impl PreflightOutcome {
    fn new(customer: &NewCustomer, mut result: RowResult, stop: Option<StopReason>) -> Self {
        if customer.mca.is_some() {
            result.mca_status = McaStatus::Skipped;
        }
        if result.status.is_success() {
            result.problems.clone_from(&customer.warnings);
        }
        PreflightOutcome { result, stop }
    }
}

/// The online checks of a run (the country rules are the engine's, asked
/// once per country per run).
pub(crate) struct Preflight {
    engine: Arc<Engine>,
}

impl std::fmt::Debug for Preflight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preflight")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// Checks that could not be made, the first error (for `error_code`) and
/// whether the run must stop.
#[derive(Default)]
struct Incomplete {
    notes: Vec<String>,
    first: Option<ApiError>,
    stop: Option<StopReason>,
}

impl Incomplete {
    fn add(&mut self, what: &str, err: ApiError, stop: Option<StopReason>) {
        if self.stop.is_none() {
            self.stop = stop;
        }
        if matches!(err, ApiError::Stopped) {
            return;
        }
        self.notes.push(format!("{what}: {err}"));
        if self.first.is_none() {
            self.first = Some(err);
        }
    }
}

/// What one online check found, and whether the run must stop.
type Checked = (Result<Vec<Problem>, ApiError>, Option<StopReason>);

impl Preflight {
    /// Online checks through `engine`.
    pub(crate) fn new(engine: Arc<Engine>) -> Self {
        Preflight { engine }
    }

    /// The job for one row of `validate --online`: a valid row is checked
    /// by a task, any other is reported as planned offline; once the run is
    /// stopping (`stopped`), a valid row is `cancelled`, not checked.
    pub(crate) fn job(
        self: &Arc<Self>,
        row: InputRow,
        plan: RowPlan,
        stopped: Option<&StopReason>,
    ) -> Job<()> {
        let customer = match plan {
            RowPlan::Valid { customer, .. } => customer,
            plan => {
                let result = plan.offline_result(Status::Valid);
                return Job::Ready(Box::new(Finished {
                    row,
                    result,
                    extra: (),
                }));
            }
        };
        if let Some(reason) = stopped {
            let mut result = RowResult::new(Status::Cancelled);
            result.error = reason.row_error(Undone::Checked);
            let outcome = PreflightOutcome::new(&customer, result, None);
            return Job::Ready(Box::new(Finished {
                row,
                result: outcome.result,
                extra: (),
            }));
        }
        let preflight = self.clone();
        Job::Run(
            async move {
                let outcome = preflight.check(&customer).await;
                let finished = Finished {
                    row,
                    result: outcome.result,
                    extra: (),
                };
                (finished, outcome.stop)
            }
            .boxed(),
        )
    }

    /// Check one offline-valid customer online: the domain first (a
    /// customer of this partner ends the check as `exists`), then the
    /// country's live rules and the address together.
    pub(crate) async fn check(&self, customer: &NewCustomer) -> PreflightOutcome {
        let mut incomplete = Incomplete::default();
        let mut problems = Vec::new();
        let mut link = String::new();
        let domain = customer.domain.as_str();
        let checked = self.engine.check_domain(domain).await;
        match checked.result {
            Ok(DomainCheck::Free) => {}
            Ok(DomainCheck::Ours(found)) => {
                let mut result = RowResult::new(Status::Exists);
                fill_customer(&mut result, &found);
                note_other_company(&mut result, &found, &customer.company_name);
                return PreflightOutcome::new(customer, result, checked.stop);
            }
            Ok(DomainCheck::Taken) => {
                let reseller = customer.associated_partner_id.map(|id| id.to_string());
                let taken = self.engine.other_tenant(domain, reseller.as_deref()).await;
                problems.push(taken.problem);
                link = taken.link;
                incomplete.stop = incomplete.stop.take().or(checked.stop).or(taken.stop);
            }
            Err(e) => incomplete.add("domain check", e, checked.stop),
        }
        if incomplete.stop.is_none() {
            let (rules, address) = tokio::join!(
                self.rules_problems(customer),
                self.address_problems(customer)
            );
            for (what, (found, stop)) in [("country rules", rules), ("address validation", address)]
            {
                match found {
                    Ok(found) => problems.extend(found),
                    Err(e) => incomplete.add(what, e, stop),
                }
            }
        }
        problems.sort_by_key(|p| p.field);
        let mut result = verdict(problems, &incomplete);
        result.customer_link = link;
        PreflightOutcome::new(customer, result, incomplete.stop)
    }

    /// The live rules' problems with the row (rules fetched once per country).
    async fn rules_problems(&self, customer: &NewCustomer) -> Checked {
        let country = customer.address.country.as_str();
        let answer = match self.engine.country_rules(country).await {
            Ok(answer) => answer,
            Err((e, stop)) => return (Err(e), stop),
        };
        let problems = match answer.as_ref() {
            RulesAnswer::Rules(rules) => rules.check(customer),
            RulesAnswer::Unsupported(message) => vec![Problem::new(
                Field::Country,
                ProblemKind::CountryUnsupported,
                message.clone(),
            )],
            RulesAnswer::Unavailable(reason) => {
                tracing::debug!(country, reason = %reason, "country rules unavailable; not checked");
                Vec::new()
            }
        };
        (Ok(problems), None)
    }

    /// `POST /v1/validations/address`: a problem unless the address is verified.
    async fn address_problems(&self, customer: &NewCustomer) -> Checked {
        let address = CustomerRequest::from(customer)
            .billing_profile
            .default_address;
        let body = match serde_json::to_value(&address) {
            Ok(body) => body,
            Err(e) => {
                let message = format!("address: {e}");
                return (Err(ApiError::Config { message }), None);
            }
        };
        let request_id = operation_id("address", &body.to_string());
        let asked = self
            .engine
            .read(|| self.engine.client.validate_address(&body, request_id))
            .await;
        match asked.result {
            Ok(answer) => (Ok(address_verdict(&answer)), asked.stop),
            Err(e) => (Err(e), asked.stop),
        }
    }
}

/// `valid`, `invalid` with every problem (and what could not be checked),
/// or `failed` when a check could not be made and none found a problem.
fn verdict(problems: Vec<Problem>, incomplete: &Incomplete) -> RowResult {
    if !problems.is_empty() {
        let mut result = RowResult::invalid(problems);
        if !incomplete.notes.is_empty() {
            result.error = format!(
                "{}; not checked: {}",
                result.error,
                incomplete.notes.join("; ")
            );
        }
        return result;
    }
    if let Some(first) = &incomplete.first {
        let mut result = RowResult::new(Status::Failed);
        result.error_code = first
            .code()
            .map(str::to_owned)
            .or_else(|| first.status().map(|s| s.to_string()))
            .unwrap_or_default();
        result.error = format!(
            "online check incomplete (re-run to check again): {}",
            incomplete.notes.join("; ")
        );
        return result;
    }
    if let Some(stop) = &incomplete.stop {
        // Stopped before any check was made: not checked.
        let mut result = RowResult::new(Status::Cancelled);
        result.error = stop.row_error(Undone::Checked);
        return result;
    }
    RowResult::new(Status::Valid)
}

/// The problem in an address validation answer, if it is not verified.
fn address_verdict(answer: &AddressValidationResponse) -> Vec<Problem> {
    let status = answer.status.trim();
    let key: String = status
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    if matches!(key.as_str(), "verified" | "verifiedshippable") {
        return Vec::new();
    }
    let mut message = format!(
        "address not verified by Partner Center ({})",
        if status.is_empty() {
            "no status"
        } else {
            status
        }
    );
    if let Some(text) = answer
        .validation_message
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        message.push_str(": ");
        message.push_str(text);
    }
    if let Some(suggestion) = answer
        .suggested_addresses
        .first()
        .map(one_line_address)
        .filter(|s| !s.is_empty())
    {
        message.push_str("; suggested address: ");
        message.push_str(&suggestion);
    }
    vec![Problem::new(
        Field::AddressLine1,
        ProblemKind::Invalid,
        message,
    )]
}

/// `1 Microsoft Way, Redmond, WA, 98052-8300, US` from an address object
/// (camelCase or PascalCase keys).
fn one_line_address(address: &Value) -> String {
    const KEYS: [&str; 7] = [
        "addressLine1",
        "addressLine2",
        "addressLine3",
        "city",
        "state",
        "postalCode",
        "country",
    ];
    let Some(object) = address.as_object() else {
        return String::new();
    };
    let parts: Vec<&str> = KEYS
        .iter()
        .filter_map(|key| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .or_else(|| {
                    // The legacy shape calls the state `region`.
                    (*key == "state")
                        .then(|| {
                            object
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case("region"))
                        })
                        .flatten()
                })
                .and_then(|(_, v)| v.as_str())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        })
        .collect();
    parts.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn suggestions_print_on_one_line() {
        let a = serde_json::json!({"addressLine1": "1 Microsoft Way", "city": "Redmond",
            "state": "WA", "postalCode": "98052-8300", "country": "US", "addressLine2": ""});
        assert_eq!(
            one_line_address(&a),
            "1 Microsoft Way, Redmond, WA, 98052-8300, US"
        );
        let legacy = serde_json::json!({"AddressLine1": "x", "region": "WA"});
        assert_eq!(one_line_address(&legacy), "x, WA");
    }
}
