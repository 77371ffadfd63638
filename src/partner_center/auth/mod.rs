//! Credentials from the environment (and the sign-in of `pc-onboard
//! login`), the bearer tokens they buy, and which kind each call uses.
//!
//! | variables | credentials |
//! |---|---|
//! | `PC_ACCESS_TOKEN` | a ready bearer token (wins when set; cannot be refreshed) |
//! | `PC_TENANT_ID`, `PC_CLIENT_ID`, `PC_CLIENT_SECRET` | app-only token (client credentials) |
//! | `PC_REFRESH_TOKEN`, `PC_CLIENT_ID` [, `PC_TENANT_ID`, `PC_CLIENT_SECRET`] | App+User token from a refresh token |
//! | (none of those for App+User) | App+User from the login cache, when there is one |
//!
//! A run may hold both kinds (`CredentialSet`); each call says what it
//! needs (`CallAuth`) and the client picks the kind (`CallAuth::choose`).
//! `TokenSource` fetches a token (v1 `{authority}/{tenant}/oauth2/token`,
//! or v2 with the API's scope for a sign-in), caches it and refreshes it
//! before it expires; concurrent callers share one refresh; rotated refresh
//! tokens are kept (and handed to the login cache). An App+User token is
//! used only with an MFA claim (`jwt::mfa_check`). Secrets are
//! `SecretString`s, registered with `crate::secrets` so that no text
//! leaving the process carries one. `device` is the device authorization
//! grant of `pc-onboard login`.

mod credentials;
pub(crate) mod device;
mod error;
pub(crate) mod jwt;
mod kind;
mod token;

use std::time::Duration;

pub use credentials::Credentials;
pub(crate) use credentials::{CredentialSet, RotationHook};
pub use error::AuthError;
pub(crate) use error::MFA_ADVICE;
pub(crate) use kind::{CallAuth, CredentialKind, Kinds};
pub(crate) use token::{BearerToken, TokenSource};

/// `PC_TENANT_ID`: the partner's Entra ID tenant (id or domain).
pub(crate) const ENV_TENANT_ID: &str = "PC_TENANT_ID";
/// `PC_CLIENT_ID`: the application (client) id.
pub(crate) const ENV_CLIENT_ID: &str = "PC_CLIENT_ID";
/// `PC_CLIENT_SECRET`: the application secret.
pub(crate) const ENV_CLIENT_SECRET: &str = "PC_CLIENT_SECRET";
/// `PC_REFRESH_TOKEN`: an App+User refresh token.
pub(crate) const ENV_REFRESH_TOKEN: &str = "PC_REFRESH_TOKEN";
/// `PC_ACCESS_TOKEN`: a ready bearer token.
pub(crate) const ENV_ACCESS_TOKEN: &str = "PC_ACCESS_TOKEN";
/// `PC_LOGIN_CLIENT_ID`: the application `pc-onboard login` signs in
/// through (else `PC_CLIENT_ID`).
pub(crate) const ENV_LOGIN_CLIENT_ID: &str = "PC_LOGIN_CLIENT_ID";

/// The tenant used for a refresh token when `PC_TENANT_ID` is not set.
pub(crate) const COMMON_TENANT: &str = "common";
/// The tenant `pc-onboard login` signs in to when `PC_TENANT_ID` is not set.
pub(crate) const ORGANIZATIONS_TENANT: &str = "organizations";

/// Tokens are refreshed when less than this remains (or 10% of the
/// lifetime, whichever is shorter).
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Replace every occurrence of each (non-trivial) secret in `text`, and
/// every secret the process holds (`crate::secrets`).
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        if out.contains(secret) {
            out = out.replace(secret, "[REDACTED]");
        }
    }
    crate::secrets::scrubbed(&out)
}

/// Collapse all whitespace (AAD descriptions carry `\r\n`) into single
/// spaces, and show any other control character (a terminal escape, a
/// bell, a NUL a server put in its text) as `\u{FFFD}`: server text goes to
/// the terminal and into results files that must stay valid inputs.
pub(crate) fn one_line(text: impl AsRef<str>) -> String {
    let line = text
        .as_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !line.chars().any(char::is_control) {
        return line;
    }
    line.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn set(vars: &[(&str, &str)]) -> CredentialSet {
        CredentialSet::from_lookup(lookup(vars)).unwrap()
    }

    #[test]
    fn no_variables_means_no_credentials() {
        assert!(set(&[]).is_empty());
        assert!(set(&[(ENV_CLIENT_SECRET, "  ")]).is_empty());
    }

    #[test]
    fn tenant_client_and_secret_make_app_only_credentials() {
        let s = set(&[
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_ID, "c"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]);
        match &s.app_only {
            Some(Credentials::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            }) => {
                assert_eq!(tenant_id, "t");
                assert_eq!(client_id, "c");
                assert_eq!(client_secret.expose_secret(), "s3cr3t-value");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(s.app_user.is_none());
        assert!(!format!("{s:?}").contains("s3cr3t-value"));
        assert_eq!(s.describe(), "client credentials");
    }

    #[test]
    fn an_incomplete_client_credentials_set_names_the_missing_variable() {
        let err = |vars: &[(&str, &str)]| {
            CredentialSet::from_lookup(lookup(vars))
                .and_then(CredentialSet::check)
                .unwrap_err()
                .to_string()
        };
        let text = err(&[(ENV_TENANT_ID, "t"), (ENV_CLIENT_SECRET, "s3cr3t-value")]);
        assert!(text.starts_with("PC_CLIENT_ID is not set"), "{text}");
        assert!(!text.contains("s3cr3t-value"));
        let text = err(&[(ENV_TENANT_ID, "t"), (ENV_CLIENT_ID, "c")]);
        assert!(text.starts_with("PC_CLIENT_SECRET is not set"), "{text}");
        let text = err(&[(ENV_CLIENT_ID, "c")]);
        assert!(text.starts_with("PC_TENANT_ID is not set"), "{text}");
        // With App+User credentials from the login cache, the run goes on.
        let mut only_client = set(&[(ENV_CLIENT_ID, "native-app")]);
        assert!(only_client.incomplete_app_only.is_some());
        only_client.app_user = Some(Credentials::AccessToken("x".into()));
        assert!(only_client.check().is_ok());
    }

    #[test]
    fn a_refresh_token_needs_a_client_id_and_defaults_the_tenant_to_common() {
        let err =
            CredentialSet::from_lookup(lookup(&[(ENV_REFRESH_TOKEN, "rt-value")])).unwrap_err();
        assert!(err.to_string().starts_with("PC_CLIENT_ID is not set"));
        let s = set(&[(ENV_REFRESH_TOKEN, "rt-value"), (ENV_CLIENT_ID, "c")]);
        match &s.app_user {
            Some(Credentials::RefreshToken {
                tenant_id,
                client_secret,
                ..
            }) => {
                assert_eq!(tenant_id, COMMON_TENANT);
                assert!(client_secret.is_none());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(s.app_only.is_none(), "no secret: no app-only credentials");
        assert!(!format!("{s:?}").contains("rt-value"));
    }

    #[test]
    fn a_refresh_token_and_a_client_secret_give_both_kinds_in_one_run() {
        let s = set(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
            (ENV_TENANT_ID, "t"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]);
        assert!(matches!(
            &s.app_user,
            Some(Credentials::RefreshToken { tenant_id, client_secret: Some(_), .. }) if tenant_id == "t"
        ));
        assert!(matches!(
            &s.app_only,
            Some(Credentials::ClientCredentials { .. })
        ));
        assert_eq!(
            s.kinds(),
            Kinds {
                app_only: true,
                app_user: true
            }
        );
        assert_eq!(
            s.describe(),
            "client credentials and refresh token (App+User)"
        );
        // A refresh token without a tenant: App+User only, no error.
        let s = set(&[
            (ENV_REFRESH_TOKEN, "rt-value"),
            (ENV_CLIENT_ID, "c"),
            (ENV_CLIENT_SECRET, "s3cr3t-value"),
        ]);
        assert!(s.app_only.is_none() && s.app_user.is_some());
    }

    #[test]
    fn an_access_token_wins_and_serves_the_kinds_its_claims_allow() {
        let s = set(&[(ENV_ACCESS_TOKEN, "eyJ0eXAi"), (ENV_TENANT_ID, "t")]);
        assert!(
            matches!(&s.app_only, Some(Credentials::AccessToken(t)) if t.expose_secret() == "eyJ0eXAi")
        );
        assert!(s.app_user.is_some(), "not a JWT: either kind");
        assert!(!s.app_only.as_ref().unwrap().can_refresh());
        assert!(!format!("{s:?}").contains("eyJ0eXAi"));
        let app = jwt::unsigned(&serde_json::json!({"idtyp": "app", "roles": ["x"]}));
        let s = set(&[(ENV_ACCESS_TOKEN, &app)]);
        assert!(s.app_only.is_some() && s.app_user.is_none());
        let user = jwt::unsigned(&serde_json::json!({"scp": "user_impersonation", "amr": ["mfa"]}));
        let s = set(&[(ENV_ACCESS_TOKEN, &user)]);
        assert!(s.app_only.is_none() && s.app_user.is_some());
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
    fn control_characters_in_a_description_are_shown_not_acted_on() {
        assert_eq!(
            one_line("bad \u{1b}]0;x\u{7}\r\n\u{0}nul\u{9b}"),
            "bad \u{FFFD}]0;x\u{FFFD} \u{FFFD}nul\u{FFFD}"
        );
    }
}
