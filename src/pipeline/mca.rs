//! Microsoft Customer Agreement attestation: the template id (fetched once
//! per run), then `POST /v1/customers/{id}/agreements`, through the same
//! gate, slots, retries and budget as every other call, with one request id
//! for every retry of the operation.

use tokio::time::Instant;

use super::engine::{Engine, describe_refusal};
use super::memo::{Recalled, RunMemo};
use super::retry::{CallKind, classify};
use super::stop::StopReason;
use crate::partner_center::cloud::Cloud;
use crate::partner_center::error::ApiError;
use crate::partner_center::request_id::operation_id;
use crate::partner_center::resources::{AgreementContact, CustomerAgreement};
use crate::results::McaStatus;
use crate::validate::McaAttestation;

/// The agreement type of the MCA (`GET /v1/agreements?agreementType=...`).
pub const MCA_AGREEMENT_TYPE: &str = "MicrosoftCustomerAgreement";

/// Why MCA attestation cannot be done in `cloud`, if it cannot.
pub fn mca_unavailable(cloud: Cloud) -> Option<String> {
    let name = match cloud {
        Cloud::Global => return None,
        Cloud::China => "china (21Vianet)",
        Cloud::Usgov => "usgov (US Government)",
    };
    Some(format!(
        "MCA attestation is not available in the {name} cloud: Partner Center offers it in the global cloud only"
    ))
}

impl Engine {
    /// Record that the customer `customer_id` accepted the Microsoft
    /// Customer Agreement. `600061` (identical attestation exists) is
    /// `already_attested`. A failure is reported, never undoes anything, and
    /// can be retried by re-running the results file; an attestation the
    /// run's stop ended is `cancelled` (`stopped_attestation`).
    pub async fn attest(
        &self,
        customer_id: &str,
        mca: &McaAttestation,
    ) -> (McaStatus, Option<StopReason>) {
        if let Some(reason) = mca_unavailable(self.cloud) {
            return (McaStatus::Failed(reason), None);
        }
        if customer_id.trim().is_empty() {
            let reason = "no customer_id to attest for".to_owned();
            return (McaStatus::Failed(reason), None);
        }
        let template_id = match self.mca_template_id().await {
            Ok(id) => id,
            Err(not_attested) => return not_attested,
        };
        let agreement = CustomerAgreement {
            user_id: None,
            primary_contact: AgreementContact {
                first_name: mca.first_name.clone(),
                last_name: mca.last_name.clone(),
                email: mca.email.as_str().to_owned(),
                phone_number: mca.phone_number.map(|p| p.as_str().to_owned()),
            },
            template_id,
            date_agreed: mca.date_agreed.clone(),
            agreement_type: MCA_AGREEMENT_TYPE.to_owned(),
            agreement_link: None,
        };
        let body = match serde_json::to_string(&agreement) {
            Ok(body) => body,
            Err(e) => return (McaStatus::Failed(format!("agreement body: {e}")), None),
        };
        let request_id = operation_id(&format!("agreement:{customer_id}"), &body);
        let answer = self
            .retrier
            .run(CallKind::Agreement, classify, || {
                self.client.create_agreement(customer_id, &body, request_id)
            })
            .await;
        let status = match answer.result {
            Ok(()) => McaStatus::Attested,
            Err(e) if e.is_agreement_already_attested() => McaStatus::AlreadyAttested,
            Err(e) => ended_by_stop(&e, answer.stop.as_ref())
                .unwrap_or_else(|| McaStatus::Failed(describe_refusal(&e, "MCA attestation"))),
        };
        (status, answer.stop)
    }

    /// The MCA template id: asked once per run ([`RunMemo`]: answers and
    /// refusals kept for the run, a transient failure for [`super::memo::COOL_DOWN`]).
    /// Without one, the row's `mca_status` and whether the run must stop.
    async fn mca_template_id(&self) -> Result<String, (McaStatus, Option<StopReason>)> {
        let mut memo = self.mca_template.lock().await;
        match memo.recall(Instant::now()) {
            Some(Recalled::Known(known)) => return known.id().map_err(|status| (status, None)),
            Some(Recalled::CoolingDown(e, left)) => {
                let reason = format!(
                    "cannot get the MCA template: {e} (asked again in {} s; a re-run of the results file attests)",
                    left.as_secs().max(1)
                );
                return Err((McaStatus::Failed(reason), None));
            }
            None => {}
        }
        let answer = self
            .read(|| self.client.agreement_template(MCA_AGREEMENT_TYPE))
            .await;
        let known = match answer.result {
            Ok(Some(t)) if !t.template_id.trim().is_empty() => TemplateAnswer::Id(t.template_id),
            Ok(_) => TemplateAnswer::NoTemplate,
            Err(e) => {
                if let Some(status) = ended_by_stop(&e, answer.stop.as_ref()) {
                    return Err((status, answer.stop));
                }
                if e.is_fatal() || e.is_transient() || answer.stop.is_some() {
                    let reason = format!("cannot get the MCA template: {e}");
                    memo.failed(e, Instant::now());
                    return Err((McaStatus::Failed(reason), answer.stop));
                }
                TemplateAnswer::Refused(e)
            }
        };
        let id = known.id();
        memo.remember(known);
        id.map_err(|status| (status, None))
    }
}

/// What Partner Center answered about the MCA template, kept for the run.
#[derive(Debug, Clone)]
pub enum TemplateAnswer {
    /// The template id.
    Id(String),
    /// Partner Center offers no template (an empty answer).
    NoTemplate,
    /// A refusal a retry cannot change.
    Refused(ApiError),
}

impl TemplateAnswer {
    /// The template id, or the `mca_status` of a row that cannot be attested.
    fn id(&self) -> Result<String, McaStatus> {
        let reason = match self {
            TemplateAnswer::Id(id) => return Ok(id.clone()),
            TemplateAnswer::NoTemplate => format!(
                "Partner Center offers no {MCA_AGREEMENT_TYPE} template (GET /v1/agreements)"
            ),
            TemplateAnswer::Refused(e) => format!(
                "cannot get the MCA template: {}",
                describe_refusal(e, "reading the MCA template")
            ),
        };
        Err(McaStatus::Failed(reason))
    }
}

/// The MCA template (or why there is none) and the last transient failure.
pub type TemplateMemo = RunMemo<TemplateAnswer, ApiError>;

/// The `mca_status` of an attestation the run did not do because it is
/// stopping, on a customer that is there: `cancelled` when the run was
/// interrupted or stopped (Ctrl-C, SIGTERM, a fatal error, results that
/// cannot be written); `failed` when Partner Center is what failed (the
/// retry budget ran out, a wait beyond `--max-retry-wait`). A re-run tries
/// both again.
pub(crate) fn stopped_attestation(reason: &StopReason) -> McaStatus {
    match reason {
        StopReason::Interrupted
        | StopReason::Fatal(_)
        | StopReason::Unrecorded(_)
        | StopReason::Input(_) => McaStatus::Cancelled,
        StopReason::BudgetExhausted | StopReason::WaitTooLong(_) => {
            McaStatus::Failed(format!("not attested: {reason}"))
        }
    }
}

/// The `mca_status` of an attestation call that ended with `err` while the
/// run is stopping for `stop`, when the stop (not the call) ended it. A
/// fatal answer of the call itself is its own failure: `None`.
fn ended_by_stop(err: &ApiError, stop: Option<&StopReason>) -> Option<McaStatus> {
    let reason = stop?;
    if matches!(reason, StopReason::Fatal(_)) && err.is_fatal() {
        return None;
    }
    match stopped_attestation(reason) {
        McaStatus::Cancelled => Some(McaStatus::Cancelled),
        failed if matches!(err, ApiError::Stopped) => Some(failed),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn mca_exists_in_the_global_cloud_only() {
        assert_eq!(mca_unavailable(Cloud::Global), None);
        assert!(
            mca_unavailable(Cloud::China)
                .unwrap()
                .contains("china (21Vianet)")
        );
        assert!(mca_unavailable(Cloud::Usgov).unwrap().contains("usgov"));
    }

    #[test]
    fn an_attestation_ended_by_an_interruption_is_cancelled_and_by_a_failing_service_failed() {
        let busy = ApiError::Stopped;
        let unauthorized = ApiError::Config {
            message: "401".to_owned(),
        };
        for reason in [StopReason::Interrupted, StopReason::Fatal(unauthorized)] {
            assert_eq!(stopped_attestation(&reason), McaStatus::Cancelled);
            assert_eq!(
                ended_by_stop(&busy, Some(&reason)),
                Some(McaStatus::Cancelled)
            );
        }
        let spent = StopReason::BudgetExhausted;
        assert!(stopped_attestation(&spent).is_failed());
        assert!(ended_by_stop(&busy, Some(&spent)).is_some_and(|s| s.is_failed()));
        assert_eq!(
            ended_by_stop(&busy, None),
            None,
            "no stop: the call's own end"
        );
    }
}
