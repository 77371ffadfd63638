//! A row whose domain belongs to a Microsoft tenant that is not a customer
//! of this partner (docs/partner-center.md, "Customers who already have a
//! tenant"). A taken `onmicrosoft.com` domain does not prove that the
//! customer owns that tenant, so the row says both ways forward: if the customer owns it, the partner sends the
//! reseller relationship invitation (its link in `customer_link`; the
//! customer's admin accepts it, no second tenant is made); if not, another
//! domain prefix.
//!
//! The link (`GET /v1/customers/relationshiprequests`, App+User only) is the
//! same for every customer of the partner, or of one indirect reseller: it
//! is asked once per run and reseller, through the retry engine, and kept
//! in a [`RunMemo`] (a transient failure for a minute).

use std::collections::HashMap;
use std::sync::{Arc, PoisonError};

use tokio::time::Instant;

use super::engine::{Engine, needs_app_user};
use super::memo::{Recalled, RunMemo};
use super::stop::StopReason;
use crate::partner_center::auth::CallAuth;
use crate::partner_center::error::ApiError;
use crate::validate::{Field, Problem, ProblemKind};

/// What the run knows of one invitation link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Invitation {
    /// The link.
    Link(String),
    /// Not asked: the call needs App+User credentials and the run has
    /// app-only ones.
    NeedsAppUser,
    /// Not available: why (a refusal, a failure, the run stopping).
    Unavailable(String),
}

/// One invitation link, asked once per run.
type InvitationMemo = tokio::sync::Mutex<RunMemo<Invitation, ApiError>>;

/// The invitation links of a run: the partner's (key `""`) and each
/// indirect reseller's (its tenant id, lower-case).
#[derive(Debug, Default)]
pub(crate) struct Invitations {
    links: std::sync::Mutex<HashMap<String, Arc<InvitationMemo>>>,
}

impl Invitations {
    fn memo(&self, reseller: Option<&str>) -> Arc<InvitationMemo> {
        let key = reseller.unwrap_or_default().trim().to_lowercase();
        let mut links = self.links.lock().unwrap_or_else(PoisonError::into_inner);
        links.entry(key).or_default().clone()
    }
}

/// Where the portal offers the link, for a run that cannot ask for it.
const PORTAL: &str = "the Partner Center portal: Customers, Request a reseller relationship";

impl Engine {
    /// Whether this run may ask for the invitation link: the call is
    /// App+User only (docs/partner-center.md, "Customers who already have a
    /// tenant"): the run has App+User credentials it may use (not refused
    /// for a missing MFA claim or an expired sign-in).
    fn may_request_invitation(&self) -> bool {
        self.client.access(CallAuth::AppUser).is_ok()
    }

    /// The reseller relationship invitation link of the partner, or of the
    /// indirect `reseller`: asked once per run and reseller (a `RunMemo`).
    pub(crate) async fn invitation(
        &self,
        reseller: Option<&str>,
    ) -> (Invitation, Option<StopReason>) {
        if !self.may_request_invitation() {
            return (Invitation::NeedsAppUser, None);
        }
        let memo = self.invitations.memo(reseller);
        let mut memo = memo.lock().await;
        match memo.recall(Instant::now()) {
            Some(Recalled::Known(known)) => return (known, None),
            Some(Recalled::CoolingDown(e, left)) => {
                let why = format!("{e} (asked again in {} s)", left.as_secs().max(1));
                return (Invitation::Unavailable(why), None);
            }
            None => {}
        }
        let answer = self
            .read(|| self.client.relationship_request(reseller))
            .await;
        let known = match answer.result {
            Ok(request) if !request.url.trim().is_empty() => {
                Invitation::Link(request.url.trim().to_owned())
            }
            Ok(_) => Invitation::Unavailable("Partner Center answered without a url".to_owned()),
            Err(ApiError::Stopped) => {
                let why = "not asked: the run is stopping".to_owned();
                return (Invitation::Unavailable(why), answer.stop);
            }
            Err(e) if needs_app_user(&e) => Invitation::NeedsAppUser,
            Err(e) if e.is_transient() || e.is_fatal() || answer.stop.is_some() => {
                let why = e.to_string();
                memo.failed(e, Instant::now());
                return (Invitation::Unavailable(why), answer.stop);
            }
            Err(e) => Invitation::Unavailable(e.to_string()),
        };
        memo.remember(known.clone());
        (known, answer.stop)
    }

    /// What a row whose `domain` belongs to another tenant says: both ways
    /// forward ([`other_tenant_problem`]) and the invitation link of the
    /// partner or of the indirect `reseller`, when the run has it.
    pub(crate) async fn other_tenant(&self, domain: &str, reseller: Option<&str>) -> OtherTenant {
        let (invitation, stop) = self.invitation(reseller).await;
        let problem = other_tenant_problem(domain, &invitation);
        let link = match invitation {
            Invitation::Link(link) => link,
            _ => String::new(),
        };
        OtherTenant {
            problem,
            link,
            stop,
        }
    }
}

/// A row whose domain belongs to a tenant that is not a customer of this
/// partner ([`Engine::other_tenant`]).
#[derive(Debug)]
pub(crate) struct OtherTenant {
    /// Both ways forward: the row's `error` (and, typed, its problem).
    pub(crate) problem: Problem,
    /// The invitation link (`customer_link`), empty when the run has none.
    pub(crate) link: String,
    /// Set when the run must stop (the link was asked as it stopped).
    pub(crate) stop: Option<StopReason>,
}

/// The problem of a row whose `domain` belongs to a tenant that is not a
/// customer of this partner: both ways forward in the message (the
/// results' `error`), the link or how to get it in the hint (the
/// workbook's note, `--json`).
pub(crate) fn other_tenant_problem(domain: &str, invitation: &Invitation) -> Problem {
    let (invite, hint) = match invitation {
        Invitation::Link(link) => (
            "send them the reseller relationship invitation in customer_link (their admin \
             accepts it; no second tenant is created)"
                .to_owned(),
            format!("invitation link: {link}"),
        ),
        Invitation::NeedsAppUser => (
            format!(
                "send them a reseller relationship invitation: its link needs App+User \
                 credentials (sign in with `pc-onboard login` and run again to get it in \
                 customer_link) or is in {PORTAL}"
            ),
            format!(
                "get the invitation link with `pc-onboard login` and a re-run, or from {PORTAL}"
            ),
        ),
        Invitation::Unavailable(why) => (
            format!(
                "send them a reseller relationship invitation (its link could not be fetched: \
                 {why}; run again, or take it from {PORTAL})"
            ),
            format!("take the invitation link from {PORTAL}"),
        ),
    };
    let message = format!(
        "domain {domain} is already taken by a Microsoft tenant that is not a customer of this \
         partner: if the customer owns that tenant, {invite}; otherwise choose another domain prefix"
    );
    Problem::new(Field::Domain, ProblemKind::DomainTaken, message).with_hint(hint)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn the_problem_says_both_ways_forward_whatever_is_known_of_the_link() {
        let link = "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship";
        for invitation in [
            Invitation::Link(link.to_owned()),
            Invitation::NeedsAppUser,
            Invitation::Unavailable("503".to_owned()),
        ] {
            let p = other_tenant_problem("contoso.onmicrosoft.com", &invitation);
            assert_eq!((p.field, p.kind), (Field::Domain, ProblemKind::DomainTaken));
            assert!(
                p.message.contains("reseller relationship invitation"),
                "{p}"
            );
            assert!(p.message.contains("choose another domain prefix"), "{p}");
            assert!(
                p.message
                    .starts_with("domain contoso.onmicrosoft.com is already taken by a"),
                "{p}"
            );
        }
        let linked = other_tenant_problem("c", &Invitation::Link(link.to_owned()));
        assert_eq!(
            linked.hint.as_deref(),
            Some(format!("invitation link: {link}").as_str())
        );
        let signed_out = other_tenant_problem("c", &Invitation::NeedsAppUser);
        assert!(
            signed_out.message.contains("pc-onboard login"),
            "{signed_out}"
        );
        assert!(
            signed_out
                .message
                .contains("Request a reseller relationship"),
            "{signed_out}"
        );
    }
}
