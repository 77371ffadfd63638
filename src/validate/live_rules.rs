//! A country's rules as Partner Center answers them
//! (`GET /v1/countryvalidationrules/{iso2}`), compiled once and checked
//! against each row's values as they will be sent.

use super::{CountryRules, Field, ListedStates, NewCustomer, Problem, ProblemKind, dropped_zeros};
use crate::partner_center::dotnet_regex::DotnetRegex;
use crate::partner_center::resources::CountryValidationRules;

/// Longest list of allowed values quoted in a message.
const LISTED_VALUES: usize = 12;

/// Separators allowed between a calling code and the national number.
const PHONE_SEPARATORS: [char; 5] = [' ', '-', '.', '/', '('];

/// A country's rules as Partner Center answered them, ready to check rows.
///
/// Every rule the answer gives is used: state required and the supported
/// states, postal code required and its regex, city required, the phone
/// regex and calling codes, supported cultures and languages, the
/// registration number (required, regex, sample) and the phone number
/// required with it. The regexes are .NET regexes ([`DotnetRegex`]); one
/// that cannot be compiled is skipped (logged at debug level), and so is a
/// match that cannot be decided (catastrophic backtracking).
#[derive(Debug, Clone)]
pub struct LiveRules {
    country: String,
    state_required: bool,
    states: ListedStates,
    postal_required: bool,
    postal: Option<LiveRegex>,
    city_required: bool,
    phone: Option<LiveRegex>,
    phone_required: bool,
    calling_codes: Vec<String>,
    cultures: Vec<String>,
    languages: Vec<String>,
    registration_required: bool,
    registration: Option<LiveRegex>,
    registration_sample: Option<String>,
}

/// One of the answer's regexes, compiled.
#[derive(Debug, Clone)]
struct LiveRegex {
    /// The answer's field, e.g. `phoneNumberRegex` (for the logs).
    rule: &'static str,
    regex: DotnetRegex,
}

impl LiveRegex {
    fn new(country: &str, rule: &'static str, pattern: Option<&str>) -> Option<Self> {
        let pattern = pattern.filter(|p| !p.trim().is_empty())?;
        match DotnetRegex::new(pattern) {
            Ok(regex) => Some(LiveRegex { rule, regex }),
            Err(reason) => {
                tracing::debug!(
                    country,
                    rule,
                    pattern,
                    reason = %reason,
                    "live country rule regex skipped"
                );
                None
            }
        }
    }

    fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    /// Whether `value` fits; a match that cannot be decided counts as a fit.
    fn fits(&self, country: &str, value: &str) -> bool {
        self.regex.is_match(value).unwrap_or_else(|reason| {
            tracing::debug!(
                country,
                rule = self.rule,
                pattern = self.pattern(),
                reason = %reason,
                "live country rule not checked"
            );
            true
        })
    }
}

impl LiveRules {
    /// Compile the rules of one `GET /v1/countryvalidationrules/{iso2}` answer.
    pub fn from_resource(rules: &CountryValidationRules) -> Self {
        let country = rules.iso2_code.trim().to_uppercase();
        let regex =
            |rule, pattern: &Option<String>| LiveRegex::new(&country, rule, pattern.as_deref());
        LiveRules {
            state_required: rules.is_state_required,
            states: ListedStates::new(&country, &rules.supported_states_list),
            postal_required: rules.is_postal_code_required,
            postal: regex("postalCodeRegex", &rules.postal_code_regex),
            city_required: rules.is_city_required,
            phone: regex("phoneNumberRegex", &rules.phone_number_regex),
            phone_required: rules.customer_organization_phone_number_required == Some(true),
            calling_codes: calling_codes(&rules.country_calling_codes_list),
            cultures: list(&rules.supported_cultures_list),
            languages: list(&rules.supported_languages_list),
            registration_required: rules.customer_organization_registration_number_required
                == Some(true),
            registration: regex(
                "customerOrganizationRegistrationNumberRegex",
                &rules.customer_organization_registration_number_regex,
            ),
            registration_sample: rules
                .customer_organization_registration_number_sample
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            country,
        }
    }

    /// The country the rules are for.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The states as listed (`supportedStatesList`), tied to the data's
    /// subdivisions: the form a state is sent in.
    pub(crate) fn states(&self) -> &ListedStates {
        &self.states
    }

    /// Every way `customer` breaks these rules (values as they will be sent),
    /// in column order.
    pub fn check(&self, customer: &NewCustomer) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.check_address(customer, &mut problems);
        self.check_phone(customer, &mut problems);
        self.check_locale(customer, &mut problems);
        self.check_registration(customer, &mut problems);
        problems.sort_by_key(|p| p.field);
        problems
    }

    /// `<field> is required in <CC> (Partner Center's rules)`.
    fn missing(&self, field: Field, kind: ProblemKind, with: &str) -> Problem {
        Problem::new(
            field,
            kind,
            format!(
                "{field} is required in {}{with} (Partner Center's rules)",
                self.country
            ),
        )
    }

    /// `<field> "<value>" does not match Partner Center's format for <CC>`
    /// (never the regex: it is in the debug log), with the zeros Excel may
    /// have dropped when the value with them would fit.
    fn mismatch(&self, field: Field, value: &str, rule: &LiveRegex) -> String {
        tracing::debug!(country = %self.country, rule = rule.rule, pattern = rule.pattern(), value, "live rule not met");
        let mut message = format!(
            "{field} {value:?} does not match Partner Center's format for {}",
            self.country
        );
        if field == Field::PostalCode
            && let Some(example) =
                CountryRules::get(&self.country).and_then(|c| c.postal_code_examples().first())
        {
            message.push_str(&format!(", e.g. {example}"));
        }
        if field != Field::PhoneNumber
            && let Some(zeros) = dropped_zeros(value, |v| rule.fits(&self.country, v))
        {
            message.push_str(&zeros);
        }
        message
    }

    /// City, state and postal code.
    fn check_address(&self, customer: &NewCustomer, problems: &mut Vec<Problem>) {
        let a = &customer.address;
        if a.city.trim().is_empty() && self.city_required {
            problems.push(self.missing(Field::City, ProblemKind::Missing, ""));
        }
        match &a.state {
            None if self.state_required => {
                problems.push(self.missing(Field::State, ProblemKind::Missing, ""));
            }
            Some(state) if !self.states.is_empty() && self.states.entry_for(state).is_none() => {
                problems.push(Problem::new(
                    Field::State,
                    ProblemKind::Invalid,
                    self.states.message(state),
                ));
            }
            _ => {}
        }
        match (&a.postal_code, &self.postal) {
            (None, _) if self.postal_required => {
                problems.push(self.missing(Field::PostalCode, ProblemKind::Missing, ""));
            }
            (Some(postal), Some(rule)) if !rule.fits(&self.country, postal.as_str()) => {
                let message = self.mismatch(Field::PostalCode, postal.as_str(), rule);
                problems.push(Problem::new(
                    Field::PostalCode,
                    ProblemKind::Invalid,
                    message,
                ));
            }
            _ => {}
        }
    }

    /// The phone number: required, calling code, regex (as sent, with a
    /// hint when only the national form fits).
    fn check_phone(&self, customer: &NewCustomer, problems: &mut Vec<Problem>) {
        let Some(phone) = &customer.address.phone_number else {
            if self.phone_required {
                let with = " with the organization registration number";
                problems.push(self.missing(Field::PhoneNumber, ProblemKind::PhoneMissing, with));
            }
            return;
        };
        let phone = phone.as_str();
        let national = match self.national_form(phone) {
            Ok(national) => national,
            Err(()) => {
                problems.push(Problem::new(
                    Field::PhoneNumber,
                    ProblemKind::Invalid,
                    format!(
                        "phone_number {phone:?} does not start with a calling code of {} ({}): write the number with the country's code or in the national form",
                        self.country,
                        plus_listed(&self.calling_codes)
                    ),
                ));
                return;
            }
        };
        let Some(rule) = self
            .phone
            .as_ref()
            .filter(|r| !r.fits(&self.country, phone))
        else {
            return;
        };
        let mut message = self.mismatch(Field::PhoneNumber, phone, rule);
        if let Some(national) = national.filter(|n| rule.fits(&self.country, n)) {
            message.push_str(&format!(
                "; the national form {national:?} would: write it without the country code"
            ));
        }
        problems.push(Problem::new(
            Field::PhoneNumber,
            ProblemKind::Invalid,
            message,
        ));
    }

    /// For a phone written with `+`: the national form (without `+` and
    /// the calling code), `Err` when it starts with none of the country's
    /// calling codes. `Ok(None)` for a number without `+`, or when the
    /// answer lists no calling codes.
    fn national_form<'a>(&self, phone: &'a str) -> Result<Option<&'a str>, ()> {
        let Some(international) = phone.strip_prefix('+') else {
            return Ok(None);
        };
        if self.calling_codes.is_empty() {
            return Ok(None);
        }
        let international = international.trim_start_matches(PHONE_SEPARATORS);
        // Longest code first (`1684` before `1`).
        self.calling_codes
            .iter()
            .find_map(|code| international.strip_prefix(code.as_str()))
            .map(|rest| Some(rest.trim_start_matches([' ', '-', '.', '/', ')'])))
            .ok_or(())
    }

    /// Culture and language.
    fn check_locale(&self, customer: &NewCustomer, problems: &mut Vec<Problem>) {
        let culture = customer.culture.as_str();
        if !contains(&self.cultures, culture) {
            problems.push(Problem::new(
                Field::Culture,
                ProblemKind::Invalid,
                format!(
                    "culture {culture:?} is not supported by Partner Center in {} ({})",
                    self.country,
                    listed(&self.cultures)
                ),
            ));
        }
        // The answer may list a language with a script or region (`zh-CHS`).
        let language = customer.language.as_str();
        let supported = self.languages.is_empty()
            || self.languages.iter().any(|l| {
                let primary = l.split(['-', '_']).next().unwrap_or(l);
                l.eq_ignore_ascii_case(language) || primary.eq_ignore_ascii_case(language)
            });
        if !supported {
            problems.push(Problem::new(
                Field::Language,
                ProblemKind::Invalid,
                format!(
                    "language {language:?} is not supported by Partner Center in {} ({})",
                    self.country,
                    listed(&self.languages)
                ),
            ));
        }
    }

    /// The organization registration number: required, regex (with the sample).
    fn check_registration(&self, customer: &NewCustomer, problems: &mut Vec<Problem>) {
        let sample = self
            .registration_sample
            .as_deref()
            .map(|s| format!(", e.g. {s:?}"))
            .unwrap_or_default();
        match (&customer.registration_number, &self.registration) {
            (None, _) if self.registration_required => {
                let mut problem = self.missing(
                    Field::RegistrationNumber,
                    ProblemKind::RegistrationMissing,
                    "",
                );
                problem.message.push_str(&sample);
                problems.push(problem);
            }
            (Some(number), Some(rule)) if !rule.fits(&self.country, number.as_str()) => {
                let mut message = self.mismatch(Field::RegistrationNumber, number.as_str(), rule);
                message.push_str(&sample);
                problems.push(Problem::new(
                    Field::RegistrationNumber,
                    ProblemKind::RegistrationFormat,
                    message,
                ));
            }
            _ => {}
        }
    }
}

/// The non-empty trimmed items.
fn list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The calling codes as digits, longest first.
fn calling_codes(codes: &[String]) -> Vec<String> {
    let mut codes: Vec<String> = codes
        .iter()
        .map(|c| c.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|c| !c.is_empty())
        .collect();
    codes.sort_by_key(|c| std::cmp::Reverse(c.len()));
    codes
}

/// Whether `value` is allowed by `allowed` (empty: anything), ignoring case.
fn contains(allowed: &[String], value: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
}

/// `a, b, c` or the first few and a count.
fn listed(items: &[String]) -> String {
    if items.len() <= LISTED_VALUES {
        items.join(", ")
    } else {
        format!(
            "{}, … {} in all",
            items[..LISTED_VALUES].join(", "),
            items.len()
        )
    }
}

/// `+1, +1684`.
fn plus_listed(codes: &[String]) -> String {
    let plus: Vec<String> = codes.iter().map(|c| format!("+{c}")).collect();
    listed(&plus)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::parse_json;
    use crate::validate::CustomerFields;

    /// The recorded live US answer (05c), with the literal spaces of its
    /// phone regex, as the JSON decoder gives it.
    const US_RULES: &str = r#"{"iso2Code":"US","defaultCulture":"en-US","isStateRequired":true,
        "supportedStatesList":["CA","NY","TX","WA"],"supportedLanguagesList":["en","es"],
        "supportedCulturesList":["en-US","es-US"],"isPostalCodeRequired":true,
        "postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true,"isVatIdSupported":false,
        "phoneNumberRegex":"^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})[ \\-\\/\\.]?(\\d{4})$",
        "isTaxIdSupported":true,"isTaxIdOptional":true,"countryCallingCodesList":["1"],
        "attributes":{"objectType":"CountryValidationRules"}}"#;

    /// The recorded regex, decoded.
    const US_PHONE: &str =
        r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$";

    fn live(json: &str) -> LiveRules {
        let rules: CountryValidationRules = parse_json(json.as_bytes()).unwrap();
        LiveRules::from_resource(&rules)
    }

    /// The US answer with `edit` applied to its JSON.
    fn us_rules_with(edit: impl FnOnce(&mut serde_json::Value)) -> LiveRules {
        let mut json: serde_json::Value = serde_json::from_str(US_RULES).unwrap();
        edit(&mut json);
        live(&json.to_string())
    }

    fn customer(
        edit: impl FnOnce(CustomerFields<'static>) -> CustomerFields<'static>,
    ) -> NewCustomer {
        let fields = CustomerFields::new()
            .with(Field::CompanyName, "Contoso")
            .with(Field::Domain, "contoso")
            .with(Field::Email, "ap@contoso.example")
            .with(Field::Culture, "en-US")
            .with(Field::Language, "en")
            .with(Field::FirstName, "Ann")
            .with(Field::LastName, "Lee")
            .with(Field::PhoneNumber, "425 555 0100")
            .with(Field::AddressLine1, "1 Main St")
            .with(Field::City, "Redmond")
            .with(Field::State, "WA")
            .with(Field::PostalCode, "98052")
            .with(Field::Country, "US");
        crate::validate::check(&edit(fields)).unwrap()
    }

    fn phone_problems(rules: &LiveRules, phone: &'static str) -> Vec<Problem> {
        rules.check(&customer(|f| f.with(Field::PhoneNumber, phone)))
    }

    #[test]
    fn a_row_that_fits_the_live_rules_has_no_problems() {
        let rules = live(US_RULES);
        assert_eq!(rules.country(), "US");
        assert!(rules.postal.is_some() && rules.phone.is_some());
        assert_eq!(rules.check(&customer(|f| f)), []);
        for phone in [
            "425-555-0100",
            "(425) 555-0100",
            "1 425 555 0100",
            "1/425.555.0100",
        ] {
            assert_eq!(phone_problems(&rules, phone), [], "{phone}");
        }
    }

    #[test]
    fn the_phone_is_matched_as_sent_and_the_national_form_is_offered() {
        let rules = live(US_RULES);
        let problems = phone_problems(&rules, "+1 425 555 0100");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            !problems[0].message.contains(US_PHONE),
            "no regex in a message"
        );
        assert_eq!(
            (problems[0].field, problems[0].kind),
            (Field::PhoneNumber, ProblemKind::Invalid)
        );
        assert_eq!(
            problems[0].message,
            format!(
                "phone_number \"+1 425 555 0100\" does not match Partner Center's format for US; the national form \"425 555 0100\" would: write it without the country code"
            )
        );
        let problems = phone_problems(&rules, "+1-425.555.0100");
        assert!(
            problems[0].message.ends_with(
                "the national form \"425.555.0100\" would: write it without the country code"
            ),
            "{}",
            problems[0]
        );
        // Neither form fits: no hint.
        let problems = phone_problems(&rules, "+1 425 555 01000");
        assert_eq!(problems.len(), 1);
        assert!(
            !problems[0].message.contains("national form"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn without_the_recorded_spaces_the_regex_refuses_spaced_numbers() {
        // 05b's copy of the regex lost the spaces of the character classes.
        let rules = us_rules_with(|j| {
            j["phoneNumberRegex"] =
                r"^(1[\-\/\.]?)?(\((\d{3})\)|(\d{3}))[\-\/\.]?(\d{3})[\-\/\.]?(\d{4})$".into();
        });
        assert_eq!(phone_problems(&rules, "425-555-0100"), []);
        let spaced = phone_problems(&rules, "425 555 0100");
        assert_eq!(spaced.len(), 1);
        assert!(!spaced[0].message.contains("national form"));
        let international = phone_problems(&rules, "+1 4255550100");
        assert!(
            international[0]
                .message
                .contains("the national form \"4255550100\" would"),
            "{}",
            international[0]
        );
    }

    #[test]
    fn a_phone_with_another_countrys_calling_code_is_one_problem() {
        let rules = live(US_RULES);
        let problems = phone_problems(&rules, "+44 20 7946 0000");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "phone_number \"+44 20 7946 0000\" does not start with a calling code of US (+1): write the number with the country's code or in the national form"
        );
        // Without calling codes in the answer, only the regex applies.
        let no_codes = us_rules_with(|j| j["countryCallingCodesList"] = serde_json::json!([]));
        let problems = phone_problems(&no_codes, "+44 20 7946 0000");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("does not match Partner Center's format")
        );
        // The longest code wins: +1684 is not +1 followed by 684.
        let samoa = us_rules_with(|j| {
            j["countryCallingCodesList"] = serde_json::json!(["1", "+1-684"]);
            j["phoneNumberRegex"] = r"^\d{3} \d{4}$".into();
        });
        let problems = phone_problems(&samoa, "+1684 633 1234");
        assert!(
            problems[0].message.contains("\"633 1234\" would"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn live_rules_add_problems_the_offline_data_does_not_know() {
        let rules = live(US_RULES);
        let c = customer(|f| {
            f.with(Field::Culture, "en-GB")
                .with(Field::Language, "fr")
                .with(Field::State, "OR")
                .with(Field::PostalCode, "97201")
        });
        let problems = rules.check(&c);
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Culture, Field::Language, Field::State]);
        assert_eq!(
            problems[0].message,
            "culture \"en-GB\" is not supported by Partner Center in US (en-US, es-US)"
        );
        assert_eq!(
            problems[1].message,
            "language \"fr\" is not supported by Partner Center in US (en, es)"
        );
        assert_eq!(
            problems[2].message,
            "state \"OR\" is not one of Partner Center's states for US: CA, NY, TX, WA"
        );
    }

    #[test]
    fn languages_listed_with_a_script_accept_their_two_letter_code() {
        let rules = us_rules_with(|j| {
            j["supportedLanguagesList"] = serde_json::json!(["zh-CHS", "en"]);
        });
        assert_eq!(
            rules.check(&customer(|f| f.with(Field::Language, "zh"))),
            []
        );
        assert_eq!(
            rules
                .check(&customer(|f| f.with(Field::Language, "de")))
                .len(),
            1
        );
        // Not given: any language.
        let any = us_rules_with(|j| j["supportedLanguagesList"] = serde_json::Value::Null);
        assert_eq!(any.check(&customer(|f| f.with(Field::Language, "de"))), []);
    }

    #[test]
    fn required_fields_of_the_answer_are_reported_missing() {
        // Antigua and Barbuda needs neither city, state nor postal code
        // offline; this answer asks for all of them.
        let rules = live(
            r#"{"iso2Code":"AG","isStateRequired":true,"isPostalCodeRequired":true,
            "isCityRequired":true,"customerOrganizationRegistrationNumberRequired":true,
            "customerOrganizationRegistrationNumberSample":"12-3456789",
            "customerOrganizationPhoneNumberRequired":true}"#,
        );
        let c = customer(|f| {
            f.with(Field::Country, "AG")
                .with(Field::PhoneNumber, "")
                .with(Field::City, "")
                .with(Field::State, "")
                .with(Field::PostalCode, "")
        });
        let problems = rules.check(&c);
        let kinds: Vec<(Field, ProblemKind)> = problems.iter().map(|p| (p.field, p.kind)).collect();
        assert_eq!(
            kinds,
            [
                (Field::PhoneNumber, ProblemKind::PhoneMissing),
                (Field::City, ProblemKind::Missing),
                (Field::State, ProblemKind::Missing),
                (Field::PostalCode, ProblemKind::Missing),
                (Field::RegistrationNumber, ProblemKind::RegistrationMissing),
            ]
        );
        assert_eq!(
            problems[0].message,
            "phone_number is required in AG with the organization registration number (Partner Center's rules)"
        );
        assert_eq!(
            problems[1].message,
            "city is required in AG (Partner Center's rules)"
        );
        assert_eq!(
            problems[4].message,
            "registration_number is required in AG (Partner Center's rules), e.g. \"12-3456789\""
        );
        // The answer's `false`, or no field at all, requires nothing.
        let relaxed = live(r#"{"iso2Code":"AG","customerOrganizationPhoneNumberRequired":false}"#);
        assert_eq!(relaxed.check(&c), []);
    }

    #[test]
    fn the_registration_regex_applies_with_the_sample_in_the_message() {
        let ru = r#"{"iso2Code":"RU","customerOrganizationRegistrationNumberRequired":true,
            "customerOrganizationRegistrationNumberRegex":"^\\d{10}$",
            "customerOrganizationRegistrationNumberSample":"7707083893"}"#;
        let rules = live(ru);
        let row = |number: &'static str| {
            customer(move |f| {
                f.with(Field::Country, "RU")
                    .with(Field::State, "MOW")
                    .with(Field::City, "Москва")
                    .with(Field::PostalCode, "103375")
                    .with(Field::PhoneNumber, "+7 495 123-45-67")
                    .with(Field::RegistrationNumber, number)
            })
        };
        assert_eq!(rules.check(&row("7707083893")), []);
        // Twelve digits pass the offline rule, not this answer's.
        let problems = rules.check(&row("770708389312"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::RegistrationFormat);
        assert_eq!(
            problems[0].message,
            "registration_number \"770708389312\" does not match Partner Center's format for RU, e.g. \"7707083893\""
        );
    }

    #[test]
    fn the_postal_regex_applies_to_the_value_sent_with_lookaround() {
        let five =
            live(r#"{"iso2Code":"US","isPostalCodeRequired":true,"postalCodeRegex":"^\\d{5}$"}"#);
        let problems = five.check(&customer(|f| f.with(Field::PostalCode, "98052-6399")));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, Field::PostalCode);
        // A lookahead the regex crate could not take is applied now.
        let not_98 = live(r#"{"iso2Code":"US","postalCodeRegex":"^(?!98)\\d{5}$"}"#);
        assert_eq!(not_98.check(&customer(|f| f)).len(), 1);
        assert_eq!(
            not_98.check(&customer(|f| f
                .with(Field::PostalCode, "10001")
                .with(Field::State, "NY"))),
            []
        );
    }

    #[test]
    fn unusable_regexes_and_undecidable_matches_are_skipped_not_applied() {
        let unusable = live(
            r#"{"iso2Code":"US","postalCodeRegex":"^[0-9-[5]]{5}$","phoneNumberRegex":"(?(1)a|b)","customerOrganizationRegistrationNumberRegex":"[unclosed"}"#,
        );
        assert!(
            unusable.postal.is_none()
                && unusable.phone.is_none()
                && unusable.registration.is_none()
        );
        assert_eq!(unusable.check(&customer(|f| f)), []);
        // Catastrophic backtracking on the value: given up, not reported.
        let rules = us_rules_with(|j| j["phoneNumberRegex"] = r"^((?=\d)\d+ ?)+x$".into());
        assert!(rules.phone.is_some());
        assert_eq!(phone_problems(&rules, "4255550100425555010042555"), []);
    }

    #[test]
    fn long_lists_are_cut_in_messages() {
        let items: Vec<String> = (0..20).map(|i| format!("S{i}")).collect();
        let text = listed(&items);
        assert!(text.ends_with("… 20 in all"), "{text}");
        assert_eq!(listed(&items[..2]), "S0, S1");
    }
}
