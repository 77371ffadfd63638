//! What a sandbox instance emulates: quota, latency, faults, token lifetime,
//! accepted credentials, customer limit, state file, paging shape, BOM and
//! the registration-number rule.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::faults::{Endpoint, Fault};
use super::paging::Paging;
use super::reads::MAX_PAGE_SIZE;

/// Environment variable naming the only client id the token endpoint accepts.
pub const CLIENT_ID_ENV: &str = "PC_SANDBOX_CLIENT_ID";
/// Environment variable naming the only client secret the token endpoint accepts.
pub const CLIENT_SECRET_ENV: &str = "PC_SANDBOX_CLIENT_SECRET";

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
    /// Largest page served, whatever `size` asks (at most [`MAX_PAGE_SIZE`]):
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
    pub fn check(&self) -> anyhow::Result<()> {
        if !(0.0..=1.0).contains(&self.fail_rate) {
            anyhow::bail!(
                "--fail-rate must be between 0 and 1, got {}",
                self.fail_rate
            );
        }
        if !(1..=MAX_PAGE_SIZE).contains(&self.max_page_size) {
            anyhow::bail!(
                "--max-page-size must be between 1 and {MAX_PAGE_SIZE}, got {}",
                self.max_page_size
            );
        }
        if self.token_ttl.is_zero() {
            anyhow::bail!("--token-ttl must be at least 1 second");
        }
        Ok(())
    }
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
    /// Read [`CLIENT_ID_ENV`] and [`CLIENT_SECRET_ENV`] (unset or empty: accept any).
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Self {
            client_id: var(CLIENT_ID_ENV),
            client_secret: var(CLIENT_SECRET_ENV).map(SecretString::from),
        }
    }

    /// Whether `client_id` is accepted.
    pub fn accepts_id(&self, client_id: &str) -> bool {
        self.client_id.as_deref().is_none_or(|id| id == client_id)
    }

    /// Whether `client_secret` is accepted.
    pub fn accepts_secret(&self, client_secret: &str) -> bool {
        self.client_secret
            .as_ref()
            .is_none_or(|s| s.expose_secret() == client_secret)
    }
}
