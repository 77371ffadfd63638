//! The reseller relationship invitation (`GET /v1/customers/relationshiprequests`).

use serde::{Deserialize, Serialize};

use super::Attributes;

/// A relationship request: the URL a customer that already has a Microsoft
/// tenant opens to accept this partner (or an indirect reseller) as its
/// reseller. The same URL serves every customer of the partner (or of the
/// reseller). Read tolerantly: unknown fields are ignored, `Url` accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RelationshipRequest {
    /// The invitation URL.
    #[serde(alias = "Url")]
    pub(crate) url: String,
    /// `objectType` (`RelationshipRequest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attributes: Option<Attributes>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::parse_json;

    #[test]
    fn microsofts_example_answer_reads() {
        // Microsoft's "Retrieve a relationship request URL" page
        // (docs/partner-center.md, "Customers who already have a tenant"),
        // with the BOM the live service sends.
        let body = "\u{feff}{\"url\": \"https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=3b33e682-00c3-41ee-9dd2-a548adf56438&msppId=0&DAP=false#/BillingAccounts/partner-invitation\", \"attributes\": {\"objectType\": \"RelationshipRequest\"}}";
        let request: RelationshipRequest = parse_json(body.as_bytes()).unwrap();
        assert!(request.url.starts_with("https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=3b33e682"));
        assert_eq!(
            request.attributes,
            Some(Attributes::object("RelationshipRequest"))
        );
        let pascal: RelationshipRequest =
            parse_json(br#"{"Url": "https://x", "extra": 1}"#).unwrap();
        assert_eq!(pascal.url, "https://x");
    }
}
