//! How stored customers are shown: the shapes of the real payloads
//! (`links.self`, `attributes.objectType`), with or without billing profile
//! and credentials.

use crate::partner_center::resources::{Attributes, Customer, Link, Links};

/// The create answer: everything, credentials included.
pub(crate) fn created(stored: &Customer) -> Customer {
    decorate(stored.clone())
}

/// `GET /v1/customers/{id}`: everything but the credentials and
/// `enableGDAPByDefault` (Microsoft documents it in the create answer only).
pub(crate) fn detail(stored: &Customer) -> Customer {
    let mut c = decorate(stored.clone());
    c.user_credentials = None;
    c.enable_gdap_by_default = None;
    c
}

/// A collection item: no billing profile, no credentials.
pub(crate) fn list_item(stored: &Customer) -> Customer {
    let mut c = detail(stored);
    c.billing_profile = None;
    c.allow_delegated_access = None;
    c
}

fn decorate(mut c: Customer) -> Customer {
    let uri = format!("/customers/{}", c.id);
    c.company_profile.links = Some(self_link(format!("{uri}/profiles/company")));
    c.company_profile.attributes = Some(Attributes::object("CustomerCompanyProfile"));
    if let Some(serde_json::Value::Object(billing)) = &mut c.billing_profile {
        let mut links = serde_json::Map::new();
        links.insert(
            "self".to_owned(),
            serde_json::json!({"uri": format!("{uri}/profiles/billing"), "method": "GET", "headers": []}),
        );
        billing.insert("links".to_owned(), serde_json::Value::Object(links));
    }
    c.links = Some(self_link(uri));
    c.attributes = Some(Attributes::object("Customer"));
    c
}

/// `{"self": {"uri", "method": "GET", "headers": []}}`.
pub(crate) fn self_link(uri: String) -> Links {
    Links {
        self_link: Some(Link::get(uri)),
        next: None,
    }
}
