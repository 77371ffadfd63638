//! `validate --online`: per valid row, ask Partner Center what it will think
//! of the row before anything is created.
//!
//! 1. `HEAD /v1/domains/{domain}`: free is fine; taken by one of this
//!    partner's customers is `exists` (with its IDs); taken by anyone else
//!    is a problem.
//! 2. `GET /v1/countryvalidationrules/{iso2}`, once per country per run:
//!    the live rules ([`LiveRules`]) layered over the offline checks
//!    (postal code, phone, state, city, culture, registration number).
//! 3. `POST /v1/validations/address`: any status but `Verified` /
//!    `VerifiedShippable` is a problem quoting the service's message and its
//!    first suggested address.
//!
//! Every call goes through the run's [`Engine`] (limiter, 429 pause, slots,
//! retries, budget). A check that could not be made leaves the row `failed`
//! (safe to re-run) unless another check already found it invalid.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use regex::{Regex, RegexBuilder};
use serde_json::Value;
use tokio::sync::OnceCell;

use super::invalid_result;
use super::worker::{AbortReason, DomainCheck, Engine, fill_customer};
use crate::partner_center::error::ApiError;
use crate::partner_center::models::CustomerRequest;
use crate::partner_center::resources::CountryValidationRules;
use crate::results::{McaStatus, RowResult, Status};
use crate::validate::Field;
use crate::validate::{NewCustomer, Problem, ProblemKind};

/// Longest list of allowed values quoted in a message.
const LISTED_VALUES: usize = 12;

/// Largest compiled size of one live regex.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What the online check of one row found.
#[derive(Debug)]
pub struct PreflightOutcome {
    /// `valid`, `invalid`, `exists` or `failed` (a check could not be made).
    pub result: RowResult,
    /// The problems found online (for `--json`).
    pub problems: Vec<Problem>,
    /// Set when no further row can be checked (authentication failed, retry budget spent).
    pub abort: Option<AbortReason>,
}

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

/// Compile a .NET regex from Partner Center with the `regex` crate, when
/// the crate can take it with the same meaning.
///
/// - Patterns whose backslashes arrive escaped twice (`\\d`, `\\/` after
///   JSON decoding) are unescaped once.
/// - `\Z` becomes `\z` (values are trimmed, so "before a final newline" does not arise).
/// - Lookaround, atomic groups, conditionals, backreferences and character
///   class subtraction (`[a-z-[aeiou]]`) are refused: the crate has no
///   such thing or would read them differently.
pub fn dotnet_regex(pattern: &str) -> Result<Regex, String> {
    let mut candidate = pattern.trim().to_owned();
    if candidate.is_empty() {
        return Err("the pattern is empty".to_owned());
    }
    if candidate.contains(r"\\") {
        candidate = candidate.replace(r"\\", r"\");
    }
    if let Some(construct) = unsupported_construct(&candidate) {
        return Err(format!(
            "it uses {construct}, which the regex crate does not support"
        ));
    }
    candidate = candidate.replace(r"\Z", r"\z");
    RegexBuilder::new(&candidate)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string().lines().last().unwrap_or_default().to_owned())
}

/// The first .NET-only construct in `pattern`, if any.
fn unsupported_construct(pattern: &str) -> Option<&'static str> {
    const GROUPS: [(&str, &str); 6] = [
        ("(?=", "a lookahead"),
        ("(?!", "a negative lookahead"),
        ("(?<=", "a lookbehind"),
        ("(?<!", "a negative lookbehind"),
        ("(?>", "an atomic group"),
        ("(?(", "a conditional"),
    ];
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut at = 0usize;
    while let Some(c) = chars.next() {
        let rest = &pattern[at..];
        at += c.len_utf8();
        match c {
            '\\' => {
                let Some(next) = chars.next() else { break };
                at += next.len_utf8();
                if !in_class && (next.is_ascii_digit() && next != '0' || next == 'k') {
                    return Some("a backreference");
                }
            }
            '[' if !in_class => {
                in_class = true;
                // A leading `]` or `^]` is a literal.
                if chars.peek() == Some(&'^') {
                    chars.next();
                    at += 1;
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    at += 1;
                }
            }
            ']' if in_class => in_class = false,
            '-' if in_class && chars.peek() == Some(&'[') => {
                return Some("character class subtraction");
            }
            '(' if !in_class => {
                if let Some((_, what)) = GROUPS.iter().find(|(g, _)| rest.starts_with(g)) {
                    return Some(what);
                }
            }
            _ => {}
        }
    }
    None
}

/// The live rules of one country, or why there are none.
#[derive(Debug)]
enum RulesAnswer {
    Rules(Box<LiveRules>),
    /// `404`: Partner Center does not take customers in this country.
    Unsupported(String),
    /// A refusal a retry cannot change (kept, not asked again).
    Unavailable(String),
}

/// The online checks of a run, with the per-country rules cache.
pub struct Preflight {
    engine: Arc<Engine>,
    rules: Mutex<HashMap<String, Arc<OnceCell<RulesAnswer>>>>,
}

impl std::fmt::Debug for Preflight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preflight")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// Checks that could not be made, and the first error (for `error_code`).
#[derive(Default)]
struct Incomplete {
    notes: Vec<String>,
    first: Option<ApiError>,
    abort: Option<AbortReason>,
}

impl Incomplete {
    fn add(&mut self, what: &str, err: ApiError) {
        if err.is_fatal() && self.abort.is_none() {
            self.abort = Some(AbortReason::Auth(err.to_string()));
        }
        self.notes.push(format!("{what}: {err}"));
        if self.first.is_none() {
            self.first = Some(err);
        }
    }
}

impl Preflight {
    /// Online checks through `engine`.
    pub fn new(engine: Arc<Engine>) -> Self {
        Preflight {
            engine,
            rules: Mutex::new(HashMap::new()),
        }
    }

    /// The engine (counters, for the summary).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Check one offline-valid customer online.
    pub async fn check(&self, customer: &NewCustomer) -> PreflightOutcome {
        let mut incomplete = Incomplete::default();
        let mut problems = Vec::new();
        let domain = customer.domain.as_str();
        match self.engine.check_domain(domain).await {
            Ok(DomainCheck::Free) => {}
            Ok(DomainCheck::Ours(found)) => {
                let mut result = RowResult::new(Status::Exists);
                fill_customer(&mut result, &found);
                if customer.mca.is_some() {
                    result.mca_status = McaStatus::Skipped;
                }
                return PreflightOutcome {
                    result,
                    problems,
                    abort: None,
                };
            }
            Ok(DomainCheck::Taken) => problems.push(Problem::new(
                Field::Domain,
                ProblemKind::Invalid,
                format!(
                    "domain {domain} is already taken by a tenant that is not a customer of this partner: choose another domain"
                ),
            )),
            Err(e) => incomplete.add("domain check", e),
        }
        if incomplete.abort.is_none() {
            let (rules, address) = tokio::join!(
                self.rules_problems(customer),
                self.address_problems(customer)
            );
            for (what, found) in [("country rules", rules), ("address validation", address)] {
                match found {
                    Ok(found) => problems.extend(found),
                    Err(e) => incomplete.add(what, e),
                }
            }
        }
        problems.sort_by_key(|p| p.field);
        let mut result = if !problems.is_empty() {
            let mut result = invalid_result(&problems);
            if !incomplete.notes.is_empty() {
                result.error = format!(
                    "{}; not checked: {}",
                    result.error,
                    incomplete.notes.join("; ")
                );
            }
            result
        } else if let Some(first) = &incomplete.first {
            let mut result = RowResult::new(Status::Failed);
            result.error_code = first
                .code()
                .map(str::to_owned)
                .or_else(|| first.status().map(|s| s.to_string()))
                .unwrap_or_default();
            result.error = format!(
                "online check incomplete (re-run to check again): {}",
                incomplete.notes.join("; ")
            );
            result
        } else {
            RowResult::new(Status::Valid)
        };
        if customer.mca.is_some() {
            result.mca_status = McaStatus::Skipped;
        }
        let abort = incomplete.abort.or_else(|| {
            self.engine
                .budget
                .is_exhausted()
                .then_some(AbortReason::BudgetExhausted)
        });
        PreflightOutcome {
            result,
            problems,
            abort,
        }
    }

    /// The live rules' problems with the row (rules fetched once per country).
    async fn rules_problems(&self, customer: &NewCustomer) -> Result<Vec<Problem>, ApiError> {
        let country = customer.address.country.as_str();
        let cell = {
            let mut cache = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
            cache.entry(country.to_owned()).or_default().clone()
        };
        let answer = cell
            .get_or_try_init(|| async {
                match self
                    .engine
                    .call(|| self.engine.client.country_validation_rules(country))
                    .await
                {
                    Ok(rules) => Ok(RulesAnswer::Rules(Box::new(LiveRules::from_resource(
                        &rules,
                    )))),
                    Err(e) if e.status() == Some(404) => Ok(RulesAnswer::Unsupported(format!(
                        "country {country:?} is not supported by Partner Center ({e})"
                    ))),
                    Err(e) if e.is_transient() || e.is_fatal() => Err(e),
                    Err(e) => Ok(RulesAnswer::Unavailable(e.to_string())),
                }
            })
            .await?;
        Ok(match answer {
            RulesAnswer::Rules(rules) => rules.check(customer),
            RulesAnswer::Unsupported(message) => vec![Problem::new(
                Field::Country,
                ProblemKind::CountryUnsupported,
                message.clone(),
            )],
            RulesAnswer::Unavailable(reason) => {
                tracing::debug!(country, reason = %reason, "country rules unavailable; not checked");
                Vec::new()
            }
        })
    }

    /// `POST /v1/validations/address`: a problem unless the address is verified.
    async fn address_problems(&self, customer: &NewCustomer) -> Result<Vec<Problem>, ApiError> {
        let address = CustomerRequest::from(customer)
            .billing_profile
            .default_address;
        let body = serde_json::to_value(&address).map_err(|e| ApiError::Config {
            message: format!("address: {e}"),
        })?;
        let answer = self
            .engine
            .call(|| self.engine.client.validate_address(&body))
            .await?;
        let status = answer.status.trim();
        let key: String = status
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
        if matches!(key.as_str(), "verified" | "verifiedshippable") {
            return Ok(Vec::new());
        }
        let mut message = format!(
            "address not verified by Partner Center ({})",
            if status.is_empty() {
                "no status"
            } else {
                status
            }
        );
        if let Some(text) = answer
            .validation_message
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            message.push_str(": ");
            message.push_str(text);
        }
        if let Some(suggestion) = answer
            .suggested_addresses
            .first()
            .map(one_line_address)
            .filter(|s| !s.is_empty())
        {
            message.push_str("; suggested address: ");
            message.push_str(&suggestion);
        }
        Ok(vec![Problem::new(
            Field::AddressLine1,
            ProblemKind::Invalid,
            message,
        )])
    }
}

/// `1 Microsoft Way, Redmond, WA, 98052-8300, US` from an address object
/// (camelCase or PascalCase keys).
fn one_line_address(address: &Value) -> String {
    const KEYS: [&str; 7] = [
        "addressLine1",
        "addressLine2",
        "addressLine3",
        "city",
        "state",
        "postalCode",
        "country",
    ];
    let Some(object) = address.as_object() else {
        return String::new();
    };
    let parts: Vec<&str> = KEYS
        .iter()
        .filter_map(|key| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .or_else(|| {
                    // The legacy shape calls the state `region`.
                    (*key == "state")
                        .then(|| {
                            object
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case("region"))
                        })
                        .flatten()
                })
                .and_then(|(_, v)| v.as_str())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        })
        .collect();
    parts.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
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
    fn dotnet_regexes_are_converted_or_skipped() {
        // Escaped punctuation, as in the recorded payloads.
        let re = dotnet_regex(r"^(1[ \-\/\.]?)?(\d{3})$").unwrap();
        assert!(re.is_match("1/425"));
        // Backslashes escaped twice arrive as `\\d`.
        let re = dotnet_regex(r"^\\d{5}(-\\d{4})?$").unwrap();
        assert!(re.is_match("98052-8300") && !re.is_match(r"\d\d"));
        assert!(dotnet_regex(r"^\d{5}\Z").unwrap().is_match("98052"));
        for unsupported in [
            r"^(?=\d{5}$)\d+$",
            r"^(?!00)\d{5}$",
            r"(?<=A)\d",
            r"(?<!A)\d",
            r"(?>\d+)",
            r"^(\d)\1$",
            r"^[a-z-[aeiou]]+$",
            r"(?(1)a|b)",
            "",
            r"[unclosed",
        ] {
            assert!(dotnet_regex(unsupported).is_err(), "{unsupported}");
        }
        // A `-` before a class outside a class is not subtraction.
        assert!(
            dotnet_regex(r"^[A-Z]-[0-9]{4}$")
                .unwrap()
                .is_match("B-1234")
        );
        assert!(dotnet_regex(r"^[\]-]+$").is_ok());
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

    #[test]
    fn suggestions_print_on_one_line() {
        let a = serde_json::json!({"addressLine1": "1 Microsoft Way", "city": "Redmond",
            "state": "WA", "postalCode": "98052-8300", "country": "US", "addressLine2": ""});
        assert_eq!(
            one_line_address(&a),
            "1 Microsoft Way, Redmond, WA, 98052-8300, US"
        );
        let legacy = serde_json::json!({"AddressLine1": "x", "region": "WA"});
        assert_eq!(one_line_address(&legacy), "x, WA");
    }
}
