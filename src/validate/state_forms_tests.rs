//! Every subdivision form in the embedded data is accepted as a `state`, and
//! every form a hint suggests is accepted when fed back.
//!
//! The forms are read from `data/address-metadata.json` here, independently
//! of the loader in `country.rs`, so a form the loader drops fails the test.

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::*;
use crate::validate::hint::{Hint, hint};

const DATA: &str = include_str!("../../data/address-metadata.json");
const RECORDED: &str = include_str!("../../data/recorded-country-rules.json");

/// One subdivision as the file has it: the code sent (`None`: refused, as
/// Partner Center's recorded list for the country lacks it) and every form.
struct Expected {
    country: String,
    code: Option<String>,
    forms: Vec<String>,
}

/// The recorded `supportedStatesList` of `country`, if it lists states.
fn recorded_list(country: &str) -> Option<Vec<String>> {
    let raw: Value = serde_json::from_str(RECORDED).unwrap();
    let list: Vec<String> = raw["answers"][country]["supportedStatesList"]
        .as_array()?
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    (!list.is_empty()).then_some(list)
}

fn list(record: &Value, field: &str) -> Vec<String> {
    record
        .get(field)
        .and_then(Value::as_str)
        .map(|l| l.split('~').map(str::to_owned).collect())
        .unwrap_or_default()
}

fn at(list: &[String], i: usize) -> String {
    list.get(i).cloned().unwrap_or_default()
}

/// Every subdivision of the file with its forms: key, ISO ids (current and
/// former), `CC-isoid`, name, Latin name and each language variant's key,
/// name and Latin name.
fn subdivisions_in_the_data() -> Vec<Expected> {
    let raw: Value = serde_json::from_str(DATA).unwrap();
    let mut out = Vec::new();
    for (cc, record) in raw["countries"].as_object().unwrap() {
        let keys = list(record, "sub_keys");
        let isoids = list(record, "sub_isoids");
        let current = list(record, "sub_isoids_current");
        let recorded = recorded_list(cc);
        let mut lists = vec![list(record, "sub_names"), list(record, "sub_lnames")];
        if let Some(variants) = record.get("variants").and_then(Value::as_object) {
            for v in variants.values() {
                for field in ["sub_keys", "sub_names", "sub_lnames"] {
                    lists.push(list(v, field));
                }
            }
        }
        for (i, key) in keys.iter().enumerate() {
            let mut forms = vec![key.clone()];
            for iso in [at(&isoids, i), at(&current, i)] {
                if !iso.is_empty() {
                    forms.push(format!("{cc}-{iso}"));
                    forms.push(iso);
                }
            }
            forms.extend(lists.iter().map(|l| at(l, i)));
            forms.retain(|f| !f.is_empty());
            let iso = Some(at(&current, i))
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| at(&isoids, i));
            let code = if iso.is_empty() { key.clone() } else { iso };
            let code = match &recorded {
                Some(list) => list.iter().find(|e| **e == code).cloned(),
                None => Some(code),
            };
            out.push(Expected {
                country: cc.clone(),
                code,
                forms,
            });
        }
    }
    out
}

/// The form typed in full-width characters (an East Asian input method's).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The form without accents (`Québec` → `Quebec`).
fn unaccented(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

#[test]
fn every_form_of_every_subdivision_in_the_data_is_accepted_and_maps_to_it() {
    let mut checked = 0;
    for sub in subdivisions_in_the_data() {
        let country = CountryCode::parse(&sub.country).unwrap();
        for form in &sub.forms {
            let spellings = [
                form.clone(),
                form.to_uppercase(),
                form.to_lowercase(),
                full_width(form),
                unaccented(form),
            ];
            for value in spellings {
                let state = State::parse(&value, &country);
                let sent = state.as_ref().map(State::as_str).ok();
                assert_eq!(sent, sub.code.as_deref(), "{} {value:?}", sub.country);
                checked += 1;
            }
        }
    }
    // 48 countries, 1,382 subdivisions, five spellings of each form.
    assert!(checked > 25_000, "only {checked} spellings checked");
}

#[test]
fn the_issue_counts_of_forms_are_in_the_data() {
    let subs = subdivisions_in_the_data();
    let countries: std::collections::BTreeSet<&str> =
        subs.iter().map(|s| s.country.as_str()).collect();
    assert_eq!(countries.len(), 48);
    let forms: usize = subs.iter().map(|s| s.forms.len()).sum();
    assert!(forms > 5_000, "{forms}");
}

/// Values near a form: a typo, a truncation, a longer phrase.
fn near_misses(form: &str) -> Vec<String> {
    let mut chars: Vec<char> = form.chars().collect();
    let mut out = vec![format!("{form}x"), format!("Province of {form}")];
    if chars.len() > 3 {
        chars.pop();
        out.push(chars.iter().collect());
    }
    out
}

#[test]
fn every_suggested_form_is_accepted_when_fed_back() {
    let mut hints = 0;
    for sub in subdivisions_in_the_data() {
        let country = CountryCode::parse(&sub.country).unwrap();
        let values = sub.forms.iter().flat_map(|f| near_misses(f));
        for value in values.chain(["Atlantis".to_owned(), "zzz".to_owned()]) {
            let Err(message) = State::parse(&value, &country) else {
                continue;
            };
            let hint = hint(&value, country.rules()).unwrap();
            for form in hint.forms() {
                assert!(message.contains(form), "{message} lacks {form}");
                let fed_back = State::parse(form, &country);
                assert!(
                    fed_back.is_ok(),
                    "{}: {value:?} suggests {form:?}",
                    sub.country
                );
            }
            if let Hint::DidYouMean { form, code } = &hint {
                let rules = country.rules();
                assert_eq!(rules.find_subdivision(form), rules.find_subdivision(code));
            }
            hints += 1;
        }
    }
    assert!(hints > 10_000, "only {hints} hints checked");
}
