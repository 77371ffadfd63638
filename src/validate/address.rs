//! The billing address and its country-dependent parts: country, state, postal code.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use super::PhoneNumber;
use super::country::CountryRules;
use super::hint::unknown_subdivision;
use super::text::{ShortText, dropped_zeros};

/// The customer's billing address (default address), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// Contact first name, 1–50 characters.
    pub(crate) first_name: String,
    /// Contact last name, 1–50 characters.
    pub(crate) last_name: String,
    /// Contact phone number; required where the registration number is.
    pub(crate) phone_number: Option<PhoneNumber>,
    /// Street address, 1–200 characters.
    pub(crate) address_line1: String,
    /// Optional second line (empty when absent), at most 200 characters.
    pub(crate) address_line2: String,
    /// Optional third line (empty when absent), at most 200 characters.
    pub(crate) address_line3: String,
    /// City; may be empty where the country does not require it.
    pub(crate) city: String,
    /// State or other subdivision, when given.
    pub(crate) state: Option<State>,
    /// Postal code, when given.
    pub(crate) postal_code: Option<PostalCode>,
    /// ISO 3166-1 alpha-2 country.
    pub(crate) country: CountryCode,
}

/// A supported ISO 3166-1 alpha-2 country: one present in the address data
/// (not the `ZZ` default entry). Holds its [`CountryRules`].
#[derive(Clone, Copy)]
pub(crate) struct CountryCode(&'static CountryRules);

/// Why a country value was refused: not a code at all, or a code we have no
/// rules for. The two map to different problem kinds.
pub(crate) enum CountryError {
    NotIso(String),
    Unsupported(String),
}

impl CountryCode {
    /// Parse a two-letter code, ignoring ASCII case (`us` → `US`). `UK` is
    /// refused with a reason that says to use `GB`.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
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
    pub(crate) fn as_str(&self) -> &'static str {
        self.0.code()
    }

    /// The country's address and registration rules.
    pub(crate) fn rules(&self) -> &'static CountryRules {
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
pub(crate) struct PostalCode(ShortText<POSTAL_CODE_INLINE_BYTES>);

/// Postal codes up to this many bytes are stored inline (the longest
/// format in the data has 10).
const POSTAL_CODE_INLINE_BYTES: usize = 14;

impl PostalCode {
    /// Parse a (trimmed) postal code for `country`: it must fully match the
    /// country's `zip` pattern where there is one.
    pub(crate) fn parse(s: &str, country: &CountryCode) -> Result<Self, String> {
        Self::parse_in(s, country, None)
    }

    /// [`PostalCode::parse`] for an address in `state`: a refusal names the
    /// zeros Excel may have dropped only where the code with them is one
    /// of the state's (when the data lists its prefixes).
    pub(crate) fn parse_in(
        s: &str,
        country: &CountryCode,
        state: Option<&State>,
    ) -> Result<Self, String> {
        if s.is_empty() {
            return Err("is empty".to_owned());
        }
        let rules = country.rules();
        let value = ShortText::ascii_uppercase(s);
        if rules.matches_postal_code(value.as_str()) {
            return Ok(Self(value));
        }
        let value = value.as_str();
        let examples = rules.postal_code_examples();
        let mut reason = if examples.is_empty() {
            format!("does not match the {} postal code format", rules.code())
        } else {
            let n = examples.len().min(2);
            format!(
                "does not match the {} format (e.g. {})",
                rules.code(),
                examples[..n].join(", ")
            )
        };
        let prefix = state
            .and_then(State::subdivision)
            .and_then(|i| rules.subdivisions().get(i))
            .and_then(|sub| sub.postal_prefix());
        let fits = |v: &str| rules.matches_postal_code(v) && prefix.is_none_or(|p| p.matches(v));
        if let Some(zeros) = dropped_zeros(value, fits) {
            reason.push_str(&zeros);
        }
        Err(reason)
    }

    /// The code as sent.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A state or other subdivision: the text sent, the value as typed, and
/// the subdivision of the address data it names.
///
/// The text sent is, where Partner Center's list of the country's states
/// is known (recorded, `ListedStates`; or live,
/// `State::listed_as`), that list's entry; else the ISO 3166-2 id where
/// the data has one (`WA`, `MOW`), else the data's key. Countries without a
/// subdivision list keep the value as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct State {
    sent: Cow<'static, str>,
    /// As typed, where it differs from `sent`.
    typed: Option<Cow<'static, str>>,
    /// Position of the subdivision in the country's data.
    subdivision: Option<usize>,
}

impl State {
    /// Parse a (trimmed) state for `country`: where the country has a
    /// subdivision list it must name one by any form the data has (key, ISO
    /// id current or former, `CC-id`, name, Latin name, a language variant's
    /// name, a short form), ignoring case, accents and width; elsewhere any
    /// non-empty value is kept. Where Partner Center's recorded answer
    /// lists the country's states, the state must be one of them.
    pub(crate) fn parse(s: &str, country: &CountryCode) -> Result<Self, String> {
        Self::parse_typed(s, s, country)
    }

    /// [`State::parse`] of `value` (NFKC), which the user typed as `typed`.
    pub(crate) fn parse_typed(
        value: &str,
        typed: &str,
        country: &CountryCode,
    ) -> Result<Self, String> {
        if value.is_empty() {
            return Err("is empty".to_owned());
        }
        let rules = country.rules();
        let recorded = rules.recorded_states();
        let state = match rules.subdivision_table().position(value) {
            Some(i) => {
                let sub = rules.subdivisions().get(i).ok_or("is not known")?;
                let sent = sub.code();
                let typed = (typed != sent).then(|| match sub.forms().find(|f| *f == typed) {
                    Some(form) => Cow::Borrowed(form),
                    None => Cow::Owned(typed.to_owned()),
                });
                State {
                    sent: Cow::Borrowed(sent),
                    typed,
                    subdivision: Some(i),
                }
            }
            None if rules.subdivisions().is_empty() => State {
                sent: Cow::Owned(value.to_owned()),
                typed: (typed != value).then(|| Cow::Owned(typed.to_owned())),
                subdivision: None,
            },
            None => return Err(unknown_subdivision(value, rules)),
        };
        match recorded {
            Some(listed) => match listed.entry_for(&state) {
                Some(entry) => Ok(State {
                    sent: Cow::Borrowed(entry),
                    ..state
                }),
                None => Err(listed.refusal(&state)),
            },
            None => Ok(state),
        }
    }

    /// The text sent.
    pub(crate) fn as_str(&self) -> &str {
        &self.sent
    }

    /// The value as typed (messages quote it, never the text sent).
    pub(crate) fn typed(&self) -> &str {
        self.typed.as_deref().unwrap_or(&self.sent)
    }

    /// The position of the subdivision in the country's data, if the
    /// country has a list.
    pub(crate) fn subdivision(&self) -> Option<usize> {
        self.subdivision
    }

    /// The same state sent as `entry`: the form of Partner Center's list.
    #[must_use]
    pub(crate) fn listed_as(self, entry: String) -> State {
        if entry == *self.sent {
            return self;
        }
        let typed = self.typed.unwrap_or(self.sent);
        State {
            sent: Cow::Owned(entry),
            typed: Some(typed),
            subdivision: self.subdivision,
        }
    }
}

/// Where the data lists the postal-code prefixes of `state`'s subdivision,
/// the reason `postal` is not one of them (`None` when it is, or when there
/// is nothing to check).
pub(crate) fn postal_code_outside_state(
    postal: &PostalCode,
    state: &State,
    country: &CountryCode,
) -> Option<String> {
    let sub = country.rules().subdivisions().get(state.subdivision()?)?;
    let prefix = sub.postal_prefix()?;
    (!prefix.matches(postal.as_str())).then(|| {
        // The state as typed (`"Tokyo"`), never only a form it was read as.
        let typed = state.typed();
        let of = if typed.eq_ignore_ascii_case(sub.code()) {
            sub.label()
        } else {
            format!("{} (read as {})", super::text::quote(typed), sub.label())
        };
        format!(
            "is not a postal code of {of}: its postal codes start with {}",
            prefix.describe()
        )
    })
}

crate::validate::text::text_newtype!(CountryCode, parse);

crate::validate::text::text_newtype!(PostalCode);

crate::validate::text::text_newtype!(State);

#[cfg(test)]
#[path = "state_forms_tests.rs"]
mod state_forms_tests;

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
        let err = PostalCode::parse("9805", &us).unwrap_err();
        assert!(
            err.starts_with("does not match the US format (e.g. 95014, 22162-1010)"),
            "{err}"
        );
    }

    #[test]
    fn postal_codes_excel_cut_a_zero_from_say_so() {
        let us = country("US");
        for (typed, fixed) in [
            ("2134", "02134"),
            ("7030", "07030"),
            ("6600", "06600"),
            ("800", "00800"),
        ] {
            let err = PostalCode::parse(typed, &us).unwrap_err();
            assert!(
                err.starts_with(
                    "does not match the US format (e.g. 95014, 22162-1010); if it began with 0"
                ),
                "{err}"
            );
            assert!(err.ends_with(&format!("type {fixed}")), "{err}");
        }
        let no = country("NO");
        assert!(PostalCode::parse("7030", &no).is_ok(), "a Trondheim code");
        assert!(PostalCode::parse("6600", &no).is_ok());
        let err = PostalCode::parse("800", &no).unwrap_err();
        assert!(err.ends_with("type 0800"), "{err}");
        let wa = State::parse("WA", &us).unwrap();
        let err = PostalCode::parse_in("9805", &us, Some(&wa)).unwrap_err();
        assert!(!err.contains("began with"), "09805 is not in WA: {err}");
        let ma = State::parse("MA", &us).unwrap();
        let err = PostalCode::parse_in("2134", &us, Some(&ma)).unwrap_err();
        assert!(err.ends_with("type 02134"), "{err}");
        let err = PostalCode::parse("ABC", &us).unwrap_err();
        assert!(!err.contains("leading"), "{err}");
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
        // Armed forces: in the data, not in Partner Center's recorded US list.
        let err = State::parse("AE", &us).unwrap_err();
        assert!(
            err.starts_with(
                "is not one of Partner Center's states (its recorded list) for US: AK, AL"
            ),
            "{err}"
        );
        let err = State::parse("Puerto Rico", &us).unwrap_err();
        assert!(
            err.starts_with("(read as PR (Puerto Rico)) is not one"),
            "{err}"
        );
        assert!(err.ends_with("country of its own: country PR"), "{err}");
    }

    #[test]
    fn china_is_sent_in_the_form_of_partner_centers_recorded_list_whatever_was_typed() {
        let cn = country("CN");
        for typed in [
            "北京",
            "北京市",
            "Beijing",
            "Beijing Shi",
            "11",
            "CN-11",
            "CN-BJ",
            "BJ",
            "bj",
        ] {
            let state = State::parse(typed, &cn).unwrap();
            assert_eq!((state.as_str(), state.typed()), ("BJ", typed), "{typed}");
        }
        assert_eq!(State::parse("广东", &cn).unwrap().as_str(), "GD");
        assert_eq!(State::parse("44", &cn).unwrap().as_str(), "GD");
        let err = State::parse("香港", &cn).unwrap_err();
        assert!(err.starts_with("(read as HK (香港)) is not one of Partner Center's states (its recorded list) for CN: AH, BJ"), "{err}");
        assert!(
            err.ends_with("; Partner Center takes it as a country of its own: country HK"),
            "{err}"
        );
        let err = State::parse("北京省", &cn).unwrap_err();
        assert!(err.ends_with("did you mean \"北京市\" (CN-BJ)?"), "{err}");
        let err = State::parse("广州", &cn).unwrap_err();
        assert!(
            !err.contains("did you mean"),
            "a city shares one character with 广东省, 广西: {err}"
        );
    }

    #[test]
    fn unknown_states_are_refused_with_a_hint() {
        let err = State::parse("Washingtn", &country("US")).unwrap_err();
        assert!(err.starts_with("is not a known US subdivision"), "{err}");
        assert!(err.contains("Washington"), "{err}");
        let err = State::parse("Dublin", &country("IE")).unwrap_err();
        assert!(err.contains("did you mean \"Co. Dublin\" (IE-D)?"), "{err}");
        let err = State::parse("Qwxz", &country("AE")).unwrap_err();
        assert!(
            err.contains("use one of AZ, SH, FU, UQ, DU, RK, AJ"),
            "{err}"
        );
        let err = State::parse("Atlantis", &country("US")).unwrap_err();
        assert!(err.contains("e.g. AL, US-AL or Alabama"), "{err}");
    }

    #[test]
    fn states_written_the_way_people_write_them_are_sent_as_iso_codes() {
        let cases = [
            ("JP", "Tokyo", "13"),
            ("JP", "ＴＯＫＹＯ", "13"),
            ("AE", "Dubai", "DU"),
            ("KR", "Seoul", "11"),
            ("RU", "Moskva", "MOW"),
            ("TH", "Bangkok", "10"),
            ("ID", "West Papua", "PB"),
            ("ID", "Papua", "PA"),
            ("CA", "Québec", "QC"),
            ("CA", "QUEBEC", "QC"),
            ("CA", "Ile-du-Prince-Edouard", "PE"),
            ("ES", "Bizkaia", "BI"),
            ("ES", "Vizcaya", "BI"),
            ("ES", "alava", "VI"),
            ("IN", "दिल्ली", "DL"),
            ("HK", "九龍", "Kowloon"),
        ];
        for (cc, value, sent) in cases {
            let state = State::parse(value, &country(cc));
            assert_eq!(state.as_ref().map(State::as_str), Ok(sent), "{cc} {value}");
        }
    }

    #[test]
    fn hints_for_subdivisions_without_an_iso_id_name_their_key() {
        let err = State::parse("Jervis Bay Teritory", &country("AU")).unwrap_err();
        assert!(
            err.ends_with("did you mean \"Jervis Bay Territory\" (JBT)?"),
            "{err}"
        );
        let err = State::parse("Atlantis", &country("ES")).unwrap_err();
        assert!(
            err.ends_with("use its code or name, e.g. VI or Álava"),
            "{err}"
        );
        let err = State::parse("Atlantis", &country("JP")).unwrap_err();
        assert!(err.ends_with("e.g. 01, JP-01, 北海道 or Hokkaido"), "{err}");
    }

    #[test]
    fn hints_prefer_the_form_that_shares_most_of_the_value() {
        let id = country("ID");
        let err = State::parse("Provinsi Kepulauan Riau", &id).unwrap_err();
        assert!(err.contains("did you mean \"Kepulauan Riau\""), "{err}");
        // A kind word after the name is read as the name alone.
        for (value, form) in [
            ("West Papua Province", "West Papua"),
            ("North Maluku Province", "North Maluku"),
        ] {
            let read = State::parse(value, &id).unwrap();
            assert_eq!(read.as_str(), State::parse(form, &id).unwrap().as_str());
            assert_eq!(read.typed(), value, "messages quote what was typed");
        }
        let err = State::parse("us wa", &country("US")).unwrap_err();
        assert!(err.ends_with("did you mean US-WA?"), "{err}");
    }

    #[test]
    fn accents_do_not_defeat_the_typo_matcher() {
        let err = State::parse("Badajóz Provinze", &country("ES")).unwrap_err();
        assert!(err.contains("did you mean \"Badajoz\""), "{err}");
        let read = State::parse("Badajóz Province", &country("ES")).unwrap();
        assert_eq!(
            read.as_str(),
            State::parse("Badajoz", &country("ES")).unwrap().as_str()
        );
        let err = State::parse("Québecc", &country("CA")).unwrap_err();
        assert!(err.contains("(CA-QC)"), "{err}");
    }

    #[test]
    fn postal_codes_outside_the_state_are_refused_naming_its_prefixes() {
        let us = country("US");
        let al = State::parse("AL", &us).unwrap();
        let postal = PostalCode::parse("95014", &us).unwrap();
        assert_eq!(
            postal_code_outside_state(&postal, &al, &us).as_deref(),
            Some("is not a postal code of AL (Alabama): its postal codes start with 35 or 36")
        );
        let ca = State::parse("California", &us).unwrap();
        assert_eq!(postal_code_outside_state(&postal, &ca, &us), None);
        let jp = country("JP");
        let tokyo = State::parse("Tokyo", &jp).unwrap();
        let shibuya = PostalCode::parse("150-0002", &jp).unwrap();
        assert_eq!(postal_code_outside_state(&shibuya, &tokyo, &jp), None);
        let kr = country("KR");
        let seoul = State::parse("Seoul", &kr).unwrap();
        let busan = PostalCode::parse("48058", &kr).unwrap();
        let reason = postal_code_outside_state(&busan, &seoul, &kr).unwrap();
        assert!(reason.ends_with("start with 01–08"), "{reason}");
    }

    #[test]
    fn a_postal_code_outside_the_state_quotes_the_state_as_typed() {
        let jp = country("JP");
        let osaka = PostalCode::parse("530-0001", &jp).unwrap();
        let tokyo = State::parse("Tokyo", &jp).unwrap();
        assert_eq!(
            postal_code_outside_state(&osaka, &tokyo, &jp).as_deref(),
            Some(
                "is not a postal code of \"Tokyo\" (read as 13 (東京都)): its postal codes start with 10–18, 20 or 190–198"
            )
        );
        let code = State::parse("13", &jp).unwrap();
        let reason = postal_code_outside_state(&osaka, &code, &jp).unwrap();
        assert!(
            reason.starts_with("is not a postal code of 13 (東京都):"),
            "{reason}"
        );
    }

    #[test]
    fn postal_codes_are_checked_only_where_the_state_has_prefixes() {
        let au = country("AU");
        let jbt = State::parse("Jervis Bay Territory", &au).unwrap();
        let sydney = PostalCode::parse("2000", &au).unwrap();
        let reason = postal_code_outside_state(&sydney, &jbt, &au);
        assert!(reason.unwrap().ends_with("start with 2540"));
        let ie = country("IE");
        let dublin = State::parse("Co. Dublin", &ie).unwrap();
        let eircode = PostalCode::parse("A65 F4E2", &ie).unwrap();
        assert_eq!(postal_code_outside_state(&eircode, &dublin, &ie), None);
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
