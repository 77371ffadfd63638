//! What a sandbox instance emulates: quota, latency, faults, token lifetime,
//! accepted credentials, customer limit and state file.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

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
    /// Fraction (0..=1) of `POST /v1/customers` calls that get a random fault.
    pub fail_rate: f64,
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
        }
    }
}

impl SandboxConfig {
    /// Check the values a flag could get wrong.
    pub fn check(&self) -> anyhow::Result<()> {
        if !(0.0..=1.0).contains(&self.fail_rate) {
            anyhow::bail!(
                "--fail-rate must be between 0 and 1, got {}",
                self.fail_rate
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
