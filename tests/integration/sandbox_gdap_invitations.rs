//! Sandbox: `enableGDAPByDefault` recorded and echoed by the create answer
//! (as Microsoft's 2023 example), the Default GDAP relationships it makes
//! (absent or true: one, with 11 roles, 9 for an indirect reseller's
//! customer; false: none), and the reseller relationship invitation
//! (`GET /v1/customers/relationshiprequests`, App+User only).
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use crate::sandbox_support as common;

use axum::http::StatusCode;
use common::{Sandbox, set, valid_body};
use pc_onboard::sandbox::{SANDBOX_PARTNER_ID, invitation_link};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn the_create_answer_echoes_enable_gdap_by_default_and_the_relationship_follows_it() {
    let sb = Sandbox::new();
    let token = sb.user_token().await;
    let mut off = valid_body("gdapoff");
    set(&mut off, "enableGDAPByDefault", json!(false));
    let mut on = valid_body("gdapon");
    set(&mut on, "enableGDAPByDefault", json!(true));
    set(
        &mut on,
        "associatedPartnerId",
        json!(Uuid::new_v4().to_string()),
    );
    let absent = valid_body("gdapabsent");
    let mut echoed = Vec::new();
    for body in [&off, &on, &absent] {
        let created = sb.create(&token, Uuid::new_v4(), body).await;
        assert_eq!(created.status, StatusCode::CREATED);
        echoed.push(created.json()["enableGDAPByDefault"].clone());
    }
    assert_eq!(echoed, [json!(false), json!(true), serde_json::Value::Null]);
    let stats = sb.state.stats();
    let relationships: Vec<(&str, u64)> = stats
        .default_gdap
        .iter()
        .map(|(domain, roles)| (domain.as_str(), *roles))
        .collect();
    assert_eq!(
        relationships,
        [
            ("gdapabsent.onmicrosoft.com", 11),
            ("gdapon.onmicrosoft.com", 9)
        ],
        "false makes none; an indirect reseller's customer gets nine roles"
    );
    let id = sb.state.customers()[0].id.clone();
    let read = sb.get(&token, &format!("/v1/customers/{id}")).await;
    assert_eq!(
        read.json().get("enableGDAPByDefault"),
        None,
        "only in the create answer"
    );
}

#[tokio::test]
async fn the_invitation_link_is_served_to_app_user_callers_for_the_partner_or_a_reseller() {
    let sb = Sandbox::new();
    let user = sb.user_token().await;
    let reply = sb.get(&user, "/v1/customers/relationshiprequests").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.has_bom(),
        "like every success answer of the live service"
    );
    let answer = reply.json();
    assert_eq!(answer["url"], invitation_link(None).as_str());
    assert_eq!(answer["attributes"]["objectType"], "RelationshipRequest");
    let url = answer["url"].as_str().unwrap();
    assert!(url.starts_with(
        "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId="
    ));
    assert!(
        url.contains(SANDBOX_PARTNER_ID) && url.ends_with("#/BillingAccounts/partner-invitation")
    );

    let reseller = Uuid::new_v4();
    let uri = format!("/v1/customers/relationshiprequests?indirectResellerId={reseller}");
    let reply = sb.get(&user, &uri).await;
    assert_eq!(
        reply.json()["url"],
        invitation_link(Some(&reseller)).as_str()
    );

    let bad = sb
        .get(
            &user,
            "/v1/customers/relationshiprequests?indirectResellerId=nope",
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let app = sb.token().await;
    let refused = sb.get(&app, "/v1/customers/relationshiprequests").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "600006", "App+User only, as documented");
}
