//! Reading our own access tokens: the claims of a JWT's payload, without a
//! signature check (the token came from the authority over TLS; reading it
//! only decides whether to use it). Microsoft's own bulk tool does the same
//! (`docs/partner-center.md`, "Signing in and MFA"): an App+User token is used only when its
//! `amr` claim has a value ending in `mfa`. A token that is not a JWT
//! cannot be checked: it is used as it is (Partner Center's `401 900421`
//! is then the check).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::CredentialKind;

/// The claims pc-onboard reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct TokenClaims {
    /// Authentication methods (`pwd`, `mfa`, `rsa`, ...).
    #[serde(deserialize_with = "strings")]
    pub(crate) amr: Vec<String>,
    /// Delegated scopes: only user (App+User) tokens have them.
    pub(crate) scp: Option<String>,
    /// Application roles: app-only tokens.
    #[serde(deserialize_with = "strings")]
    pub(crate) roles: Vec<String>,
    /// `app` or `user` (optional claim).
    pub(crate) idtyp: Option<String>,
    /// The user's sign-in name (v1 tokens).
    pub(crate) upn: Option<String>,
    /// The user's sign-in name (v2 tokens).
    pub(crate) preferred_username: Option<String>,
    /// The user's name when there is no `upn` (guests).
    pub(crate) unique_name: Option<String>,
    /// The tenant the token was issued in.
    pub(crate) tid: Option<String>,
}

/// What [`mfa_check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MfaCheck {
    /// A JWT whose `amr` has a value ending in `mfa`.
    Passed,
    /// A JWT without one: Partner Center would refuse it (`401 900421`).
    Missing,
    /// Not a JWT: cannot be checked, used as it is.
    NotJwt,
}

/// Whether an App+User access token carries MFA.
pub(crate) fn mfa_check(token: &str) -> MfaCheck {
    match TokenClaims::read(token) {
        None => MfaCheck::NotJwt,
        Some(claims) if claims.has_mfa() => MfaCheck::Passed,
        Some(_) => MfaCheck::Missing,
    }
}

impl TokenClaims {
    /// The claims of `token`, or `None` when it is not a JWT (three
    /// base64url parts whose middle one is a JSON object).
    pub(crate) fn read(token: &str) -> Option<TokenClaims> {
        let mut parts = token.trim().split('.');
        let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        if !value.is_object() {
            return None;
        }
        serde_json::from_value(value).ok()
    }

    /// Some `amr` value ends in `mfa` (any case).
    pub(crate) fn has_mfa(&self) -> bool {
        self.amr
            .iter()
            .any(|m| m.to_ascii_lowercase().ends_with("mfa"))
    }

    /// The kind of token: `idtyp` when present, else delegated scopes
    /// (App+User) or roles without scopes (app-only); `None` when the
    /// claims do not say.
    pub(crate) fn kind(&self) -> Option<CredentialKind> {
        match self
            .idtyp
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("app") => return Some(CredentialKind::AppOnly),
            Some("user") => return Some(CredentialKind::AppUser),
            _ => {}
        }
        if self.scp.as_deref().is_some_and(|s| !s.trim().is_empty()) || !self.amr.is_empty() {
            Some(CredentialKind::AppUser)
        } else if !self.roles.is_empty() {
            Some(CredentialKind::AppOnly)
        } else {
            None
        }
    }

    /// The signed-in user's name, if the token names one.
    pub(crate) fn user(&self) -> Option<&str> {
        [&self.upn, &self.preferred_username, &self.unique_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }

    /// The domain of the signed-in user's name (`admin@contoso.com` →
    /// `contoso.com`): one of the partner's own e-mail domains. `None`
    /// without a name, or for a name with a `#` (a guest's
    /// `live.com#ann@gmail.com` ends with the guest's home domain, not the
    /// partner's).
    pub(crate) fn user_domain(&self) -> Option<String> {
        user_domain(self.user()?)
    }
}

/// The domain of a user's sign-in name ([`TokenClaims::user_domain`]).
pub(crate) fn user_domain(user: &str) -> Option<String> {
    let (_, domain) = user.rsplit_once('@').filter(|_| !user.contains('#'))?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    domain.contains('.').then_some(domain)
}

/// A claim that is a list of strings, or one string (tolerated).
fn strings<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        serde_json::Value::String(s) => vec![s],
        _ => Vec::new(),
    })
}

/// An unsigned JWT (`alg: none`) with `claims`: what the sandbox issues,
/// and what tests build.
pub(crate) fn unsigned(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_app_user_token_with_mfa_in_amr_passes() {
        let token = unsigned(&json!({"amr": ["pwd", "mfa"], "scp": "user_impersonation",
            "upn": "ann@contoso.example", "tid": "t-1"}));
        assert_eq!(mfa_check(&token), MfaCheck::Passed);
        let claims = TokenClaims::read(&token).unwrap();
        assert_eq!(claims.kind(), Some(CredentialKind::AppUser));
        assert_eq!(claims.user(), Some("ann@contoso.example"));
        assert_eq!(claims.tid.as_deref(), Some("t-1"));
        // Values that end in mfa count too (e.g. `ngcmfa`), in any case.
        let ngc = unsigned(&json!({"amr": ["NGCMFA"]}));
        assert_eq!(mfa_check(&ngc), MfaCheck::Passed);
    }

    #[test]
    fn the_user_domain_is_the_partners_and_a_guests_home_domain_is_not() {
        let domain = |claims| TokenClaims::read(&unsigned(&claims)).unwrap().user_domain();
        assert_eq!(
            domain(json!({"upn": "Ann@Contoso.COM."})).as_deref(),
            Some("contoso.com")
        );
        assert_eq!(
            domain(json!({"preferred_username": "admin@contoso.onmicrosoft.com"})).as_deref(),
            Some("contoso.onmicrosoft.com")
        );
        assert_eq!(
            domain(json!({"unique_name": "live.com#ann@gmail.com"})),
            None
        );
        assert_eq!(
            domain(json!({"upn": "ann_gmail.com#EXT#@contoso.onmicrosoft.com"})),
            None
        );
        assert_eq!(domain(json!({"upn": "ann@localhost"})), None);
        assert_eq!(domain(json!({"scp": "x"})), None);
    }

    #[test]
    fn a_token_without_mfa_fails_and_one_that_is_not_a_jwt_cannot_be_checked() {
        assert_eq!(
            mfa_check(&unsigned(&json!({"amr": ["pwd"], "scp": "x"}))),
            MfaCheck::Missing
        );
        assert_eq!(
            mfa_check(&unsigned(&json!({"scp": "x"}))),
            MfaCheck::Missing
        );
        assert_eq!(
            mfa_check(&unsigned(&json!({"amr": "pwd"}))),
            MfaCheck::Missing
        );
        for opaque in [
            "sbx.0123456789abcdef",
            "a.b.c",
            "",
            "x.e30",
            "a.bm90IGpzb24.c",
        ] {
            assert_eq!(mfa_check(opaque), MfaCheck::NotJwt, "{opaque:?}");
        }
    }

    #[test]
    fn the_kind_of_a_token_comes_from_idtyp_scopes_or_roles() {
        let kind = |claims| TokenClaims::read(&unsigned(&claims)).unwrap().kind();
        assert_eq!(
            kind(json!({"idtyp": "app", "scp": "x"})),
            Some(CredentialKind::AppOnly)
        );
        assert_eq!(kind(json!({"roles": ["a"]})), Some(CredentialKind::AppOnly));
        assert_eq!(kind(json!({"scp": "a b"})), Some(CredentialKind::AppUser));
        assert_eq!(kind(json!({"aud": "x"})), None);
    }
}
