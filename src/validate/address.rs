//! The billing address and its country-dependent parts: country, state, postal code.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use super::PhoneNumber;
use super::country::CountryRules;

/// The customer's billing address (default address), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Contact first name, 1–50 characters.
    pub first_name: String,
    /// Contact last name, 1–50 characters.
    pub last_name: String,
    /// Contact phone number; required where the registration number is.
    pub phone_number: Option<PhoneNumber>,
    /// Street address, 1–200 characters.
    pub address_line1: String,
    /// Optional second line (empty when absent), at most 200 characters.
    pub address_line2: String,
    /// Optional third line (empty when absent), at most 200 characters.
    pub address_line3: String,
    /// City; may be empty where the country does not require it.
    pub city: String,
    /// State or other subdivision, when given.
    pub state: Option<State>,
    /// Postal code, when given.
    pub postal_code: Option<PostalCode>,
    /// ISO 3166-1 alpha-2 country.
    pub country: CountryCode,
}

/// A supported ISO 3166-1 alpha-2 country: one present in the address data
/// (not the `ZZ` default entry). Holds its [`CountryRules`].
#[derive(Clone, Copy)]
pub struct CountryCode(&'static CountryRules);

/// Why a country value was refused: not a code at all, or a code we have no
/// rules for. The two map to different problem kinds.
pub(crate) enum CountryError {
    NotIso(String),
    Unsupported(String),
}

impl CountryCode {
    /// Parse a two-letter code, ignoring ASCII case (`us` → `US`). `UK` is
    /// refused with a reason that says to use `GB`.
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::parse_detailed(s).map_err(|e| match e {
            CountryError::NotIso(r) | CountryError::Unsupported(r) => r,
        })
    }

    pub(crate) fn parse_detailed(s: &str) -> Result<Self, CountryError> {
        let bytes = s.as_bytes();
        if bytes.len() == 2 && bytes.iter().all(u8::is_ascii_alphabetic) {
            if s.eq_ignore_ascii_case("UK") {
                return Err(CountryError::NotIso(
                    "is not an ISO 3166 code: use GB".to_owned(),
                ));
            }
            return CountryRules::get(s)
                .map(Self)
                .ok_or_else(|| CountryError::Unsupported("is not a supported country".to_owned()));
        }
        let hint = (bytes.len() == 3)
            .then(|| isocountry::CountryCode::for_alpha3(&s.to_ascii_uppercase()).ok())
            .flatten()
            .filter(|c| CountryRules::get(c.alpha2()).is_some());
        Err(CountryError::NotIso(match hint {
            Some(c) => format!("is not an ISO 3166-1 alpha-2 code: use {}", c.alpha2()),
            None => "is not an ISO 3166-1 alpha-2 code (two letters, e.g. US)".to_owned(),
        }))
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &'static str {
        self.0.code()
    }

    /// The country's address and registration rules.
    pub fn rules(&self) -> &'static CountryRules {
        self.0
    }
}

impl PartialEq for CountryCode {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CountryCode {}

impl Hash for CountryCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryCode").field(&self.as_str()).finish()
    }
}

/// A postal code in its country's format, ASCII letters upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalCode(String);

impl PostalCode {
    /// Parse a (trimmed) postal code for `country`: it must fully match the
    /// country's `zip` pattern where there is one.
    pub fn parse(s: &str, country: &CountryCode) -> Result<Self, String> {
        if s.is_empty() {
            return Err("is empty".to_owned());
        }
        let rules = country.rules();
        let value = s.to_ascii_uppercase();
        if rules.matches_postal_code(&value) {
            return Ok(Self(value));
        }
        let examples = rules.postal_code_examples();
        Err(if examples.is_empty() {
            format!(
                "does not match the {} format {}",
                rules.code(),
                rules.postal_code_pattern().unwrap_or_default()
            )
        } else {
            let n = examples.len().min(2);
            format!(
                "does not match the {} format (e.g. {})",
                rules.code(),
                examples[..n].join(", ")
            )
        })
    }

    /// The code as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Subdivisions listed in full in a "not known" message when there are this few.
const LIST_SUBDIVISIONS_UP_TO: usize = 12;

/// A state or other subdivision, holding the code to send: the ISO 3166-2 id
/// where the data has one (`WA`, `MOW`), else the data's key. Countries
/// without a subdivision list keep the value as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct State(Cow<'static, str>);

impl State {
    /// Parse a (trimmed) state for `country`: where the country has a
    /// subdivision list it must name one (key, ISO id, `CC-id` or name,
    /// ignoring case); elsewhere any non-empty value is kept.
    pub fn parse(s: &str, country: &CountryCode) -> Result<Self, String> {
        if s.is_empty() {
            return Err("is empty".to_owned());
        }
        let rules = country.rules();
        if rules.subdivisions().is_empty() {
            return Ok(Self(Cow::Owned(s.to_owned())));
        }
        match rules.find_subdivision(s) {
            Some(sub) => Ok(Self(Cow::Borrowed(sub.code()))),
            None => Err(unknown_subdivision(s, rules)),
        }
    }

    /// The code as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The reason for an unknown state, with a suggestion or the accepted codes.
fn unknown_subdivision(s: &str, rules: &CountryRules) -> String {
    let code = rules.code();
    let subs = rules.subdivisions();
    let mut reason = format!("is not a known {code} subdivision");
    if let Some(best) = closest_subdivision(s, rules) {
        reason.push_str(&format!(
            ": did you mean \"{}\" ({code}-{})?",
            best.name(),
            best.code()
        ));
    } else if subs.len() <= LIST_SUBDIVISIONS_UP_TO {
        let codes: Vec<&str> = subs.iter().map(|s| s.code()).collect();
        reason.push_str(&format!(": use one of {}", codes.join(", ")));
    } else if let Some(first) = subs.first() {
        reason.push_str(&format!(
            ": use its code, ISO 3166-2 code or name, e.g. {}, {code}-{} or {}",
            first.code(),
            first.code(),
            first.name()
        ));
    }
    reason
}

/// The subdivision whose name or key contains the value (or is contained in
/// it), or failing that the one most similar by Jaro-Winkler, if close.
fn closest_subdivision<'r>(
    s: &str,
    rules: &'r CountryRules,
) -> Option<&'r super::country::Subdivision> {
    const MIN_SIMILARITY: f64 = 0.88;
    let needle = s.to_lowercase();
    if needle.chars().count() < 3 || needle.len() > 200 {
        return None;
    }
    let subs = rules.subdivisions();
    let contains = subs.iter().find(|sub| {
        [sub.name(), sub.key()].iter().any(|c| {
            let c = c.to_lowercase();
            c.contains(&needle) || (c.chars().count() >= 3 && needle.contains(&c))
        })
    });
    contains.or_else(|| {
        subs.iter()
            .map(|sub| {
                let score = [sub.name(), sub.key()]
                    .iter()
                    .map(|c| strsim::jaro_winkler(&needle, &c.to_lowercase()))
                    .fold(0.0, f64::max);
                (score, sub)
            })
            .filter(|(score, _)| *score >= MIN_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, sub)| sub)
    })
}

crate::validate::text::text_newtype!(CountryCode, parse);

crate::validate::text::text_newtype!(PostalCode);

crate::validate::text::text_newtype!(State);

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    #[test]
    fn country_codes_are_normalized_to_upper_case() {
        assert_eq!(country("us").as_str(), "US");
        assert_eq!(country("Gb").to_string(), "GB");
        assert_eq!("DE".parse::<CountryCode>().unwrap().rules().code(), "DE");
        assert_eq!(format!("{:?}", country("NL")), "CountryCode(\"NL\")");
    }

    #[test]
    fn rejects_uk_and_suggests_gb() {
        assert_eq!(
            CountryCode::parse("UK").unwrap_err(),
            "is not an ISO 3166 code: use GB"
        );
        assert!(CountryCode::parse("uk").unwrap_err().contains("use GB"));
    }

    #[test]
    fn rejects_three_letter_codes_and_suggests_the_two_letter_one() {
        assert_eq!(
            CountryCode::parse("USA").unwrap_err(),
            "is not an ISO 3166-1 alpha-2 code: use US"
        );
        assert!(CountryCode::parse("United States").is_err());
        assert!(CountryCode::parse("1").is_err());
    }

    #[test]
    fn rejects_zz_and_unknown_codes_as_unsupported() {
        for code in ["ZZ", "XX", "zz"] {
            assert!(matches!(
                CountryCode::parse_detailed(code),
                Err(CountryError::Unsupported(_))
            ));
        }
        assert!(matches!(
            CountryCode::parse_detailed("UK"),
            Err(CountryError::NotIso(_))
        ));
    }

    #[test]
    fn us_postal_codes_take_five_or_nine_digits() {
        let us = country("US");
        assert_eq!(PostalCode::parse("98052", &us).unwrap().as_str(), "98052");
        assert!(PostalCode::parse("98052-6399", &us).is_ok());
        assert_eq!(
            PostalCode::parse("9805", &us).unwrap_err(),
            "does not match the US format (e.g. 95014, 22162-1010)"
        );
    }

    #[test]
    fn gb_postal_codes_are_upper_cased_before_matching() {
        let gb = country("GB");
        let pc = PostalCode::parse("ec1y 8sy", &gb).unwrap();
        assert_eq!(pc.to_string(), "EC1Y 8SY");
        assert!(PostalCode::parse("12345", &gb).is_err());
    }

    #[test]
    fn nl_de_jp_and_ie_postal_codes_follow_their_patterns() {
        assert!(PostalCode::parse("1234 AB", &country("NL")).is_ok());
        assert!(PostalCode::parse("1234 SA", &country("NL")).is_err());
        assert!(PostalCode::parse("10115", &country("DE")).is_ok());
        assert!(PostalCode::parse("1011", &country("DE")).is_err());
        assert!(PostalCode::parse("154-0023", &country("JP")).is_ok());
        assert!(PostalCode::parse("1540023", &country("JP")).is_ok());
        assert!(PostalCode::parse("A65 F4E2", &country("IE")).is_ok());
    }

    #[test]
    fn countries_without_a_zip_pattern_accept_any_postal_code() {
        assert_eq!(
            PostalCode::parse("00000", &country("AE")).unwrap().as_str(),
            "00000"
        );
        assert!(PostalCode::parse("", &country("AE")).is_err());
    }

    #[test]
    fn states_are_sent_as_iso_codes() {
        let us = country("US");
        for v in ["WA", "wa", "US-WA", "Washington"] {
            assert_eq!(State::parse(v, &us).unwrap().as_str(), "WA", "{v}");
        }
        let ru = country("RU");
        assert_eq!(State::parse("Москва", &ru).unwrap().as_str(), "MOW");
        assert_eq!(State::parse("RU-MOW", &ru).unwrap().as_str(), "MOW");
        assert_eq!(
            State::parse("東京都", &country("JP")).unwrap().as_str(),
            "13"
        );
        assert_eq!(State::parse("AE", &us).unwrap().as_str(), "AE");
    }

    #[test]
    fn unknown_states_are_refused_with_a_hint() {
        let err = State::parse("Washingtn", &country("US")).unwrap_err();
        assert!(err.starts_with("is not a known US subdivision"), "{err}");
        assert!(err.contains("Washington"), "{err}");
        let err = State::parse("Dublin", &country("IE")).unwrap_err();
        assert!(err.contains("did you mean \"Co. Dublin\" (IE-D)?"), "{err}");
        let err = State::parse("Dubai", &country("AE")).unwrap_err();
        assert!(
            err.contains("use one of AZ, SH, FU, UQ, DU, RK, AJ"),
            "{err}"
        );
        let err = State::parse("Atlantis", &country("US")).unwrap_err();
        assert!(err.contains("e.g. AL, US-AL or Alabama"), "{err}");
    }

    #[test]
    fn countries_without_a_list_keep_any_state() {
        assert_eq!(
            State::parse("Bayern", &country("DE")).unwrap().as_str(),
            "Bayern"
        );
        assert!(State::parse("", &country("DE")).is_err());
    }
}
