//! The legacy (2023) MCA attestation, behind `--mca-flow legacy`: the
//! template id (fetched once per run), then `POST
//! /v1/customers/{id}/agreements` with it, App+User, through the same gate,
//! slots, retries and budget as every other call, with one request id for
//! every retry of the operation.
//!
//! CSP vendors report this flow retired on 5 January 2026: a retired
//! endpoint (`404`, `410`, or code `13605`, "a partner confirmation of the
//! customer's acceptance ... must be provided") ends the row `failed` with
//! the advice to switch to `--mca-flow enhanced` ([`retired_advice`]).

use tokio::time::Instant;

use super::engine::{Engine, describe_refusal};
use super::mca::{MCA_AGREEMENT_TYPE, ended_by_stop};
use super::memo::{Recalled, RunMemo};
use super::retry::{CallKind, classify};
use super::stop::StopReason;
use crate::partner_center::error::ApiError;
use crate::partner_center::request_id::operation_id;
use crate::partner_center::resources::{AgreementContact, CustomerAgreement};
use crate::results::McaStatus;
use crate::validate::McaAttestation;

/// The code vendors report for orders refused until the MCA is accepted
/// (and for the retired partner confirmation).
pub(crate) const MCA_REQUIRED_CODE: &str = "13605";

impl Engine {
    /// Record with the template id that the customer `customer_id` accepted
    /// the Microsoft Customer Agreement. `600061` (identical attestation
    /// exists) is `already_attested`.
    pub(super) async fn attest_legacy(
        &self,
        customer_id: &str,
        mca: &McaAttestation,
    ) -> (McaStatus, Option<StopReason>) {
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
            attestation_id: None,
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
            Err(e) => ended_by_stop(&e, answer.stop.as_ref()).unwrap_or_else(|| {
                McaStatus::Failed(legacy_refusal(&e, "MCA attestation", Call::Post))
            }),
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
pub(crate) enum TemplateAnswer {
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
                "Partner Center offers no {MCA_AGREEMENT_TYPE} template (GET /v1/agreements); {}",
                SWITCH
            ),
            TemplateAnswer::Refused(e) => format!(
                "cannot get the MCA template: {}",
                legacy_refusal(e, "reading the MCA template", Call::Template)
            ),
        };
        Err(McaStatus::Failed(reason))
    }
}

/// The MCA template (or why there is none) and the last transient failure.
pub(crate) type TemplateMemo = RunMemo<TemplateAnswer, ApiError>;

/// What to do when the legacy flow is gone.
const SWITCH: &str = "the legacy MCA flow looks retired (Microsoft retired it on 5 January 2026): \
run again with --mca-flow enhanced (the default), which sends the customer an acceptance link";

/// The legacy call that was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    /// `GET /v1/agreements`: a `404` there is the endpoint gone.
    Template,
    /// `POST /v1/customers/{id}/agreements`: a `404` there is the customer.
    Post,
}

/// The advice for an answer of a retired legacy endpoint: `410`, code
/// `13605` (the partner confirmation refused until the customer accepts),
/// or a `404` of the template read.
pub(crate) fn retired_advice(err: &ApiError, call: Call) -> Option<&'static str> {
    let gone = match err.status() {
        Some(410) => true,
        Some(404) => call == Call::Template,
        _ => false,
    };
    (gone || err.code() == Some(MCA_REQUIRED_CODE)).then_some(SWITCH)
}

/// The error text of a legacy call, with the App+User hint when the
/// service asked for it, or the advice to switch flows when it is retired.
fn legacy_refusal(err: &ApiError, what: &str, call: Call) -> String {
    let text = describe_refusal(err, what);
    match retired_advice(err, call) {
        Some(advice) => format!("{}; {advice}", text.trim_end_matches('.')),
        None => text,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn a_retired_legacy_endpoint_advises_the_enhanced_flow() {
        for (retired, call) in [
            (ApiError::http(410, "", "Gone"), Call::Post),
            (ApiError::http(404, "", "Not Found"), Call::Template),
            (
                ApiError::http(
                    403,
                    "13605",
                    "A partner confirmation of the customer's acceptance of the Microsoft Customer Agreement must be provided.",
                ),
                Call::Post,
            ),
            (
                ApiError::http(400, 13605.to_string(), "MCA required"),
                Call::Post,
            ),
        ] {
            let text = legacy_refusal(&retired, "MCA attestation", call);
            assert!(text.contains("--mca-flow enhanced"), "{text}");
            assert!(text.starts_with("Partner Center answered"), "{text}");
        }
        let other = ApiError::http(400, "27002", "Invalid email.");
        assert_eq!(retired_advice(&other, Call::Post), None);
        let no_customer = ApiError::http(404, "", "Customer not found.");
        assert_eq!(
            retired_advice(&no_customer, Call::Post),
            None,
            "the customer, not the flow"
        );
        let template = TemplateAnswer::Refused(ApiError::http(410, "", "Gone"));
        let McaStatus::Failed(reason) = template.id().unwrap_err() else {
            panic!("failed")
        };
        assert!(
            reason.contains("cannot get the MCA template")
                && reason.contains("--mca-flow enhanced"),
            "{reason}"
        );
    }
}
