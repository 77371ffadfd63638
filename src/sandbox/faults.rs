//! Injected faults of `POST /v1/customers`: scripted (tests), per domain, or
//! random (`--fail-rate`, reproducible with `--seed`).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// One way a create call can go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `503` before anything is created.
    ServiceUnavailable,
    /// The customer is created, then the call is answered `500`
    /// (the real service's non-atomic creation).
    ServerErrorAfterCreate,
    /// The customer is created, then the connection is closed without an
    /// answer: the client sees a connection error. Without a connection
    /// (a router driven by `oneshot`) the answer's body fails mid-stream.
    Drop,
    /// The call is processed at once (the customer is created) but answered
    /// only after this delay: past a client's timeout, the client cannot know.
    Delay(Duration),
    /// `429` with this `Retry-After` (seconds), before anything is created.
    Throttle {
        /// Seconds in `Retry-After`.
        retry_after_secs: u64,
    },
}

impl Fault {
    /// The name counted in the stats (`faults` by kind).
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::ServiceUnavailable => "service_unavailable",
            Fault::ServerErrorAfterCreate => "server_error_after_create",
            Fault::Drop => "drop",
            Fault::Delay(_) => "delay",
            Fault::Throttle { .. } => "throttle",
        }
    }
}

/// Which faults the next create calls get.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    script: VecDeque<Fault>,
    by_domain: HashMap<String, Fault>,
    fail_rate: f64,
    rng: StdRng,
}

impl FaultPlan {
    pub(crate) fn new(fail_rate: f64, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => rand::make_rng(),
        };
        Self {
            script: VecDeque::new(),
            by_domain: HashMap::new(),
            fail_rate,
            rng,
        }
    }

    /// Queue faults for the next create calls, one each, in order.
    pub(crate) fn script(&mut self, faults: impl IntoIterator<Item = Fault>) {
        self.script.extend(faults);
    }

    /// Give every create call for `domain` this fault (until cleared).
    pub(crate) fn for_domain(&mut self, domain: &str, fault: Fault) {
        self.by_domain.insert(domain.to_lowercase(), fault);
    }

    /// Forget scripted and per-domain faults (the random rate stays).
    pub(crate) fn clear(&mut self) {
        self.script.clear();
        self.by_domain.clear();
    }

    /// The fault of the next create call: the script first, then the
    /// domain's rule, then the dice. Random faults are half `503` before
    /// creating, half after creating (`500` or a dropped connection, equally).
    pub(crate) fn next(&mut self, domain: Option<&str>) -> Option<Fault> {
        if let Some(fault) = self.script.pop_front() {
            return Some(fault);
        }
        if let Some(fault) = domain.and_then(|d| self.by_domain.get(&d.to_lowercase())) {
            return Some(fault.clone());
        }
        if self.fail_rate > 0.0 && self.rng.random_bool(self.fail_rate.min(1.0)) {
            return Some(match self.rng.random_range(0..4u8) {
                0 | 1 => Fault::ServiceUnavailable,
                2 => Fault::ServerErrorAfterCreate,
                _ => Fault::Drop,
            });
        }
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;

    #[test]
    fn script_comes_first_then_domain_rules() {
        let mut plan = FaultPlan::new(0.0, Some(1));
        plan.script([Fault::Drop]);
        plan.for_domain("Slow.onmicrosoft.com", Fault::ServiceUnavailable);
        assert_eq!(plan.next(Some("slow.onmicrosoft.com")), Some(Fault::Drop));
        assert_eq!(
            plan.next(Some("SLOW.onmicrosoft.com")),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(plan.next(Some("other.onmicrosoft.com")), None);
        plan.clear();
        assert_eq!(plan.next(Some("slow.onmicrosoft.com")), None);
    }

    #[test]
    fn random_faults_are_reproducible_with_a_seed_and_split_before_and_after() {
        let draw = |seed| {
            let mut plan = FaultPlan::new(0.5, Some(seed));
            (0..400).map(|_| plan.next(None)).collect::<Vec<_>>()
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
}
