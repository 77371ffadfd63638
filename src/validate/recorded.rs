//! Partner Center's country rules as Microsoft published them
//! (`data/recorded-country-rules.json`: US recorded in 2019, CN, DE and GB
//! from 2018, from Microsoft's PowerShell module; `docs/data-sources.md`).
//!
//! Offline, a recorded `supportedStatesList` is the form a country's states
//! are sent in (China's `AH`, `BJ`…), until a live answer says otherwise;
//! the sandbox serves the recorded answers as they are.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use super::listed::ListedStates;

/// The embedded recorded answers.
const RECORDED: &str = include_str!("../../data/recorded-country-rules.json");

#[derive(Deserialize)]
struct RawFile {
    answers: HashMap<String, Value>,
}

/// The recorded answers by country, and the state lists of those that list states.
struct Recorded {
    answers: HashMap<String, Value>,
    states: HashMap<String, ListedStates>,
}

static RECORDED_RULES: LazyLock<Recorded> = LazyLock::new(|| {
    // Compiled-in data, parsed by a unit test: cannot fail at run time.
    let raw: RawFile = serde_json::from_str(RECORDED)
        .expect("embedded data/recorded-country-rules.json is valid (checked by tests)");
    let states = raw
        .answers
        .iter()
        .filter_map(|(code, answer)| {
            let list: Vec<&str> = answer
                .get("supportedStatesList")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let listed = ListedStates::with_source(
                code,
                &list,
                "Partner Center's states (its recorded list)",
            );
            (!listed.is_empty()).then(|| (code.clone(), listed))
        })
        .collect();
    Recorded {
        answers: raw.answers,
        states,
    }
});

/// Microsoft's recorded answer for `country` (upper case), as published.
pub(crate) fn recorded_country_rules(country: &str) -> Option<&'static Value> {
    RECORDED_RULES.answers.get(country)
}

/// The recorded `supportedStatesList` of `country`, where it lists states.
pub(crate) fn recorded_states(country: &str) -> Option<&'static ListedStates> {
    RECORDED_RULES.states.get(country)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::validate::CountryRules;

    #[test]
    fn the_recorded_answers_are_read_and_china_lists_its_current_codes() {
        let mut codes: Vec<&String> = RECORDED_RULES.answers.keys().collect();
        codes.sort();
        assert_eq!(codes, ["CN", "DE", "GB", "US"]);
        let cn = recorded_states("CN").unwrap();
        assert_eq!(cn.entries().len(), 31);
        assert!(
            recorded_states("DE").is_none(),
            "an empty list lists nothing"
        );
        assert_eq!(recorded_states("US").unwrap().entries().len(), 51);
    }

    #[test]
    fn every_recorded_entry_names_a_subdivision_of_the_data() {
        for (code, listed) in &RECORDED_RULES.states {
            let rules = CountryRules::get(code).unwrap();
            for entry in listed.entries() {
                assert!(rules.find_subdivision(entry).is_some(), "{code} {entry}");
            }
        }
    }
}
