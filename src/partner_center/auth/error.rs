//! [`AuthError`]: why a token could not be had or used. None carries a secret.

use super::CredentialKind;

/// The advice for an App+User sign-in without MFA.
pub(crate) const MFA_ADVICE: &str = "run `pc-onboard login` and sign in with multi-factor authentication (Partner Center refuses App+User calls without MFA since 1 April 2026)";

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
        /// Kind of credentials (`super::Credentials::kind`).
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
    /// The call needs a kind of credentials the run does not have.
    #[error("{kind} credentials are needed and this run has none: {}", kind.how_to_get())]
    MissingKind {
        /// The kind needed.
        kind: CredentialKind,
    },
    /// The App+User access token carries no MFA claim (`amr`): not used.
    #[error(
        "the App+User access token{} has no multi-factor authentication claim (amr): {MFA_ADVICE}",
        user_text(user)
    )]
    NoMfa {
        /// The signed-in user, when the token names one.
        user: String,
    },
    /// Partner Center refused an App+User call: MFA required (`401`, code
    /// `900421`). Refreshing cannot add MFA: the run stops.
    #[error(
        "Partner Center refused the App+User call: multi-factor authentication is required (401, code 900421{}): {MFA_ADVICE}",
        description_text(description)
    )]
    MfaRequired {
        /// Partner Center's description, if any.
        description: String,
    },
}

fn user_text(user: &str) -> String {
    if user.is_empty() {
        String::new()
    } else {
        format!(" of {user}")
    }
}

fn description_text(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(": {description}")
    }
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
    pub(crate) fn is_transient(&self) -> bool {
        matches!(self, AuthError::Unavailable { .. })
    }

    /// Whether the run must stop: every failure but a transient one and a
    /// missing kind (which only the calls needing it lack).
    pub(crate) fn is_fatal(&self) -> bool {
        !self.is_transient() && !matches!(self, AuthError::MissingKind { .. })
    }

    /// Why App+User calls cannot be made, for a row that needs one:
    /// `<what> needs App+User credentials, and <this>`.
    pub(crate) fn app_user_reason(&self) -> String {
        match self {
            AuthError::MissingKind { .. } => format!(
                "this run has app-only ones: {}",
                CredentialKind::AppUser.how_to_get()
            ),
            AuthError::NoMfa { .. } | AuthError::MfaRequired { .. } => {
                format!("the App+User sign-in has no multi-factor authentication: {MFA_ADVICE}")
            }
            other => format!(
                "the App+User sign-in cannot be used ({other}): run `pc-onboard login` again"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn mfa_failures_say_to_sign_in_again_and_stop_the_run() {
        for e in [
            AuthError::NoMfa {
                user: "ann@contoso.example".into(),
            },
            AuthError::MfaRequired {
                description: String::new(),
            },
        ] {
            assert!(e.to_string().contains("pc-onboard login"), "{e}");
            assert!(e.app_user_reason().contains("pc-onboard login"));
            assert!(e.is_fatal());
        }
        let missing = AuthError::MissingKind {
            kind: CredentialKind::AppUser,
        };
        assert!(!missing.is_fatal());
        assert!(missing.app_user_reason().contains("PC_REFRESH_TOKEN"));
    }
}
