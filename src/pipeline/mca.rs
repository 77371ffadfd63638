//! The Microsoft Customer Agreement step of a row: which flow
//! ([`McaFlow`]: the enhanced attestation, the default, or the legacy one),
//! what it starts from ([`McaTask`]) and what it leaves in the row's
//! columns ([`McaDone`]: `mca_status`, `customer_link`,
//! `mca_attestation_id`); and how a stop ends it.
//!
//! - `mca_enhanced`: `POST /v1/attestations/enhanced` (app-only), the
//!   customer accepts at the link, a re-run creates the agreement with the
//!   attestation id (docs/partner-center.md, "the enhanced attestation").
//! - `mca_legacy`: the template id and `POST /v1/customers/{id}/agreements`
//!   with it (App+User), behind `--mca-flow legacy`.

use std::fmt;

use super::engine::Engine;
use super::stop::StopReason;
use crate::partner_center::cloud::Cloud;
use crate::partner_center::error::ApiError;
use crate::results::{McaStatus, RowResult};
use crate::validate::McaAttestation;

/// The agreement type of the MCA (`GET /v1/agreements?agreementType=...`).
pub(crate) const MCA_AGREEMENT_TYPE: &str = "MicrosoftCustomerAgreement";

/// How a run records the MCA (`--mca-flow`, config key `mca_flow`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) enum McaFlow {
    /// The enhanced attestation (July 2025): the customer accepts at a
    /// link, app-only credentials.
    #[default]
    Enhanced,
    /// The 2023 flow (template id, App+User), retired by Microsoft for
    /// most tenants on 5 January 2026 (CSP vendors' notes).
    Legacy,
}

impl McaFlow {
    /// Both flows.
    pub(crate) const ALL: [McaFlow; 2] = [McaFlow::Enhanced, McaFlow::Legacy];

    /// `enhanced` or `legacy`.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            McaFlow::Enhanced => "enhanced",
            McaFlow::Legacy => "legacy",
        }
    }

    /// `enhanced` or `legacy`, any case.
    pub(crate) fn parse(text: &str) -> Result<McaFlow, String> {
        McaFlow::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("expected \"enhanced\" or \"legacy\", got {:?}", text.trim()))
    }
}

impl fmt::Display for McaFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why MCA attestation cannot be done in `cloud`, if it cannot.
pub(crate) fn mca_unavailable(cloud: Cloud) -> Option<String> {
    let name = match cloud {
        Cloud::Global => return None,
        Cloud::China => "china (21Vianet)",
        Cloud::Usgov => "usgov (US Government)",
    };
    Some(format!(
        "MCA attestation is not available in the {name} cloud: Partner Center offers it in the global cloud only"
    ))
}

/// What a row's MCA step starts from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct McaTask<'a> {
    /// The customer (created, or found `exists`).
    pub(crate) customer_id: &'a str,
    /// Who accepts, for which company.
    pub(crate) mca: &'a McaAttestation,
    /// This run created the customer: it cannot have accepted anything
    /// yet, so its agreements are not read.
    pub(crate) fresh: bool,
    /// The earlier results of the row (a re-run of a results file): its
    /// `mca_status`, `customer_link` and `mca_attestation_id`.
    pub(crate) earlier: Option<&'a RowResult>,
}

impl McaTask<'_> {
    /// The earlier `mca_status`, link and attestation id, as a result
    /// left as it was (a run that stops keeps them).
    pub(super) fn unchanged(&self, status: McaStatus) -> McaDone {
        McaDone {
            status,
            link: self
                .earlier
                .map(|e| e.customer_link.clone())
                .unwrap_or_default(),
            attestation_id: self
                .earlier
                .map(|e| e.mca_attestation_id.clone())
                .unwrap_or_default(),
            stop: None,
        }
    }
}

/// The MCA columns a row's step leaves, and whether the run must stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct McaDone {
    /// `mca_status`.
    pub(crate) status: McaStatus,
    /// `customer_link`: the acceptance link while `pending`, else empty
    /// (or the link an interrupted step kept).
    pub(crate) link: String,
    /// `mca_attestation_id`.
    pub(crate) attestation_id: String,
    /// Set when the run must stop.
    pub(crate) stop: Option<StopReason>,
}

impl McaDone {
    /// `status` with no link and no attestation.
    pub(crate) fn status(status: McaStatus) -> Self {
        McaDone {
            status,
            link: String::new(),
            attestation_id: String::new(),
            stop: None,
        }
    }

    /// Write the columns into `result`; hand back the stop.
    pub(crate) fn apply(self, result: &mut RowResult) -> Option<StopReason> {
        result.mca_status = self.status;
        result.customer_link = self.link;
        result.mca_attestation_id = self.attestation_id;
        self.stop
    }
}

impl Engine {
    /// Record the Microsoft Customer Agreement of `task`'s customer by
    /// `flow`. A failure is reported, never undoes the customer, and a
    /// re-run of the results file tries again; a step the run's stop ended
    /// is `cancelled` (`stopped_attestation`), its earlier columns kept.
    pub(crate) async fn attest(&self, flow: McaFlow, task: &McaTask<'_>) -> McaDone {
        if let Some(reason) = mca_unavailable(self.cloud) {
            return McaDone::status(McaStatus::Failed(reason));
        }
        if task.customer_id.trim().is_empty() {
            let reason = "no customer_id to attest for".to_owned();
            return McaDone::status(McaStatus::Failed(reason));
        }
        match flow {
            McaFlow::Enhanced => self.attest_enhanced(task).await,
            McaFlow::Legacy => {
                let (status, stop) = self.attest_legacy(task.customer_id, task.mca).await;
                McaDone {
                    stop,
                    ..McaDone::status(status)
                }
            }
        }
    }
}

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
pub(super) fn ended_by_stop(err: &ApiError, stop: Option<&StopReason>) -> Option<McaStatus> {
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
    fn the_flow_is_enhanced_unless_legacy_is_asked_for() {
        assert_eq!(McaFlow::default(), McaFlow::Enhanced);
        assert_eq!(McaFlow::parse(" Legacy "), Ok(McaFlow::Legacy));
        assert_eq!(McaFlow::parse("ENHANCED"), Ok(McaFlow::Enhanced));
        assert!(McaFlow::parse("2023").unwrap_err().contains("\"2023\""));
        for flow in McaFlow::ALL {
            assert_eq!(McaFlow::parse(&flow.to_string()), Ok(flow));
        }
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
