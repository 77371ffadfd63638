//! Counters for tests and demos: `SandboxState::stats` and `GET /sandbox/stats`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::responses::plain_json;
use super::state::SandboxState;

/// What the sandbox has seen and done since it started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Calls per endpoint, keyed `METHOD /route/{param}` (every call, answered or refused).
    pub calls: BTreeMap<String, u64>,
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// Access tokens issued, by the `resource` asked for (`(none)` when the request had none).
    pub(crate) token_resources: BTreeMap<String, u64>,
    /// `401` answers (missing, unknown or expired token).
    pub unauthorized: u64,
    /// `429` answers, quota and injected.
    pub throttled: u64,
    /// Customers created.
    pub customers_created: u64,
    /// Create calls answered with an earlier customer (same request id, same body).
    pub replays: u64,
    /// Create calls refused because their request id came with a different body.
    pub request_id_mismatches: u64,
    /// Create calls refused because the domain was taken (duplicate-tenant attempts).
    pub domain_conflicts: u64,
    /// Create calls refused by validation (`400` with a field error code).
    pub validation_errors: u64,
    /// Faults injected, by kind ([`Fault::kind`](super::Fault::kind)).
    pub faults: BTreeMap<String, u64>,
    /// Faults injected, by endpoint ([`Endpoint::name`](super::Endpoint::name))
    /// and kind.
    pub(crate) faults_by_endpoint: BTreeMap<String, BTreeMap<String, u64>>,
    /// Customers in the tenant now (including any loaded from the state file).
    pub customers: u64,
    /// `/v1` calls per endpoint (as in [`Stats::calls`]) and the kind of
    /// token they carried (`app_only`, `app_user`).
    pub(crate) calls_by_kind: BTreeMap<String, BTreeMap<String, u64>>,
    /// App+User calls answered `401` code `900421` (a token without MFA).
    pub mfa_refusals: u64,
    /// Device-code sign-ins started.
    pub device_codes: u64,
    /// Device-code polls, and those that came sooner than the interval.
    pub device_polls: u64,
    /// Device-code polls that came sooner than the interval asked.
    pub device_polls_too_soon: u64,
    /// Refresh tokens issued (device sign-ins and v2 rotations).
    pub(crate) refresh_tokens_issued: u64,
    /// Enhanced MCA attestations created (`POST /v1/attestations/enhanced`).
    pub attestations_created: u64,
    /// Acceptances at the sandbox's acceptance page (`POST /sandbox/mca/{id}`).
    pub acceptances: u64,
    /// The customers with a Default GDAP relationship (created with
    /// `enableGDAPByDefault` true or absent): domain → the number of Entra
    /// roles it grants (11, or 9 for an indirect reseller's customer).
    /// Microsoft lists these relationships with Graph, not in the create
    /// answer.
    pub default_gdap: BTreeMap<String, u64>,
}

impl Stats {
    /// Calls to `endpoint`, e.g. `POST /v1/customers`.
    pub fn calls_to(&self, endpoint: &str) -> u64 {
        self.calls.get(endpoint).copied().unwrap_or(0)
    }

    /// Faults of `kind` injected, e.g. `drop`.
    pub fn faults_of(&self, kind: &str) -> u64 {
        self.faults.get(kind).copied().unwrap_or(0)
    }

    /// Calls to `endpoint` that carried a token of `kind`.
    pub fn calls_with(&self, endpoint: &str, kind: super::TokenKind) -> u64 {
        self.calls_by_kind
            .get(endpoint)
            .and_then(|kinds| kinds.get(kind.name()))
            .copied()
            .unwrap_or(0)
    }

    /// Calls of any endpoint that carried a token of `kind`.
    pub fn calls_of_kind(&self, kind: super::TokenKind) -> u64 {
        self.calls_by_kind
            .values()
            .filter_map(|kinds| kinds.get(kind.name()))
            .sum()
    }

    pub(crate) fn count_kind(&mut self, endpoint: String, kind: super::TokenKind) {
        *self
            .calls_by_kind
            .entry(endpoint)
            .or_default()
            .entry(kind.name().to_owned())
            .or_default() += 1;
    }

    pub(crate) fn count_call(&mut self, endpoint: String) {
        *self.calls.entry(endpoint).or_default() += 1;
    }

    /// Tokens issued for `resource`, e.g. `https://api.partnercenter.microsoft.com`.
    pub fn tokens_for(&self, resource: &str) -> u64 {
        self.token_resources.get(resource).copied().unwrap_or(0)
    }

    pub(crate) fn count_token_resource(&mut self, resource: Option<&str>) {
        let key = resource.map_or("(none)", str::trim).to_owned();
        *self.token_resources.entry(key).or_default() += 1;
    }

    /// Faults of `kind` injected into calls to `endpoint`, e.g. `("search", "drop")`.
    pub fn faults_on(&self, endpoint: &str, kind: &str) -> u64 {
        self.faults_by_endpoint
            .get(endpoint)
            .and_then(|kinds| kinds.get(kind))
            .copied()
            .unwrap_or(0)
    }

    /// Faults of any kind injected into calls to `endpoint`.
    pub fn faults_at(&self, endpoint: &str) -> u64 {
        self.faults_by_endpoint
            .get(endpoint)
            .map_or(0, |kinds| kinds.values().sum())
    }

    pub(crate) fn count_fault(&mut self, endpoint: &str, kind: &str) {
        *self.faults.entry(kind.to_owned()).or_default() += 1;
        *self
            .faults_by_endpoint
            .entry(endpoint.to_owned())
            .or_default()
            .entry(kind.to_owned())
            .or_default() += 1;
    }
}

/// `GET /sandbox/stats`: the counters as JSON (no token needed, not counted).
pub(crate) async fn stats(State(state): State<SandboxState>) -> Response {
    plain_json(StatusCode::OK, &state.stats())
}
