//! The login cache: the sign-in `pc-onboard login` keeps for later runs
//! (README, "Signing in").
//!
//! Where: `$PC_LOGIN_CACHE`, else `$XDG_CONFIG_HOME/pc-onboard/login.json`,
//! else `~/.config/pc-onboard/login.json` (macOS:
//! `~/Library/Application Support/pc-onboard/login.json`, Windows:
//! `%APPDATA%\pc-onboard\login.json`). What: one JSON object, a
//! `SignIn`: the refresh token, the client and tenant it belongs to, the
//! authority and resource it was issued for, the user, when, when it
//! expires if unused, and whether the sign-in carried MFA. How: mode 0600,
//! replaced atomically (a private file beside it, renamed over it), never
//! written through a symlink (a path that is not a regular file is
//! refused), its directory created 0700. A run refreshing the token writes
//! each rotated refresh token back the same way (`LoginCache::rotation_hook`).

mod cache;

pub(crate) use cache::LoginCache;

use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::partner_center::auth::Credentials;
use crate::partner_center::cloud::CloudEndpoints;

/// `PC_LOGIN_CACHE`: where the login cache is.
pub(crate) const ENV_LOGIN_CACHE: &str = "PC_LOGIN_CACHE";

/// The cache's format version.
pub(crate) const CACHE_VERSION: u32 = 1;

/// How long an unused refresh token lives when the authority does not say:
/// Entra ID's default, 90 days of inactivity (a tenant policy, a password
/// change or a revocation can end it sooner).
pub(crate) const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// One sign-in, as the cache holds it. `Debug` hides the refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SignIn {
    /// [`CACHE_VERSION`].
    pub(crate) version: u32,
    /// The signed-in user (`upn`, else `preferred_username`), or empty.
    pub(crate) user: String,
    /// The tenant to refresh at: the user's (`tid`), else the one asked.
    pub(crate) tenant: String,
    /// The application (client) id the user signed in through.
    pub(crate) client_id: String,
    /// The cloud (`global`, `china`, `usgov`), for the status.
    pub(crate) cloud: String,
    /// The token authority the refresh token belongs to.
    pub(crate) authority: String,
    /// The API resource the scope was for.
    pub(crate) resource: String,
    /// Whether the sign-in's access token carried MFA (`amr`); `null` when
    /// it could not be read (not a JWT).
    pub(crate) mfa: Option<bool>,
    /// When the user signed in (RFC 3339).
    pub(crate) signed_in_at: String,
    /// When the refresh token was last renewed (RFC 3339).
    pub(crate) refreshed_at: String,
    /// When the refresh token expires if unused (RFC 3339; an estimate
    /// unless the authority said).
    pub(crate) expires_at: String,
    /// The newest refresh token.
    #[serde(with = "secret_text")]
    pub(crate) refresh_token: SecretString,
}

impl SignIn {
    /// Whether this sign-in belongs to `endpoints`' authority (a refresh
    /// token is only good there).
    pub(crate) fn is_for(&self, endpoints: &CloudEndpoints) -> bool {
        let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
        norm(&self.authority) == norm(&endpoints.authority)
    }

    /// The App+User credentials of this sign-in.
    pub(crate) fn credentials(&self) -> Credentials {
        Credentials::SignedIn {
            tenant_id: self.tenant.clone(),
            client_id: self.client_id.clone(),
            refresh_token: self.refresh_token.clone(),
        }
    }

    /// The refresh token was renewed `now` to `refresh_token`.
    pub(crate) fn renewed(&mut self, refresh_token: SecretString, now: SystemTime) {
        self.refresh_token = refresh_token;
        self.refreshed_at = rfc3339(now);
        self.expires_at = rfc3339(now + REFRESH_TOKEN_LIFETIME);
    }

    /// Whether the refresh token has expired (by [`SignIn::expires_at`]) at `now`.
    pub(crate) fn has_expired(&self, now: SystemTime) -> bool {
        humantime::parse_rfc3339(&self.expires_at).is_ok_and(|at| at <= now)
    }
}

/// `2026-05-02T10:00:00Z`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

/// The refresh token as plain text in the cache file (and only there).
mod secret_text {
    use super::*;

    pub(crate) fn serialize<S: serde::Serializer>(
        v: &SecretString,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.expose_secret())
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<SecretString, D::Error> {
        let value = String::deserialize(d)?;
        crate::secrets::register(&value);
        Ok(SecretString::from(value))
    }
}
