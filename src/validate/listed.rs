//! [`ListedStates`]: a country's states as Partner Center lists them
//! (`supportedStatesList` of `GET /v1/countryvalidationrules/{iso2}`), each
//! entry tied to the subdivision of the address data it names, so that a
//! state typed in any form (`北京`, `Beijing`, `11`, `CN-BJ`) is sent as the
//! entry (`BJ`).

use super::address::{CountryCode, State};
use super::country::{CountryRules, Subdivision};
use super::text::quote;
use super::unicode::{fold, loose};

/// Entries quoted in a message.
const QUOTED_ENTRIES: usize = 12;

/// A country's states as Partner Center lists them, tied to the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedStates {
    country: String,
    entries: Vec<String>,
    /// Per subdivision of the country's data (by position): its entry.
    by_subdivision: Vec<Option<usize>>,
    /// Where the list comes from, for messages: `Partner Center's states`.
    source: &'static str,
}

impl ListedStates {
    /// The list Partner Center answered for `country` (entries trimmed,
    /// empty ones dropped), each entry tied to the subdivision it names by
    /// any form the data has (or, failing that, the form equal to it
    /// ignoring case, accents, spacing and punctuation).
    pub(crate) fn new<S: AsRef<str>>(country: &str, entries: &[S]) -> Self {
        Self::with_source(country, entries, "Partner Center's states")
    }

    pub(crate) fn with_source<S: AsRef<str>>(
        country: &str,
        entries: &[S],
        source: &'static str,
    ) -> Self {
        let country = country.trim().to_uppercase();
        let entries: Vec<String> = entries
            .iter()
            .map(|e| e.as_ref().trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect();
        let rules = CountryRules::get(&country);
        let subs = rules.map_or(0, |r| r.subdivisions().len());
        let mut by_subdivision = vec![None; subs];
        if let Some(rules) = rules {
            for (e, entry) in entries.iter().enumerate() {
                if let Some(slot) = position(rules, entry).and_then(|i| by_subdivision.get_mut(i))
                    && slot.is_none()
                {
                    *slot = Some(e);
                }
            }
        }
        ListedStates {
            country,
            entries,
            by_subdivision,
            source,
        }
    }

    /// The entries, as listed.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Whether the list is empty (any state is taken).
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the subdivision at position `i` of the country's data has
    /// an entry (an empty list takes every subdivision).
    pub(crate) fn lists(&self, i: usize) -> bool {
        self.entries.is_empty() || self.by_subdivision.get(i).is_some_and(Option::is_some)
    }

    /// The entry `state` names: the one tied to its subdivision, else the
    /// entry equal to the value as typed or as sent (case, accents and
    /// width ignored). `None` when it names none.
    pub(crate) fn entry_for(&self, state: &State) -> Option<&str> {
        if let Some(i) = state.subdivision()
            && let Some(Some(e)) = self.by_subdivision.get(i)
        {
            return self.entries.get(*e).map(String::as_str);
        }
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b) || fold(a) == fold(b);
        self.entries
            .iter()
            .find(|e| same(e, state.typed()) || same(e, state.as_str()))
            .map(String::as_str)
    }

    /// `state` in the listed form, or why it cannot be sent (after the
    /// quoted value as typed): `is not one of Partner Center's states for CN
    /// (AH, BJ, …)`.
    #[cfg(test)]
    pub(crate) fn apply(&self, state: State) -> Result<State, String> {
        if self.entries.is_empty() {
            return Ok(state);
        }
        match self.entry_for(&state) {
            Some(entry) => Ok(state.listed_as(entry.to_owned())),
            None => Err(self.refusal(&state)),
        }
    }

    /// `is not one of Partner Center's states for JP (…)`, naming the
    /// subdivision the value was read as, when there is one.
    pub(crate) fn refusal(&self, state: &State) -> String {
        let sub = CountryCode::parse(&self.country).ok().and_then(|c| {
            state
                .subdivision()
                .and_then(|i| c.rules().subdivisions().get(i))
        });
        let read_as = sub
            .filter(|sub| !sub.code().eq_ignore_ascii_case(state.typed()))
            .map(|sub| format!("(read as {}) ", sub.label()))
            .unwrap_or_default();
        let mut reason = format!(
            "{read_as}is not one of {} for {}: {}",
            self.source,
            self.country,
            self.quoted()
        );
        // `PR` in the US, `香港` in CN: a subdivision that is a country of
        // its own (its code is the country's, and so is its name).
        let own_country = |sub: &Subdivision| {
            let country = CountryRules::get(sub.code()).filter(|c| c.code() != self.country)?;
            let same = |name: &str| !name.is_empty() && fold(name) == fold(country.name());
            (same(sub.name()) || same(sub.latin_name())).then(|| country.code())
        };
        if let Some(own) = sub.and_then(own_country) {
            reason.push_str(&format!(
                "; Partner Center takes it as a country of its own: country {own}"
            ));
        }
        reason
    }

    /// The entries, the first few and a count when there are many.
    pub(crate) fn quoted(&self) -> String {
        let shown: Vec<&str> = self
            .entries
            .iter()
            .take(QUOTED_ENTRIES)
            .map(String::as_str)
            .collect();
        if self.entries.len() > QUOTED_ENTRIES {
            format!("{}, … {} in all", shown.join(", "), self.entries.len())
        } else {
            shown.join(", ")
        }
    }

    /// The message of a refused state: `state "香港" (read as …) is not one of …`.
    pub(crate) fn message(&self, state: &State) -> String {
        format!("state {} {}", quote(state.typed()), self.refusal(state))
    }
}

/// The position of the subdivision `entry` names: by any form, else by a
/// form equal to it ignoring spacing and punctuation too.
fn position(rules: &CountryRules, entry: &str) -> Option<usize> {
    let table = rules.subdivision_table();
    if let Some(i) = table.position(entry) {
        return Some(i);
    }
    let key = loose(entry);
    if key.is_empty() {
        return None;
    }
    table
        .search_forms()
        .iter()
        .find(|f| f.loose == key)
        .map(|f| f.subdivision)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn state(country: &str, value: &str) -> State {
        State::parse(value, &CountryCode::parse(country).unwrap()).unwrap()
    }

    #[test]
    fn every_form_of_a_state_is_sent_as_the_listed_entry() {
        let jp_names = ListedStates::new("JP", &["Hokkaido", "Tokyo", "Osaka"]);
        for typed in ["27", "JP-27", "大阪府", "大阪", "Osaka", "OSAKA"] {
            let sent = jp_names.apply(state("JP", typed)).unwrap();
            assert_eq!((sent.as_str(), sent.typed()), ("Osaka", typed), "{typed}");
        }
        let jp_local = ListedStates::new("jp", &["北海道", "東京都", "大阪府"]);
        assert_eq!(
            jp_local.apply(state("JP", "Osaka")).unwrap().as_str(),
            "大阪府"
        );
        let jp_codes = ListedStates::new("JP", &["JP-13", "JP-27"]);
        assert_eq!(
            jp_codes.apply(state("JP", "Osaka")).unwrap().as_str(),
            "JP-27"
        );
    }

    #[test]
    fn a_state_the_list_lacks_is_refused_quoting_what_was_typed() {
        let listed = ListedStates::new("JP", &["Hokkaido", "Tokyo"]);
        let typed = state("JP", "大阪");
        let message = listed.message(&typed);
        assert_eq!(
            message,
            "state \"大阪\" (read as 27 (大阪府)) is not one of Partner Center's states for JP: Hokkaido, Tokyo"
        );
        assert!(listed.apply(typed).is_err());
    }

    #[test]
    fn countries_without_a_data_list_match_entries_by_their_text() {
        let listed = ListedStates::new("DE", &["Bayern", "Berlin"]);
        assert_eq!(
            listed.apply(state("DE", "BAYERN")).unwrap().as_str(),
            "Bayern"
        );
        assert!(listed.apply(state("DE", "Bavaria")).is_err());
        let empty = ListedStates::new("DE", &[" "]);
        assert!(empty.is_empty());
        assert_eq!(
            empty.apply(state("DE", "Bavaria")).unwrap().as_str(),
            "Bavaria"
        );
    }
}
