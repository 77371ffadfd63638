//! [`Credentials`] (one way to get a token) and [`CredentialSet`] (what a
//! run holds: app-only, App+User, or both), read from the environment.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::jwt::TokenClaims;
use super::{
    AuthError, COMMON_TENANT, CredentialKind, ENV_ACCESS_TOKEN, ENV_CLIENT_ID, ENV_CLIENT_SECRET,
    ENV_REFRESH_TOKEN, ENV_TENANT_ID,
};

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
    /// App+User: refresh-token grant at the v1 endpoint (`PC_REFRESH_TOKEN`).
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
    /// App+User: the sign-in of `pc-onboard login` (the login cache):
    /// refresh-token grant at the v2 endpoint with the API's scope.
    SignedIn {
        /// The tenant the user signed in to.
        tenant_id: String,
        /// Application (client) id of the sign-in.
        client_id: String,
        /// The newest refresh token.
        refresh_token: SecretString,
    },
    /// A ready bearer token; it cannot be refreshed.
    AccessToken(SecretString),
}

impl Credentials {
    /// A short human name of the kind of credentials (for the summary and
    /// messages).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Credentials::ClientCredentials { .. } => "client credentials",
            Credentials::RefreshToken { .. } => "refresh token (App+User)",
            Credentials::SignedIn { .. } => "sign-in of pc-onboard login (App+User)",
            Credentials::AccessToken(_) => "access token",
        }
    }

    /// Whether a new token can be fetched (everything but a ready access token).
    pub(crate) fn can_refresh(&self) -> bool {
        !matches!(self, Credentials::AccessToken(_))
    }

    pub(super) fn tenant(&self) -> Option<&str> {
        match self {
            Credentials::ClientCredentials { tenant_id, .. }
            | Credentials::RefreshToken { tenant_id, .. }
            | Credentials::SignedIn { tenant_id, .. } => Some(tenant_id),
            Credentials::AccessToken(_) => None,
        }
    }

    /// The secret values, to scrub them from anything shown.
    pub(super) fn secrets(&self) -> Vec<&str> {
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
            Credentials::SignedIn { refresh_token, .. } => vec![refresh_token.expose_secret()],
            Credentials::AccessToken(token) => vec![token.expose_secret()],
        }
    }
}

/// Told each refresh token the App+User authority rotates in, so the login
/// cache keeps the newest one.
#[derive(Clone)]
pub(crate) struct RotationHook(Arc<dyn Fn(&SecretString) + Send + Sync>);

impl RotationHook {
    /// A hook calling `f`.
    pub(crate) fn new(f: impl Fn(&SecretString) + Send + Sync + 'static) -> Self {
        RotationHook(Arc::new(f))
    }

    /// Hand `refresh_token` to the hook.
    pub(crate) fn call(&self, refresh_token: &SecretString) {
        (self.0)(refresh_token);
    }
}

impl std::fmt::Debug for RotationHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RotationHook")
    }
}

/// The credentials of a run: one way to get a token per kind. A ready
/// access token whose kind its claims do not tell serves both.
#[derive(Debug, Clone, Default)]
pub struct CredentialSet {
    /// App-only credentials, if any.
    pub(crate) app_only: Option<Credentials>,
    /// App+User credentials, if any.
    pub(crate) app_user: Option<Credentials>,
    /// Told each refresh token the App+User authority rotates in.
    pub(crate) on_rotate: Option<RotationHook>,
    /// Some app-only variables were set, not all: what is missing. An
    /// error without App+User credentials ([`CredentialSet::check`]).
    pub(crate) incomplete_app_only: Option<AuthError>,
}

impl From<Credentials> for CredentialSet {
    fn from(credentials: Credentials) -> Self {
        let mut set = CredentialSet::default();
        match &credentials {
            Credentials::ClientCredentials { .. } => set.app_only = Some(credentials),
            Credentials::RefreshToken { .. } | Credentials::SignedIn { .. } => {
                set.app_user = Some(credentials);
            }
            Credentials::AccessToken(token) => {
                match TokenClaims::read(token.expose_secret()).and_then(|c| c.kind()) {
                    Some(CredentialKind::AppOnly) => set.app_only = Some(credentials),
                    Some(CredentialKind::AppUser) => set.app_user = Some(credentials),
                    None => {
                        set.app_only = Some(credentials.clone());
                        set.app_user = Some(credentials);
                    }
                }
            }
        }
        set
    }
}

impl CredentialSet {
    /// Read the credentials from the process environment (the login cache
    /// is the caller's to add: [`CredentialSet::app_user`]; then
    /// [`CredentialSet::check`]).
    pub(crate) fn from_env() -> Result<Self, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the credentials through `lookup` (a variable name → value
    /// function). Empty or blank values count as unset.
    ///
    /// `PC_ACCESS_TOKEN` wins when set. Otherwise `PC_TENANT_ID` +
    /// `PC_CLIENT_ID` + `PC_CLIENT_SECRET` are app-only credentials and
    /// `PC_REFRESH_TOKEN` with `PC_CLIENT_ID` App+User ones (with the
    /// secret too when set: a confidential client); both may be present.
    pub(crate) fn from_lookup<F>(lookup: F) -> Result<Self, AuthError>
    where
        F: Fn(&str) -> Option<String>,
    {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = get(ENV_ACCESS_TOKEN) {
            crate::secrets::register(&token);
            return Ok(Credentials::AccessToken(SecretString::from(token)).into());
        }
        let tenant_id = get(ENV_TENANT_ID);
        let client_id = get(ENV_CLIENT_ID);
        let client_secret = get(ENV_CLIENT_SECRET).map(SecretString::from);
        let mut set = CredentialSet::default();
        if let Some(refresh_token) = get(ENV_REFRESH_TOKEN) {
            let client_id = client_id.clone().ok_or(AuthError::MissingVariable {
                variable: ENV_CLIENT_ID,
                needed_for: "a refresh token (PC_REFRESH_TOKEN) needs PC_CLIENT_ID",
            })?;
            set.app_user = Some(Credentials::RefreshToken {
                tenant_id: tenant_id
                    .clone()
                    .unwrap_or_else(|| COMMON_TENANT.to_owned()),
                client_id,
                refresh_token: SecretString::from(refresh_token),
                client_secret: client_secret.clone(),
            });
        }
        match (tenant_id, client_id, client_secret) {
            (Some(tenant_id), Some(client_id), Some(client_secret)) => {
                set.app_only = Some(Credentials::ClientCredentials {
                    tenant_id,
                    client_id,
                    client_secret,
                });
            }
            // With a refresh token, the rest need not be a complete app-only set.
            _ if set.app_user.is_some() => {}
            (None, None, None) => {}
            // Kept, not an error yet: a sign-in of `pc-onboard login` may
            // be the App+User credentials (PC_CLIENT_ID may name its app).
            (tenant_id, client_id, _) => {
                const NEEDED: &str = "client credentials need PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET (or set PC_REFRESH_TOKEN or PC_ACCESS_TOKEN, or run pc-onboard login)";
                let variable = if tenant_id.is_none() {
                    ENV_TENANT_ID
                } else if client_id.is_none() {
                    ENV_CLIENT_ID
                } else {
                    ENV_CLIENT_SECRET
                };
                set.incomplete_app_only = Some(AuthError::MissingVariable {
                    variable,
                    needed_for: NEEDED,
                });
            }
        }
        Ok(set)
    }

    /// An incomplete app-only set is an error when there are no App+User
    /// credentials either (the login cache added, if any).
    pub(crate) fn check(self) -> Result<Self, AuthError> {
        match (&self.incomplete_app_only, &self.app_user) {
            (Some(missing), None) => Err(missing.clone()),
            _ => Ok(self),
        }
    }

    /// No credentials of either kind.
    pub(crate) fn is_empty(&self) -> bool {
        self.app_only.is_none() && self.app_user.is_none()
    }

    /// The kinds present.
    #[cfg(test)]
    pub(crate) fn kinds(&self) -> super::Kinds {
        super::Kinds {
            app_only: self.app_only.is_some(),
            app_user: self.app_user.is_some(),
        }
    }

    /// `client credentials and sign-in of pc-onboard login (App+User)`: for
    /// the summary and the logs.
    pub(crate) fn describe(&self) -> String {
        match (&self.app_only, &self.app_user) {
            (Some(a), Some(u)) if a.kind() == u.kind() => a.kind().to_owned(),
            (Some(a), Some(u)) => format!("{} and {}", a.kind(), u.kind()),
            (Some(one), None) | (None, Some(one)) => one.kind().to_owned(),
            (None, None) => "no credentials".to_owned(),
        }
    }
}
