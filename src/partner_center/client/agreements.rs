//! The agreement endpoints: the Microsoft Customer Agreement template and
//! a customer's attestation (the 2023 flow: App+User only; the enhanced
//! flow's agreement: app-only), and the customer's agreements (App+User).

use reqwest::Method;
use uuid::Uuid;

use super::PartnerCenterClient;
use crate::partner_center::auth::CallAuth;
use crate::partner_center::error::ApiError;
use crate::partner_center::resources::{AgreementMetadata, Collection};

impl PartnerCenterClient {
    /// `GET /v1/agreements?agreementType=...`: the template to attest with
    /// (the first item of that type), `None` when there is none.
    pub async fn agreement_template(
        &self,
        agreement_type: &str,
    ) -> Result<Option<AgreementMetadata>, ApiError> {
        let mut url = self.url(&["v1", "agreements"]);
        url.query_pairs_mut()
            .append_pair("agreementType", agreement_type);
        let answer = self
            .send(
                self.read(Method::GET, url)
                    .with_auth(self.legacy_mca_auth()),
            )
            .await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let collection: Collection<AgreementMetadata> = answer.parse()?;
        let mut items = collection.items;
        let matching = items
            .iter()
            .position(|a| a.agreement_type.eq_ignore_ascii_case(agreement_type))
            .or_else(|| items.iter().position(|a| a.agreement_type.is_empty()));
        Ok(matching.map(|i| items.swap_remove(i)))
    }

    /// `POST /v1/customers/{id}/agreements` (MCA attestation) with the JSON
    /// `body`, under `request_id` (the same for every retry). `600061`
    /// comes back as an error: see [`ApiError::is_agreement_already_attested`].
    pub async fn create_agreement(
        &self,
        customer_id: &str,
        body: &str,
        request_id: Uuid,
    ) -> Result<(), ApiError> {
        self.create_agreement_as(customer_id, body, request_id, self.legacy_mca_auth())
            .await
    }

    /// [`Self::create_agreement`] with the credentials `auth` asks for
    /// (app-only for the enhanced attestation's agreement).
    pub(crate) async fn create_agreement_as(
        &self,
        customer_id: &str,
        body: &str,
        request_id: Uuid,
        auth: CallAuth,
    ) -> Result<(), ApiError> {
        let url = self.url(&["v1", "customers", customer_id, "agreements"]);
        let timeout = self.inner.timeout;
        let call = self.post(url, request_id, body, timeout);
        let answer = self.send(call.with_auth(auth)).await?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(answer.error())
        }
    }

    /// `GET /v1/customers/{id}/agreements?agreementType=...` (App+User):
    /// how many agreements of that type the customer has (its acceptances:
    /// direct, or recorded by a partner). Items without a type count.
    pub(crate) async fn customer_agreements(
        &self,
        customer_id: &str,
        agreement_type: &str,
    ) -> Result<usize, ApiError> {
        let mut url = self.url(&["v1", "customers", customer_id, "agreements"]);
        url.query_pairs_mut()
            .append_pair("agreementType", agreement_type);
        let call = self.read(Method::GET, url).with_auth(CallAuth::AppUser);
        let answer = self.send(call).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        let collection: Collection<serde_json::Value> = answer.parse()?;
        let of_type = |item: &serde_json::Value| {
            ["type", "agreementType"]
                .iter()
                .find_map(|k| item.get(k).and_then(|v| v.as_str()))
                .is_none_or(|t| t.trim().is_empty() || t.eq_ignore_ascii_case(agreement_type))
        };
        Ok(collection.items.iter().filter(|i| of_type(i)).count())
    }
}

impl PartnerCenterClient {
    /// The 2023 MCA flow is App+User only: App+User when the client has it;
    /// without, the call is still sent with what there is, and Partner
    /// Center's `403 600006` says what is missing (the pipeline checks
    /// first and sends no such call without App+User credentials).
    fn legacy_mca_auth(&self) -> CallAuth {
        if self.kinds().app_user {
            CallAuth::AppUser
        } else {
            CallAuth::Any
        }
    }
}
