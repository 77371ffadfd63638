//! The client suites' side of the fake Partner Center (`fake_server`,
//! re-exported here): clients of it and the answers they read. The
//! `client_*` suites pin the client's own behaviour against it (not the
//! sandbox): token reuse and refresh, the 401 path (`client_tokens`),
//! headers, body shapes, paging (`client_answers`), errors (`client_errors`).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pc_onboard::partner_center::auth::Credentials;
use pc_onboard::partner_center::client::{ClientConfig, PartnerCenterClient};
use pc_onboard::partner_center::cloud::CloudEndpoints;
use pc_onboard::partner_center::error::ApiError;
use secrecy::SecretString;

pub(crate) use crate::fake_server::{
    Seen, by_index, empty, json, json_with_bom, loopback, numbered_token, serve, tokens_numbered,
};

pub(crate) const SECRET: &str = "s3cr3t-client-value";

/// Customer ids of the paging tests.
pub(crate) const GUID_A: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub(crate) const GUID_B: &str = "1f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
pub(crate) const GUID_C: &str = "2f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

pub(crate) fn customer_json(id: &str, domain: &str) -> String {
    format!(
        r#"{{"id":"{id}","commerceId":"0a4ce58a-6f96-4273-8035-d9c7d31b9ba4","companyProfile":{{"tenantId":"{id}","domain":"{domain}","attributes":{{"objectType":"CustomerCompanyProfile"}}}},"billingProfile":{{"id":"d17c0275-da92-5c33-9032-782ef1d0b69b","email":"ap@contoso.example","culture":"en-US","language":"en","companyName":"Contoso","defaultAddress":{{"country":"US","city":"Redmond","state":"WA","addressLine1":"1 Main St","postalCode":"98052","firstName":"Ann","lastName":"Lee","phoneNumber":""}},"attributes":{{"etag":"-8799889149591823008","objectType":"CustomerBillingProfile"}}}},"relationshipToPartner":"none","userCredentials":{{"userName":"admin","password":"=;;n.=s9Z"}},"allowDelegatedAccess":true,"attributes":{{"objectType":"Customer"}}}}"#
    )
}

pub(crate) fn client_credentials() -> Credentials {
    Credentials::ClientCredentials {
        tenant_id: "partner-tenant".into(),
        client_id: "app-id".into(),
        client_secret: SecretString::from(SECRET),
    }
}

pub(crate) fn config(base: &str, credentials: Credentials) -> ClientConfig {
    let mut config = ClientConfig::new(
        CloudEndpoints::global().with_overrides(Some(base), Some(base)),
        credentials,
    );
    config.timeout = Duration::from_secs(10);
    config
}

pub(crate) fn client(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(base, client_credentials())).unwrap()
}

/// A client with a ready access token (`PC_ACCESS_TOKEN`): no token fetch.
pub(crate) fn client_with_ready_token(base: &str) -> PartnerCenterClient {
    PartnerCenterClient::new(config(
        base,
        Credentials::AccessToken(SecretString::from("ready-token-value")),
    ))
    .unwrap()
}

pub(crate) const ID: &str = "dfd8cc0a-c592-468c-8461-869a38d24738";

/// The error `client` gets creating a customer (an empty body, a fresh
/// request id).
pub(crate) async fn create_error(client: &PartnerCenterClient) -> ApiError {
    client
        .create_customer("{}", uuid::Uuid::new_v4())
        .await
        .unwrap_err()
}
