//! The partner's tenant as the sandbox sees it: customers (by id and by
//! domain), request-id records and MCA acceptances. This is what the state
//! file holds.

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
}
