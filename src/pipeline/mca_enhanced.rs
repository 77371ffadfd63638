//! The enhanced MCA attestation of a row (the default flow;
//! docs/partner-center.md, "the enhanced attestation"):
//!
//! 1. an attestation kept from an earlier run (`mca_attestation_id`, its
//!    `mca_status` not `expired`) is checked: accepted (`ready`) → the
//!    agreement is created with its id → `attested`; still waiting →
//!    `pending` (or `accepted` when the customer accepted the MCA directly
//!    meanwhile); expired → `expired` (the next re-run issues a new link);
//! 2. a customer that was there before this run (`exists`, or copied from
//!    earlier results) whose agreements list an MCA acceptance → `accepted`
//!    (App+User; skipped without App+User credentials);
//! 3. otherwise a new attestation (`POST /v1/attestations/enhanced`,
//!    app-only, one request id for all its retries) → `pending`, its link
//!    in `customer_link`.
//!
//! The attestation is created after the customer exists (vendors create it
//! before): the customer's company name and contact are the row's, and a
//! row that ends without a customer leaves no attestation behind.

use super::engine::Engine;
use super::mca::{MCA_AGREEMENT_TYPE, McaDone, McaTask, ended_by_stop};
use super::retry::{Attempts, CallKind, classify};
use crate::partner_center::auth::CallAuth;
use crate::partner_center::enhanced_attestation::{
    ATTESTATION_SEGMENTS, AttestationState, SignatoryRequest, agreement_body,
};
use crate::partner_center::error::ApiError;
use crate::partner_center::request_id::operation_id;
use crate::results::McaStatus;
use crate::validate::McaAttestation;

impl Engine {
    /// The enhanced attestation of `task` (module documentation).
    pub(super) async fn attest_enhanced(&self, task: &McaTask<'_>) -> McaDone {
        if let Err(e) = self.client.access(CallAuth::AppOnly) {
            let reason = format!(
                "the enhanced MCA attestation takes app-only credentials: {e}; the customer stays created: re-run the results file with them"
            );
            return task.unchanged(McaStatus::Failed(reason));
        }
        let who = match signatory(task.mca) {
            Ok(who) => who,
            Err(reason) => return task.unchanged(McaStatus::Failed(reason)),
        };
        let earlier = task.earlier;
        let kept = earlier
            .filter(|e| e.mca_status != McaStatus::Expired)
            .map(|e| e.mca_attestation_id.trim())
            .filter(|id| !id.is_empty());
        if let Some(id) = kept {
            return self.check_attestation(task, id, &who).await;
        }
        if !task.fresh
            && let Some(done) = self.already_accepted(task).await
        {
            return done;
        }
        let expired = earlier
            .filter(|e| e.mca_status == McaStatus::Expired)
            .map(|e| e.mca_attestation_id.trim())
            .filter(|id| !id.is_empty());
        self.new_attestation(task, &who, expired).await
    }

    /// A new attestation for `task`'s customer: `pending` with its link.
    /// After an expired one (`after`), under a request id chained from it
    /// (Microsoft asks for a new id after a definitive answer).
    async fn new_attestation(
        &self,
        task: &McaTask<'_>,
        who: &SignatoryRequest,
        after: Option<&str>,
    ) -> McaDone {
        let body = who.body();
        let mut operation = format!("attestation:{}", task.customer_id.trim());
        if let Some(expired) = after {
            operation.push_str(&format!("\nafter:{}", expired.to_lowercase()));
        }
        let request_id = operation_id(&operation, &body);
        let answer = self
            .retrier
            .run(CallKind::Agreement, classify, || {
                self.client.create_enhanced_attestation(&body, request_id)
            })
            .await;
        let path = ATTESTATION_SEGMENTS.join("/");
        match answer.result {
            Ok(created) => {
                let mut stop = answer.stop;
                // A replayed creation (the input run again) of an attestation
                // the customer has accepted since: finish it, no link to send.
                if stop.is_none() && created.state == Some(AttestationState::Ready) {
                    // Its own request id: a refusal here must not be
                    // replayed to the agreement a later run makes.
                    let op = "\nafter a replayed attestation";
                    let done = self.create_agreement(task, &created.id, who, op).await;
                    if matches!(
                        done.status,
                        McaStatus::Attested | McaStatus::AlreadyAttested
                    ) {
                        return done;
                    }
                    // Not finished ("ready" may mean ready to send): pending.
                    stop = done.stop;
                }
                match created.link {
                    Ok(link) => McaDone {
                        status: McaStatus::Pending,
                        link,
                        attestation_id: created.id,
                        stop,
                    },
                    Err(e) => McaDone {
                        status: McaStatus::Failed(format!(
                            "creating the MCA attestation (POST /{path}): {e}"
                        )),
                        link: String::new(),
                        attestation_id: created.id,
                        stop,
                    },
                }
            }
            // The signatory's details repeat an agreement the customer has.
            Err(e) if e.is_agreement_already_attested() => McaDone {
                stop: answer.stop,
                ..McaDone::status(McaStatus::AlreadyAttested)
            },
            Err(e) => self.ended(
                task,
                &e,
                answer.stop,
                &format!("creating the MCA attestation (POST /{path})"),
            ),
        }
    }

    /// Check the attestation `id` kept from an earlier run.
    async fn check_attestation(
        &self,
        task: &McaTask<'_>,
        id: &str,
        who: &SignatoryRequest,
    ) -> McaDone {
        let answer = self
            .read(|| self.client.enhanced_attestation_state(id))
            .await;
        let what = format!("reading the MCA attestation {id}");
        let (state, link) = match answer.result {
            Ok(found) => found,
            Err(e) => return self.ended(task, &e, answer.stop, &what),
        };
        let kept = |status, link: String| McaDone {
            status,
            link,
            attestation_id: id.to_owned(),
            stop: answer.stop.clone(),
        };
        match state {
            AttestationState::Ready => self.create_agreement(task, id, who, "").await,
            AttestationState::Expired => kept(McaStatus::Expired, String::new()),
            AttestationState::Pending => {
                if let Some(done) = self.already_accepted(task).await {
                    return McaDone {
                        attestation_id: id.to_owned(),
                        ..done
                    };
                }
                let link = link.or_else(|| task.earlier.map(|e| e.customer_link.clone()));
                kept(McaStatus::Pending, link.unwrap_or_default())
            }
        }
    }

    /// The agreement, created with the accepted attestation `id`:
    /// `attested` (`already_attested` for `600061`); `op` is added to the
    /// operation its request id is derived from.
    async fn create_agreement(
        &self,
        task: &McaTask<'_>,
        id: &str,
        who: &SignatoryRequest,
        op: &str,
    ) -> McaDone {
        let customer = task.customer_id.trim();
        let body = agreement_body(id, MCA_AGREEMENT_TYPE, who);
        let request_id = operation_id(&format!("agreement:{customer}{op}"), &body);
        let answer = self
            .retrier
            .run(CallKind::Agreement, classify, || {
                self.client
                    .create_agreement_as(customer, &body, request_id, CallAuth::AppOnly)
            })
            .await;
        let status = match &answer.result {
            Ok(()) => McaStatus::Attested,
            Err(e) if e.is_agreement_already_attested() => McaStatus::AlreadyAttested,
            Err(e) => {
                let what = format!("creating the agreement with the accepted MCA attestation {id}");
                return self.ended(task, e, answer.stop, &what);
            }
        };
        McaDone {
            status,
            link: String::new(),
            attestation_id: id.to_owned(),
            stop: answer.stop,
        }
    }

    /// `accepted` when the customer's agreements list an MCA acceptance
    /// (App+User; `None` without App+User credentials, when there is
    /// none, or when the list could not be read: the check only saves an
    /// attestation). A stop or a fatal answer ends the step.
    async fn already_accepted(&self, task: &McaTask<'_>) -> Option<McaDone> {
        self.client.access(CallAuth::AppUser).ok()?;
        let customer = task.customer_id.trim();
        let answer: Attempts<usize> = self
            .read(|| {
                self.client
                    .customer_agreements(customer, MCA_AGREEMENT_TYPE)
            })
            .await;
        match answer.result {
            Ok(0) => None,
            Ok(_) => Some(McaDone {
                stop: answer.stop,
                ..McaDone::status(McaStatus::Accepted)
            }),
            Err(e) if e.is_fatal() || answer.stop.is_some() => {
                let what = "reading the customer's agreements";
                Some(self.ended(task, &e, answer.stop, what))
            }
            Err(e) => {
                tracing::warn!(customer, error = %e, "the customer's agreements could not be read: attesting");
                None
            }
        }
    }

    /// The step ended with `err` while doing `what`: `cancelled` (earlier
    /// columns kept) when the run's stop ended it, else `failed: <what>:
    /// <err>` with the earlier link and attestation kept.
    fn ended(
        &self,
        task: &McaTask<'_>,
        err: &ApiError,
        stop: Option<crate::pipeline::StopReason>,
        what: &str,
    ) -> McaDone {
        let status = ended_by_stop(err, stop.as_ref())
            .unwrap_or_else(|| McaStatus::Failed(format!("{what}: {err}")));
        McaDone {
            stop,
            ..task.unchanged(status)
        }
    }
}

/// The attestation's body from the row: its company, country and language
/// and the MCA contact; why not when the row lacks one of them.
fn signatory(mca: &McaAttestation) -> Result<SignatoryRequest, String> {
    let missing: Vec<&str> = [
        ("company_name", &mca.company_name),
        ("country", &mca.country),
        ("language", &mca.language),
    ]
    .into_iter()
    .filter(|(_, v)| v.trim().is_empty())
    .map(|(name, _)| name)
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the enhanced MCA attestation needs the row's {}",
            missing.join(", ")
        ));
    }
    Ok(SignatoryRequest {
        country: mca.country.clone(),
        language: mca.language.clone(),
        company_name: mca.company_name.clone(),
        first_name: mca.first_name.clone(),
        last_name: mca.last_name.clone(),
        email: mca.email.as_str().to_owned(),
        phone: mca.phone_number.map(|p| p.as_str().to_owned()),
    })
}
