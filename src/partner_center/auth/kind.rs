//! The two kinds of credentials and which one a call uses (README,
//! "Signing in"; `docs/partner-center.md`, "Hosts and authentication").
//!
//! A run may hold both: app-only (client credentials) and App+User (a
//! sign-in or a refresh token). Each call says what it needs with a
//! [`CallAuth`]; [`CallAuth::choose`] picks the kind from what the run has.

use std::fmt;

/// A kind of credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// Client credentials (an application with a secret).
    AppOnly,
    /// A signed-in user through an application (delegated; MFA required
    /// by Partner Center since 1 April 2026).
    AppUser,
}

impl CredentialKind {
    /// `app-only` or `App+User`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CredentialKind::AppOnly => "app-only",
            CredentialKind::AppUser => "App+User",
        }
    }

    /// What to do to get credentials of this kind.
    pub(crate) fn how_to_get(self) -> &'static str {
        match self {
            CredentialKind::AppOnly => "set PC_TENANT_ID, PC_CLIENT_ID and PC_CLIENT_SECRET",
            CredentialKind::AppUser => {
                "run `pc-onboard login` (or set PC_REFRESH_TOKEN with PC_CLIENT_ID)"
            }
        }
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which credentials a call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CallAuth {
    /// App-only only: the enhanced MCA attestation.
    AppOnly,
    /// App+User only: creating a customer for an indirect reseller, the
    /// reseller relationship invitation link, reading a customer's
    /// agreements (and the 2023 MCA attestation flow).
    AppUser,
    /// Either: app-only when the run has it, else App+User.
    Any,
}

/// The kinds a run holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Kinds {
    /// App-only credentials are present.
    pub(crate) app_only: bool,
    /// App+User credentials are present.
    pub(crate) app_user: bool,
}

impl CallAuth {
    /// A create: App+User for an indirect reseller's customer
    /// (`associatedPartnerId`), else either.
    pub(crate) fn create(for_reseller: bool) -> Self {
        if for_reseller {
            CallAuth::AppUser
        } else {
            CallAuth::Any
        }
    }

    /// The kind of credentials this call uses given what the run `has`,
    /// or the kind it lacks.
    pub(crate) fn choose(self, has: Kinds) -> Result<CredentialKind, CredentialKind> {
        match self {
            CallAuth::AppOnly if has.app_only => Ok(CredentialKind::AppOnly),
            CallAuth::AppOnly => Err(CredentialKind::AppOnly),
            CallAuth::AppUser if has.app_user => Ok(CredentialKind::AppUser),
            CallAuth::AppUser => Err(CredentialKind::AppUser),
            CallAuth::Any if has.app_only => Ok(CredentialKind::AppOnly),
            CallAuth::Any if has.app_user => Ok(CredentialKind::AppUser),
            // Neither: app-only is what most calls would use.
            CallAuth::Any => Err(CredentialKind::AppOnly),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CredentialKind::{AppOnly, AppUser};

    const NONE: Kinds = Kinds {
        app_only: false,
        app_user: false,
    };
    const APP: Kinds = Kinds {
        app_only: true,
        app_user: false,
    };
    const USER: Kinds = Kinds {
        app_only: false,
        app_user: true,
    };
    const BOTH: Kinds = Kinds {
        app_only: true,
        app_user: true,
    };

    #[test]
    fn each_call_uses_the_kind_it_needs_and_app_only_when_either_will_do() {
        assert_eq!(CallAuth::AppUser.choose(BOTH), Ok(AppUser));
        assert_eq!(CallAuth::AppOnly.choose(BOTH), Ok(AppOnly));
        assert_eq!(CallAuth::Any.choose(BOTH), Ok(AppOnly));
        assert_eq!(CallAuth::Any.choose(USER), Ok(AppUser));
        assert_eq!(CallAuth::Any.choose(APP), Ok(AppOnly));
    }

    #[test]
    fn a_call_whose_kind_is_missing_names_the_kind() {
        assert_eq!(CallAuth::AppUser.choose(APP), Err(AppUser));
        assert_eq!(CallAuth::AppOnly.choose(USER), Err(AppOnly));
        assert_eq!(CallAuth::Any.choose(NONE), Err(AppOnly));
    }

    #[test]
    fn a_reseller_create_needs_app_user_and_a_direct_one_either() {
        assert_eq!(CallAuth::create(true), CallAuth::AppUser);
        assert_eq!(CallAuth::create(false), CallAuth::Any);
        assert!(AppUser.how_to_get().contains("pc-onboard login"));
    }
}
