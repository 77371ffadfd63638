//! The claims of the sandbox's access tokens: unsigned JWTs (`alg: none`)
//! with what a client reads (`amr`, `scp` or `roles`, `idtyp`, `upn`,
//! `tid`).

use std::time::{SystemTime, UNIX_EPOCH};

use uuid::Uuid;

use super::auth::{DEFAULT_RESOURCE, Grant};
use super::state::TokenKind;

/// The tenant id (`tid`) of the sandbox's tokens.
pub(crate) const SANDBOX_TENANT_ID: &str = "6d2c1b9e-4f3a-4c8d-9e7f-0a1b2c3d4e5f";
/// The user the sandbox's App+User tokens name.
pub(crate) const SANDBOX_USER: &str = "admin@sandbox-partner.onmicrosoft.com";

/// An unsigned JWT with the claims a client reads.
pub(crate) fn jwt(grant: &Grant, mfa: bool, ttl: std::time::Duration) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut claims = serde_json::json!({
        "aud": grant.resource.as_deref().unwrap_or(DEFAULT_RESOURCE),
        "iss": format!("https://sts.windows.net/{SANDBOX_TENANT_ID}/"),
        "tid": SANDBOX_TENANT_ID,
        "appid": grant.client_id,
        "iat": now,
        "nbf": now,
        "exp": now + ttl.as_secs(),
        "jti": Uuid::new_v4().to_string(),
    });
    let more = match grant.kind {
        TokenKind::AppOnly => serde_json::json!({"idtyp": "app", "roles": ["sandbox.all"]}),
        TokenKind::AppUser => serde_json::json!({
            "idtyp": "user",
            "scp": "user_impersonation",
            "amr": if mfa { vec!["pwd", "mfa"] } else { vec!["pwd"] },
            "upn": SANDBOX_USER,
            "name": "Sandbox Admin",
        }),
    };
    if let (Some(all), serde_json::Value::Object(more)) = (claims.as_object_mut(), more) {
        all.extend(more);
    }
    crate::partner_center::auth::jwt::unsigned(&claims)
}
