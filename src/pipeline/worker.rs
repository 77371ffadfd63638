//! Creating one customer: retries, 429 pauses, the retry budget, and the
//! domain look-up that resolves non-atomic creation.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use secrecy::SecretString;
use tokio::sync::Mutex;

use super::{CallGate, CallSlots, PreparedRequest, RetryBudget, RetryCost, RetryPolicy};
use crate::partner_center::PartnerCenterClient;
use crate::partner_center::cloud::Cloud;
use crate::partner_center::error::ApiError;
use crate::partner_center::resources::{AgreementContact, Customer, CustomerAgreement};
use crate::results::{McaStatus, RowResult, Status};
use crate::validate::McaAttestation;

/// The agreement type of the MCA (`GET /v1/agreements?agreementType=...`).
pub const MCA_AGREEMENT_TYPE: &str = "MicrosoftCustomerAgreement";

/// What to do about a `403` with code `600006` (the call needs an App+User token).
pub const APP_USER_HINT: &str =
    "set PC_REFRESH_TOKEN (with PC_CLIENT_ID) instead of PC_CLIENT_SECRET";

/// Wait after a 429 that carried no `Retry-After`.
const DEFAULT_THROTTLE_WAIT: Duration = Duration::from_secs(5);

/// Run-wide counters, read by the progress bar and the summary.
#[derive(Debug, Default)]
pub struct RunCounters {
    /// Create calls sent (every attempt, 429s included).
    pub create_calls: AtomicU64,
    /// Other API calls sent (look-ups, domain checks).
    pub other_calls: AtomicU64,
    /// 429 answers received.
    pub throttled: AtomicU64,
    /// Retries made after a failure or a 429.
    pub retries: AtomicU64,
    /// Initial passwords received.
    pub passwords_received: AtomicU64,
    /// MCA attestation calls sent (`POST /v1/customers/{id}/agreements`).
    pub agreement_calls: AtomicU64,
}

impl RunCounters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The shared context of all row workers of a run.
pub struct Engine {
    /// The Partner Center client (its call gate hook awaits [`Engine::gate`]).
    pub client: PartnerCenterClient,
    /// The shared limiter and 429 pause.
    pub gate: Arc<CallGate>,
    /// Calls in flight (`--concurrency`).
    pub slots: CallSlots,
    /// Per-row retry policy.
    pub policy: RetryPolicy,
    /// Run-wide retry budget.
    pub budget: RetryBudget,
    /// Counters.
    pub counters: RunCounters,
    /// The cloud the calls go to (MCA attestation exists in the global cloud only).
    pub cloud: Cloud,
    rng: Mutex<StdRng>,
    /// The MCA template id, fetched once per run (failures that a retry
    /// cannot fix are kept too, so they are not asked again for every row).
    mca_template: Mutex<Option<Result<String, String>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("policy", &self.policy)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// What a create ended with: the results row, the initial password if the
/// service gave one, and whether the failure should abort the whole run.
#[derive(Debug)]
pub struct CreateOutcome {
    /// The results row (`created`, `exists`, `rejected` or `failed`).
    pub result: RowResult,
    /// Admin user and initial password, when this call created the customer.
    pub credentials: Option<(String, SecretString)>,
    /// The full domain, for the credentials file.
    pub domain: String,
    /// Set when the run cannot go on: authentication failed, or the retry budget is spent.
    pub abort: Option<AbortReason>,
}

/// Why a run stopped sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbortReason {
    /// Authentication failed: fatal, exit 1.
    Auth(String),
    /// The retry budget is spent: the service looks down.
    BudgetExhausted,
}

/// What `HEAD /v1/domains/{domain}` and the look-up by domain found.
#[derive(Debug)]
pub enum DomainCheck {
    /// Nobody has the domain.
    Free,
    /// One of this partner's customers has it.
    Ours(Box<Customer>),
    /// A tenant that is not a customer of this partner has it.
    Taken,
}

impl Engine {
    /// An engine around `client` (whose call gate should await `gate`).
    pub fn new(
        client: PartnerCenterClient,
        gate: Arc<CallGate>,
        slots: CallSlots,
        policy: RetryPolicy,
        budget: RetryBudget,
        seed: u64,
    ) -> Self {
        Engine {
            client,
            gate,
            slots,
            policy,
            budget,
            counters: RunCounters::default(),
            cloud: Cloud::Global,
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            mca_template: Mutex::new(None),
        }
    }

    /// Set the cloud the client talks to (default: global).
    pub fn with_cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    async fn backoff(&self, attempt: u32, retry_after: Option<Duration>) {
        let wait = {
            let mut rng = self.rng.lock().await;
            self.policy.next_delay(attempt, retry_after, &mut *rng)
        };
        tokio::time::sleep(wait).await;
    }

    /// Note a 429: pause every worker until its Retry-After.
    fn throttled(&self, err: &ApiError, attempt: u32) -> Duration {
        RunCounters::bump(&self.counters.throttled);
        let wait = err
            .retry_after()
            .unwrap_or_else(|| DEFAULT_THROTTLE_WAIT.max(self.policy.backoff_ceiling(attempt)));
        self.gate.pause_for(wait);
        wait
    }

    /// A non-creating call with the same retry rules as creates (429 pause,
    /// backoff, budget), used for look-ups.
    pub async fn call<T, F, Fut>(&self, mut op: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut attempts = 0u32;
        loop {
            RunCounters::bump(&self.counters.other_calls);
            let answer = {
                let _slot = self.slots.acquire().await;
                op().await
            };
            match answer {
                Ok(v) => return Ok(v),
                Err(e) if e.is_throttled() => {
                    self.throttled(&e, attempts + 1);
                    if !self.budget.try_spend(RetryCost::Throttled) {
                        return Err(e);
                    }
                    RunCounters::bump(&self.counters.retries);
                }
                Err(e) if e.is_transient() => {
                    attempts += 1;
                    if !self.policy.allows_another(attempts) || !self.budget.try_spend(cost_of(&e))
                    {
                        return Err(e);
                    }
                    RunCounters::bump(&self.counters.retries);
                    self.backoff(attempts, e.retry_after()).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Create one customer, retrying with the same request id, and resolve
    /// "domain taken" and ambiguous failures with a look-up by domain.
    pub async fn create(&self, request: &PreparedRequest) -> CreateOutcome {
        let mut attempts = 0u32; // counted against --max-attempts (no 429s)
        let mut sent = 0u32; // create calls sent, reported in `attempts`
        let mut maybe_committed = false;
        let outcome = loop {
            sent += 1;
            RunCounters::bump(&self.counters.create_calls);
            let answer = {
                let _slot = self.slots.acquire().await;
                self.client
                    .create_customer(&request.body, request.request_id)
                    .await
            };
            let err = match answer {
                Ok(customer) => {
                    self.budget.refund_success();
                    break Attempt::Created(Box::new(customer));
                }
                Err(err) => err,
            };
            if err.is_fatal() {
                break Attempt::Fatal(err);
            }
            if err.is_throttled() {
                self.throttled(&err, attempts + 1);
                if !self.budget.try_spend(RetryCost::Throttled) {
                    break Attempt::BudgetExhausted(err);
                }
                RunCounters::bump(&self.counters.retries);
                continue;
            }
            if err.is_domain_taken() {
                break Attempt::DomainTaken(err);
            }
            if !err.is_transient() {
                break Attempt::Rejected(err);
            }
            attempts += 1;
            maybe_committed |= err.is_ambiguous();
            if !self.policy.allows_another(attempts) {
                break Attempt::GaveUp(err);
            }
            if !self.budget.try_spend(cost_of(&err)) {
                break Attempt::BudgetExhausted(err);
            }
            RunCounters::bump(&self.counters.retries);
            self.backoff(attempts, err.retry_after()).await;
        };
        self.finish(request, outcome, sent, maybe_committed).await
    }

    /// Whether `domain` is free, one of this partner's customers, or taken
    /// by someone else: `HEAD /v1/domains/{domain}`, then, when taken, a
    /// look-up among the partner's customers.
    pub async fn check_domain(&self, domain: &str) -> Result<DomainCheck, ApiError> {
        if !self.call(|| self.client.domain_exists(domain)).await? {
            return Ok(DomainCheck::Free);
        }
        Ok(
            match self
                .call(|| self.client.find_customer_by_domain(domain))
                .await?
            {
                Some(customer) => DomainCheck::Ours(Box::new(customer)),
                None => DomainCheck::Taken,
            },
        )
    }

    /// Dry run: `would_create` with the request id, after checking that the
    /// domain is free (`HEAD /v1/domains`). A taken domain that belongs to
    /// one of this partner's customers is `exists`; taken by anyone else, `invalid`.
    pub async fn plan(&self, request: &PreparedRequest) -> CreateOutcome {
        let mut outcome = CreateOutcome {
            result: RowResult::new(Status::WouldCreate),
            credentials: None,
            domain: request.domain.clone(),
            abort: None,
        };
        outcome.result.request_id = request.request_id.to_string();
        let domain = &request.domain;
        match self.check_domain(domain).await {
            Ok(DomainCheck::Free) => {}
            Ok(DomainCheck::Ours(customer)) => {
                fill_customer(&mut outcome.result, &customer);
                outcome.result.status = Status::Exists;
            }
            Ok(DomainCheck::Taken) => {
                outcome.result.status = Status::Invalid;
                outcome.result.error = format!(
                    "domain {domain} is already taken by another tenant: choose another domain"
                );
            }
            Err(e) if e.is_fatal() => {
                outcome.result.error = e.to_string();
                outcome.abort = Some(AbortReason::Auth(e.to_string()));
            }
            Err(e) => {
                outcome.result.error = format!("could not check domain availability: {e}");
            }
        }
        outcome
    }

    /// Record that the customer `customer_id` accepted the Microsoft
    /// Customer Agreement: the MCA template id (fetched once per run), then
    /// `POST /v1/customers/{id}/agreements`, through the same gate, slots,
    /// retries and budget as every other call. `600061` (identical
    /// attestation exists) is `already_attested`. A failure is reported, never
    /// undoes anything, and can be retried by re-running the results file.
    pub async fn attest(
        &self,
        customer_id: &str,
        mca: &McaAttestation,
    ) -> (McaStatus, Option<AbortReason>) {
        if let Some(reason) = mca_unavailable(self.cloud) {
            return (McaStatus::Failed(reason), None);
        }
        if customer_id.trim().is_empty() {
            return (
                McaStatus::Failed("no customer_id to attest for".to_owned()),
                None,
            );
        }
        let template_id = match self.mca_template_id().await {
            Ok(id) => id,
            Err((reason, abort)) => return (McaStatus::Failed(reason), abort),
        };
        let agreement = CustomerAgreement {
            user_id: None,
            primary_contact: AgreementContact {
                first_name: mca.first_name.clone(),
                last_name: mca.last_name.clone(),
                email: mca.email.as_str().to_owned(),
                phone_number: mca.phone_number.map(|p| p.as_str().to_owned()),
            },
            template_id,
            date_agreed: mca.date_agreed.clone(),
            agreement_type: MCA_AGREEMENT_TYPE.to_owned(),
            agreement_link: None,
        };
        let body = match serde_json::to_value(&agreement) {
            Ok(body) => body,
            Err(e) => return (McaStatus::Failed(format!("agreement body: {e}")), None),
        };
        let answer = self
            .call(|| {
                RunCounters::bump(&self.counters.agreement_calls);
                self.client.create_agreement(customer_id, &body)
            })
            .await;
        match answer {
            Ok(()) => (McaStatus::Attested, None),
            Err(e) if e.is_agreement_already_attested() => (McaStatus::AlreadyAttested, None),
            Err(e) => {
                let abort = e.is_fatal().then(|| AbortReason::Auth(e.to_string()));
                (
                    McaStatus::Failed(describe_refusal(&e, "MCA attestation")),
                    abort,
                )
            }
        }
    }

    /// The MCA template id: asked once per run; answers and errors that a
    /// retry cannot change are kept, transient failures are asked again by
    /// the next row.
    async fn mca_template_id(&self) -> Result<String, (String, Option<AbortReason>)> {
        let mut cached = self.mca_template.lock().await;
        if let Some(known) = cached.as_ref() {
            return known.clone().map_err(|reason| (reason, None));
        }
        let answer = self
            .call(|| self.client.agreement_template(MCA_AGREEMENT_TYPE))
            .await;
        let result = match answer {
            Ok(Some(t)) if !t.template_id.trim().is_empty() => Ok(t.template_id),
            Ok(_) => Err(format!(
                "Partner Center offers no {MCA_AGREEMENT_TYPE} template (GET /v1/agreements)"
            )),
            Err(e) if e.is_fatal() => {
                let reason = format!("cannot get the MCA template: {e}");
                return Err((reason, Some(AbortReason::Auth(e.to_string()))));
            }
            Err(e) if e.is_transient() => {
                return Err((format!("cannot get the MCA template: {e}"), None));
            }
            Err(e) => Err(format!(
                "cannot get the MCA template: {}",
                describe_refusal(&e, "reading the MCA template")
            )),
        };
        *cached = Some(result.clone());
        result.map_err(|reason| (reason, None))
    }

    async fn finish(
        &self,
        request: &PreparedRequest,
        attempt: Attempt,
        sent: u32,
        maybe_committed: bool,
    ) -> CreateOutcome {
        let mut outcome = CreateOutcome {
            result: RowResult::new(Status::Failed),
            credentials: None,
            domain: request.domain.clone(),
            abort: None,
        };
        outcome.result.request_id = request.request_id.to_string();
        outcome.result.attempts = Some(sent);
        match attempt {
            Attempt::Created(customer) => {
                outcome.credentials = fill_customer(&mut outcome.result, &customer);
                if outcome.credentials.is_some() {
                    RunCounters::bump(&self.counters.passwords_received);
                }
                outcome.result.status = Status::Created;
            }
            Attempt::DomainTaken(err) => {
                let status = if maybe_committed {
                    Status::Created
                } else {
                    Status::Exists
                };
                self.resolve_by_lookup(&mut outcome, status, &err, true)
                    .await;
            }
            Attempt::GaveUp(err) | Attempt::BudgetExhausted(err) if maybe_committed => {
                // The service may have created the tenant before failing.
                self.resolve_by_lookup(&mut outcome, Status::Created, &err, false)
                    .await;
            }
            Attempt::GaveUp(err) => set_error(&mut outcome.result, Status::Failed, &err),
            Attempt::BudgetExhausted(err) => {
                set_error(&mut outcome.result, Status::Failed, &err);
                outcome.result.error = format!(
                    "{} (retry budget spent: the service looks unavailable)",
                    outcome.result.error
                );
            }
            Attempt::Rejected(err) => {
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
            Attempt::Fatal(err) => {
                set_error(&mut outcome.result, Status::Failed, &err);
                outcome.abort = Some(AbortReason::Auth(err.to_string()));
            }
        }
        if outcome.abort.is_none() && self.budget.is_exhausted() {
            outcome.abort = Some(AbortReason::BudgetExhausted);
        }
        outcome
    }

    /// Look the customer up by domain among this partner's customers. Found:
    /// `found_status` with its IDs. Not found: `rejected` when the domain is
    /// taken by someone else, else `failed` with the original error.
    async fn resolve_by_lookup(
        &self,
        outcome: &mut CreateOutcome,
        found_status: Status,
        err: &ApiError,
        domain_taken: bool,
    ) {
        let domain = outcome.domain.clone();
        let found = self
            .call(|| self.client.find_customer_by_domain(&domain))
            .await;
        match found {
            Ok(Some(customer)) => {
                fill_customer(&mut outcome.result, &customer);
                outcome.result.status = found_status;
            }
            Ok(None) if domain_taken => {
                set_error(&mut outcome.result, Status::Rejected, err);
                outcome.result.error = format!(
                    "domain {domain} is already taken by a tenant that is not a customer of this partner: choose another domain ({})",
                    err
                );
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

enum Attempt {
    Created(Box<Customer>),
    DomainTaken(ApiError),
    Rejected(ApiError),
    GaveUp(ApiError),
    BudgetExhausted(ApiError),
    Fatal(ApiError),
}

/// `403` code `600006`: the call needs an App+User token.
fn needs_app_user(err: &ApiError) -> bool {
    err.status() == Some(403) && err.code() == Some("600006")
}

/// The error text, with the App+User hint when the service asked for it.
fn describe_refusal(err: &ApiError, what: &str) -> String {
    if needs_app_user(err) {
        app_user_text(err, what)
    } else {
        err.to_string()
    }
}

/// `<error>; <what> needs App+User credentials: set PC_REFRESH_TOKEN ...`.
fn app_user_text(err: &ApiError, what: &str) -> String {
    let text = err.to_string();
    format!(
        "{}; {what} needs App+User credentials: {APP_USER_HINT}",
        text.trim_end_matches('.')
    )
}

/// Why MCA attestation cannot be done in `cloud`, if it cannot.
pub fn mca_unavailable(cloud: Cloud) -> Option<String> {
    let name = match cloud {
        Cloud::Global => return None,
        Cloud::China => "china (21Vianet)",
        Cloud::Usgov => "usgov (US Government)",
    };
    Some(format!(
        "MCA attestation is not available in the {name} cloud: Partner Center offers it in the global cloud only"
    ))
}

fn cost_of(err: &ApiError) -> RetryCost {
    match err {
        ApiError::Timeout { .. } => RetryCost::Timeout,
        _ => RetryCost::Failure,
    }
}

/// Copy the customer's IDs into `result`; hand back the credentials, if any.
pub(crate) fn fill_customer(
    result: &mut RowResult,
    customer: &Customer,
) -> Option<(String, SecretString)> {
    result.customer_id.clone_from(&customer.id);
    result.tenant_id = if customer.company_profile.tenant_id.is_empty() {
        customer.id.clone()
    } else {
        customer.company_profile.tenant_id.clone()
    };
    result.commerce_id = customer.commerce_id.clone().unwrap_or_default();
    result.error.clear();
    result.error_code.clear();
    let creds = customer.user_credentials.as_ref()?;
    result.admin_user = admin_user_name(&creds.user_name, &customer.company_profile.domain);
    Some((result.admin_user.clone(), creds.password.clone()))
}

/// `admin` → `admin@contoso.onmicrosoft.com`: the name the user signs in with.
fn admin_user_name(user: &str, domain: &str) -> String {
    if user.contains('@') || domain.is_empty() {
        user.to_owned()
    } else {
        format!("{user}@{}", domain.to_lowercase())
    }
}

fn set_error(result: &mut RowResult, status: Status, err: &ApiError) {
    result.status = status;
    result.error_code = err.code().unwrap_or_default().to_owned();
    if result.error_code.is_empty()
        && let Some(http) = err.status()
    {
        result.error_code = http.to_string();
    }
    result.error = err.to_string();
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;

    #[test]
    fn admin_user_gets_the_domain() {
        assert_eq!(
            admin_user_name("admin", "Contoso.onmicrosoft.com"),
            "admin@contoso.onmicrosoft.com"
        );
        assert_eq!(admin_user_name("a@b.c", "x"), "a@b.c");
    }

    #[test]
    fn refusals_that_need_app_user_say_what_to_set() {
        let e = ApiError::http(403, "600006", "The requested action is not allowed.");
        assert_eq!(
            describe_refusal(&e, "MCA attestation"),
            "Partner Center answered 403 (code 600006): The requested action is not allowed; MCA attestation needs App+User credentials: set PC_REFRESH_TOKEN (with PC_CLIENT_ID) instead of PC_CLIENT_SECRET"
        );
        let other = ApiError::http(403, "20002", "No relationship.");
        assert_eq!(
            describe_refusal(&other, "x"),
            "Partner Center answered 403 (code 20002): No relationship."
        );
    }

    #[test]
    fn mca_exists_in_the_global_cloud_only() {
        assert_eq!(mca_unavailable(Cloud::Global), None);
        assert!(
            mca_unavailable(Cloud::China)
                .unwrap()
                .contains("china (21Vianet)")
        );
        assert!(mca_unavailable(Cloud::Usgov).unwrap().contains("usgov"));
    }

    #[test]
    fn timeouts_cost_more_than_failures() {
        assert_eq!(
            cost_of(&ApiError::Timeout {
                after: Duration::from_secs(1)
            }),
            RetryCost::Timeout
        );
        assert_eq!(cost_of(&ApiError::http(503, "", "")), RetryCost::Failure);
    }
}
