//! The partner's tenant as the sandbox sees it: customers (by id and by
//! domain), request-id records, MCA acceptances and enhanced attestations.
//! This is what the state file holds.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::partner_center::resources::{Customer, CustomerAgreement};

/// What a create call with a given `MS-RequestId` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestRecord {
    /// SHA-256 hex of the request's canonical JSON body.
    pub(crate) body_hash: String,
    /// The customer it created.
    pub(crate) customer_id: String,
}

/// An enhanced MCA attestation: what was posted and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attestation {
    /// Its id (a GUID).
    pub id: String,
    /// The body it was created with (JSON).
    pub(crate) request: serde_json::Value,
    /// SHA-256 hex of that body, for a request id used again.
    pub(crate) body_hash: String,
    /// The acceptance link.
    pub(crate) link: String,
    /// When it was created and when its link expires (Unix milliseconds).
    pub(crate) created_ms: u64,
    /// When its link expires (Unix milliseconds).
    pub(crate) expires_ms: u64,
    /// When the customer accepted it at the link, if they did.
    pub(crate) accepted_ms: Option<u64>,
    /// The customer whose agreement was created with it.
    pub(crate) used_by: Option<String>,
}

impl Attestation {
    /// `Pending`, `Ready` (accepted) or `Expired` (unaccepted past its
    /// expiry) at `now_ms`.
    pub(crate) fn state(&self, now_ms: u64) -> &'static str {
        match self.accepted_ms {
            Some(_) => "Ready",
            None if now_ms >= self.expires_ms => "Expired",
            None => "Pending",
        }
    }

    /// A field of the posted body, trimmed.
    pub fn field(&self, name: &str) -> &str {
        self.request
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .trim()
    }
}

/// Customers, request records and agreements, with lookup indexes.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tenant {
    #[serde(default)]
    version: u32,
    /// In creation order, with their initial credentials (to replay them).
    #[serde(default)]
    customers: Vec<Customer>,
    /// Request id (lower-case) → record.
    #[serde(default)]
    requests: BTreeMap<String, RequestRecord>,
    /// Customer id → agreements.
    #[serde(default)]
    agreements: BTreeMap<String, Vec<CustomerAgreement>>,
    /// Enhanced attestations by id (lower-case).
    #[serde(default)]
    attestations: BTreeMap<String, Attestation>,
    /// `MS-RequestId` (lower-case) of an attestation's creation → its id.
    #[serde(default)]
    attestation_requests: BTreeMap<String, String>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    by_domain: HashMap<String, usize>,
}

/// The state file format version.
const VERSION: u32 = 1;

impl Tenant {
    /// An empty tenant.
    pub(crate) fn new() -> Self {
        Self {
            version: VERSION,
            ..Self::default()
        }
    }

    /// Rebuild the indexes after loading.
    pub(crate) fn reindex(&mut self) {
        self.version = VERSION;
        self.by_id.clear();
        self.by_domain.clear();
        for (i, c) in self.customers.iter().enumerate() {
            self.by_id.insert(c.id.to_lowercase(), i);
            self.by_domain
                .insert(c.company_profile.domain.to_lowercase(), i);
        }
    }

    /// The format version of a loaded file.
    pub(crate) fn version(&self) -> u32 {
        self.version
    }

    /// All customers, in creation order.
    pub(crate) fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// Number of customers.
    pub(crate) fn len(&self) -> usize {
        self.customers.len()
    }

    /// The customer with this id (case-insensitive).
    pub(crate) fn customer(&self, id: &str) -> Option<&Customer> {
        self.by_id
            .get(&id.to_lowercase())
            .and_then(|i| self.customers.get(*i))
    }

    /// The customer whose initial domain is `domain` (case-insensitive).
    pub(crate) fn by_domain(&self, domain: &str) -> Option<&Customer> {
        self.by_domain
            .get(&domain.to_lowercase())
            .and_then(|i| self.customers.get(*i))
    }

    /// Add a customer (its id and domain must be new).
    pub(crate) fn insert(&mut self, customer: Customer) {
        let i = self.customers.len();
        self.by_id.insert(customer.id.to_lowercase(), i);
        self.by_domain
            .insert(customer.company_profile.domain.to_lowercase(), i);
        self.customers.push(customer);
    }

    /// What an earlier create call with this request id did.
    pub(crate) fn request(&self, request_id: &str) -> Option<&RequestRecord> {
        self.requests.get(&request_id.to_lowercase())
    }

    /// Remember what a create call did.
    pub(crate) fn record_request(&mut self, request_id: &str, record: RequestRecord) {
        self.requests.insert(request_id.to_lowercase(), record);
    }

    /// The agreements of a customer.
    pub(crate) fn agreements(&self, customer_id: &str) -> &[CustomerAgreement] {
        self.agreements
            .get(&customer_id.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Record an agreement of a customer.
    pub(crate) fn add_agreement(&mut self, customer_id: &str, agreement: CustomerAgreement) {
        self.agreements
            .entry(customer_id.to_lowercase())
            .or_default()
            .push(agreement);
    }

    /// The attestation `id` (any case).
    pub(crate) fn attestation(&self, id: &str) -> Option<&Attestation> {
        self.attestations.get(&id.trim().to_lowercase())
    }

    /// The attestation `id`, to change it.
    pub(crate) fn attestation_mut(&mut self, id: &str) -> Option<&mut Attestation> {
        self.attestations.get_mut(&id.trim().to_lowercase())
    }

    /// Every attestation, by id.
    pub(crate) fn attestations(&self) -> impl Iterator<Item = &Attestation> {
        self.attestations.values()
    }

    /// The attestation a creation with `request_id` made.
    pub(crate) fn attestation_of_request(&self, request_id: &str) -> Option<&Attestation> {
        let id = self.attestation_requests.get(&request_id.to_lowercase())?;
        self.attestation(id)
    }

    /// Add an attestation created by `request_id`.
    pub(crate) fn add_attestation(&mut self, request_id: &str, attestation: Attestation) {
        let id = attestation.id.to_lowercase();
        self.attestation_requests
            .insert(request_id.to_lowercase(), id.clone());
        self.attestations.insert(id, attestation);
    }
}
