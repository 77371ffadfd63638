//! The row check: [`CustomerFields`] in, a [`NewCustomer`] or every problem out.

use super::field::{CustomerFields, Field};

use super::address::{CountryError, postal_code_outside_state};
use super::context::CheckContext;
use super::control::RowScan;
use super::mca::check_mca_in_row;
use super::parsed::{CheckedRow, Parsed};
use super::row_rules::{control_characters, name_and_email_rules};
use super::text::{quote, too_long};
use super::unicode::NfkcRow;
use super::{
    Address, CountryCode, Culture, DefaultGdap, Domain, Email, LanguageCode, McaAttestation,
    PhoneNumber, PostalCode, Problem, ProblemKind, RegistrationNumber, State,
};

/// Longest company name, in characters (this tool's limit: the API refuses
/// oversized names only after the call).
const MAX_COMPANY_NAME: usize = 255;
/// Longest first or last name, in characters.
const MAX_NAME: usize = 50;
/// Longest address line, in characters.
const MAX_ADDRESS_LINE: usize = 200;

/// A customer that passed every offline rule, ready to become a request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    /// The partner's own key for the row, when given.
    pub(crate) external_id: Option<String>,
    /// Registered company name.
    pub(crate) company_name: String,
    /// Initial `*.onmicrosoft.com` domain.
    pub domain: Domain,
    /// Billing contact e-mail.
    pub(crate) email: Email,
    /// Culture such as `en-US`.
    pub culture: Culture,
    /// ISO 639-1 language.
    pub language: LanguageCode,
    /// Billing (default) address.
    pub(crate) address: Address,
    /// Organization registration number, in the countries that require one.
    pub(crate) registration_number: Option<RegistrationNumber>,
    /// Indirect reseller's partner tenant id, when creating for one.
    pub(crate) associated_partner_id: Option<uuid::Uuid>,
    /// The Microsoft Customer Agreement attestation to record after creation
    /// (`mca_*` columns); not part of the create body.
    pub(crate) mca: Option<McaAttestation>,
    /// What the row is sent with but Partner Center discourages
    /// ([`ProblemKind::is_warning`]); empty for almost every row.
    pub(crate) warnings: Vec<Problem>,
    /// The row's `default_gdap` column; `None` (empty) takes the run's
    /// `--default-gdap`.
    pub(crate) default_gdap: Option<DefaultGdap>,
}

/// One row's values as typed (quoted in messages) and in NFKC (validated
/// and sent).
struct Row<'a> {
    typed: CustomerFields<'a>,
    value: CustomerFields<'a>,
}

impl<'a> Row<'a> {
    /// The value validated and sent.
    fn get(&self, field: Field) -> &'a str {
        self.value.get(field)
    }

    /// `<field> "<value as typed>" <reason>`, kind `Invalid`.
    fn invalid(&self, field: Field, reason: &str) -> Problem {
        let message = format!("{field} {} {reason}", quote(self.typed.get(field)));
        Problem::new(field, ProblemKind::Invalid, message)
    }
}

/// Check one row with no partner domains known ([`CheckContext::none`]):
/// `check_with`.
pub fn check(fields: &CustomerFields<'_>) -> Result<NewCustomer, Vec<Problem>> {
    check_with(fields, CheckContext::none())
}

/// Check one row. Returns the customer (with its warnings), or *all* the
/// row's problems (never just the first), in the order the columns are
/// checked. Never panics, whatever the input.
///
/// Every value is checked and sent in Unicode NFKC (full-width `１５４-００２３`
/// is the postal code `154-0023`); messages quote the values as typed.
pub(crate) fn check_with(
    fields: &CustomerFields<'_>,
    context: &CheckContext,
) -> Result<NewCustomer, Vec<Problem>> {
    let scan = fields.scan();
    let nfkc = NfkcRow::of_scanned(fields, scan.non_ascii);
    let row = Row {
        typed: *fields,
        value: nfkc.apply(fields),
    };
    check_row(&row, context, scan).map(|parsed| parsed.into_customer(&row.value))
}

/// [`check_with`], keeping only whether the row is valid (and its
/// warnings): the same rules, the same problems, and no copy of a valid
/// row's values (offline `validate`).
pub(crate) fn check_only(
    fields: &CustomerFields<'_>,
    context: &CheckContext,
) -> Result<CheckedRow, Vec<Problem>> {
    let scan = fields.scan();
    let nfkc = NfkcRow::of_scanned(fields, scan.non_ascii);
    let row = Row {
        typed: *fields,
        value: nfkc.apply(fields),
    };
    check_row(&row, context, scan).map(|parsed| CheckedRow {
        mca: parsed.mca.is_some(),
        warnings: parsed.warnings,
    })
}

fn check_row(
    fields: &Row<'_>,
    context: &CheckContext,
    scan: RowScan,
) -> Result<Parsed, Vec<Problem>> {
    let mut problems = Vec::new();
    let p = &mut problems;
    if scan.suspect {
        control_characters(&fields.typed, p);
    }

    bounded(fields, Field::CompanyName, true, MAX_COMPANY_NAME, p);
    let domain = parsed(fields, Field::Domain, true, p, Domain::parse);
    let email = parsed(fields, Field::Email, true, p, Email::parse);
    let culture = parsed(fields, Field::Culture, true, p, Culture::parse);
    let language = parsed(fields, Field::Language, true, p, LanguageCode::parse);
    bounded(fields, Field::FirstName, true, MAX_NAME, p);
    bounded(fields, Field::LastName, true, MAX_NAME, p);
    let phone = parsed(fields, Field::PhoneNumber, false, p, PhoneNumber::parse);
    bounded(fields, Field::AddressLine1, true, MAX_ADDRESS_LINE, p);
    bounded(fields, Field::AddressLine2, false, MAX_ADDRESS_LINE, p);
    bounded(fields, Field::AddressLine3, false, MAX_ADDRESS_LINE, p);
    let country = country(fields, p);
    let city = fields.get(Field::City);
    let (state, postal_code, registration_number) = match country {
        Some(c) => {
            if city.is_empty() && c.rules().requires_city() {
                p.push(missing_in(Field::City, c));
            }
            let (state, postal) = state_and_postal_code(fields, c, p);
            (state, postal, registration(fields, c, p))
        }
        None => (None, None, None),
    };
    let associated_partner_id = parsed(fields, Field::AssociatedPartnerId, false, p, |s| {
        uuid::Uuid::parse_str(s).map_err(|_| "is not a GUID".to_owned())
    });
    let mca = check_mca_in_row(&fields.value).unwrap_or_else(|found| {
        p.extend(found);
        None
    });
    let warnings = name_and_email_rules(&fields.typed, &fields.value, context, p);
    let default_gdap = default_gdap(fields, p);

    let (Some(domain), Some(email), Some(culture), Some(language), Some(country)) =
        (domain, email, culture, language, country)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Parsed {
        domain,
        email,
        culture,
        language,
        phone_number: phone,
        state,
        postal_code,
        country,
        registration_number,
        associated_partner_id,
        mca,
        warnings,
        default_gdap,
    })
}

/// The row's `default_gdap` (`None`: empty, the run's setting applies).
fn default_gdap(fields: &Row<'_>, p: &mut Vec<Problem>) -> Option<DefaultGdap> {
    let field = Field::DefaultGdap;
    DefaultGdap::of_row(fields.typed.get(field), fields.get(field)).unwrap_or_else(|problem| {
        p.push(problem);
        None
    })
}

/// The value, or a `Missing` problem when it is empty.
fn required<'a>(fields: &Row<'a>, field: Field, p: &mut Vec<Problem>) -> &'a str {
    let value = fields.get(field);
    if value.is_empty() {
        p.push(Problem::missing(field));
    }
    value
}

/// `<field> is required in <CC>`.
fn missing_in(field: Field, country: CountryCode) -> Problem {
    Problem::new(
        field,
        ProblemKind::Missing,
        format!("{field} is required in {country}"),
    )
}

/// A free-text value checked for presence (when `needed`) and length.
fn bounded<'a>(
    fields: &Row<'a>,
    field: Field,
    needed: bool,
    max: usize,
    p: &mut Vec<Problem>,
) -> &'a str {
    let value = if needed {
        required(fields, field, p)
    } else {
        fields.get(field)
    };
    if let Some(n) = too_long(value, max) {
        let reason = format!("is too long: {n} characters, at most {max}");
        p.push(fields.invalid(field, &reason));
    }
    value
}

/// A value parsed into a newtype; empty is `Missing` when `needed`, else `None`.
fn parsed<T>(
    fields: &Row<'_>,
    field: Field,
    needed: bool,
    p: &mut Vec<Problem>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let value = fields.get(field);
    if value.is_empty() {
        if needed {
            p.push(Problem::missing(field));
        }
        return None;
    }
    parse(value)
        .map_err(|reason| p.push(fields.invalid(field, &reason)))
        .ok()
}

fn country(fields: &Row<'_>, p: &mut Vec<Problem>) -> Option<CountryCode> {
    let value = required(fields, Field::Country, p);
    if value.is_empty() {
        return None;
    }
    match CountryCode::parse_detailed(value) {
        Ok(c) => Some(c),
        Err(CountryError::NotIso(reason)) => {
            p.push(fields.invalid(Field::Country, &reason));
            None
        }
        Err(CountryError::Unsupported(reason)) => {
            let typed = quote(fields.typed.get(Field::Country));
            let message = format!("{} {typed} {reason}", Field::Country);
            p.push(Problem::new(
                Field::Country,
                ProblemKind::CountryUnsupported,
                message,
            ));
            None
        }
    }
}

/// `state` or `postal_code`: required where the country says so, parsed when given.
fn per_country<T>(
    fields: &Row<'_>,
    field: Field,
    country: CountryCode,
    p: &mut Vec<Problem>,
    parse: impl FnOnce(&str, &CountryCode) -> Result<T, String>,
) -> Option<T> {
    let value = fields.get(field);
    if value.is_empty() {
        let rules = country.rules();
        let needed = match field {
            Field::State => rules.requires_state(),
            _ => rules.requires_postal_code(),
        };
        if needed {
            p.push(missing_in(field, country));
        }
        return None;
    }
    parse(value, &country)
        .map_err(|reason| p.push(fields.invalid(field, &reason)))
        .ok()
}

/// The registration number and, where it is required, the phone number's presence.
/// `state` and `postal_code`, each parsed when given, and where the data
/// lists the state's postal-code prefixes, checked against each other.
fn state_and_postal_code(
    fields: &Row<'_>,
    country: CountryCode,
    p: &mut Vec<Problem>,
) -> (Option<State>, Option<PostalCode>) {
    let typed = fields.typed.get(Field::State);
    let state = per_country(fields, Field::State, country, p, |value, country| {
        State::parse_typed(value, typed, country)
    });
    let postal = per_country(fields, Field::PostalCode, country, p, |value, country| {
        PostalCode::parse_in(value, country, state.as_ref())
    });
    if let (Some(s), Some(z)) = (&state, &postal)
        && let Some(reason) = postal_code_outside_state(z, s, &country)
    {
        p.push(fields.invalid(Field::PostalCode, &reason));
        return (state, None);
    }
    (state, postal)
}

fn registration(
    fields: &Row<'_>,
    country: CountryCode,
    p: &mut Vec<Problem>,
) -> Option<RegistrationNumber> {
    let field = Field::RegistrationNumber;
    let value = fields.get(field);
    let typed = || quote(fields.typed.get(field));
    let Some(rule) = country.rules().registration() else {
        if !value.is_empty() {
            let message = format!(
                "{field} {} must be empty for {country}: only countries that require one take it",
                typed()
            );
            p.push(Problem::new(
                field,
                ProblemKind::RegistrationNotAllowed,
                message,
            ));
        }
        return None;
    };
    if fields.get(Field::PhoneNumber).is_empty() {
        let message = format!(
            "{} is required in {country}, where {field} is required",
            Field::PhoneNumber
        );
        p.push(Problem::new(
            Field::PhoneNumber,
            ProblemKind::PhoneMissing,
            message,
        ));
    }
    if value.is_empty() {
        let mut message = format!("{field} is required in {country}: {}", rule.number_name());
        if let Some(e) = rule.example() {
            message.push_str(&format!(", e.g. {e}"));
        }
        p.push(Problem::new(
            field,
            ProblemKind::RegistrationMissing,
            message,
        ));
        return None;
    }
    match RegistrationNumber::parse(value, &country) {
        Ok(n) => Some(n),
        Err(reason) => {
            let message = format!("{field} {} {reason}", typed());
            p.push(Problem::new(
                field,
                ProblemKind::RegistrationFormat,
                message,
            ));
            None
        }
    }
}

#[cfg(test)]
#[path = "customer_tests.rs"]
mod tests;
