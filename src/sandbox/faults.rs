//! Which calls get a fault: scripted per endpoint (tests), per domain
//! (creates), or random (`--fail-rate` over the endpoints of `--fail-on`,
//! drawn from `--fail-with`, reproducible with `--seed`).

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;

use axum::http::Method;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub(crate) use super::fault_kinds::FaultList;
use super::fault_kinds::default_pool;
pub use super::fault_kinds::{BadBody, DEFAULT_REDIRECT_LOCATION, Fault, RetryAfter};

/// An endpoint faults can target (`--fail-on`, [`SandboxState::script_faults_on`](super::SandboxState::script_faults_on)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `POST /v1/customers`.
    Create,
    /// `GET /v1/customers` (list, filter, pages).
    Search,
    /// `GET /v1/customers/{id}`.
    Customer,
    /// `HEAD /v1/domains/{domain}`.
    Domains,
    /// `GET /v1/countryvalidationrules/{iso2}`.
    Rules,
    /// `POST /v1/validations/address`.
    Address,
    /// `GET /v1/agreements`.
    Agreements,
    /// `POST` and `GET /v1/customers/{id}/agreements`.
    Attest,
    /// `GET /v1/customers/relationshiprequests`.
    Invitation,
    /// `POST /v1/attestations/enhanced` and `GET /v1/attestations/enhanced/{id}`.
    Attestation,
    /// `POST /{tenant}/oauth2/token`.
    Token,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 11] = [
        Endpoint::Create,
        Endpoint::Search,
        Endpoint::Customer,
        Endpoint::Domains,
        Endpoint::Rules,
        Endpoint::Address,
        Endpoint::Agreements,
        Endpoint::Attest,
        Endpoint::Invitation,
        Endpoint::Attestation,
        Endpoint::Token,
    ];

    /// The `/v1` endpoints: what `--fail-rate` hits by default.
    pub const API: [Endpoint; 10] = [
        Endpoint::Create,
        Endpoint::Search,
        Endpoint::Customer,
        Endpoint::Domains,
        Endpoint::Rules,
        Endpoint::Address,
        Endpoint::Agreements,
        Endpoint::Attest,
        Endpoint::Invitation,
        Endpoint::Attestation,
    ];

    /// The name in `--fail-on` and in the stats (`faults_by_endpoint`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Create => "create",
            Endpoint::Search => "search",
            Endpoint::Customer => "customer",
            Endpoint::Domains => "domains",
            Endpoint::Rules => "rules",
            Endpoint::Address => "address",
            Endpoint::Agreements => "agreements",
            Endpoint::Attest => "attest",
            Endpoint::Invitation => "invitation",
            Endpoint::Attestation => "attestation",
            Endpoint::Token => "token",
        }
    }

    /// The endpoint of a matched route, if faults can target it.
    pub(crate) fn of(method: &Method, route: &str) -> Option<Endpoint> {
        let endpoint = match (method.as_str(), route) {
            ("POST", "/v1/customers") => Endpoint::Create,
            ("GET", "/v1/customers") => Endpoint::Search,
            ("GET", "/v1/customers/{id}") => Endpoint::Customer,
            ("HEAD", "/v1/domains/{domain}") => Endpoint::Domains,
            ("GET", "/v1/countryvalidationrules/{iso2}") => Endpoint::Rules,
            ("POST", "/v1/validations/address") => Endpoint::Address,
            ("GET", "/v1/agreements") => Endpoint::Agreements,
            ("GET" | "POST", "/v1/customers/{id}/agreements") => Endpoint::Attest,
            ("GET", "/v1/customers/relationshiprequests") => Endpoint::Invitation,
            ("POST", "/v1/attestations/enhanced") | ("GET", "/v1/attestations/enhanced/{id}") => {
                Endpoint::Attestation
            }
            ("POST", "/{tenant}/oauth2/token" | "/{tenant}/oauth2/v2.0/token") => Endpoint::Token,
            _ => return None,
        };
        Some(endpoint)
    }
}

/// A comma-separated list of endpoints (`--fail-on create,search`); `api`
/// stands for every `/v1` endpoint, `all` for those and the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndpointList(pub Vec<Endpoint>);

impl FromStr for EndpointList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut list = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let part = part.to_ascii_lowercase();
            match part.as_str() {
                "all" => list.extend(Endpoint::ALL),
                "api" => list.extend(Endpoint::API),
                name => list.push(
                    Endpoint::ALL
                        .into_iter()
                        .find(|e| e.name() == name)
                        .ok_or_else(|| {
                            format!(
                                "unknown endpoint {part:?}: use create, search, customer, domains, rules, address, agreements, attest, invitation, attestation, token, api or all"
                            )
                        })?,
                ),
            }
        }
        if list.is_empty() {
            return Err("name at least one endpoint (or all)".to_owned());
        }
        list.sort();
        list.dedup();
        Ok(EndpointList(list))
    }
}

/// Which faults the next calls get.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    scripts: HashMap<Endpoint, VecDeque<Fault>>,
    by_domain: HashMap<String, Fault>,
    fail_rate: f64,
    fail_on: Vec<Endpoint>,
    pool: Vec<Fault>,
    rng: StdRng,
}

impl FaultPlan {
    /// Random faults at `fail_rate` on `fail_on`, drawn evenly from `pool`
    /// (empty: the default mix).
    pub(crate) fn new(
        fail_rate: f64,
        seed: Option<u64>,
        fail_on: &[Endpoint],
        pool: &[Fault],
    ) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };
        Self {
            scripts: HashMap::new(),
            by_domain: HashMap::new(),
            fail_rate,
            fail_on: fail_on.to_vec(),
            pool: if pool.is_empty() {
                default_pool()
            } else {
                pool.to_vec()
            },
            rng,
        }
    }

    /// Queue faults for the next calls to `endpoint`, one each, in order.
    pub(crate) fn script(&mut self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.scripts.entry(endpoint).or_default().extend(faults);
    }

    /// Give every create call for `domain` this fault (until cleared).
    pub(crate) fn for_domain(&mut self, domain: &str, fault: Fault) {
        self.by_domain.insert(domain.to_lowercase(), fault);
    }

    /// Forget scripted and per-domain faults (the random rate stays).
    pub(crate) fn clear(&mut self) {
        self.scripts.clear();
        self.by_domain.clear();
    }

    /// The fault of the next call to `endpoint`: its script first, then (for
    /// creates) the domain's rule, then the dice when `endpoint` is one of
    /// `fail_on`.
    pub(crate) fn next(&mut self, endpoint: Endpoint, domain: Option<&str>) -> Option<Fault> {
        if let Some(fault) = self
            .scripts
            .get_mut(&endpoint)
            .and_then(VecDeque::pop_front)
        {
            return Some(fault);
        }
        if endpoint == Endpoint::Create
            && let Some(fault) = domain.and_then(|d| self.by_domain.get(&d.to_lowercase()))
        {
            return Some(fault.clone());
        }
        if self.fail_rate > 0.0
            && self.fail_on.contains(&endpoint)
            && self.rng.random_bool(self.fail_rate.min(1.0))
        {
            let pick = self.rng.random_range(0..self.pool.len());
            return self.pool.get(pick).cloned();
        }
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn plan(rate: f64, seed: u64) -> FaultPlan {
        FaultPlan::new(rate, Some(seed), &Endpoint::API, &[])
    }

    #[test]
    fn script_comes_first_then_domain_rules() {
        let mut plan = plan(0.0, 1);
        plan.script(Endpoint::Create, [Fault::Drop]);
        plan.for_domain("Slow.onmicrosoft.com", Fault::ServiceUnavailable);
        let slow = Some("slow.onmicrosoft.com");
        assert_eq!(plan.next(Endpoint::Create, slow), Some(Fault::Drop));
        assert_eq!(
            plan.next(Endpoint::Create, Some("SLOW.onmicrosoft.com")),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(
            plan.next(Endpoint::Create, Some("other.onmicrosoft.com")),
            None
        );
        plan.clear();
        assert_eq!(plan.next(Endpoint::Create, slow), None);
    }

    #[test]
    fn scripts_are_kept_per_endpoint_and_domain_rules_are_for_creates_only() {
        let mut plan = plan(0.0, 1);
        plan.script(Endpoint::Search, [Fault::Body(BadBody::Html)]);
        plan.for_domain("x.onmicrosoft.com", Fault::Drop);
        assert_eq!(plan.next(Endpoint::Create, None), None);
        assert_eq!(
            plan.next(Endpoint::Domains, Some("x.onmicrosoft.com")),
            None
        );
        assert_eq!(
            plan.next(Endpoint::Search, None),
            Some(Fault::Body(BadBody::Html))
        );
        assert_eq!(plan.next(Endpoint::Search, None), None);
    }

    #[test]
    fn random_faults_are_reproducible_with_a_seed_and_split_before_and_after() {
        let draw = |seed| {
            let mut plan = plan(0.5, seed);
            (0..400)
                .map(|_| plan.next(Endpoint::Create, None))
                .collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        let faulted = a.iter().flatten().count();
        assert!((150..250).contains(&faulted), "{faulted}");
        let before = a
            .iter()
            .flatten()
            .filter(|f| **f == Fault::ServiceUnavailable)
            .count();
        assert!(
            before * 3 > faulted && before * 3 < faulted * 2,
            "{before}/{faulted}"
        );
    }

    #[test]
    fn the_dice_hit_only_the_endpoints_of_fail_on_and_draw_from_the_pool() {
        let pool = [Fault::Body(BadBody::NotJson)];
        let mut tokens_only = FaultPlan::new(1.0, Some(3), &[Endpoint::Token], &pool);
        assert_eq!(tokens_only.next(Endpoint::Create, None), None);
        assert_eq!(tokens_only.next(Endpoint::Search, None), None);
        assert_eq!(
            tokens_only.next(Endpoint::Token, None),
            Some(Fault::Body(BadBody::NotJson))
        );
        let mut dead = plan(1.0, 9);
        for endpoint in Endpoint::API {
            assert!(dead.next(endpoint, None).is_some(), "{endpoint:?}");
        }
        assert_eq!(dead.next(Endpoint::Token, None), None);
    }

    #[test]
    fn endpoint_lists_parse_names_api_and_all() {
        let list: EndpointList = "search, Create,search".parse().unwrap();
        assert_eq!(list.0, vec![Endpoint::Create, Endpoint::Search]);
        assert_eq!("api".parse::<EndpointList>().unwrap().0, Endpoint::API);
        assert_eq!("all".parse::<EndpointList>().unwrap().0, Endpoint::ALL);
        let err = "create,orders".parse::<EndpointList>().unwrap_err();
        assert!(err.contains("orders"), "{err}");
        assert!("".parse::<EndpointList>().is_err());
    }

    #[test]
    fn routes_map_to_endpoints() {
        assert_eq!(
            Endpoint::of(&Method::HEAD, "/v1/domains/{domain}"),
            Some(Endpoint::Domains)
        );
        assert_eq!(
            Endpoint::of(&Method::POST, "/v1/customers/{id}/agreements"),
            Some(Endpoint::Attest)
        );
        assert_eq!(Endpoint::of(&Method::GET, "/sandbox/stats"), None);
    }
}
