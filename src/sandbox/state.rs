//! The shared state of one sandbox: one mutex around everything (contention
//! is irrelevant at API speeds).

use super::error::SandboxError;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

use super::config::SandboxConfig;
use super::faults::{Endpoint, Fault, FaultPlan};
use super::persist;
use super::stats::Stats;
use super::tenant::Tenant;
use super::throttle::QuotaWindows;
use crate::partner_center::resources::{
    AddressValidationResponse, CountryValidationRules, Customer,
};

/// What kind of token a caller holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Client credentials: app-only.
    AppOnly,
    /// From a refresh token or a device-code sign-in: App+User (delegated).
    AppUser,
}

impl TokenKind {
    /// `app_only` or `app_user` (the keys of `super::Stats::calls_by_kind`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            TokenKind::AppOnly => "app_only",
            TokenKind::AppUser => "app_user",
        }
    }
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    /// Short id, the throttling key.
    pub(crate) id: u64,
    pub(crate) kind: TokenKind,
    pub(crate) expires_at: Instant,
    /// The retired Azure AD Graph audience it was requested for, if so.
    pub(crate) retired_audience: Option<String>,
    /// An App+User token issued with MFA (`amr`); app-only tokens: true.
    pub(crate) mfa: bool,
}

/// A device-code sign-in in progress.
#[derive(Debug, Clone)]
pub(crate) struct DeviceGrant {
    pub(crate) client_id: String,
    pub(crate) resource: String,
    pub(crate) polls: u32,
    pub(crate) last_poll: Option<Instant>,
    pub(crate) expires_at: Instant,
}

/// Everything behind the mutex.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) tenant: Tenant,
    pub(crate) tokens: HashMap<String, TokenInfo>,
    pub(crate) next_token_id: u64,
    pub(crate) quota: QuotaWindows,
    pub(crate) faults: FaultPlan,
    pub(crate) stats: Stats,
    pub(crate) passwords: Vec<String>,
    /// Device-code sign-ins in progress, by device code.
    pub(crate) device_grants: HashMap<String, DeviceGrant>,
    /// Every access token, refresh token and device code issued (for tests
    /// that look for leaks).
    pub(crate) issued_tokens: Vec<String>,
    /// Test hooks (not persisted): domains of tenants that are not this
    /// partner's customers, served rules and canned address answers.
    pub(crate) hooks: Hooks,
}

/// What tests set up beyond the tenant (see the `SandboxState` methods).
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    /// Lower-case full domains taken by other tenants.
    pub(crate) foreign_domains: HashSet<String>,
    /// Upper-case ISO code → the rules served instead of the data's.
    pub(crate) country_rules: HashMap<String, CountryValidationRules>,
    /// Lower-case, trimmed `addressLine1` → the answer to give.
    pub(crate) address_answers: HashMap<String, AddressValidationResponse>,
    /// Create request ids answered with a business refusal → the body hash
    /// and the refusal, replayed for the same id (Microsoft asks clients for
    /// a new request id after a business failure).
    pub(crate) refusals: HashMap<String, (String, Refusal)>,
}

/// The customers with a Default GDAP relationship: created with
/// `enableGDAPByDefault` true or absent (Partner Center's default); domain →
/// the number of roles it grants.
fn default_gdap_relationships(customers: &[Customer]) -> std::collections::BTreeMap<String, u64> {
    customers
        .iter()
        .filter(|c| c.enable_gdap_by_default != Some(false))
        .map(|c| {
            let reseller = c.associated_partner_id.is_some();
            let roles = crate::partner_center::default_gdap::roles(reseller).len() as u64;
            (c.company_profile.domain.to_lowercase(), roles)
        })
        .collect()
}

/// A business refusal of a create, as remembered for its request id.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    /// HTTP status.
    pub(crate) status: axum::http::StatusCode,
    /// Error code.
    pub(crate) code: String,
    /// Description.
    pub(crate) description: String,
    /// Every problem's message (`data`).
    pub(crate) data: Vec<String>,
}

#[derive(Debug)]
struct Inner {
    config: SandboxConfig,
    world: Mutex<World>,
}

/// The sandbox's state, shared by all handlers (cheap to clone).
///
/// Besides serving the router, it is the test API: [`stats`](Self::stats),
/// [`issued_passwords`](Self::issued_passwords), [`customers`](Self::customers)
/// and the fault script ([`script_faults`](Self::script_faults),
/// [`fault_domain`](Self::fault_domain)).
#[derive(Debug, Clone)]
pub struct SandboxState {
    inner: Arc<Inner>,
}

impl SandboxState {
    /// A sandbox with `config`; loads the state file when one is configured.
    pub fn new(config: SandboxConfig) -> Result<Self, SandboxError> {
        config.check()?;
        let tenant = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => Tenant::new(),
        };
        let world = World {
            tenant,
            tokens: HashMap::new(),
            next_token_id: 0,
            quota: QuotaWindows::new(config.quota),
            faults: FaultPlan::new(
                config.fail_rate,
                config.seed,
                &config.fail_on,
                &config.fail_with,
            ),
            stats: Stats::default(),
            passwords: Vec::new(),
            device_grants: HashMap::new(),
            issued_tokens: Vec::new(),
            hooks: Hooks {
                foreign_domains: config.foreign_domain_names().into_iter().collect(),
                ..Hooks::default()
            },
        };
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                world: Mutex::new(world),
            }),
        })
    }

    /// The configuration it runs with.
    pub(crate) fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.with_world(|w| {
            let mut stats = w.stats.clone();
            stats.customers = w.tenant.len() as u64;
            stats.default_gdap = default_gdap_relationships(w.tenant.customers());
            stats
        })
    }

    /// Every initial admin password handed out (creations and replays), so a
    /// test can check that none of them leaks into outputs.
    pub fn issued_passwords(&self) -> Vec<String> {
        self.with_world(|w| w.passwords.clone())
    }

    /// Every access token, refresh token and device code issued so far
    /// (tests look for them in a client's output).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.with_world(|w| w.issued_tokens.clone())
    }

    /// The customers, in creation order (with their initial credentials).
    pub fn customers(&self) -> Vec<Customer> {
        self.with_world(|w| w.tenant.customers().to_vec())
    }

    /// Every enhanced MCA attestation, by id.
    pub fn attestations(&self) -> Vec<super::Attestation> {
        self.with_world(|w| w.tenant.attestations().cloned().collect())
    }

    /// Accept the enhanced attestation `id`, as the customer does at its
    /// link (`POST /sandbox/mca/{id}`): false when unknown or expired.
    pub fn accept_attestation(&self, id: &str) -> bool {
        super::attestations::accept(self, id).is_ok()
    }

    /// The customer `customer_id` accepts the MCA directly (in the
    /// Microsoft 365 admin center): its agreements list it from now on.
    /// False when there is no such customer.
    pub fn accept_directly(&self, customer_id: &str) -> bool {
        self.with_world(|w| {
            let Some(customer) = w.tenant.customer(customer_id).cloned() else {
                return false;
            };
            let agreement = crate::partner_center::resources::CustomerAgreement {
                primary_contact: crate::partner_center::resources::AgreementContact {
                    first_name: "Direct".to_owned(),
                    last_name: "Acceptance".to_owned(),
                    email: format!("admin@{}", customer.company_profile.domain),
                    phone_number: None,
                },
                template_id: super::MCA_TEMPLATE_ID.to_owned(),
                date_agreed: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                agreement_type: "MicrosoftCustomerAgreement".to_owned(),
                ..Default::default()
            };
            w.tenant.add_agreement(&customer.id, agreement);
            self.persist(w);
            true
        })
    }

    /// Queue faults for the next `POST /v1/customers` calls, one per call, in order.
    pub fn script_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.script_faults_on(Endpoint::Create, faults);
    }

    /// Queue faults for the next calls to `endpoint`, one per call, in order
    /// (whatever `fail_on` says).
    pub fn script_faults_on(&self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.with_world(|w| w.faults.script(endpoint, faults));
    }

    /// Give every `POST /v1/customers` call for `domain` this fault, until
    /// [`clear_faults`](Self::clear_faults).
    pub fn fault_domain(&self, domain: &str, fault: Fault) {
        self.with_world(|w| w.faults.for_domain(domain, fault));
    }

    /// Drop scripted and per-domain faults (`--fail-rate` stays).
    pub fn clear_faults(&self) {
        self.with_world(|w| w.faults.clear());
    }

    /// Mark `domain` (a full `*.onmicrosoft.com` domain, any case) as taken
    /// by a tenant that is not a customer of this partner: `HEAD
    /// /v1/domains` answers `200`, creating a customer with it `409`, and
    /// the customer search does not find it. Not persisted.
    pub fn reserve_domain(&self, domain: &str) {
        let domain = domain.trim().to_lowercase();
        self.with_world(|w| w.hooks.foreign_domains.insert(domain));
    }

    /// Undo [`reserve_domain`](Self::reserve_domain): the other tenant gave
    /// the domain up.
    pub fn release_domain(&self, domain: &str) {
        let domain = domain.trim().to_lowercase();
        self.with_world(|w| w.hooks.foreign_domains.remove(&domain));
    }

    /// Serve `rules` for `GET /v1/countryvalidationrules/{rules.iso2Code}`
    /// instead of the ones made from the country data (e.g. live rules
    /// recorded from the real service). Not persisted.
    pub fn set_country_rules(&self, rules: CountryValidationRules) {
        let code = rules.iso2_code.trim().to_uppercase();
        self.with_world(|w| w.hooks.country_rules.insert(code, rules));
    }

    /// Answer `POST /v1/validations/address` for any address whose
    /// `addressLine1` is `address_line1` (trimmed, any case) with `answer`
    /// (its `originalAddress` is replaced by the address posted): real
    /// verification finds streets the offline rules cannot judge. Not persisted.
    pub fn answer_address(&self, address_line1: &str, answer: AddressValidationResponse) {
        let key = address_line1.trim().to_lowercase();
        self.with_world(|w| w.hooks.address_answers.insert(key, answer));
    }

    /// Run `f` with the world locked.
    pub(crate) fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut world = self
            .inner
            .world
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut world)
    }

    /// Write the tenant to the state file, if there is one (call with the
    /// world locked, after a change). A failure is reported on stderr; the
    /// in-memory state stays authoritative.
    pub(crate) fn persist(&self, world: &World) {
        if let Some(path) = &self.inner.config.state_file
            && let Err(err) = persist::save(path, &world.tenant)
        {
            crate::logging::Console::get().error(&format!(
                "sandbox: cannot write state {}: {err}",
                path.display()
            ));
        }
    }
}
