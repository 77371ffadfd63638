//! A country's rules as Partner Center answers them
//! (`GET /v1/countryvalidationrules/{iso2}`), asked once per country per
//! run through the retry engine and the [`RunMemo`], shared by `run` (the
//! form a state is sent in) and `validate --online` (every live rule).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

use super::engine::Engine;
use super::memo::{Recalled, RunMemo};
use super::stop::StopReason;
use crate::partner_center::error::ApiError;
use crate::validate::LiveRules;
use crate::validate::{Field, NewCustomer, Problem, ProblemKind};

/// The live rules of one country, or why there are none.
#[derive(Debug)]
pub(crate) enum RulesAnswer {
    Rules(Box<LiveRules>),
    /// `404`: Partner Center does not take customers in this country.
    Unsupported(String),
    /// A refusal a retry cannot change (kept, not asked again).
    Unavailable(String),
}

/// One country's live rules, asked once per run.
type RulesMemo = tokio::sync::Mutex<RunMemo<Arc<RulesAnswer>, ApiError>>;

/// Every country's memo of a run.
#[derive(Debug, Default)]
pub(crate) struct CountryRulesMemo(Mutex<HashMap<String, Arc<RulesMemo>>>);

/// What a row's state is sent as ([`Engine::in_listed_form`]).
#[derive(Debug)]
pub(crate) enum SendForm {
    /// Ready to send: the state (if any) in Partner Center's listed form,
    /// or, where it lists none or its answer could not be had, as checked
    /// offline.
    Ready(Box<NewCustomer>),
    /// Partner Center lists the country's states and none is the row's.
    Refused(Problem),
    /// The run is stopping (or must stop) before the rules were known.
    Stopped(StopReason),
}

impl Engine {
    /// The live rules of `country`: asked once per run ([`RunMemo`]: answers
    /// and refusals kept for the run, a transient failure for a minute).
    pub(crate) async fn country_rules(
        &self,
        country: &str,
    ) -> Result<Arc<RulesAnswer>, (ApiError, Option<StopReason>)> {
        let memo = {
            let mut cache = self
                .country_rules
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            cache.entry(country.to_owned()).or_default().clone()
        };
        let mut memo = memo.lock().await;
        match memo.recall(Instant::now()) {
            Some(Recalled::Known(answer)) => return Ok(answer),
            Some(Recalled::CoolingDown(e, _)) => return Err((e, None)),
            None => {}
        }
        let asked = self
            .read(|| self.client.country_validation_rules(country))
            .await;
        let answer = match asked.result {
            Ok(rules) => RulesAnswer::Rules(Box::new(LiveRules::from_resource(&rules))),
            Err(e) if e.status() == Some(404) => RulesAnswer::Unsupported(format!(
                "country {country:?} is not supported by Partner Center ({e})"
            )),
            Err(e) if e.is_transient() || e.is_fatal() || asked.stop.is_some() => {
                tracing::warn!(country, error = %e, "country rules not available: states are sent as checked offline");
                memo.failed(e.clone(), Instant::now());
                return Err((e, asked.stop));
            }
            Err(e) => RulesAnswer::Unavailable(e.to_string()),
        };
        let answer = Arc::new(answer);
        memo.remember(answer.clone());
        Ok(answer)
    }

    /// `customer` with its state in the form Partner Center lists for its
    /// country (`北京`, `Beijing`, `11` → `BJ`), from the live rules (asked
    /// once per country per run). Where the answer lists no states, or
    /// cannot be had (the row is then sent in the form checked offline: the
    /// recorded list's, else the ISO code), the customer is unchanged.
    pub(crate) async fn in_listed_form(&self, mut customer: Box<NewCustomer>) -> SendForm {
        let Some(state) = customer.address.state.take() else {
            return SendForm::Ready(customer);
        };
        let answer = self.country_rules(customer.address.country.as_str()).await;
        let listed = match &answer {
            Ok(answer) => match answer.as_ref() {
                RulesAnswer::Rules(rules) => Some(rules.states()),
                RulesAnswer::Unsupported(_) | RulesAnswer::Unavailable(_) => None,
            },
            Err((_, Some(stop))) => return SendForm::Stopped(stop.clone()),
            Err((_, None)) => None,
        };
        match listed.filter(|l| !l.is_empty()) {
            None => {
                customer.address.state = Some(state);
                SendForm::Ready(customer)
            }
            Some(listed) => match listed.entry_for(&state) {
                Some(entry) => {
                    customer.address.state = Some(state.listed_as(entry.to_owned()));
                    SendForm::Ready(customer)
                }
                None => SendForm::Refused(
                    Problem::new(Field::State, ProblemKind::Invalid, listed.message(&state))
                        .with_hint("type the state as Partner Center lists it (validate --online lists them), or by its ISO code"),
                ),
            },
        }
    }
}
