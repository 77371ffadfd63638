//! `GET /v1/customers/relationshiprequests`: the reseller relationship
//! invitation link (App+User only, as documented), in the shape of
//! Microsoft's example (docs/partner-center.md, "Customers who already have
//! a tenant"), for the sandbox's partner or, with `indirectResellerId`, for one of its indirect resellers.

use axum::Extension;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::agreements::app_user_only;
use super::gate::Caller;
use super::responses::{api_error, codes, success};
use super::state::TokenKind;
use crate::partner_center::resources::{Attributes, RelationshipRequest};

/// The sandbox partner's Microsoft partner id, in its invitation links.
pub const SANDBOX_PARTNER_ID: &str = "5e0b4a5c-0d1f-4c11-9d2a-5a4e1d2b3c4d";

/// `?indirectResellerId=...`.
#[derive(Debug, Deserialize)]
pub(crate) struct InvitationQuery {
    #[serde(rename = "indirectResellerId", alias = "indirectresellerid")]
    indirect_reseller_id: Option<String>,
}

/// The invitation link of the sandbox's partner, or of `reseller`. The
/// form with a reseller is not published; the sandbox adds the reseller's
/// id as `indirectResellerId`.
pub fn invitation_link(reseller: Option<&Uuid>) -> String {
    let reseller = reseller.map_or_else(String::new, |id| format!("&indirectResellerId={id}"));
    format!(
        "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId={SANDBOX_PARTNER_ID}&msppId=0&DAP=false{reseller}#/BillingAccounts/partner-invitation"
    )
}

/// `GET /v1/customers/relationshiprequests[?indirectResellerId=<GUID>]`.
pub(crate) async fn relationship_request(
    Extension(caller): Extension<Caller>,
    query: Result<Query<InvitationQuery>, QueryRejection>,
) -> Response {
    if caller.kind != TokenKind::AppUser {
        return app_user_only(
            "Retrieving the reseller relationship request URL (GET /v1/customers/relationshiprequests)",
        );
    }
    let Ok(Query(query)) = query else {
        return api_error(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            "The query string is malformed.",
        );
    };
    let reseller = match query.indirect_reseller_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    codes::BAD_REQUEST,
                    format!("indirectResellerId {id:?} must be a GUID."),
                );
            }
        },
    };
    let answer = RelationshipRequest {
        url: invitation_link(reseller.as_ref()),
        attributes: Some(Attributes::object("RelationshipRequest")),
    };
    success(StatusCode::OK, &answer)
}
