//! Per-country address rules, read once from Google's i18n address metadata
//! (`data/address-metadata.json`, CC-BY 4.0, see `docs/data-sources.md`) and
//! joined with the registration-number list (`data/registration-countries.json`).
//!
//! Nothing here is a hand-written country table: change the data files instead.
//! The sandbox serves `GET /v1/countryvalidationrules/{iso2}` from these rules.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::listed::ListedStates;
use super::registration::{RegistrationRule, load_registration_rules};
use super::subdivision::{SubdivisionData, Subdivisions};

pub(crate) use super::subdivision::Subdivision;

/// The embedded address metadata.
const ADDRESS_METADATA: &str = include_str!("../../data/address-metadata.json");

/// The code of the default entry whose `require` other countries inherit.
const DEFAULT_CODE: &str = "ZZ";

/// One country's address rules.
#[derive(Debug)]
pub(crate) struct CountryRules {
    code: String,
    name: String,
    require: String,
    #[cfg(test)]
    zip: Option<String>,
    zip_anchored: Option<String>,
    zip_regex: OnceLock<Option<Regex>>,
    zip_examples: Vec<String>,
    subdivisions: Subdivisions,
    registration: Option<RegistrationRule>,
    /// Partner Center's recorded state list, looked up on first use.
    recorded_states: OnceLock<Option<&'static ListedStates>>,
}

impl CountryRules {
    /// The rules of the country with ISO 3166-1 alpha-2 `code` (ASCII case is
    /// ignored). `None` for codes not in the data and for the `ZZ` default entry.
    pub(crate) fn get(code: &str) -> Option<&'static CountryRules> {
        let countries = countries();
        let slot = *countries.index.get(slot_of(code)?)?;
        countries.list.get(usize::from(slot))
    }

    /// Every country, ordered by code (the `ZZ` default entry excluded).
    pub(crate) fn all() -> impl Iterator<Item = &'static CountryRules> {
        countries().list.iter()
    }

    /// The upper-case ISO 3166-1 alpha-2 code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }

    /// The country's name as in the data (upper case, e.g. `UNITED STATES`).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Google's `require` letters in effect (the `ZZ` default's when the
    /// country has none): `A` street address, `C` city, `S` state, `Z` postal code.
    #[cfg(test)]
    pub(crate) fn required_fields(&self) -> &str {
        &self.require
    }

    /// Whether `city` is required.
    pub(crate) fn requires_city(&self) -> bool {
        self.require.contains('C')
    }

    /// Whether `state` is required.
    pub(crate) fn requires_state(&self) -> bool {
        self.require.contains('S')
    }

    /// Whether `postal_code` is required.
    pub(crate) fn requires_postal_code(&self) -> bool {
        self.require.contains('Z')
    }

    /// The postal-code pattern as in the data (not anchored), if any.
    #[cfg(test)]
    pub(crate) fn zip_pattern(&self) -> Option<&str> {
        self.zip.as_deref()
    }

    /// The postal-code pattern anchored for a full match: `^(?:<zip>)$`.
    pub(crate) fn postal_code_pattern(&self) -> Option<&str> {
        self.zip_anchored.as_deref()
    }

    /// The compiled full-match postal-code regex, built on first use.
    pub(crate) fn postal_code_regex(&self) -> Option<&Regex> {
        self.zip_regex
            .get_or_init(|| {
                self.zip_anchored
                    .as_deref()
                    .and_then(|p| Regex::new(p).ok())
            })
            .as_ref()
    }

    /// Example postal codes (`zipex`).
    pub(crate) fn postal_code_examples(&self) -> &[String] {
        &self.zip_examples
    }

    /// Whether `value` is a valid postal code here (always true without a
    /// pattern). Only ASCII is accepted where there is a pattern, so `\d` does
    /// not admit other scripts' digits. The caller upper-cases first.
    pub(crate) fn matches_postal_code(&self, value: &str) -> bool {
        match self.postal_code_regex() {
            Some(re) => value.is_ascii() && re.is_match(value),
            None => true,
        }
    }

    /// The subdivisions (`sub_keys` and the lists aligned with it); empty
    /// when the country has no list, in which case any state is accepted.
    pub(crate) fn subdivisions(&self) -> &[Subdivision] {
        self.subdivisions.list()
    }

    /// The subdivision `value` names by any form the data has, ignoring case,
    /// accents and width: its key, ISO id, `CC-isoid` code, name, Latin name
    /// or a language variant's key or name (`WA`, `US-WA`, `Washington`;
    /// `13`, `東京都`, `Tokyo`; `QC`, `Quebec`, `Québec`).
    pub(crate) fn find_subdivision(&self, value: &str) -> Option<&Subdivision> {
        self.subdivisions.find(value)
    }

    /// The subdivisions with their look-up tables (for suggestions).
    pub(crate) fn subdivision_table(&self) -> &Subdivisions {
        &self.subdivisions
    }

    /// Partner Center's recorded `supportedStatesList` for the country,
    /// where Microsoft published one that lists states.
    pub(crate) fn recorded_states(&self) -> Option<&'static ListedStates> {
        *self
            .recorded_states
            .get_or_init(|| super::recorded::recorded_states(&self.code))
    }

    /// The registration-number rule, when the country requires one.
    pub(crate) fn registration(&self) -> Option<&RegistrationRule> {
        self.registration.as_ref()
    }

    /// Whether customers here need `registration_number` (and `phone_number`).
    #[cfg(test)]
    pub(crate) fn registration_required(&self) -> bool {
        self.registration.is_some()
    }
}

/// All countries plus a direct index from the two letters to the list.
struct Countries {
    list: Vec<CountryRules>,
    /// `26 * letter1 + letter2` → position in `list`, `u16::MAX` when absent.
    index: Vec<u16>,
}

/// Position of an alpha-2 code in [`Countries::index`].
fn slot_of(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            let a = usize::from(a.to_ascii_uppercase() - b'A');
            let b = usize::from(b.to_ascii_uppercase() - b'A');
            Some(a * 26 + b)
        }
        _ => None,
    }
}

fn countries() -> &'static Countries {
    static COUNTRIES: OnceLock<Countries> = OnceLock::new();
    COUNTRIES.get_or_init(load_countries)
}

#[derive(Deserialize)]
struct RawFile {
    countries: HashMap<String, RawCountry>,
}

#[derive(Deserialize)]
struct RawCountry {
    name: Option<String>,
    require: Option<String>,
    zip: Option<String>,
    zipex: Option<String>,
    sub_keys: Option<String>,
    sub_isoids: Option<String>,
    sub_isoids_current: Option<String>,
    sub_names: Option<String>,
    sub_lnames: Option<String>,
    sub_zips: Option<String>,
    #[serde(default)]
    variants: BTreeMap<String, RawVariant>,
}

/// A language variant's lists, already lined up with the country's `sub_keys`
/// by `scripts/address-metadata.py`.
#[derive(Deserialize)]
struct RawVariant {
    sub_keys: Option<String>,
    sub_names: Option<String>,
    sub_lnames: Option<String>,
}

fn load_countries() -> Countries {
    // The data is compiled in and a unit test parses it, so this cannot fail
    // at run time unless the build embedded a broken file.
    let raw: RawFile = serde_json::from_str(ADDRESS_METADATA)
        .expect("embedded data/address-metadata.json is valid (checked by tests)");
    let mut registrations = load_registration_rules();
    let default_require = raw
        .countries
        .get(DEFAULT_CODE)
        .and_then(|c| c.require.clone())
        .unwrap_or_default();

    let mut list: Vec<CountryRules> = raw
        .countries
        .into_iter()
        .filter(|(code, _)| code != DEFAULT_CODE && slot_of(code).is_some())
        .map(|(code, c)| {
            let registration = registrations.remove(&code);
            country_from_raw(code, c, &default_require, registration)
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));

    let mut index = vec![u16::MAX; 26 * 26];
    for (i, c) in list.iter().enumerate() {
        if let (Some(slot), Ok(i)) = (slot_of(&c.code), u16::try_from(i)) {
            index[slot] = i;
        }
    }
    Countries { list, index }
}

fn country_from_raw(
    code: String,
    c: RawCountry,
    default_require: &str,
    registration: Option<RegistrationRule>,
) -> CountryRules {
    let subdivisions = Subdivisions::new(&code, subdivisions_from_raw(&c));
    CountryRules {
        name: c.name.unwrap_or_else(|| code.clone()),
        require: c.require.unwrap_or_else(|| default_require.to_owned()),
        zip_anchored: c.zip.as_deref().map(|z| format!("^(?:{z})$")),
        #[cfg(test)]
        zip: c.zip,
        zip_regex: OnceLock::new(),
        zip_examples: c
            .zipex
            .as_deref()
            .map(|z| z.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
        subdivisions,
        registration,
        recorded_states: OnceLock::new(),
        code,
    }
}

/// The country's subdivisions from its aligned `~` lists and variants.
fn subdivisions_from_raw(c: &RawCountry) -> Vec<Subdivision> {
    let keys = split_list(c.sub_keys.as_deref());
    let isoids = split_list(c.sub_isoids.as_deref());
    let current = split_list(c.sub_isoids_current.as_deref());
    let names = split_list(c.sub_names.as_deref());
    let lnames = split_list(c.sub_lnames.as_deref());
    let zips = split_list(c.sub_zips.as_deref());
    let variant_lists: Vec<Vec<&str>> = c
        .variants
        .values()
        .flat_map(|v| [&v.sub_keys, &v.sub_names, &v.sub_lnames])
        .map(|list| split_list(list.as_deref()))
        .collect();
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            Subdivision::new(SubdivisionData {
                key,
                iso_id: at(&isoids, i),
                current_iso_id: at(&current, i),
                name: at(&names, i),
                latin_name: at(&lnames, i),
                variant_names: variant_lists.iter().map(|l| at(l, i)).collect(),
                postal_prefix: at(&zips, i),
            })
        })
        .collect()
}

/// Entry `i` of a split list, empty past its end.
fn at<'a>(list: &[&'a str], i: usize) -> &'a str {
    list.get(i).copied().unwrap_or_default()
}

fn split_list(list: Option<&str>) -> Vec<&str> {
    list.map(|l| l.split('~').collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(code: &str) -> &'static CountryRules {
        CountryRules::get(code).unwrap()
    }

    #[test]
    fn embedded_data_has_the_worlds_countries() {
        assert!(CountryRules::all().count() > 240);
        assert!(CountryRules::all().all(|c| c.code() != "ZZ"));
        let codes: Vec<_> = CountryRules::all().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn get_finds_countries_ignoring_ascii_case() {
        assert_eq!(rules("US").name(), "UNITED STATES");
        assert_eq!(CountryRules::get("us").map(|c| c.code()), Some("US"));
        assert_eq!(CountryRules::get("DE").map(|c| c.code()), Some("DE"));
    }

    #[test]
    fn get_rejects_unknown_codes_and_the_default_entry() {
        for code in ["ZZ", "UK", "XX", "", "U", "USA", "1A", "ÜS"] {
            assert!(CountryRules::get(code).is_none(), "{code}");
        }
    }

    #[test]
    fn every_postal_code_pattern_compiles() {
        for c in CountryRules::all() {
            if c.zip_pattern().is_some() {
                assert!(c.postal_code_regex().is_some(), "{}", c.code());
            }
        }
    }

    #[test]
    fn every_example_matches_its_own_pattern() {
        for c in CountryRules::all() {
            for ex in c.postal_code_examples() {
                assert!(c.matches_postal_code(ex), "{} {ex}", c.code());
            }
        }
    }

    #[test]
    fn postal_code_patterns_match_whole_values_only() {
        let us = rules("US");
        assert_eq!(
            us.postal_code_pattern(),
            Some("^(?:(\\d{5})(?:[ \\-](\\d{4}))?)$")
        );
        assert!(us.matches_postal_code("98052"));
        assert!(us.matches_postal_code("98052-6399"));
        assert!(!us.matches_postal_code("980521"));
        assert!(!us.matches_postal_code("x98052"));
        assert!(!us.matches_postal_code("９８０５２"));
    }

    #[test]
    fn countries_without_require_inherit_the_default() {
        let ie = rules("IE");
        assert_eq!(ie.required_fields(), "AC");
        assert!(ie.requires_city() && !ie.requires_postal_code() && !ie.requires_state());
        let us = rules("US");
        assert!(us.requires_city() && us.requires_state() && us.requires_postal_code());
        let gb = rules("GB");
        assert!(gb.requires_postal_code() && !gb.requires_state());
        let ae = rules("AE");
        assert!(!ae.requires_city() && ae.requires_state() && ae.zip_pattern().is_none());
    }

    #[test]
    fn subdivision_lists_are_aligned() {
        let us = rules("US");
        let wa = us.find_subdivision("WA").unwrap();
        assert_eq!(
            (wa.key(), wa.iso_id(), wa.name()),
            ("WA", "WA", "Washington")
        );
        let aa = us.find_subdivision("Armed Forces (AA)").unwrap();
        assert_eq!((aa.key(), aa.iso_id(), aa.code()), ("AA", "", "AA"));
        for c in CountryRules::all() {
            for s in c.subdivisions() {
                assert!(!s.key().is_empty() && !s.name().is_empty(), "{}", c.code());
            }
        }
    }

    #[test]
    fn subdivisions_are_found_by_key_iso_code_and_name_ignoring_case() {
        let us = rules("US");
        for v in ["WA", "wa", "US-WA", "us-wa", "Washington", "WASHINGTON"] {
            assert_eq!(us.find_subdivision(v).map(|s| s.code()), Some("WA"), "{v}");
        }
        let ru = rules("RU");
        for v in ["MOW", "RU-MOW", "Москва", "москва", "МОСКВА"] {
            assert_eq!(ru.find_subdivision(v).map(|s| s.code()), Some("MOW"), "{v}");
        }
        assert!(us.find_subdivision("Atlantis").is_none());
        assert!(rules("DE").find_subdivision("Bayern").is_none());
    }

    #[test]
    fn names_without_a_list_fall_back_to_keys() {
        let ie = rules("IE");
        let d = ie.find_subdivision("co. dublin").unwrap();
        assert_eq!((d.name(), d.code()), ("Co. Dublin", "D"));
        assert_eq!(ie.find_subdivision("IE-D"), Some(d));
    }

    #[test]
    fn sent_codes_map_back_to_the_same_subdivision() {
        for c in CountryRules::all() {
            for s in c.subdivisions() {
                assert_eq!(c.find_subdivision(s.code()), Some(s), "{}", c.code());
            }
        }
    }

    #[test]
    fn registration_countries_are_data_driven() {
        let required: Vec<_> = CountryRules::all()
            .filter(|c| c.registration_required())
            .map(|c| c.code())
            .collect();
        let expected = [
            "AE", "AM", "AZ", "BR", "BY", "HU", "IN", "IQ", "KG", "KZ", "MD", "MM", "PL", "RU",
            "SA", "SS", "TH", "TJ", "TR", "UA", "UZ", "VE", "VN", "ZA",
        ];
        assert_eq!(required, expected);
        assert!(!rules("US").registration_required());
        assert_eq!(
            rules("RU").registration().map(|r| r.pattern()),
            Some("^(\\d{10}|\\d{12})$")
        );
    }
}
