//! The [`Engine`]: the client plus the retry engine, shared by every row of
//! a run; and what the rows' results take from Partner Center's answers.

use secrecy::SecretString;
use tokio::sync::Mutex;

use super::country_rules::CountryRulesMemo;
use super::existing_tenant::Invitations;
use super::mca_legacy::TemplateMemo;
use super::retry::{Attempts, CallKind, Retrier, RunCounters, classify};
use super::stop::StopReason;
use crate::partner_center::PartnerCenterClient;
use crate::partner_center::cloud::Cloud;
use crate::partner_center::error::ApiError;
use crate::partner_center::resources::Customer;
use crate::results::{RowResult, Status};
use crate::validate::same_company;

/// What to do about a `403` with code `600006` (the call needs an App+User token).
pub(crate) const APP_USER_HINT: &str =
    "run `pc-onboard login` (or set PC_REFRESH_TOKEN with PC_CLIENT_ID)";

/// The shared context of all row workers of a run.
pub(crate) struct Engine {
    /// The Partner Center client (its before-send hook awaits the retrier's gate).
    pub(crate) client: PartnerCenterClient,
    /// The one retry engine (policy, budget, gate, slots, stop, counters).
    pub(crate) retrier: Retrier,
    /// The cloud the calls go to (MCA attestation exists in the global cloud only).
    pub(crate) cloud: Cloud,
    /// The MCA template id, fetched once per run (failures are kept too,
    /// so they are not asked again for every row: see [`TemplateMemo`]).
    pub(super) mca_template: Mutex<TemplateMemo>,
    /// Each country's rules, asked once per run (`country_rules`).
    pub(super) country_rules: CountryRulesMemo,
    /// The reseller relationship invitation links, asked once per run and
    /// reseller ([`Invitations`]).
    pub(super) invitations: Invitations,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("retrier", &self.retrier)
            .field("cloud", &self.cloud)
            .finish_non_exhaustive()
    }
}

/// What `HEAD /v1/domains/{domain}` and the look-up by domain found.
#[derive(Debug)]
pub(crate) enum DomainCheck {
    /// Nobody has the domain.
    Free,
    /// One of this partner's customers has it.
    Ours(Box<Customer>),
    /// A tenant that is not a customer of this partner has it.
    Taken,
}

impl Engine {
    /// An engine around `client` (whose before-send hook should await the
    /// retrier's gate) talking to `cloud`.
    pub(crate) fn new(client: PartnerCenterClient, retrier: Retrier, cloud: Cloud) -> Self {
        Engine {
            client,
            retrier,
            cloud,
            mca_template: Mutex::new(TemplateMemo::default()),
            country_rules: CountryRulesMemo::default(),
            invitations: Invitations::default(),
        }
    }

    /// The run's counters.
    pub(crate) fn counters(&self) -> &RunCounters {
        &self.retrier.counters
    }

    /// A read (or a check) through the retry engine.
    pub(crate) async fn read<T, Fut>(&self, op: impl FnMut() -> Fut) -> Attempts<T>
    where
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        self.retrier.run(CallKind::Other, classify, op).await
    }

    /// Whether `domain` is free, one of this partner's customers, or taken
    /// by someone else: `HEAD /v1/domains/{domain}`, then, when taken, a
    /// look-up among the partner's customers.
    pub(crate) async fn check_domain(&self, domain: &str) -> Attempts<DomainCheck> {
        let exists = self.read(|| self.client.domain_exists(domain)).await;
        let (sent, stop) = (exists.sent, exists.stop);
        let taken = match exists.result {
            Ok(taken) => taken,
            Err(e) => return with(Err(e), sent, stop),
        };
        if !taken {
            return with(Ok(DomainCheck::Free), sent, stop);
        }
        let found = self.lookup(domain).await;
        let result = found.result.map(|customer| match customer {
            Some(customer) => DomainCheck::Ours(Box::new(customer)),
            None => DomainCheck::Taken,
        });
        with(result, sent + found.sent, found.stop)
    }

    /// This partner's customer whose domain is `domain`, if any.
    pub(crate) async fn lookup(&self, domain: &str) -> Attempts<Option<Customer>> {
        self.read(|| self.client.find_customer_by_domain(domain))
            .await
    }
}

fn with<T>(result: Result<T, ApiError>, sent: u32, stop: Option<StopReason>) -> Attempts<T> {
    Attempts {
        result,
        sent,
        maybe_committed: false,
        stop,
    }
}

/// Copy the customer's IDs into `result`; hand back the credentials, if any.
pub(crate) fn fill_customer(
    result: &mut RowResult,
    customer: &Customer,
) -> Option<(String, SecretString)> {
    // What the server wrote goes to terminals and files as text: no
    // control character (`one_line`).
    let text = |s: &str| crate::partner_center::auth::one_line(s);
    result.customer_id = text(&customer.id);
    result.tenant_id = if customer.company_profile.tenant_id.is_empty() {
        text(&customer.id)
    } else {
        text(&customer.company_profile.tenant_id)
    };
    result.commerce_id = text(customer.commerce_id.as_deref().unwrap_or_default());
    result.error.clear();
    result.error_code.clear();
    let creds = customer.user_credentials.as_ref()?;
    let admin = admin_user_name(&creds.user_name, &customer.company_profile.domain);
    result.admin_user = text(&admin);
    Some((result.admin_user.clone(), creds.password.clone()))
}

/// An `exists` row whose customer (found by domain) has another company
/// name than the row (compared without case, punctuation, spacing and
/// legal forms: [`same_company`]): say so in `error`, which is otherwise
/// empty for `exists` (the status stays `exists`, the exit code 0).
pub(crate) fn note_other_company(result: &mut RowResult, found: &Customer, row_name: &str) {
    let profile = &found.company_profile;
    let Some(name) = profile
        .company_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    else {
        return;
    };
    if same_company(name, row_name) {
        return;
    }
    result.error = format!(
        "the customer found with domain {} is named {} in Partner Center, not {}: check that it is the same company",
        profile.domain.to_lowercase(),
        quoted(name),
        quoted(row_name)
    );
}

/// `"text"`, its own quotes escaped.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.trim().replace('"', "\\\""))
}

/// `admin` → `admin@contoso.onmicrosoft.com`: the name the user signs in with.
fn admin_user_name(user: &str, domain: &str) -> String {
    if user.contains('@') || domain.is_empty() {
        user.to_owned()
    } else {
        format!("{user}@{}", domain.to_lowercase())
    }
}

/// `status`, with the error's code (or HTTP status) and text.
pub(crate) fn set_error(result: &mut RowResult, status: Status, err: &ApiError) {
    result.status = status;
    result.error_code = err.code().unwrap_or_default().to_owned();
    if result.error_code.is_empty()
        && let Some(http) = err.status()
    {
        result.error_code = http.to_string();
    }
    result.error = err.to_string();
}

/// `403` code `600006`: the call needs an App+User token.
pub(crate) fn needs_app_user(err: &ApiError) -> bool {
    err.status() == Some(403) && err.code() == Some("600006")
}

/// The error text, with the App+User hint when the service asked for it.
pub(crate) fn describe_refusal(err: &ApiError, what: &str) -> String {
    if needs_app_user(err) {
        app_user_text(err, what)
    } else {
        err.to_string()
    }
}

/// `<error>; <what> needs App+User credentials: set PC_REFRESH_TOKEN ...`.
pub(crate) fn app_user_text(err: &ApiError, what: &str) -> String {
    let text = err.to_string();
    format!(
        "{}; {what} needs App+User credentials: {APP_USER_HINT}",
        text.trim_end_matches('.')
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
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
    fn an_exists_row_says_when_the_customer_found_has_another_name() {
        let mut found = Customer::default();
        found.company_profile.domain = "Relecloud.onmicrosoft.com".to_owned();
        found.company_profile.company_name = Some("Relecloud Analytics".to_owned());
        let mut result = RowResult::new(Status::Exists);
        note_other_company(&mut result, &found, "Relecloud Inc.");
        assert_eq!(
            result.error,
            "the customer found with domain relecloud.onmicrosoft.com is named \"Relecloud Analytics\" in Partner Center, not \"Relecloud Inc.\": check that it is the same company"
        );
        assert_eq!(result.status, Status::Exists);
        for same in ["RELECLOUD ANALYTICS, Inc.", "Relecloud-Analytics Ltd"] {
            let mut result = RowResult::new(Status::Exists);
            note_other_company(&mut result, &found, same);
            assert_eq!(result.error, "", "{same}");
        }
        found.company_profile.company_name = None;
        let mut result = RowResult::new(Status::Exists);
        note_other_company(&mut result, &found, "Anything");
        assert_eq!(result.error, "", "no name to compare");
    }

    #[test]
    fn refusals_that_need_app_user_say_what_to_set() {
        let e = ApiError::http(403, "600006", "The requested action is not allowed.");
        assert_eq!(
            describe_refusal(&e, "MCA attestation"),
            "Partner Center answered 403 (code 600006): The requested action is not allowed; MCA attestation needs App+User credentials: run `pc-onboard login` (or set PC_REFRESH_TOKEN with PC_CLIENT_ID)"
        );
        let other = ApiError::http(403, "20002", "No relationship.");
        assert_eq!(
            describe_refusal(&other, "x"),
            "Partner Center answered 403 (code 20002): No relationship."
        );
    }
}
