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
    /// can be retried by re-running the results file.
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
            Err((reason, stop)) => return (McaStatus::Failed(reason), stop),
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
            Err(ApiError::Stopped) => McaStatus::Failed(format!(
                "not attested: {}",
                answer
                    .stop
                    .as_ref()
                    .map_or_else(String::new, |r| r.to_string())
            )),
            Err(e) => McaStatus::Failed(describe_refusal(&e, "MCA attestation")),
        };
        (status, answer.stop)
    }

    /// The MCA template id: asked once per run ([`RunMemo`]: answers and
    /// refusals kept for the run, a transient failure for [`super::memo::COOL_DOWN`]).
    async fn mca_template_id(&self) -> Result<String, (String, Option<StopReason>)> {
        let mut memo = self.mca_template.lock().await;
        match memo.recall(Instant::now()) {
            Some(Recalled::Known(known)) => return known.map_err(|reason| (reason, None)),
            Some(Recalled::CoolingDown(reason, left)) => {
                return Err((
                    format!(
                        "{reason} (asked again in {} s; a re-run of the results file attests)",
                        left.as_secs().max(1)
                    ),
                    None,
                ));
            }
            None => {}
        }
        let answer = self
            .read(|| self.client.agreement_template(MCA_AGREEMENT_TYPE))
            .await;
        let result = match answer.result {
            Ok(Some(t)) if !t.template_id.trim().is_empty() => Ok(t.template_id),
            Ok(_) => Err(format!(
                "Partner Center offers no {MCA_AGREEMENT_TYPE} template (GET /v1/agreements)"
            )),
            Err(e) if e.is_fatal() || e.is_transient() || answer.stop.is_some() => {
                let reason = format!("cannot get the MCA template: {e}");
                memo.failed(reason.clone(), Instant::now());
                return Err((reason, answer.stop));
            }
            Err(e) => Err(format!(
                "cannot get the MCA template: {}",
                describe_refusal(&e, "reading the MCA template")
            )),
        };
        memo.remember(result.clone());
        result.map_err(|reason| (reason, None))
    }
}

/// The MCA template id, or why there is none.
pub type TemplateMemo = RunMemo<Result<String, String>, String>;

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
}
