//! Credentials from the environment and the bearer token they buy.
//!
//! Three ways in (README.md, "Usage": credentials come from the environment):
//!
//! | variables | credentials |
//! |---|---|
//! | `PC_ACCESS_TOKEN` | a ready bearer token (wins when set; cannot be refreshed) |
//! | `PC_REFRESH_TOKEN`, `PC_CLIENT_ID` [, `PC_TENANT_ID`, `PC_CLIENT_SECRET`] | App+User token from a refresh token |
//! | `PC_TENANT_ID`, `PC_CLIENT_ID`, `PC_CLIENT_SECRET` | app-only token (client credentials) |
//!
//! [`TokenSource`] fetches the token from `{authority}/{tenant}/oauth2/token`,
//! caches it and refreshes it before it expires; concurrent callers share one
//! refresh. Secrets are [`SecretString`]s: they never appear in `Debug`,
//! `Display` or logs, and token-endpoint error descriptions are scrubbed of
//! them before they are shown.

mod token;

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

pub use token::{BearerToken, TokenSource, refresh_margin};

/// `PC_TENANT_ID`: the partner's Azure AD tenant (id or domain).
pub const ENV_TENANT_ID: &str = "PC_TENANT_ID";
/// `PC_CLIENT_ID`: the application (client) id.
pub const ENV_CLIENT_ID: &str = "PC_CLIENT_ID";
/// `PC_CLIENT_SECRET`: the application secret.
pub const ENV_CLIENT_SECRET: &str = "PC_CLIENT_SECRET";
/// `PC_REFRESH_TOKEN`: an App+User refresh token.
pub const ENV_REFRESH_TOKEN: &str = "PC_REFRESH_TOKEN";
/// `PC_ACCESS_TOKEN`: a ready bearer token.
pub const ENV_ACCESS_TOKEN: &str = "PC_ACCESS_TOKEN";

/// The tenant used for a refresh token when `PC_TENANT_ID` is not set.
pub const COMMON_TENANT: &str = "common";

/// Tokens are refreshed when less than this remains (or 10% of the
/// lifetime, whichever is shorter).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How the client authenticates. `Debug` never shows a secret.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// App-only: client-credentials grant.
    ClientCredentials {
        /// Partner tenant id or domain.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// Application secret.
        client_secret: SecretString,
    },
    /// App+User: refresh-token grant (needed for indirect-reseller creation
    /// and MCA attestation).
    RefreshToken {
        /// Partner tenant id or domain (`common` when not given).
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// The refresh token.
        refresh_token: SecretString,
        /// Application secret, for confidential clients.
        client_secret: Option<SecretString>,
    },
    /// A ready bearer token; it cannot be refreshed.
    AccessToken(SecretString),
}

impl Credentials {
    /// Read the credentials from the process environment; `Ok(None)` when
    /// none of the variables is set.
    pub fn from_env() -> Result<Option<Self>, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the credentials through `lookup` (a variable name → value
    /// function), so that tests need not touch the environment. Empty or
    /// blank values count as unset.
    pub fn from_lookup<F>(lookup: F) -> Result<Option<Self>, AuthError>
    where
        F: Fn(&str) -> Option<String>,
    {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = get(ENV_ACCESS_TOKEN) {
            return Ok(Some(Credentials::AccessToken(SecretString::from(token))));
        }
        let tenant_id = get(ENV_TENANT_ID);
        let client_id = get(ENV_CLIENT_ID);
        let client_secret = get(ENV_CLIENT_SECRET).map(SecretString::from);
        if let Some(refresh_token) = get(ENV_REFRESH_TOKEN) {
            let client_id = client_id.ok_or(AuthError::MissingVariable {
                variable: ENV_CLIENT_ID,
                needed_for: "a refresh token (PC_REFRESH_TOKEN) needs PC_CLIENT_ID",
            })?;
            return Ok(Some(Credentials::RefreshToken {
                tenant_id: tenant_id.unwrap_or_else(|| COMMON_TENANT.to_owned()),
                client_id,
                refresh_token: SecretString::from(refresh_token),
                client_secret,
            }));
        }
        if tenant_id.is_none() && client_id.is_none() && client_secret.is_none() {
            return Ok(None);
        }
        const NEEDED: &str = "client credentials need PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or set PC_REFRESH_TOKEN or PC_ACCESS_TOKEN)";
        let missing = |variable| AuthError::MissingVariable {
            variable,
            needed_for: NEEDED,
        };
        Ok(Some(Credentials::ClientCredentials {
            tenant_id: tenant_id.ok_or_else(|| missing(ENV_TENANT_ID))?,
            client_id: client_id.ok_or_else(|| missing(ENV_CLIENT_ID))?,
            client_secret: client_secret.ok_or_else(|| missing(ENV_CLIENT_SECRET))?,
        }))
    }

    /// A short human name of the kind of credentials (for the summary and
    /// messages): `client credentials`, `refresh token (App+User)`, `access token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::ClientCredentials { .. } => "client credentials",
            Credentials::RefreshToken { .. } => "refresh token (App+User)",
            Credentials::AccessToken(_) => "access token",
        }
    }

    /// App-only credentials (client credentials): Partner Center refuses
    /// App+User-only operations with them. A ready access token may be
    /// either kind: it is not counted as app-only.
    pub fn is_app_only(&self) -> bool {
        matches!(self, Credentials::ClientCredentials { .. })
    }

    /// Whether a new token can be fetched (everything but a ready access token).
    pub fn can_refresh(&self) -> bool {
        !matches!(self, Credentials::AccessToken(_))
    }

    fn tenant(&self) -> Option<&str> {
        match self {
            Credentials::ClientCredentials { tenant_id, .. }
            | Credentials::RefreshToken { tenant_id, .. } => Some(tenant_id),
            Credentials::AccessToken(_) => None,
        }
    }

    /// The secret values, to scrub them from anything shown.
    fn secrets(&self) -> Vec<&str> {
        match self {
            Credentials::ClientCredentials { client_secret, .. } => {
                vec![client_secret.expose_secret()]
            }
            Credentials::RefreshToken {
                refresh_token,
                client_secret,
                ..
            } => {
                let mut v = vec![refresh_token.expose_secret()];
                if let Some(s) = client_secret {
                    v.push(s.expose_secret());
                }
                v
            }
            Credentials::AccessToken(token) => vec![token.expose_secret()],
        }
    }
}

/// Authentication failures. None of them carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A set of credential variables is incomplete.
    #[error("{variable} is not set: {needed_for}")]
    MissingVariable {
        /// The missing variable.
        variable: &'static str,
        /// Which set needs it.
        needed_for: &'static str,
    },
    /// The token authority refused the credentials (`invalid_client`,
    /// `invalid_grant`, ...).
    #[error("the token authority refused the {credentials} ({status}, {error}): {description}")]
    Rejected {
        /// HTTP status of the token answer.
        status: u16,
        /// OAuth error, e.g. `invalid_client`.
        error: String,
        /// OAuth error description (secrets removed).
        description: String,
        /// Kind of credentials ([`Credentials::kind`]).
        credentials: &'static str,
    },
    /// The token authority could not be reached, timed out or answered
    /// 429/5xx: worth retrying.
    #[error("the token authority is unavailable: {message}")]
    Unavailable {
        /// What happened.
        message: String,
    },
    /// The token authority answered 2xx with a body that is not a token.
    #[error("the token authority's answer could not be read: {message}")]
    InvalidResponse {
        /// What is wrong with it (never the body itself).
        message: String,
    },
    /// The token endpoint answered a redirect: refused, so the client
    /// secret is never posted to another origin.
    #[error(
        "the token endpoint answered {status}, a redirect to {}; pc-onboard follows no redirect (check --authority, or the proxy)",
        if location.is_empty() { "nowhere" } else { location.as_str() }
    )]
    Redirected {
        /// HTTP status (3xx).
        status: u16,
        /// The `Location` header (empty when absent).
        location: String,
    },
    /// Partner Center answered 401 to a fresh token (or to an access token
    /// that cannot be refreshed).
    #[error("{}", unauthorized_text(code, description, *refreshable))]
    Unauthorized {
        /// Partner Center error code, if any (e.g. `900420`).
        code: String,
        /// Partner Center's description.
        description: String,
        /// Whether the credentials could be refreshed (false for `PC_ACCESS_TOKEN`).
        refreshable: bool,
    },
}

fn unauthorized_text(code: &str, description: &str, refreshable: bool) -> String {
    let mut s = String::from("Partner Center rejected the access token (401");
    if !code.is_empty() {
        s.push_str(", code ");
        s.push_str(code);
    }
    s.push(')');
    if !description.is_empty() {
        s.push_str(": ");
        s.push_str(description);
    }
    if !refreshable {
        s.push_str(
            " (PC_ACCESS_TOKEN cannot be refreshed: set a fresh one, or use PC_CLIENT_ID/PC_CLIENT_SECRET)",
        );
    }
    s
}

impl AuthError {
    /// Whether trying again later may succeed (the authority was unavailable).
    pub fn is_transient(&self) -> bool {
        matches!(self, AuthError::Unavailable { .. })
    }
}

/// Replace every occurrence of each (non-trivial) secret in `text`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(secret) {
            out = out.replace(secret, "[REDACTED]");
        }
    }
    out
}

/// Collapse all whitespace (AAD descriptions carry `\r\n`) into single spaces.
pub(crate) fn one_line(text: impl AsRef<str>) -> String {
    text.as_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn no_variables_means_no_credentials() {
        assert!(Credentials::from_lookup(lookup(&[])).unwrap().is_none());
        assert!(
            Credentials::from_lookup(lookup(&[(ENV_CLIENT_SECRET, "  ")]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn tenant_client_and_secret_make_client_credentials() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_ID, "c"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap()
        .unwrap();
        match &c {
            Credentials::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            } => {
                assert_eq!(tenant_id, "t");
                assert_eq!(client_id, "c");
                assert_eq!(client_secret.expose_secret(), "s3cr3t-value");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!format!("{c:?}").contains("s3cr3t-value"));
        assert!(c.can_refresh());
    }

    #[test]
    fn an_incomplete_client_credentials_set_names_the_missing_variable() {
        let err = Credentials::from_lookup(lookup(&[
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap_err();
        assert!(matches!(
            err,
            AuthError::MissingVariable {
                variable: ENV_CLIENT_ID,
                ..
            }
        ));
        assert!(err.to_string().starts_with("PC_CLIENT_ID is not set"));
        assert!(!err.to_string().contains("s3cr3t-value"));

        let err = Credentials::from_lookup(lookup(&[(ENV_TENANT_ID, "t"), (ENV_CLIENT_ID, "c")]))
            .unwrap_err();
        assert!(err.to_string().starts_with("PC_CLIENT_SECRET is not set"));

        let err = Credentials::from_lookup(lookup(&[(ENV_CLIENT_ID, "c")])).unwrap_err();
        assert!(err.to_string().starts_with("PC_TENANT_ID is not set"));
    }

    #[test]
    fn a_refresh_token_needs_a_client_id_and_defaults_the_tenant_to_common() {
        let err = Credentials::from_lookup(lookup(&[(ENV_REFRESH_TOKEN, "rt-value")])).unwrap_err();
        assert!(err.to_string().starts_with("PC_CLIENT_ID is not set"));

        let c = Credentials::from_lookup(lookup(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
        ]))
        .unwrap()
        .unwrap();
        match &c {
            Credentials::RefreshToken {
                tenant_id,
                client_secret,
                ..
            } => {
                assert_eq!(tenant_id, COMMON_TENANT);
                assert!(client_secret.is_none());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(c.kind(), "refresh token (App+User)");

        let c = Credentials::from_lookup(lookup(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(
            &c,
            Credentials::RefreshToken { tenant_id, client_secret: Some(_), .. } if tenant_id == "t"
        ));
        assert!(!format!("{c:?}").contains("rt-value"));
    }

    #[test]
    fn an_access_token_wins_and_cannot_be_refreshed() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_ACCESS_TOKEN, "eyJ0eXAi"),
            (ENV_TENANT_ID, "t"),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(&c, Credentials::AccessToken(t) if t.expose_secret() == "eyJ0eXAi"));
        assert!(!c.can_refresh());
        assert!(!format!("{c:?}").contains("eyJ0eXAi"));
    }

    #[test]
    fn secrets_are_scrubbed_from_descriptions() {
        assert_eq!(
            redact("bad secret s3cr3t-value given", &["s3cr3t-value", "x"]),
            "bad secret [REDACTED] given"
        );
        assert_eq!(
            one_line("AADSTS7000215: bad.\r\nTrace ID: 1"),
            "AADSTS7000215: bad. Trace ID: 1"
        );
    }

    #[test]
    fn unauthorized_with_an_access_token_says_how_to_fix_it() {
        let e = AuthError::Unauthorized {
            code: "900420".into(),
            description: "The audience is invalid".into(),
            refreshable: false,
        };
        let text = e.to_string();
        assert!(text.starts_with(
            "Partner Center rejected the access token (401, code 900420): The audience is invalid"
        ));
        assert!(text.contains("PC_ACCESS_TOKEN cannot be refreshed"));
        assert!(!e.is_transient());
        assert!(
            AuthError::Unavailable {
                message: "x".into()
            }
            .is_transient()
        );
    }
}
