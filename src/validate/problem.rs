//! One validation problem of a row: which column, what kind, and the message.

use std::fmt;

use super::field::Field;

/// What is wrong with a value. Each kind maps to the error code the sandbox
/// answers with ([`ProblemKind::api_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A required value is empty.
    Missing,
    /// A value is malformed or not allowed.
    Invalid,
    /// The country requires a registration number and none was given.
    RegistrationMissing,
    /// The registration number does not match the country's format.
    RegistrationFormat,
    /// A registration number was given for a country that does not take one.
    RegistrationNotAllowed,
    /// The country requires a registration number, hence a phone number too.
    PhoneMissing,
    /// The country code is well-formed but not a supported country.
    CountryUnsupported,
    /// The value repeats one of an earlier row of the same file.
    Duplicate,
}

impl ProblemKind {
    /// The error code Partner Center (6000xx) or the sandbox uses for this kind
    /// (`docs/partner-center.md`, "Errors").
    pub fn api_code(self) -> &'static str {
        match self {
            ProblemKind::Missing => "2001",
            ProblemKind::Invalid | ProblemKind::Duplicate => "27002",
            ProblemKind::RegistrationMissing => "600049",
            ProblemKind::RegistrationFormat => "600050",
            ProblemKind::RegistrationNotAllowed => "600002",
            ProblemKind::PhoneMissing => "600051",
            ProblemKind::CountryUnsupported => "20000",
        }
    }
}

/// One problem of one row. `Display` prints the message, which names the
/// column by its canonical name and quotes the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The column the problem is about.
    pub field: Field,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// Human-readable message, e.g. `email is required`.
    pub message: String,
}

impl Problem {
    /// A problem with an explicit message.
    pub fn new(field: Field, kind: ProblemKind, message: impl Into<String>) -> Self {
        Self {
            field,
            kind,
            message: message.into(),
        }
    }

    /// `<field> is required`.
    pub fn missing(field: Field) -> Self {
        Self::new(field, ProblemKind::Missing, format!("{field} is required"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// The messages of `problems` joined with `"; "` (the results file's `error`).
pub fn join_problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&p.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_codes_follow_the_error_table() {
        let cases = [
            (ProblemKind::Missing, "2001"),
            (ProblemKind::Invalid, "27002"),
            (ProblemKind::RegistrationMissing, "600049"),
            (ProblemKind::RegistrationFormat, "600050"),
            (ProblemKind::RegistrationNotAllowed, "600002"),
            (ProblemKind::PhoneMissing, "600051"),
            (ProblemKind::CountryUnsupported, "20000"),
            (ProblemKind::Duplicate, "27002"),
        ];
        for (kind, code) in cases {
            assert_eq!(kind.api_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn display_prints_the_message() {
        let p = Problem::missing(Field::Email);
        assert_eq!(p.to_string(), "email is required");
        assert_eq!(p.kind, ProblemKind::Missing);
    }

    #[test]
    fn join_problems_separates_messages_with_semicolons() {
        let ps = [
            Problem::missing(Field::Email),
            Problem::missing(Field::City),
        ];
        assert_eq!(join_problems(&ps), "email is required; city is required");
        assert_eq!(join_problems(&[]), "");
    }
}
