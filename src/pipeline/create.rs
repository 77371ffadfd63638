//! Creating one customer: the same request id on every attempt, and the
//! look-up by domain that resolves non-atomic creation.

use secrecy::SecretString;

use super::PreparedRequest;
use super::engine::{
    Engine, app_user_text, fill_customer, needs_app_user, note_other_company, set_error,
};
use super::retry::{CallKind, RunCounters, classify_create};
use super::stop::{StopReason, Undone};
use crate::partner_center::auth::CallAuth;
use crate::partner_center::error::ApiError;
use crate::results::{RowResult, Status};

/// What a create ended with: the results row, the initial password if the
/// service gave one, and whether the run must stop.
#[derive(Debug)]
pub(crate) struct CreateOutcome {
    /// The results row (`created`, `exists`, `rejected`, `failed` or `cancelled`).
    pub(crate) result: RowResult,
    /// Admin user and initial password, when this call created the customer.
    pub(crate) credentials: Option<(String, SecretString)>,
    /// The full domain, for the credentials file.
    pub(crate) domain: String,
    /// Set when the run must stop (authentication failed, retry budget
    /// spent, a wait beyond the cap, a stop requested meanwhile).
    pub(crate) stop: Option<StopReason>,
}

impl CreateOutcome {
    fn new(request: &PreparedRequest, status: Status) -> Self {
        let mut result = RowResult::new(status);
        result.request_id = request.request_id.to_string();
        CreateOutcome {
            result,
            credentials: None,
            domain: request.domain.clone(),
            stop: None,
        }
    }

    /// The row was not sent, or not finished, because the run is stopping.
    /// Not sent: `cancelled` (or `failed` when the stop says so, see
    /// [`StopReason::fails_rows`]). Sent at least once: `failed`, or
    /// `cancelled` when interrupted, so `--resume` finishes it. Either way a
    /// later run sends the same request id, which Partner Center answers
    /// with the customer if an attempt created it.
    pub(crate) fn not_finished(
        request: &PreparedRequest,
        reason: &StopReason,
        sent: u32,
        last_error: Option<&ApiError>,
    ) -> Self {
        let status = match reason {
            StopReason::Interrupted | StopReason::Unrecorded(_) | StopReason::Input(_) => {
                Status::Cancelled
            }
            _ if reason.fails_rows() || sent > 0 => Status::Failed,
            _ => Status::Cancelled,
        };
        let mut outcome = CreateOutcome::new(request, status);
        match last_error.filter(|_| sent > 0) {
            None => outcome.result.error = reason.row_error(Undone::Attempted),
            Some(err) => {
                set_error(&mut outcome.result, status, err);
                outcome.result.error = format!(
                    "{err}; stopped after {sent} attempt(s): {reason}; the customer may exist: a re-run (or --resume) sends the same request id, answered with the customer if it was created"
                );
                outcome.result.attempts = Some(sent);
            }
        }
        outcome.stop = Some(reason.clone());
        outcome
    }
}

impl Engine {
    /// Create one customer, retrying with the same request id; resolve
    /// "domain taken" and ambiguous failures with a look-up by domain.
    ///
    /// After an ambiguous attempt, a look-up that finds the customer means
    /// our attempt created it (`created`). A replay answered "domain taken"
    /// means the service did not create it for this request id (it would
    /// have replayed its answer): the customer was there before (`exists`),
    /// unless an earlier attempt of the row under another id may have
    /// created it (`PreparedRequest::earlier_attempt`: `created`).
    pub(crate) async fn create(&self, request: &PreparedRequest) -> CreateOutcome {
        let attempts = self
            .retrier
            .run(CallKind::Create, classify_create, || {
                self.client.create_customer_as(
                    &request.body,
                    request.request_id,
                    CallAuth::create(request.for_reseller),
                )
            })
            .await;
        let sent = attempts.sent;
        let err = match attempts.result {
            Ok(customer) => {
                let mut outcome = CreateOutcome::new(request, Status::Created);
                outcome.result.attempts = Some(sent);
                outcome.result.default_gdap_sent = Some(request.default_gdap);
                outcome.credentials = fill_customer(&mut outcome.result, &customer);
                if outcome.credentials.is_some() {
                    RunCounters::bump(&self.counters().passwords_received);
                }
                refuse_another_domain(&mut outcome, &customer.company_profile.domain);
                outcome.stop = attempts.stop;
                return outcome;
            }
            Err(err) => err,
        };
        // Stopped before or between attempts: not finished. A fatal answer
        // of this row's own call is reported as its error below.
        let own_fatal = matches!(attempts.stop, Some(StopReason::Fatal(_))) && err.is_fatal();
        if let Some(reason) = attempts.stop.as_ref().filter(|_| !own_fatal) {
            let last = (!matches!(err, ApiError::Stopped)).then_some(&err);
            return CreateOutcome::not_finished(request, reason, sent, last);
        }
        let mut outcome = CreateOutcome::new(request, Status::Failed);
        outcome.result.attempts = Some(sent);
        outcome.stop = attempts.stop;
        if err.is_domain_taken() {
            // Found after an earlier attempt of the row (another request
            // id): that attempt created it.
            let found = match request.earlier_attempt {
                Some(_) => Status::Created,
                None => Status::Exists,
            };
            self.resolve_by_lookup(request, &mut outcome, found, &err, true)
                .await;
        } else if attempts.maybe_committed && outcome.stop.is_none() {
            // The service may have created the tenant before failing.
            self.resolve_by_lookup(request, &mut outcome, Status::Created, &err, false)
                .await;
        } else if err.is_transient() || err.is_fatal() {
            set_error(&mut outcome.result, Status::Failed, &err);
        } else {
            set_error(&mut outcome.result, Status::Rejected, &err);
            if needs_app_user(&err) {
                let what = if request.for_reseller {
                    "creating a customer for an indirect reseller (associated_partner_id)"
                } else {
                    "this call"
                };
                outcome.result.error = app_user_text(&err, what);
            }
        }
        outcome
    }

    /// Dry run: `would_create` with the request id and the Default GDAP it
    /// would send, after checking that the domain is free (`HEAD
    /// /v1/domains`). A taken domain that belongs to one of this partner's
    /// customers is `exists`; taken by anyone else, `invalid`, with the
    /// reseller relationship invitation in `customer_link`.
    pub(crate) async fn plan(&self, request: &PreparedRequest) -> CreateOutcome {
        let checked = self.check_domain(&request.domain).await;
        if let (Err(ApiError::Stopped), Some(reason)) = (&checked.result, &checked.stop) {
            return CreateOutcome::not_finished(request, reason, 0, None);
        }
        let mut outcome = CreateOutcome::new(request, Status::WouldCreate);
        outcome.result.default_gdap_sent = Some(request.default_gdap);
        outcome.stop = checked.stop;
        match checked.result {
            Ok(super::DomainCheck::Free) => {}
            Ok(super::DomainCheck::Ours(customer)) => {
                fill_customer(&mut outcome.result, &customer);
                note_other_company(&mut outcome.result, &customer, &request.company_name);
                outcome.result.status = Status::Exists;
                outcome.result.default_gdap_sent = None;
            }
            Ok(super::DomainCheck::Taken) => {
                let reseller = request.reseller.as_deref();
                let taken = self.other_tenant(&request.domain, reseller).await;
                outcome.result.set_invalid(vec![taken.problem]);
                outcome.result.customer_link = taken.link;
                outcome.result.default_gdap_sent = None;
                outcome.stop = outcome.stop.or(taken.stop);
            }
            Err(e) if e.is_fatal() => outcome.result.error = e.to_string(),
            Err(e) => outcome.result.error = format!("could not check domain availability: {e}"),
        }
        outcome
    }

    /// Look the customer up by domain among this partner's customers. Found:
    /// `found_status` with its IDs. Not found: `rejected` when the domain is
    /// taken by someone else, else `failed` with the original error.
    async fn resolve_by_lookup(
        &self,
        request: &PreparedRequest,
        outcome: &mut CreateOutcome,
        found_status: Status,
        err: &ApiError,
        domain_taken: bool,
    ) {
        let domain = outcome.domain.clone();
        let found = self.lookup(&domain).await;
        if let (Err(ApiError::Stopped), Some(reason)) = (&found.result, &found.stop) {
            let sent = outcome.result.attempts.unwrap_or(0);
            *outcome = CreateOutcome::not_finished(request, reason, sent, Some(err));
            return;
        }
        if outcome.stop.is_none() {
            outcome.stop = found.stop;
        }
        match found.result {
            Ok(Some(customer)) => {
                fill_customer(&mut outcome.result, &customer);
                outcome.result.status = found_status;
                if found_status == Status::Created {
                    // After an earlier attempt's request id, what its body
                    // asked is not known (an older version sent nothing).
                    let known = !domain_taken || request.earlier_attempt.is_none();
                    outcome.result.default_gdap_sent = known.then_some(request.default_gdap);
                } else {
                    note_other_company(&mut outcome.result, &customer, &request.company_name);
                }
            }
            Ok(None) if domain_taken => {
                set_error(&mut outcome.result, Status::Rejected, err);
                let taken = self
                    .other_tenant(&domain, request.reseller.as_deref())
                    .await;
                let result = &mut outcome.result;
                result.error = format!("{} ({err})", taken.problem);
                result.problems = vec![taken.problem];
                result.customer_link = taken.link;
                outcome.stop = outcome.stop.take().or(taken.stop);
            }
            Ok(None) => set_error(&mut outcome.result, Status::Failed, err),
            Err(lookup_err) => {
                set_error(&mut outcome.result, Status::Failed, err);
                outcome.result.error = format!(
                    "{}; looking the customer up by domain also failed: {lookup_err}",
                    outcome.result.error
                );
            }
        }
    }
}

/// A success for a domain other than the one sent is not this row's
/// success (a proxy mixing answers, a service bug): `failed`, naming both;
/// its password is kept under the domain it belongs to.
fn refuse_another_domain(outcome: &mut CreateOutcome, answered: &str) {
    // Shown and kept as text: a control character a server put in it never
    // reaches a terminal or a file.
    let answered = &crate::partner_center::auth::one_line(answered);
    let normal = |d: &str| d.trim().trim_end_matches('.').to_ascii_lowercase();
    if answered.trim().is_empty() || normal(answered) == normal(&outcome.domain) {
        return;
    }
    outcome.result.status = Status::Failed;
    outcome.result.error = format!(
        "Partner Center answered 201 with customer {} for the domain {answered}, not {} (the \
         domain sent): not counted as created; look both up in the Partner Center portal \
         before running this row again",
        outcome.result.customer_id, outcome.domain
    );
    outcome.domain = answered.trim().to_owned();
}
