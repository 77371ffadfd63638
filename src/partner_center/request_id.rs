//! Deterministic request identity (an on-disk contract: see docs/architecture.md).
//!
//! ```text
//! namespace    = UUIDv5(NAMESPACE_URL, "https://pc-onboard/request-id/v1")
//! name         = "<row identity>\n<sha256 hex of the canonical JSON body>"
//! row identity = "ext:" + external_id   if external_id is set
//!              = "dom:" + full lower-case domain otherwise
//! MS-RequestId = UUIDv5(namespace, name)
//! after a business failure (the row's previous status is `rejected`):
//! MS-RequestId = UUIDv5(namespace, name + "\nafter:" + previous request_id)
//! ```
//!
//! Changing any of this makes an upgraded tool re-send rows under new IDs,
//! so the fixed vectors in the tests below must never change. The body is
//! part of the name: when the body changes, the IDs change with it, and
//! that is a versioned change of its own (2026: `enableGDAPByDefault` in
//! every body, see `BODY_2026` below and README.md, "Upgrading").

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The versioned name of the request-ID namespace.
pub(crate) const NAMESPACE_NAME: &str = "https://pc-onboard/request-id/v1";

/// The UUIDv5 namespace every request ID is derived in.
pub(crate) fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, NAMESPACE_NAME.as_bytes())
}

/// The identity of a row: its external id when set, else its full domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowIdentity<'a> {
    /// The partner's own key (`external_id`).
    External(&'a str),
    /// The full lower-case `<prefix>.onmicrosoft.com` domain.
    Domain(&'a str),
}

impl RowIdentity<'_> {
    fn write_to(&self, out: &mut String) {
        match self {
            RowIdentity::External(id) => {
                out.push_str("ext:");
                out.push_str(id);
            }
            RowIdentity::Domain(domain) => {
                out.push_str("dom:");
                out.push_str(&domain.to_lowercase());
            }
        }
    }
}

/// The `MS-RequestId` for a row identity and the exact canonical JSON body.
pub(crate) fn request_id(identity: RowIdentity<'_>, canonical_body: &str) -> Uuid {
    Uuid::new_v5(&namespace(), name(identity, canonical_body).as_bytes())
}

/// The `MS-RequestId` of a row whose previous attempt got a definitive
/// business answer (its results row says `rejected`, under
/// `previous_request_id`): Microsoft asks for a new id after such an answer.
/// Chained from the previous id, so it is new, yet the same on every retry
/// and after a crash in the middle of the re-run.
pub(crate) fn request_id_after(
    identity: RowIdentity<'_>,
    canonical_body: &str,
    previous_request_id: &str,
) -> Uuid {
    let mut name = name(identity, canonical_body);
    name.push_str("\nafter:");
    name.push_str(&previous_request_id.trim().to_lowercase());
    Uuid::new_v5(&namespace(), name.as_bytes())
}

/// `<row identity>\n<sha256 hex of the body>`.
fn name(identity: RowIdentity<'_>, canonical_body: &str) -> String {
    let digest = Sha256::digest(canonical_body.as_bytes());
    let mut name = String::with_capacity(96);
    identity.write_to(&mut name);
    name.push('\n');
    name.push_str(&hex::encode(digest));
    name
}

/// The `MS-RequestId` of one POST that is not a create (MCA attestation,
/// address validation): the same for every retry of the operation, and for
/// the same operation in a later run, so a retry after a lost answer is
/// recognised by the service rather than recorded twice. `operation` names
/// the call and its target (`agreement:<customer id>`).
pub(crate) fn operation_id(operation: &str, canonical_body: &str) -> Uuid {
    let digest = Sha256::digest(canonical_body.as_bytes());
    let name = format!("op:{operation}\n{}", hex::encode(digest));
    Uuid::new_v5(&namespace(), name.as_bytes())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn namespace_is_fixed() {
        assert_eq!(
            namespace().to_string(),
            "419e8be2-dbc5-5421-8e71-6469d294363d"
        );
    }

    #[test]
    fn request_ids_match_fixed_vectors() {
        // These vectors pin the on-disk contract: if one changes, every
        // earlier results file would re-send its rows under new IDs.
        let body = r#"{"billingProfile":{"companyName":"Contoso"},"companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#;
        let by_ext = request_id(RowIdentity::External("CRM-1"), body);
        let by_dom = request_id(RowIdentity::Domain("contoso.onmicrosoft.com"), body);
        assert_eq!(by_ext.get_version_num(), 5);
        assert_eq!(by_ext.to_string(), FIXED_EXT);
        assert_eq!(by_dom.to_string(), FIXED_DOM);
    }

    // Computed independently with Python's uuid.uuid5 and hashlib.sha256.
    const FIXED_EXT: &str = "28fec21c-6e55-537e-9b94-446723983fb5";
    const FIXED_DOM: &str = "d81ee195-4f76-54f4-87b1-30f4a4572110";

    #[test]
    fn a_rejected_row_gets_an_id_chained_from_its_previous_one() {
        let body = r#"{"billingProfile":{"companyName":"Contoso"},"companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#;
        let id = RowIdentity::External("CRM-1");
        let first = request_id_after(id, body, FIXED_EXT);
        assert_eq!(first.to_string(), FIXED_AFTER_1);
        let upper = request_id_after(id, body, &FIXED_EXT.to_uppercase());
        assert_eq!(upper, first, "the previous id is compared lower-case");
        let second = request_id_after(id, body, &first.to_string());
        assert_eq!(second.to_string(), FIXED_AFTER_2);
        assert_ne!(first, request_id(id, body));
    }

    // uuid5(ns, name + "\nafter:" + previous), computed with Python.
    const FIXED_AFTER_1: &str = "4c4c8474-3f8c-5eb2-9d09-3906ab8085ef";
    const FIXED_AFTER_2: &str = "89a40d1e-afe8-5547-9bce-0755a53c1cd4";

    /// A create body as the pipeline sends it since 2026 (canonical JSON:
    /// keys sorted, no whitespace), with `enableGDAPByDefault`.
    /// `pipeline::request` checks that a row becomes exactly this body.
    pub(crate) fn body_2026(enable_gdap_by_default: bool) -> String {
        let before = BODY_BEFORE_2026.trim_end_matches('}');
        format!("{before}}},\"enableGDAPByDefault\":{enable_gdap_by_default}}}")
    }

    /// The same customer's body before 2026 (no `enableGDAPByDefault`).
    const BODY_BEFORE_2026: &str = r#"{"billingProfile":{"companyName":"Contoso","culture":"en-US","defaultAddress":{"addressLine1":"1 Main St","city":"Redmond","country":"US","firstName":"Ann","lastName":"Lee","postalCode":"98052","state":"WA"},"email":"ap@contoso.example","language":"en"},"companyProfile":{"domain":"contoso.onmicrosoft.com"}}"#;

    /// `(enableGDAPByDefault, by external id, by domain)`: uuid5 of the
    /// namespace and `"ext:CRM-1\n"` / `"dom:contoso.onmicrosoft.com\n"` +
    /// sha256 hex of [`body_2026`], computed with Python's `uuid.uuid5`
    /// and `hashlib.sha256`.
    pub(crate) const FIXED_2026: [(bool, &str, &str); 2] = [
        (
            true,
            "8f6fee87-7c15-50a0-8091-bfd1d384f267",
            "45bb2d0e-a2c1-5ca7-a3b3-58af60a9e6b0",
        ),
        (
            false,
            "ef08ea5d-d8a0-54de-b99e-92350f9c1c0e",
            "ce4334fc-acf4-50f7-879e-2b718636a205",
        ),
    ];

    /// The ids the same row had before 2026 (computed with Python too).
    const FIXED_BEFORE_2026: (&str, &str) = (
        "e81a946b-157f-5fdf-809b-65d416f47e60",
        "eb26f735-8d34-5c05-947b-2b32e66da69a",
    );

    #[test]
    fn bodies_with_enable_gdap_by_default_have_fixed_ids_new_since_2026() {
        let ext = RowIdentity::External("CRM-1");
        let dom = RowIdentity::Domain("contoso.onmicrosoft.com");
        let (old_ext, old_dom) = FIXED_BEFORE_2026;
        assert_eq!(request_id(ext, BODY_BEFORE_2026).to_string(), old_ext);
        assert_eq!(request_id(dom, BODY_BEFORE_2026).to_string(), old_dom);
        for (enabled, by_ext, by_dom) in FIXED_2026 {
            let body = body_2026(enabled);
            assert_eq!(request_id(ext, &body).to_string(), by_ext, "{enabled}");
            assert_eq!(request_id(dom, &body).to_string(), by_dom, "{enabled}");
            // The deliberate change: an older version's id for the same
            // row is not reused (its rows are reconciled by domain).
            assert_ne!(by_ext, old_ext);
            assert_ne!(by_dom, old_dom);
        }
    }

    #[test]
    fn operations_have_fixed_ids_too() {
        assert_eq!(
            operation_id("agreement:c1", "{}").to_string(),
            "ca441ed5-679c-5e02-8a6e-e877e8b73a7f"
        );
    }

    #[test]
    fn domain_identity_is_case_insensitive() {
        assert_eq!(
            request_id(RowIdentity::Domain("Contoso.onmicrosoft.com"), "{}"),
            request_id(RowIdentity::Domain("contoso.onmicrosoft.com"), "{}")
        );
    }

    #[test]
    fn changed_body_changes_the_id() {
        let a = request_id(RowIdentity::External("1"), "{\"a\":1}");
        let b = request_id(RowIdentity::External("1"), "{\"a\":2}");
        assert_ne!(a, b);
    }

    #[test]
    fn identity_kind_matters() {
        assert_ne!(
            request_id(RowIdentity::External("x"), "{}"),
            request_id(RowIdentity::Domain("x"), "{}")
        );
    }
}
