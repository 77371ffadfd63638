//! The reseller relationship invitation: the link a customer that already
//! has a Microsoft tenant opens to accept this partner as its reseller.

use reqwest::Method;

use super::PartnerCenterClient;
use crate::partner_center::auth::CallAuth;
use crate::partner_center::error::ApiError;
use crate::partner_center::resources::RelationshipRequest;

impl PartnerCenterClient {
    /// `GET /v1/customers/relationshiprequests` (App+User only), with
    /// `indirectResellerId=<reseller>` for an indirect provider acting for
    /// that reseller: the invitation link (docs/partner-center.md,
    /// "Customers who already have a tenant").
    pub(crate) async fn relationship_request(
        &self,
        indirect_reseller: Option<&str>,
    ) -> Result<RelationshipRequest, ApiError> {
        let mut url = self.url(&["v1", "customers", "relationshiprequests"]);
        if let Some(reseller) = indirect_reseller.map(str::trim).filter(|r| !r.is_empty()) {
            url.query_pairs_mut()
                .append_pair("indirectResellerId", reseller);
        }
        let call = self.read(Method::GET, url).with_auth(CallAuth::AppUser);
        let answer = self.send(call).await?;
        if !answer.is_success() {
            return Err(answer.error());
        }
        answer.parse()
    }
}
