//! The client's token sources, one per kind of credentials, and the one
//! choice every call goes through: [`Tokens::token`] picks the kind the
//! call needs ([`CallAuth::choose`]), gets its token, and checks an
//! App+User token for MFA before it is used. Once App+User has been
//! refused (no MFA claim, or Partner Center's `401 900421`), every later
//! App+User call fails at once with the same advice, unsent.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::partner_center::auth::jwt::{MfaCheck, TokenClaims, mfa_check};
use crate::partner_center::auth::{
    AuthError, BearerToken, CallAuth, CredentialKind, CredentialSet, Kinds, TokenSource,
};
use crate::partner_center::cloud::CloudEndpoints;

/// The token sources of a client.
pub(super) struct Tokens {
    app_only: Option<TokenSource>,
    app_user: Option<TokenSource>,
    /// Why App+User calls are no longer made, once they are not.
    refused: Mutex<Option<AuthError>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("app_only", &self.app_only)
            .field("app_user", &self.app_user)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    pub(super) fn new(
        set: CredentialSet,
        endpoints: &CloudEndpoints,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Self {
        let source = |c| TokenSource::new(c, endpoints, http.clone(), timeout);
        Tokens {
            app_only: set.app_only.map(source),
            app_user: set
                .app_user
                .map(|c| source(c).with_rotation(set.on_rotate.clone())),
            refused: Mutex::new(None),
        }
    }

    /// The kinds present.
    pub(super) fn kinds(&self) -> Kinds {
        Kinds {
            app_only: self.app_only.is_some(),
            app_user: self.app_user.is_some(),
        }
    }

    /// The source of `kind`, if the client has one.
    pub(super) fn source(&self, kind: CredentialKind) -> Option<&TokenSource> {
        match kind {
            CredentialKind::AppOnly => self.app_only.as_ref(),
            CredentialKind::AppUser => self.app_user.as_ref(),
        }
    }

    /// The kind and source a call of `auth` uses, or why it cannot be
    /// made (a kind missing, App+User refused), without a network call.
    pub(super) fn access(
        &self,
        auth: CallAuth,
    ) -> Result<(CredentialKind, &TokenSource), AuthError> {
        let kind = auth
            .choose(self.kinds())
            .map_err(|kind| AuthError::MissingKind { kind })?;
        if kind == CredentialKind::AppUser
            && let Some(refused) = self.refused()
        {
            return Err(refused);
        }
        let source = self.source(kind).ok_or(AuthError::MissingKind { kind })?;
        Ok((kind, source))
    }

    /// The token a call of `auth` carries: the kind it needs, the source's
    /// (cached or fresh) token, and for App+User the MFA check: a JWT
    /// without an `amr` value ending in `mfa` is not used (a token that is
    /// not a JWT is used as it is).
    pub(super) async fn token(
        &self,
        auth: CallAuth,
    ) -> Result<(CredentialKind, &TokenSource, BearerToken), AuthError> {
        let (kind, source) = self.access(auth)?;
        let token = source.token().await?;
        if kind == CredentialKind::AppUser && mfa_check(token.expose()) == MfaCheck::Missing {
            let user = TokenClaims::read(token.expose())
                .and_then(|c| c.user().map(str::to_owned))
                .unwrap_or_default();
            let refused = AuthError::NoMfa { user };
            self.refuse(refused.clone());
            return Err(refused);
        }
        Ok((kind, source, token))
    }

    /// Make no more App+User calls, for `reason`.
    pub(super) fn refuse(&self, reason: AuthError) {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        if refused.is_none() {
            tracing::debug!(error = %reason, "App+User calls are no longer made");
            *refused = Some(reason);
        }
    }

    fn refused(&self) -> Option<AuthError> {
        self.refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
