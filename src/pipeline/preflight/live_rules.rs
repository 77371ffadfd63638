//! A country's rules as Partner Center answers them
//! (`GET /v1/countryvalidationrules/{iso2}`), compiled once and checked
//! against each row's values as they would be sent.

use regex::Regex;

use crate::partner_center::dotnet_regex::dotnet_regex;
use crate::partner_center::resources::CountryValidationRules;
use crate::validate::{Field, NewCustomer, Problem, ProblemKind};

/// Longest list of allowed values quoted in a message.
const LISTED_VALUES: usize = 12;

/// A country's rules as Partner Center answered them, ready to check rows.
///
/// The live regexes are .NET regexes; those the `regex` crate cannot take
/// (see [`dotnet_regex`]) are skipped (logged at debug level).
#[derive(Debug, Clone)]
pub struct LiveRules {
    country: String,
    state_required: bool,
    states: Vec<String>,
    postal_required: bool,
    postal: Option<LiveRegex>,
    city_required: bool,
    phone: Option<LiveRegex>,
    calling_codes: Vec<String>,
    cultures: Vec<String>,
    registration: Option<LiveRegex>,
}

#[derive(Debug, Clone)]
struct LiveRegex {
    pattern: String,
    regex: Regex,
}

impl LiveRegex {
    fn new(country: &str, what: &str, pattern: Option<&str>) -> Option<Self> {
        let pattern = pattern.map(str::trim).filter(|p| !p.is_empty())?;
        match dotnet_regex(pattern) {
            Ok(regex) => Some(LiveRegex {
                pattern: pattern.to_owned(),
                regex,
            }),
            Err(reason) => {
                tracing::debug!(
                    country,
                    rule = what,
                    pattern,
                    reason = %reason,
                    "live country rule regex skipped"
                );
                None
            }
        }
    }

    fn matches(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

impl LiveRules {
    /// Compile the rules of one `GET /v1/countryvalidationrules/{iso2}` answer.
    pub fn from_resource(rules: &CountryValidationRules) -> Self {
        let country = rules.iso2_code.trim().to_uppercase();
        let list = |items: &[String]| -> Vec<String> {
            items
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        LiveRules {
            state_required: rules.is_state_required,
            states: list(&rules.supported_states_list),
            postal_required: rules.is_postal_code_required,
            postal: LiveRegex::new(
                &country,
                "postalCodeRegex",
                rules.postal_code_regex.as_deref(),
            ),
            city_required: rules.is_city_required,
            phone: LiveRegex::new(
                &country,
                "phoneNumberRegex",
                rules.phone_number_regex.as_deref(),
            ),
            calling_codes: list(&rules.country_calling_codes_list),
            cultures: list(&rules.supported_cultures_list),
            registration: LiveRegex::new(
                &country,
                "customerOrganizationRegistrationNumberRegex",
                rules
                    .customer_organization_registration_number_regex
                    .as_deref(),
            ),
            country,
        }
    }

    /// The country the rules are for.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// Every way `customer` breaks these rules (values as they would be sent).
    pub fn check(&self, customer: &NewCustomer) -> Vec<Problem> {
        let cc = &self.country;
        let a = &customer.address;
        let mut problems = Vec::new();
        let missing = |field: Field| {
            Problem::new(
                field,
                ProblemKind::Missing,
                format!("{field} is required in {cc} (Partner Center's rules)"),
            )
        };
        let format = |field: Field, kind: ProblemKind, value: &str, rule: &LiveRegex| {
            Problem::new(
                field,
                kind,
                format!(
                    "{field} {value:?} does not match Partner Center's format for {cc} ({})",
                    rule.pattern
                ),
            )
        };
        if let Some(phone) = &a.phone_number
            && let Some(rule) = &self.phone
            && !self.phone_matches(rule, phone.as_str())
        {
            problems.push(format(
                Field::PhoneNumber,
                ProblemKind::Invalid,
                phone.as_str(),
                rule,
            ));
        }
        let culture = customer.culture.as_str();
        if !self.cultures.is_empty()
            && !self
                .cultures
                .iter()
                .any(|c| c.eq_ignore_ascii_case(culture))
        {
            problems.push(Problem::new(
                Field::Culture,
                ProblemKind::Invalid,
                format!(
                    "culture {culture:?} is not supported by Partner Center in {cc} ({})",
                    listed(&self.cultures)
                ),
            ));
        }
        if a.city.trim().is_empty() && self.city_required {
            problems.push(missing(Field::City));
        }
        match &a.state {
            None if self.state_required => problems.push(missing(Field::State)),
            Some(state)
                if !self.states.is_empty()
                    && !self
                        .states
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(state.as_str())) =>
            {
                problems.push(Problem::new(
                    Field::State,
                    ProblemKind::Invalid,
                    format!(
                        "state {:?} is not one of Partner Center's states for {cc} ({})",
                        state.as_str(),
                        listed(&self.states)
                    ),
                ));
            }
            _ => {}
        }
        match &a.postal_code {
            None if self.postal_required => problems.push(missing(Field::PostalCode)),
            Some(postal) => {
                if let Some(rule) = self.postal.as_ref().filter(|r| !r.matches(postal.as_str())) {
                    problems.push(format(
                        Field::PostalCode,
                        ProblemKind::Invalid,
                        postal.as_str(),
                        rule,
                    ));
                }
            }
            None => {}
        }
        if let Some(number) = &customer.registration_number
            && let Some(rule) = self.registration.as_ref()
            && !rule.matches(number.as_str())
        {
            problems.push(format(
                Field::RegistrationNumber,
                ProblemKind::RegistrationFormat,
                number.as_str(),
                rule,
            ));
        }
        problems.sort_by_key(|p| p.field);
        problems
    }

    /// The phone as written, or without its `+` and country calling code
    /// (the live regexes describe national numbers: `+1 425 555 0100` is
    /// the US's `1 425 555 0100`).
    fn phone_matches(&self, rule: &LiveRegex, phone: &str) -> bool {
        let phone = phone.trim();
        if rule.matches(phone) {
            return true;
        }
        let bare = phone.trim_start_matches('+').trim_start();
        if rule.matches(bare) {
            return true;
        }
        self.calling_codes.iter().any(|code| {
            bare.strip_prefix(code.trim_start_matches('+'))
                .map(|rest| rest.trim_start_matches([' ', '-', '.', '/']))
                .is_some_and(|national| rule.matches(national))
        })
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::parse_json;
    use crate::validate::CustomerFields;

    /// The recorded live US answer's shape (05c), with its .NET regexes.
    const US_RULES: &str = r#"{"iso2Code":"US","defaultCulture":"en-US","isStateRequired":true,
        "supportedStatesList":["CA","NY","WA"],"supportedLanguagesList":["en","es"],
        "supportedCulturesList":["en-US","es-US"],"isPostalCodeRequired":true,
        "postalCodeRegex":"^\\d{5}(-\\d{4})?$","isCityRequired":true,"isVatIdSupported":false,
        "phoneNumberRegex":"^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})[ \\-\\/\\.]?(\\d{4})$",
        "isTaxIdSupported":true,"isTaxIdOptional":true,"countryCallingCodesList":["1"],
        "attributes":{"objectType":"CountryValidationRules"}}"#;

    fn us_rules() -> LiveRules {
        let rules: CountryValidationRules = parse_json(US_RULES.as_bytes()).unwrap();
        LiveRules::from_resource(&rules)
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
            .with(Field::PhoneNumber, "+1 425 555 0100")
            .with(Field::AddressLine1, "1 Main St")
            .with(Field::City, "Redmond")
            .with(Field::State, "WA")
            .with(Field::PostalCode, "98052")
            .with(Field::Country, "US");
        crate::validate::check(&edit(fields)).unwrap()
    }

    #[test]
    fn a_row_that_fits_the_live_rules_has_no_problems() {
        let rules = us_rules();
        assert_eq!(rules.country(), "US");
        assert!(rules.postal.is_some() && rules.phone.is_some());
        assert_eq!(rules.check(&customer(|f| f)), []);
        // National and punctuated forms of the phone number fit too.
        for phone in [
            "425-555-0100",
            "(425) 555-0100",
            "1 425 555 0100",
            "+1-425.555.0100",
        ] {
            assert_eq!(
                rules.check(&customer(|f| f.with(Field::PhoneNumber, phone))),
                [],
                "{phone}"
            );
        }
    }

    #[test]
    fn live_rules_add_problems_the_offline_data_does_not_know() {
        let rules = us_rules();
        let c = customer(|f| {
            f.with(Field::Culture, "en-GB")
                .with(Field::State, "OR")
                .with(Field::PhoneNumber, "+44 20 7946 0000")
                .with(Field::PostalCode, "97201")
        });
        let problems = rules.check(&c);
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Culture, Field::PhoneNumber, Field::State]);
        assert!(
            problems[0].message.contains("en-US, es-US"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1]
                .message
                .contains("Partner Center's format for US")
        );
        assert!(problems[2].message.contains("\"OR\""));
    }

    #[test]
    fn the_postal_regex_applies_to_the_value_sent() {
        let rules: CountryValidationRules = parse_json(
            br#"{"iso2Code":"US","isPostalCodeRequired":true,"postalCodeRegex":"^\\d{5}$"}"#,
        )
        .unwrap();
        let rules = LiveRules::from_resource(&rules);
        let problems = rules.check(&customer(|f| f.with(Field::PostalCode, "98052-6399")));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, Field::PostalCode);
    }

    #[test]
    fn unusable_regexes_are_skipped_not_applied() {
        let rules: CountryValidationRules = parse_json(
            br#"{"iso2Code":"US","postalCodeRegex":"^(?!00000)\\d{5}$","phoneNumberRegex":"(?<=x)"}"#,
        )
        .unwrap();
        let rules = LiveRules::from_resource(&rules);
        assert!(rules.postal.is_none() && rules.phone.is_none());
        assert_eq!(rules.check(&customer(|f| f)), []);
    }

    #[test]
    fn long_lists_are_cut_in_messages() {
        let items: Vec<String> = (0..20).map(|i| format!("S{i}")).collect();
        let text = listed(&items);
        assert!(text.ends_with("… 20 in all"), "{text}");
        assert_eq!(listed(&items[..2]), "S0, S1");
    }
}
