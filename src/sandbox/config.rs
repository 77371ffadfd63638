//! What a sandbox instance emulates: quota, latency, faults, token lifetime,
//! accepted credentials, customer limit, state file, paging shape, BOM and
//! the registration-number rule.

use super::error::SandboxError;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::faults::{Endpoint, Fault};
use super::paging::Paging;
use super::reads::MAX_PAGE_SIZE;

/// Environment variable naming the only client id the token endpoint accepts.
pub(crate) const CLIENT_ID_ENV: &str = "PC_SANDBOX_CLIENT_ID";
/// Environment variable naming the only client secret the token endpoint accepts.
pub(crate) const CLIENT_SECRET_ENV: &str = "PC_SANDBOX_CLIENT_SECRET";

/// How long an acceptance link lives unless `--attestation-ttl` says (the
/// real lifetime is not published).
pub(crate) const DEFAULT_ATTESTATION_TTL: Duration = Duration::from_secs(30 * 86_400);

/// The longest `--token-ttl`: a year (a longer one would overflow the clock).
pub(crate) const MAX_TOKEN_TTL: Duration = Duration::from_secs(366 * 86_400);

/// Settings of one sandbox instance.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// `/v1` calls per token in any 60-second window before answering 429
    /// (0 turns throttling off).
    pub quota: u32,
    /// Delay added to every call.
    pub latency: Duration,
    /// Fraction (0..=1) of calls to the endpoints of [`fail_on`](Self::fail_on)
    /// that get a random fault (1.0: a dead service).
    pub fail_rate: f64,
    /// The endpoints `fail_rate` hits (default: every `/v1` endpoint,
    /// [`Endpoint::API`]; add [`Endpoint::Token`] to fault tokens too).
    pub fail_on: Vec<Endpoint>,
    /// The faults `fail_rate` throws, evenly (empty: half `503` before, a
    /// quarter `500` after, a quarter dropped after).
    pub fail_with: Vec<Fault>,
    /// Seed of the fault dice; `None` draws a random seed.
    pub seed: Option<u64>,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// Client id and secret the token endpoint accepts.
    pub credentials: AcceptedCredentials,
    /// Refuse creations past this many customers with 800018.
    pub customer_limit: Option<usize>,
    /// Persist customers and idempotency records here.
    pub state_file: Option<PathBuf>,
    /// Log one line per request to stderr.
    pub log_requests: bool,
    /// How `GET /v1/customers` announces its next page.
    pub paging: Paging,
    /// Largest page served, whatever `size` asks (at most `MAX_PAGE_SIZE`):
    /// a small value makes a search span several pages.
    pub max_page_size: usize,
    /// Start success bodies with a UTF-8 BOM, like the live service (default on).
    pub bom: bool,
    /// Refuse a registration number for a country that takes none with
    /// `600002` (default off: it is ignored, as Microsoft's newest page says).
    pub strict_registration: bool,
    /// The partner's own e-mail domains: a customer e-mail there is refused
    /// (`27017`), as Partner Center refuses the partner's addresses.
    pub partner_domains: Vec<String>,
    /// Countries whose country rules list their states by name (the Latin
    /// name where the data has one: `Osaka`), not by code: a client must
    /// send the listed form.
    pub state_names: Vec<String>,
    /// App+User tokens carry MFA (`amr` has `mfa`; default on). Off: they
    /// are issued without it, and every App+User call is answered `401`
    /// with code `900421`, as Partner Center does since April 2026.
    pub app_user_mfa: bool,
    /// Issue opaque access tokens instead of (unsigned) JWTs: a client
    /// cannot read them, so only the `401 900421` tells it about MFA.
    pub opaque_tokens: bool,
    /// How the device-code sign-in goes.
    pub device: DeviceScript,
    /// Domains (`contoso` or `contoso.onmicrosoft.com`) owned by Microsoft
    /// tenants that are not this partner's customers (`--foreign-domain`):
    /// as [`SandboxState::reserve_domain`](super::SandboxState::reserve_domain).
    pub foreign_domains: Vec<String>,
    /// How long an enhanced MCA attestation's acceptance link lives
    /// (`--attestation-ttl`; zero: expired at once). Default 30 days.
    pub attestation_ttl: Duration,
    /// The field names of the sandbox's attestation answers
    /// (`--attestation-names`): Microsoft publishes none.
    pub attestation_names: AttestationNames,
    /// How the legacy MCA calls are answered (`--legacy-mca`).
    pub legacy_mca: LegacyMca,
}

/// The field names of the sandbox's enhanced attestation answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AttestationNames {
    /// `id`, `status`, `url`.
    #[default]
    Plain,
    /// `attestationId`, `attestationStatus`, and the link nested as
    /// `links.acceptance.uri`: what a client must read as well.
    Alternate,
}

/// How the sandbox answers the legacy (2023) MCA calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LegacyMca {
    /// As documented: the template, and the agreement with it.
    #[default]
    Live,
    /// As a retired endpoint (CSP vendors: retired on 5 January 2026):
    /// `GET /v1/agreements` answers `410`, and an agreement with a
    /// template id `403` code `13605`.
    Retired,
}

impl std::str::FromStr for AttestationNames {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "plain" => Ok(AttestationNames::Plain),
            "alternate" => Ok(AttestationNames::Alternate),
            other => Err(format!("expected plain or alternate, got {other:?}")),
        }
    }
}

impl std::str::FromStr for LegacyMca {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "live" => Ok(LegacyMca::Live),
            "retired" => Ok(LegacyMca::Retired),
            other => Err(format!("expected live or retired, got {other:?}")),
        }
    }
}

/// How the sandbox answers a device-code sign-in (`pc-onboard login`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceScript {
    /// What the polls end with.
    pub outcome: DeviceOutcome,
    /// Polls answered `authorization_pending` before the outcome.
    pub pending_polls: u32,
    /// The `interval` it asks for, in seconds (a faster poll is answered
    /// `slow_down`).
    pub interval_secs: u64,
    /// The `expires_in` of its codes, in seconds.
    pub expires_in_secs: u64,
}

impl Default for DeviceScript {
    fn default() -> Self {
        DeviceScript {
            outcome: DeviceOutcome::Approve,
            pending_polls: 1,
            interval_secs: 1,
            expires_in_secs: 900,
        }
    }
}

/// What the polls of a device-code sign-in end with (`--device-flow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceOutcome {
    /// The user signs in (after the pending polls).
    Approve,
    /// The first poll is told `slow_down`, then as [`DeviceOutcome::Approve`].
    SlowDown,
    /// The user declines: `authorization_declined`.
    Declined,
    /// The code expires: `expired_token`.
    Expired,
}

impl std::str::FromStr for DeviceOutcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "approve" => Ok(DeviceOutcome::Approve),
            "slow_down" => Ok(DeviceOutcome::SlowDown),
            "declined" => Ok(DeviceOutcome::Declined),
            "expired" => Ok(DeviceOutcome::Expired),
            other => Err(format!(
                "expected approve, slow_down, declined or expired, got {other:?}"
            )),
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            quota: 500,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            seed: None,
            token_ttl: Duration::from_secs(3599),
            credentials: AcceptedCredentials::default(),
            customer_limit: None,
            state_file: None,
            log_requests: false,
            fail_on: Endpoint::API.to_vec(),
            fail_with: Vec::new(),
            paging: Paging::default(),
            max_page_size: MAX_PAGE_SIZE,
            bom: true,
            strict_registration: false,
            partner_domains: Vec::new(),
            state_names: Vec::new(),
            app_user_mfa: true,
            opaque_tokens: false,
            device: DeviceScript::default(),
            foreign_domains: Vec::new(),
            attestation_ttl: DEFAULT_ATTESTATION_TTL,
            attestation_names: AttestationNames::default(),
            legacy_mca: LegacyMca::default(),
        }
    }
}

impl SandboxConfig {
    /// A dead service: every `/v1` call answers `503` (nothing is created),
    /// tokens are still issued.
    pub fn dead_service() -> Self {
        Self {
            fail_rate: 1.0,
            fail_on: Endpoint::API.to_vec(),
            fail_with: vec![Fault::ServiceUnavailable],
            ..Self::default()
        }
    }

    /// Check the values a flag could get wrong.
    pub(crate) fn check(&self) -> Result<(), SandboxError> {
        if !(0.0..=1.0).contains(&self.fail_rate) {
            return Err(SandboxError::Setting(format!(
                "--fail-rate must be between 0 and 1, got {}",
                self.fail_rate
            )));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&self.max_page_size) {
            return Err(SandboxError::Setting(format!(
                "--max-page-size must be between 1 and {MAX_PAGE_SIZE}, got {}",
                self.max_page_size
            )));
        }
        if self.token_ttl.is_zero() || self.token_ttl > MAX_TOKEN_TTL {
            return Err(SandboxError::Setting(format!(
                "--token-ttl must be between 1 and {} seconds",
                MAX_TOKEN_TTL.as_secs()
            )));
        }
        if self.attestation_ttl > MAX_TOKEN_TTL {
            return Err(SandboxError::Setting(format!(
                "--attestation-ttl must be at most {} seconds",
                MAX_TOKEN_TTL.as_secs()
            )));
        }
        for domain in &self.foreign_domains {
            foreign_domain(domain)?;
        }
        Ok(())
    }

    /// The full lower-case domains of [`foreign_domains`](Self::foreign_domains).
    pub(crate) fn foreign_domain_names(&self) -> Vec<String> {
        let full = self.foreign_domains.iter().map(|d| foreign_domain(d).ok());
        full.flatten().collect()
    }
}

/// A `--foreign-domain` value as a full lower-case domain, or why not.
fn foreign_domain(domain: &str) -> Result<String, SandboxError> {
    crate::validate::Domain::parse(domain)
        .map(|d| d.as_str().to_owned())
        .map_err(|reason| SandboxError::Setting(format!("--foreign-domain {domain:?} {reason}")))
}

/// The client credentials the token endpoint accepts: `None` accepts any value.
#[derive(Debug, Clone, Default)]
pub struct AcceptedCredentials {
    /// The accepted client id.
    pub client_id: Option<String>,
    /// The accepted client secret.
    pub client_secret: Option<SecretString>,
}

impl AcceptedCredentials {
    /// Read `CLIENT_ID_ENV` and `CLIENT_SECRET_ENV` (unset or empty: accept any).
    pub(crate) fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Self {
            client_id: var(CLIENT_ID_ENV),
            client_secret: var(CLIENT_SECRET_ENV).map(SecretString::from),
        }
    }

    /// Whether `client_id` is accepted.
    pub(crate) fn accepts_id(&self, client_id: &str) -> bool {
        self.client_id.as_deref().is_none_or(|id| id == client_id)
    }

    /// Whether `client_secret` is accepted.
    pub(crate) fn accepts_secret(&self, client_secret: &str) -> bool {
        self.client_secret
            .as_ref()
            .is_none_or(|s| s.expose_secret() == client_secret)
    }
}
