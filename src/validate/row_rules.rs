//! The row check's rules that look at several columns the same way:
//! control characters in every value sent, and Partner Center's rules for
//! names and e-mail addresses (`docs/partner-center.md`, "Names and
//! e-mails"), each problem quoting the value as typed.

use super::context::CheckContext;
use super::control::control_problem;
use super::field::{CustomerFields, Field};
use super::names::{self, Refusal};
use super::text::quote;
use super::{CountryCode, Problem, ProblemKind};

/// A problem for each value (every column but `external_id`, which is not
/// sent) with a control character inside.
pub(super) fn control_characters(typed: &CustomerFields<'_>, p: &mut Vec<Problem>) {
    for field in Field::ALL {
        if field != Field::ExternalId
            && let Some(problem) = control_problem(field, typed.get(field))
        {
            p.push(problem);
        }
    }
}

/// A rule's refusal of `field`'s value, quoted as typed.
fn refused(typed: &CustomerFields<'_>, field: Field, refusal: Refusal) -> Problem {
    let message = format!("{field} {} {}", quote(typed.get(field)), refusal.reason);
    Problem::new(field, refusal.kind, message).with_hint(refusal.hint)
}

/// Partner Center's rules for names and e-mail addresses, on the values
/// as sent (`value`), quoting them as typed: the problems go to `p`, the
/// warnings are returned.
pub(super) fn name_and_email_rules(
    typed: &CustomerFields<'_>,
    value: &CustomerFields<'_>,
    context: &CheckContext,
    p: &mut Vec<Problem>,
) -> Vec<Problem> {
    let company = value.get(Field::CompanyName);
    if company.is_empty() && typed.was_blank(Field::CompanyName) {
        // Reported instead of the plain "is required".
        p.retain(|x| !(x.field == Field::CompanyName && x.kind == ProblemKind::Missing));
        let refusal = names::blank_company_name();
        let message = format!("{} {}", Field::CompanyName, refusal.reason);
        p.push(Problem::new(Field::CompanyName, refusal.kind, message).with_hint(refusal.hint));
    } else if let Some(refusal) = names::company_name(company) {
        p.push(refused(typed, Field::CompanyName, refusal));
    }
    for field in [
        Field::FirstName,
        Field::LastName,
        Field::McaFirstName,
        Field::McaLastName,
    ] {
        if let Some(refusal) = names::contact_name(value.get(field)) {
            p.push(refused(typed, field, refusal));
        }
    }
    for field in [Field::Email, Field::McaEmail] {
        if let Some(refusal) = names::email(value.get(field), context) {
            p.push(refused(typed, field, refusal));
        }
    }
    let is_country = |code: &str| CountryCode::parse(code).is_ok();
    match names::domain_in_name(company, is_country) {
        Some(warning) => vec![refused(typed, Field::CompanyName, warning)],
        None => Vec::new(),
    }
}
