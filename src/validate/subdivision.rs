//! A country's subdivisions (states, provinces, prefectures…) and the forms
//! under which a `state` value may name one: key, ISO 3166-2 id (current and
//! former) with or without the country prefix, local name, Latin name, the
//! language variants' keys and names, and the short forms derived from the
//! names ([`short_forms`](super::short_forms)), compared by
//! [`fold`](super::unicode::fold)ed key.

use std::sync::OnceLock;

use super::postal_prefix::PostalPrefix;
use super::short_forms::short_forms;
use super::unicode::{fold, loose, with_folded};

/// One state, province or other subdivision of a country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subdivision {
    key: String,
    iso_id: String,
    current_iso_id: String,
    name: String,
    latin_name: String,
    variant_names: Vec<String>,
    postal_prefix: Option<PostalPrefix>,
}

/// The data's lists for one subdivision, as read from the embedded file.
#[derive(Debug, Default)]
pub(crate) struct SubdivisionData<'d> {
    pub(crate) key: &'d str,
    pub(crate) iso_id: &'d str,
    pub(crate) current_iso_id: &'d str,
    pub(crate) name: &'d str,
    pub(crate) latin_name: &'d str,
    pub(crate) variant_names: Vec<&'d str>,
    pub(crate) postal_prefix: &'d str,
}

impl Subdivision {
    pub(crate) fn new(data: SubdivisionData<'_>) -> Self {
        let mut variant_names: Vec<String> = Vec::new();
        for v in data.variant_names {
            let known = [
                data.key,
                data.iso_id,
                data.current_iso_id,
                data.name,
                data.latin_name,
            ]
            .contains(&v)
                || variant_names.iter().any(|n| n == v);
            if !v.is_empty() && !known {
                variant_names.push(v.to_owned());
            }
        }
        Self {
            key: data.key.to_owned(),
            iso_id: data.iso_id.to_owned(),
            current_iso_id: data.current_iso_id.to_owned(),
            name: if data.name.is_empty() {
                data.key
            } else {
                data.name
            }
            .to_owned(),
            latin_name: data.latin_name.to_owned(),
            variant_names,
            postal_prefix: (!data.postal_prefix.is_empty())
                .then(|| PostalPrefix::new(data.postal_prefix)),
        }
    }

    /// Google's key (`WA`, `Москва`, `Co. Dublin`).
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// The ISO 3166-2 code without the country prefix (`WA`, `MOW`; `BJ`
    /// for Beijing, whose former code `11` Google's data has: the current
    /// one wins); empty when the data has none (e.g. `US` armed-forces keys).
    pub(crate) fn iso_id(&self) -> &str {
        if self.current_iso_id.is_empty() {
            &self.iso_id
        } else {
            &self.current_iso_id
        }
    }

    /// The former ISO 3166-2 code Google's data has where ISO replaced it
    /// (`11` for Beijing, `BJ` since 2017); empty elsewhere.
    pub(crate) fn former_iso_id(&self) -> &str {
        if self.current_iso_id.is_empty() {
            ""
        } else {
            &self.iso_id
        }
    }

    /// The display name (`Washington`); the key when the data has no names.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The Latin-script name (`Tokyo`, `Moskva`); empty when the data has none.
    pub(crate) fn latin_name(&self) -> &str {
        &self.latin_name
    }

    /// The language variants' keys and names not already among the others
    /// (`Québec`, `Bizkaia`, `दिल्ली`).
    #[cfg(test)]
    pub(crate) fn variant_names(&self) -> &[String] {
        &self.variant_names
    }

    /// The code sent to Partner Center where it lists no states: the
    /// (current) ISO id when there is one, else the key.
    pub(crate) fn code(&self) -> &str {
        let iso = self.iso_id();
        if iso.is_empty() { &self.key } else { iso }
    }

    /// The pattern the subdivision's postal codes start with, if the data has one.
    pub(crate) fn postal_prefix(&self) -> Option<&PostalPrefix> {
        self.postal_prefix.as_ref()
    }

    /// Every form of the subdivision except `CC-isoid` and the short
    /// forms, in look-up priority: ISO id (current, then former), key,
    /// name, Latin name, variants (empty ones skipped).
    pub(crate) fn forms(&self) -> impl Iterator<Item = &str> {
        [self.iso_id(), self.former_iso_id()]
            .into_iter()
            .chain([&self.key, &self.name, &self.latin_name].map(String::as_str))
            .chain(self.variant_names.iter().map(String::as_str))
            .filter(|f| !f.is_empty())
    }

    /// `AL (Alabama)`: the code sent, with the name when it differs.
    pub(crate) fn label(&self) -> String {
        if self.code() == self.name {
            self.name.clone()
        } else {
            format!("{} ({})", self.code(), self.name)
        }
    }
}

/// A form kept for suggestions: as written, folded, and loose.
#[derive(Debug)]
pub(crate) struct SearchForm {
    /// The form as in the data (what a hint quotes).
    pub(crate) form: String,
    /// Its [`fold`]ed key.
    pub(crate) folded: String,
    /// Its [`loose`] key.
    pub(crate) loose: String,
    /// Whether it is a code (ISO id or `CC-isoid`) rather than a key or name.
    pub(crate) is_code: bool,
    /// Position of its subdivision in the list.
    pub(crate) subdivision: usize,
}

/// A country's subdivisions and, built on first use, their look-up tables.
#[derive(Debug)]
pub(crate) struct Subdivisions {
    country: String,
    list: Vec<Subdivision>,
    lookup: OnceLock<hashbrown::HashMap<Box<str>, usize>>,
    search: OnceLock<Vec<SearchForm>>,
}

impl Subdivisions {
    pub(crate) fn new(country: &str, list: Vec<Subdivision>) -> Self {
        Self {
            country: country.to_owned(),
            list,
            lookup: OnceLock::new(),
            search: OnceLock::new(),
        }
    }

    /// The subdivisions in the data's order.
    pub(crate) fn list(&self) -> &[Subdivision] {
        &self.list
    }

    /// The subdivision `value` names by any of its forms, ignoring case,
    /// accents and width; `None` when it names none.
    pub(crate) fn find(&self, value: &str) -> Option<&Subdivision> {
        self.position(value).and_then(|i| self.list.get(i))
    }

    /// The position in the list of the subdivision `value` names ([`Subdivisions::find`]).
    pub(crate) fn position(&self, value: &str) -> Option<usize> {
        if self.list.is_empty() {
            return None;
        }
        let lookup = self.lookup.get_or_init(|| self.build_lookup());
        with_folded(value, |key| lookup.get(key).copied()).or_else(|| {
            let bare = without_kind_word(value)?;
            with_folded(bare, |key| lookup.get(key).copied())
        })
    }

    /// `CC-isoid` for a subdivision with an ISO id (the current one).
    pub(crate) fn prefixed_iso_id(&self, sub: &Subdivision) -> Option<String> {
        let iso = sub.iso_id();
        (!iso.is_empty()).then(|| format!("{}-{iso}", self.country))
    }

    /// `CC-isoid` with the former ISO id, where there is one.
    fn prefixed_former_iso_id(&self, sub: &Subdivision) -> Option<String> {
        let iso = sub.former_iso_id();
        (!iso.is_empty()).then(|| format!("{}-{iso}", self.country))
    }

    /// Every form of every subdivision with its keys, for suggestions.
    pub(crate) fn search_forms(&self) -> &[SearchForm] {
        self.search.get_or_init(|| {
            let mut out = Vec::new();
            for (i, sub) in self.list.iter().enumerate() {
                let prefixed = self.prefixed_iso_id(sub);
                let former = self.prefixed_former_iso_id(sub);
                let codes = [
                    Some(sub.iso_id()),
                    Some(sub.former_iso_id()).filter(|f| !f.is_empty()),
                    prefixed.as_deref(),
                    former.as_deref(),
                ];
                let prefixed_forms = [prefixed.as_deref(), former.as_deref()];
                for form in sub.forms().chain(prefixed_forms.into_iter().flatten()) {
                    out.push(SearchForm {
                        form: form.to_owned(),
                        folded: fold(form),
                        loose: loose(form),
                        is_code: codes.contains(&Some(form)),
                        subdivision: i,
                    });
                }
            }
            out
        })
    }

    /// Folded form → position. Earlier forms win a clash: every ISO id first
    /// (so the code sent always maps back to its subdivision), then
    /// former ISO ids, `CC-isoid`, keys, names, Latin names, variants and
    /// last the short forms.
    fn build_lookup(&self) -> hashbrown::HashMap<Box<str>, usize> {
        let mut lookup = hashbrown::HashMap::with_capacity(self.list.len() * 6);
        let mut add = |form: &str, i: usize| {
            if !form.is_empty() {
                lookup.entry(fold(form).into_boxed_str()).or_insert(i);
            }
        };
        for (i, sub) in self.list.iter().enumerate() {
            add(sub.iso_id(), i);
        }
        for (i, sub) in self.list.iter().enumerate() {
            add(sub.former_iso_id(), i);
        }
        for (i, sub) in self.list.iter().enumerate() {
            add(self.prefixed_iso_id(sub).as_deref().unwrap_or_default(), i);
            add(
                self.prefixed_former_iso_id(sub)
                    .as_deref()
                    .unwrap_or_default(),
                i,
            );
        }
        for (i, sub) in self.list.iter().enumerate() {
            add(&sub.key, i);
            add(&sub.name, i);
        }
        for (i, sub) in self.list.iter().enumerate() {
            add(&sub.latin_name, i);
            for v in &sub.variant_names {
                add(v, i);
            }
        }
        for (form, i) in short_forms(&self.list) {
            add(&form, i);
        }
        lookup
    }
}

/// Words people add after a subdivision's name to say what kind it is,
/// in English and romanized Japanese (`Osaka Prefecture`, `Tokyo-to`,
/// `Kyoto-fu`, `Aichi-ken`, `Guangdong Province`): tried only when the
/// value as typed names nothing. (The kind words of the data's own Latin
/// names are derived in `short_forms`.)
const KIND_WORDS: [&str; 10] = [
    " prefecture",
    " province",
    " state",
    " region",
    " municipality",
    " autonomous region",
    "-to",
    "-fu",
    "-ken",
    "-do",
];

/// `value` without a trailing [`KIND_WORDS`] word (any case), if it has
/// one and something is left.
fn without_kind_word(value: &str) -> Option<&str> {
    let trimmed = value.trim_end();
    KIND_WORDS.iter().find_map(|word| {
        let cut = trimmed.len().checked_sub(word.len())?;
        let tail = trimmed.get(cut..)?;
        let rest = trimmed.get(..cut)?.trim_end();
        (tail.eq_ignore_ascii_case(word) && !rest.is_empty()).then_some(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(key: &str, iso_id: &str, name: &str, latin: &str, variants: &[&str]) -> Subdivision {
        Subdivision::new(SubdivisionData {
            key,
            iso_id,
            current_iso_id: "",
            name,
            latin_name: latin,
            variant_names: variants.to_vec(),
            postal_prefix: "",
        })
    }

    fn sample() -> Subdivisions {
        Subdivisions::new(
            "CA",
            vec![
                sub("QC", "QC", "Quebec", "", &["QC", "Québec"]),
                sub("ON", "ON", "Ontario", "", &["Ontario"]),
                sub("XX", "", "", "Ex Latin", &[]),
            ],
        )
    }

    #[test]
    fn variant_names_keep_only_new_forms() {
        let subs = sample();
        assert_eq!(subs.list()[0].variant_names(), ["Québec"]);
        assert!(subs.list()[1].variant_names().is_empty());
        assert_eq!(subs.list()[2].name(), "XX");
        assert_eq!(
            subs.list()[0].forms().collect::<Vec<_>>(),
            ["QC", "QC", "Quebec", "Québec"]
        );
    }

    #[test]
    fn every_form_finds_its_subdivision_ignoring_case_accents_and_width() {
        let subs = sample();
        for v in ["QC", "ca-qc", "Québec", "QUEBEC", "ｑｕéｂｅｃ"] {
            assert_eq!(subs.find(v).map(Subdivision::code), Some("QC"), "{v}");
        }
        assert_eq!(subs.find("ex latin").map(Subdivision::code), Some("XX"));
        assert_eq!(subs.find("CA-XX"), None, "no ISO id, no CC- form");
        assert_eq!(subs.find("Quebe"), None);
    }

    #[test]
    fn a_kind_word_after_the_name_is_ignored_when_the_whole_names_nothing() {
        let subs = sample();
        for v in [
            "Quebec Province",
            "québec province",
            "QC-to",
            "Quebec  Prefecture ",
        ] {
            assert_eq!(subs.find(v).map(Subdivision::code), Some("QC"), "{v}");
        }
        assert_eq!(subs.find("Province"), None);
        assert_eq!(subs.find("Quebec Provinces"), None);
        assert_eq!(
            without_kind_word("Hokkaido"),
            None,
            "a name ending in do is kept"
        );
        assert_eq!(without_kind_word("Osaka-Fu"), Some("Osaka"));
    }

    #[test]
    fn search_forms_mark_codes_and_carry_folded_and_loose_keys() {
        let subs = sample();
        let forms = subs.search_forms();
        let quebec = forms.iter().find(|f| f.form == "Québec").unwrap();
        assert_eq!((quebec.folded.as_str(), quebec.is_code), ("quebec", false));
        let prefixed = forms.iter().find(|f| f.form == "CA-QC").unwrap();
        assert_eq!((prefixed.loose.as_str(), prefixed.is_code), ("caqc", true));
        assert!(forms.iter().all(|f| subs.find(&f.form).is_some()));
    }

    #[test]
    fn labels_show_the_code_and_a_different_name() {
        let subs = sample();
        assert_eq!(subs.list()[0].label(), "QC (Quebec)");
        assert_eq!(subs.list()[2].label(), "XX");
    }
}
