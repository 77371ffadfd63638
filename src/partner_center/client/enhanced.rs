//! The enhanced MCA attestation's calls (app-only): create an attestation,
//! read its state, create the agreement with it. What is guessed about
//! their paths and answers is in `partner_center::enhanced_attestation`.

use reqwest::Method;
use uuid::Uuid;

use super::PartnerCenterClient;
use crate::partner_center::auth::CallAuth;
use crate::partner_center::enhanced_attestation::{
    ATTESTATION_SEGMENTS, AttestationState, no_link, read_created, read_state, state_segments,
};
use crate::partner_center::error::ApiError;

/// What `POST /v1/attestations/enhanced` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewAttestation {
    /// Partner Center's id of the attestation.
    pub(crate) id: String,
    /// The link the customer opens to accept it, or the error that says
    /// the answer had none (quoting it).
    pub(crate) link: Result<String, ApiError>,
    /// The state the answer names, if it names one pc-onboard knows.
    pub(crate) state: Option<AttestationState>,
}

impl PartnerCenterClient {
    /// `POST /v1/attestations/enhanced` with `body` under `request_id` (the
    /// same for every retry), app-only. An answer without an attestation id
    /// is an [`ApiError::Unrecognised`] quoting it.
    pub(crate) async fn create_enhanced_attestation(
        &self,
        body: &str,
        request_id: Uuid,
    ) -> Result<NewAttestation, ApiError> {
        let url = self.url(&ATTESTATION_SEGMENTS);
        let call = self.post(url, request_id, body, self.inner.timeout);
        let answer = self.send(call.with_auth(CallAuth::AppOnly)).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let created = read_created(answer.status, &answer.body)?;
        let link = created
            .link
            .ok_or_else(|| no_link(answer.status, &answer.body));
        Ok(NewAttestation {
            id: created.id,
            link,
            state: created.state,
        })
    }

    /// The state of the attestation `id` (and its link, when the answer
    /// has one), app-only. A state pc-onboard does not know is an
    /// [`ApiError::Unrecognised`] quoting the answer.
    pub(crate) async fn enhanced_attestation_state(
        &self,
        id: &str,
    ) -> Result<(AttestationState, Option<String>), ApiError> {
        let url = self.url(&state_segments(id.trim()));
        let call = self.read(Method::GET, url).with_auth(CallAuth::AppOnly);
        let answer = self.send(call).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        read_state(answer.status, &answer.body)
    }
}
