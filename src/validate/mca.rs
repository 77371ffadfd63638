//! The optional Microsoft Customer Agreement (MCA) columns: who accepted the
//! agreement for the customer, and when.
//!
//! A row asks for an attestation when any `mca_*` cell has a value. Then:
//!
//! - the contact is either all of `mca_first_name`, `mca_last_name`,
//!   `mca_email` (with `mca_phone` optional), or none of them: the billing
//!   contact (`first_name`, `last_name`, `email`, `phone_number`) accepted
//!   it. Giving only some of the three is an error: mixing one person's name
//!   with another's address would attest for someone who never accepted;
//! - `mca_phone`, when given, replaces the contact's phone number;
//! - `mca_date` is `YYYY-MM-DD` (sent as midnight UTC) or a full RFC 3339
//!   timestamp (`2026-11-25T09:30:00+01:00`, sent as written); empty means
//!   today (UTC); at most one day in the future (time zones).
//!
//! None of this is part of the create body, so MCA columns never change a
//! row's `MS-RequestId`.

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use regex::Regex;

use super::field::{CustomerFields, Field};
use super::text::{quote, too_long};
use super::{Email, PhoneNumber, Problem, ProblemKind};

/// Longest first or last name, in characters (as for the billing contact).
const MAX_NAME: usize = 50;

/// `2026-11-25T09:30:00Z`, `2026-11-25 09:30:00.5+01:00`.
static RFC3339: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?:[Zz]|[+-](\d{2}):(\d{2}))$",
    )
    .ok()
});

/// One row's attestation: the contact who accepted the MCA and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McaAttestation {
    /// Contact first name.
    pub(crate) first_name: String,
    /// Contact last name.
    pub(crate) last_name: String,
    /// Contact e-mail address.
    pub(crate) email: Email,
    /// Contact phone number, if known.
    pub(crate) phone_number: Option<PhoneNumber>,
    /// `dateAgreed` as sent: `YYYY-MM-DDT00:00:00Z` for a plain date, else
    /// the RFC 3339 text (the 2023 flow; in the enhanced one the customer
    /// accepts on Microsoft's page, which dates it).
    pub(crate) date_agreed: String,
    /// The row's `company_name` (trimmed): the enhanced attestation names
    /// the company.
    pub(crate) company_name: String,
    /// The row's `country`, upper-case: the agreement's country.
    pub(crate) country: String,
    /// The row's `language`, lower-case: the agreement's language.
    pub(crate) language: String,
}

/// Whether the row has a value in any `mca_*` column (it asks for an attestation).
pub(crate) fn has_mca_values(fields: &CustomerFields<'_>) -> bool {
    Field::MCA.iter().any(|f| !fields.get(*f).is_empty())
}

/// Check the row's MCA columns: `Ok(None)` when they are all empty, the
/// attestation when they are valid, else every problem (see the module
/// documentation for the rules). "Today" is the current UTC date.
pub(crate) fn check_mca(
    fields: &CustomerFields<'_>,
) -> Result<Option<McaAttestation>, Vec<Problem>> {
    if !has_mca_values(fields) {
        return Ok(None);
    }
    check_mca_on(fields, &utc_date(SystemTime::now()))
}

/// [`check_mca`] with "today" given as `YYYY-MM-DD` (UTC).
pub(crate) fn check_mca_on(
    fields: &CustomerFields<'_>,
    today: &str,
) -> Result<Option<McaAttestation>, Vec<Problem>> {
    check_mca_inner(fields, today, false)
}

/// For the row check, which reports the billing contact's own problems:
/// an unusable billing contact adds no MCA problem of its own (the `Err`
/// may then be empty; the row is invalid anyway).
pub(super) fn check_mca_in_row(
    fields: &CustomerFields<'_>,
) -> Result<Option<McaAttestation>, Vec<Problem>> {
    if !has_mca_values(fields) {
        return Ok(None);
    }
    check_mca_inner(fields, &utc_date(SystemTime::now()), true)
}

/// The checks behind [`check_mca_on`] and [`check_mca_in_row`]; with
/// `billing_checked`, an incomplete billing contact is left to the row check.
fn check_mca_inner(
    fields: &CustomerFields<'_>,
    today: &str,
    billing_checked: bool,
) -> Result<Option<McaAttestation>, Vec<Problem>> {
    if !has_mca_values(fields) {
        return Ok(None);
    }
    let mut problems = Vec::new();
    let contact = mca_contact(fields, &mut problems);
    let (first, last) = (contact.first, contact.last);
    // The billing contact's own columns are reported by the row check; only
    // the explicit MCA columns are reported here.
    let report = contact.explicit;
    for (field, value) in [(Field::McaFirstName, first), (Field::McaLastName, last)] {
        if let Some(n) = too_long(value, MAX_NAME)
            && report
        {
            problems.push(invalid(
                field,
                value,
                &format!("is too long: {n} characters, at most {MAX_NAME}"),
            ));
        }
    }
    let email = match Email::parse(contact.email) {
        Ok(e) => Some(e),
        Err(reason) => {
            if report && !contact.email.is_empty() {
                problems.push(invalid(Field::McaEmail, contact.email, &reason));
            }
            None
        }
    };
    let phone_number = mca_phone(fields, contact.phone, &mut problems);
    let date_agreed = match parse_date(fields.get(Field::McaDate), today) {
        Ok(d) => Some(d),
        Err(reason) => {
            problems.push(invalid(Field::McaDate, fields.get(Field::McaDate), &reason));
            None
        }
    };
    let complete = !first.is_empty() && !last.is_empty();
    match (email, date_agreed) {
        (Some(email), Some(date_agreed)) if problems.is_empty() && complete => {
            Ok(Some(McaAttestation {
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                email,
                phone_number,
                date_agreed,
                company_name: fields.get(Field::CompanyName).trim().to_owned(),
                country: fields.get(Field::Country).trim().to_uppercase(),
                language: fields.get(Field::Language).trim().to_lowercase(),
            }))
        }
        _ => {
            if problems.is_empty() && !billing_checked {
                // Only the billing contact is incomplete: say so, once.
                problems.push(Problem::new(
                    Field::McaFirstName,
                    ProblemKind::Missing,
                    "the MCA contact is incomplete: fill mca_first_name, mca_last_name and mca_email, or first_name, last_name and a valid email",
                ));
            }
            Err(problems)
        }
    }
}

/// Who accepted the MCA, as written in the row.
struct McaContact<'a> {
    first: &'a str,
    last: &'a str,
    email: &'a str,
    /// The billing contact's phone (empty for an explicit contact).
    phone: &'a str,
    /// Whether the explicit `mca_*` columns name the contact.
    explicit: bool,
}

/// The MCA contact: the explicit `mca_first_name`, `mca_last_name` and
/// `mca_email` when any of them is given (a problem for each of the three
/// left empty), else the billing contact.
fn mca_contact<'a>(fields: &CustomerFields<'a>, problems: &mut Vec<Problem>) -> McaContact<'a> {
    let explicit = [Field::McaFirstName, Field::McaLastName, Field::McaEmail];
    let given: Vec<Field> = explicit
        .into_iter()
        .filter(|f| !fields.get(*f).is_empty())
        .collect();
    if given.is_empty() {
        return McaContact {
            first: fields.get(Field::FirstName),
            last: fields.get(Field::LastName),
            email: fields.get(Field::Email),
            phone: fields.get(Field::PhoneNumber),
            explicit: false,
        };
    }
    for missing in explicit.into_iter().filter(|f| !given.contains(f)) {
        let named: Vec<&str> = given.iter().map(|f| f.name()).collect();
        let verb = if named.len() > 1 { "are" } else { "is" };
        problems.push(Problem::new(
            missing,
            ProblemKind::Missing,
            format!(
                "{missing} is required when {} {verb} given (leave mca_first_name, mca_last_name and mca_email all empty to attest with the billing contact)",
                named.join(" and ")
            ),
        ));
    }
    McaContact {
        first: fields.get(Field::McaFirstName),
        last: fields.get(Field::McaLastName),
        email: fields.get(Field::McaEmail),
        phone: "",
        explicit: true,
    }
}

/// The phone number to attest with: `mca_phone` when given (a problem when
/// it is not a phone number), else the contact's `fallback` (dropped when
/// unusable: the row check reports the billing contact's phone).
fn mca_phone(
    fields: &CustomerFields<'_>,
    fallback: &str,
    problems: &mut Vec<Problem>,
) -> Option<PhoneNumber> {
    let explicit_phone = fields.get(Field::McaPhone);
    let phone_text = if explicit_phone.is_empty() {
        fallback
    } else {
        explicit_phone
    };
    if phone_text.is_empty() {
        return None;
    }
    match PhoneNumber::parse(phone_text) {
        Ok(p) => Some(p),
        Err(reason) => {
            if !explicit_phone.is_empty() {
                problems.push(invalid(Field::McaPhone, phone_text, &reason));
            }
            None
        }
    }
}

fn invalid(field: Field, value: &str, reason: &str) -> Problem {
    Problem::new(
        field,
        ProblemKind::Invalid,
        format!("{field} {} {reason}", quote(value)),
    )
}

/// `dateAgreed` for an `mca_date` cell: empty → today, `YYYY-MM-DD` →
/// midnight UTC, RFC 3339 → as written. Not more than a day after `today`.
fn parse_date(value: &str, today: &str) -> Result<String, String> {
    let value = value.trim();
    let (date, sent) = if value.is_empty() {
        (today.to_owned(), format!("{today}T00:00:00Z"))
    } else if value.len() == 10 {
        check_date(value)?;
        (value.to_owned(), format!("{value}T00:00:00Z"))
    } else {
        let Some(caps) = RFC3339.as_ref().and_then(|re| re.captures(value)) else {
            return Err(
                "is not a date: use YYYY-MM-DD or an RFC 3339 timestamp such as 2026-11-25T09:30:00Z"
                    .to_owned(),
            );
        };
        let date = &caps[1];
        check_date(date)?;
        if humantime::parse_rfc3339(&format!("{date}T{}Z", &caps[2])).is_err() {
            return Err("has an impossible time of day".to_owned());
        }
        if let (Some(h), Some(m)) = (caps.get(3), caps.get(4))
            && (h.as_str() > "23" || m.as_str() > "59")
        {
            return Err("has an impossible UTC offset".to_owned());
        }
        (date.to_owned(), value.to_owned())
    };
    let tomorrow = next_day(today);
    if date.as_str() > tomorrow.as_str() {
        return Err(format!(
            "is in the future (today is {today}): the date the customer accepted the agreement"
        ));
    }
    Ok(sent)
}

/// `YYYY-MM-DD` naming a real day.
fn check_date(date: &str) -> Result<(), String> {
    let shaped = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(
            "is not a date: use YYYY-MM-DD or an RFC 3339 timestamp such as 2026-11-25T09:30:00Z"
                .to_owned(),
        );
    }
    humantime::parse_rfc3339(&format!("{date}T00:00:00Z"))
        .map(|_| ())
        .map_err(|_| "is not a calendar date".to_owned())
}

/// The UTC date of `time` as `YYYY-MM-DD`.
pub(crate) fn utc_date(time: SystemTime) -> String {
    let mut text = humantime::format_rfc3339_seconds(time).to_string();
    text.truncate(10);
    text
}

/// The day after `date` (`YYYY-MM-DD`); `date` itself if it cannot be read.
fn next_day(date: &str) -> String {
    match humantime::parse_rfc3339(&format!("{date}T00:00:00Z")) {
        Ok(t) => utc_date(t + Duration::from_secs(86_400)),
        Err(_) => date.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    const TODAY: &str = "2026-03-10";

    fn billing() -> CustomerFields<'static> {
        CustomerFields::new()
            .with(Field::FirstName, "Ann")
            .with(Field::LastName, "Lee")
            .with(Field::Email, "ann@contoso.example")
            .with(Field::PhoneNumber, "+1 425 555 0100")
    }

    fn problems_of(fields: &CustomerFields<'_>) -> Vec<Problem> {
        check_mca_on(fields, TODAY).unwrap_err()
    }

    #[test]
    fn no_mca_values_means_no_attestation() {
        assert_eq!(check_mca_on(&billing(), TODAY), Ok(None));
        assert!(!has_mca_values(&billing()));
        assert_eq!(check_mca(&billing()), Ok(None));
    }

    #[test]
    fn a_date_alone_attests_with_the_billing_contact() {
        let f = billing().with(Field::McaDate, "2026-03-01");
        let mca = check_mca_on(&f, TODAY).unwrap().unwrap();
        assert_eq!(mca.first_name, "Ann");
        assert_eq!(mca.email.as_str(), "ann@contoso.example");
        assert_eq!(mca.phone_number.unwrap().as_str(), "+1 425 555 0100");
        assert_eq!(mca.date_agreed, "2026-03-01T00:00:00Z");
    }

    #[test]
    fn an_empty_date_is_today() {
        let f = billing().with(Field::McaPhone, "+1 425 555 0199");
        let mca = check_mca_on(&f, TODAY).unwrap().unwrap();
        assert_eq!(mca.date_agreed, "2026-03-10T00:00:00Z");
        assert_eq!(mca.phone_number.unwrap().as_str(), "+1 425 555 0199");
    }

    #[test]
    fn an_explicit_contact_needs_all_three_and_keeps_its_own_phone() {
        let f = billing()
            .with(Field::McaFirstName, "Bo")
            .with(Field::McaLastName, "Chen")
            .with(Field::McaEmail, "bo@contoso.example");
        let mca = check_mca_on(&f, TODAY).unwrap().unwrap();
        assert_eq!(
            (mca.first_name.as_str(), mca.last_name.as_str()),
            ("Bo", "Chen")
        );
        assert_eq!(
            mca.phone_number, None,
            "the billing phone is someone else's"
        );

        let partial = billing().with(Field::McaEmail, "bo@contoso.example");
        let problems = problems_of(&partial);
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::McaFirstName, Field::McaLastName]);
        assert!(problems[0].message.contains("when mca_email is given"));
    }

    #[test]
    fn bad_values_are_reported_against_their_columns() {
        let long = "x".repeat(51);
        let f = billing()
            .with(Field::McaFirstName, "Bo")
            .with(Field::McaLastName, &long)
            .with(Field::McaEmail, "bo at contoso")
            .with(Field::McaPhone, "call me")
            .with(Field::McaDate, "25/11/2026");
        let problems = problems_of(&f);
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::McaLastName,
                Field::McaEmail,
                Field::McaPhone,
                Field::McaDate
            ]
        );
        assert!(problems[3].message.starts_with("mca_date \"25/11/2026\""));
    }

    #[test]
    fn dates_are_plain_or_rfc3339_and_real() {
        let date = |v: &str| parse_date(v, TODAY);
        assert_eq!(date("2026-02-28").unwrap(), "2026-02-28T00:00:00Z");
        assert_eq!(
            date("2026-03-01T09:30:00+01:00").unwrap(),
            "2026-03-01T09:30:00+01:00"
        );
        assert_eq!(
            date("2024-02-29T00:00:00.000Z").unwrap(),
            "2024-02-29T00:00:00.000Z"
        );
        assert!(date("2026-02-29").is_err(), "not a leap year");
        assert!(date("2026-13-01").is_err());
        assert!(date("2026-03-01T25:00:00Z").is_err());
        assert!(date("2026-03-01T10:00:00+24:00").is_err());
        assert!(date("2026-03-01T10:00").is_err());
        assert!(date("tomorrow").is_err());
        // One day ahead is tolerated (time zones), two are not.
        assert!(date("2026-03-11").is_ok());
        let future = date("2026-03-12").unwrap_err();
        assert!(future.contains("in the future"), "{future}");
        assert_eq!(next_day("2026-12-31"), "2027-01-01");
    }

    #[test]
    fn an_invalid_billing_contact_is_an_incomplete_mca_contact() {
        let f = CustomerFields::new().with(Field::McaDate, "2026-03-01");
        let problems = problems_of(&f);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("incomplete"));
    }

    #[test]
    fn utc_date_formats_the_day() {
        let t = humantime::parse_rfc3339("2026-11-25T23:59:59Z").unwrap();
        assert_eq!(utc_date(t), "2026-11-25");
    }
}
