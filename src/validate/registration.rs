//! Organization registration numbers (INN): which countries require one and in
//! what format. The list is data (`data/registration-countries.json`, sources in
//! `docs/data-sources.md`), joined into [`CountryRules`](super::CountryRules).

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::CountryCode;
use super::text::ShortText;

/// The embedded registration-number list.
const REGISTRATION_COUNTRIES: &str = include_str!("../../data/registration-countries.json");

/// How one country's registration number must look.
#[derive(Debug)]
pub(crate) struct RegistrationRule {
    country: String,
    number: String,
    #[cfg(test)]
    list: String,
    pattern: String,
    specific: bool,
    description: Option<String>,
    shape: Option<String>,
    example: Option<String>,
    regex: OnceLock<Option<Regex>>,
}

impl RegistrationRule {
    /// The country's ISO 3166-1 alpha-2 code.
    #[cfg(test)]
    pub(crate) fn country(&self) -> &str {
        &self.country
    }

    /// What the number is called there (e.g. `INN (ИНН)…`).
    pub(crate) fn number_name(&self) -> &str {
        &self.number
    }

    /// Which Microsoft list named the country: `seed` (the original eleven)
    /// or `newer` (added by later documentation).
    #[cfg(test)]
    pub(crate) fn list(&self) -> &str {
        &self.list
    }

    /// The anchored regex the value must match: the country's own where one is
    /// well established, else the generic rule.
    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether [`RegistrationRule::pattern`] is country-specific (not the generic rule).
    #[cfg(test)]
    pub(crate) fn is_specific(&self) -> bool {
        self.specific
    }

    /// A sample value in the country's format, when known.
    pub(crate) fn example(&self) -> Option<&str> {
        self.example.as_deref()
    }

    /// Whether `value` (already trimmed) has the required format. Only ASCII
    /// values match, so `\d` does not admit other scripts' digits.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let re = self
            .regex
            .get_or_init(|| Regex::new(&format!("^(?:{})$", self.pattern)).ok());
        match re {
            Some(re) => value.is_ascii() && re.is_match(value),
            None => true,
        }
    }

    /// Why `value` is refused, in words (never the regex), after the
    /// quoted value: the country's format with an example, or for the
    /// generic rule what any number must look like (no country format is
    /// claimed); and a leading zero Excel may have dropped.
    pub(crate) fn mismatch(&self, value: &str) -> String {
        let mut reason = match (&self.shape, &self.description) {
            (Some(shape), _) => format!("does not have the {} format: {shape}", self.country),
            (None, Some(generic)) => format!(
                "is not a registration number Partner Center can take: {generic} (no format of {}'s own is checked offline)",
                self.country
            ),
            (None, None) => format!("does not have the {} format", self.country),
        };
        if let Some(e) = &self.example {
            reason.push_str(&format!(", e.g. {e}"));
        }
        if self.specific
            && let Some(zeros) = super::text::dropped_zeros(value, |v| self.matches(v))
        {
            reason.push_str(&zeros);
        }
        reason
    }
}

/// A registration number in the format its country requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RegistrationNumber(ShortText<REGISTRATION_INLINE_BYTES>);

/// Registration numbers up to this many bytes are stored inline.
const REGISTRATION_INLINE_BYTES: usize = 30;

impl RegistrationNumber {
    /// Parse a (trimmed) registration number for `country`. Fails when the
    /// country takes no registration number, when it is empty, or when it does
    /// not match the country's format; the reason says which.
    pub(crate) fn parse(s: &str, country: &CountryCode) -> Result<Self, String> {
        let rules = country.rules();
        let Some(rule) = rules.registration() else {
            return Err(format!(
                "must be empty: {} does not take a registration number",
                rules.code()
            ));
        };
        if s.is_empty() {
            return Err(format!("is required in {}", rules.code()));
        }
        if !rule.matches(s) {
            return Err(rule.mismatch(s));
        }
        Ok(Self(ShortText::new(s)))
    }

    /// The number as sent.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

#[derive(Deserialize)]
struct RawFile {
    generic: RawGeneric,
    countries: HashMap<String, RawRule>,
}

#[derive(Deserialize)]
struct RawGeneric {
    pattern: String,
    description: String,
}

#[derive(Deserialize)]
struct RawRule {
    #[cfg(test)]
    list: String,
    number: String,
    pattern: Option<String>,
    shape: Option<String>,
    example: Option<String>,
}

/// The rules by country code. Called once, by the country-data loader.
pub(super) fn load_registration_rules() -> HashMap<String, RegistrationRule> {
    // Compiled-in data, parsed by a unit test: cannot fail at run time.
    let raw: RawFile = serde_json::from_str(REGISTRATION_COUNTRIES)
        .expect("embedded data/registration-countries.json is valid (checked by tests)");
    raw.countries
        .into_iter()
        .map(|(code, r)| {
            let specific = r.pattern.is_some();
            let rule = RegistrationRule {
                country: code.clone(),
                number: r.number,
                #[cfg(test)]
                list: r.list,
                pattern: r.pattern.unwrap_or_else(|| raw.generic.pattern.clone()),
                specific,
                description: (!specific).then(|| raw.generic.description.clone()),
                shape: r.shape,
                example: r.example,
                regex: OnceLock::new(),
            };
            (code, rule)
        })
        .collect()
}

crate::validate::text::text_newtype!(RegistrationNumber);

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    #[test]
    fn embedded_list_has_the_seed_and_newer_countries() {
        let rules = load_registration_rules();
        let seed = [
            "AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA",
        ];
        let newer = [
            "BR", "IN", "ZA", "PL", "AE", "SA", "TR", "TH", "VN", "MM", "IQ", "SS", "VE",
        ];
        assert_eq!(rules.len(), seed.len() + newer.len());
        for c in seed {
            assert_eq!(rules[c].list(), "seed", "{c}");
        }
        for c in newer {
            assert_eq!(rules[c].list(), "newer", "{c}");
        }
    }

    #[test]
    fn every_pattern_compiles_and_accepts_its_example() {
        for rule in load_registration_rules().values() {
            assert!(Regex::new(rule.pattern()).is_ok(), "{}", rule.country());
            if let Some(e) = rule.example() {
                assert!(rule.matches(e), "{} {e}", rule.country());
            }
            assert_eq!(
                rule.is_specific(),
                rule.example().is_some(),
                "{}",
                rule.country()
            );
            assert_eq!(
                rule.is_specific(),
                rule.shape.is_some(),
                "{}: shape in words",
                rule.country()
            );
        }
    }

    #[test]
    fn russian_inn_has_ten_or_twelve_digits() {
        let ru = country("RU");
        assert!(RegistrationNumber::parse("7707083893", &ru).is_ok());
        assert!(RegistrationNumber::parse("500100732259", &ru).is_ok());
        let err = RegistrationNumber::parse("12345", &ru).unwrap_err();
        assert_eq!(
            err,
            "does not have the RU format: 10 digits (an organisation) or 12 (an individual entrepreneur), e.g. 7707083893"
        );
        assert!(RegistrationNumber::parse("77070838931", &ru).is_err());
        assert!(RegistrationNumber::parse("٧٧٠٧٠٨٣٨٩٣", &ru).is_err());
    }

    #[test]
    fn ukrainian_edrpou_has_eight_or_ten_digits() {
        let ua = country("UA");
        assert!(RegistrationNumber::parse("12345678", &ua).is_ok());
        assert!(RegistrationNumber::parse("1234567890", &ua).is_ok());
        assert!(RegistrationNumber::parse("123456789", &ua).is_err());
    }

    #[test]
    fn belarus_and_kazakhstan_have_fixed_lengths() {
        assert!(RegistrationNumber::parse("123456789", &country("BY")).is_ok());
        assert!(RegistrationNumber::parse("12345678", &country("BY")).is_err());
        assert!(RegistrationNumber::parse("123456789012", &country("KZ")).is_ok());
        assert!(RegistrationNumber::parse("12345678901", &country("KZ")).is_err());
    }

    #[test]
    fn brazilian_cnpj_is_accepted_with_or_without_punctuation() {
        let br = country("BR");
        for v in ["11.222.333/0001-81", "11222333000181", "12.ABC.345/01DE-35"] {
            assert!(RegistrationNumber::parse(v, &br).is_ok(), "{v}");
        }
        assert!(RegistrationNumber::parse("11.222.333/0001", &br).is_err());
        let err = RegistrationNumber::parse("4252011000110", &br).unwrap_err();
        assert!(
            !err.contains('^') && !err.contains("\\d"),
            "no regex: {err}"
        );
        assert!(
            err.starts_with(
                "does not have the BR format: 14 characters written NN.NNN.NNN/NNNN-NN"
            ),
            "{err}"
        );
        assert!(err.contains("e.g. 11.222.333/0001-81"), "{err}");
        assert!(err.ends_with("type 04252011000110"), "{err}");
    }

    #[test]
    fn a_number_excel_cut_a_zero_from_is_named() {
        let err = RegistrationNumber::parse("770708389", &country("RU")).unwrap_err();
        assert!(err.ends_with("type 0770708389"), "{err}");
        let err = RegistrationNumber::parse("1234567", &country("UA")).unwrap_err();
        assert!(err.ends_with("type 01234567"), "{err}");
    }

    #[test]
    fn countries_without_a_known_format_use_the_generic_rule() {
        let hu = country("HU");
        assert!(RegistrationNumber::parse("12345678-2-42", &hu).is_ok());
        assert!(RegistrationNumber::parse("Cg.01-09-123456", &hu).is_ok());
        let err = RegistrationNumber::parse("1234", &hu).unwrap_err();
        assert_eq!(
            err,
            "is not a registration number Partner Center can take: 5 to 50 letters, digits, spaces, '.', '/' or '-' (no format of HU's own is checked offline)"
        );
        let ae = RegistrationNumber::parse("12", &country("AE")).unwrap_err();
        assert!(!ae.contains("the AE format"), "{ae}");
        assert!(RegistrationNumber::parse(&"1".repeat(51), &hu).is_err());
        assert!(RegistrationNumber::parse("12345#", &hu).is_err());
    }

    #[test]
    fn other_countries_take_no_registration_number() {
        let err = RegistrationNumber::parse("123456", &country("US")).unwrap_err();
        assert!(err.contains("US does not take"), "{err}");
    }

    #[test]
    fn empty_number_is_required_in_registration_countries() {
        assert_eq!(
            RegistrationNumber::parse("", &country("RU")).unwrap_err(),
            "is required in RU"
        );
    }

    #[test]
    fn display_and_as_str_give_the_number() {
        let n = RegistrationNumber::parse("7707083893", &country("RU")).unwrap();
        assert_eq!(n.as_str(), "7707083893");
        assert_eq!(n.to_string(), "7707083893");
    }
}
