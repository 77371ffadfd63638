//! One problem of a row, as a typed value: which column ([`Field`]), what
//! kind ([`ProblemKind`], which gives the error code), the message, and a
//! hint saying what to do. Problems travel as these values from validation
//! to the results file (`error`, `error_code`), `validate --json`, the
//! results workbook's cell notes and summary sheet, and the run summary;
//! nothing parses a message back.
//!
//! Adding a kind: a variant of [`ProblemKind`] and its row in
//! [`ProblemKind::spec`] (its stable name and its code). A problem's hint is
//! its own ([`Problem::with_hint`]): the rule that finds the problem knows
//! what to type.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::field::Field;

/// What is wrong with a value. Each kind has a stable name (`--json`, the
/// problems file of a results workbook) and the error code Partner Center or
/// the sandbox answers with ([`ProblemKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ProblemKind {
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
    /// The row needs App+User credentials (an indirect reseller's customer,
    /// an MCA attestation) and the run has app-only ones: a problem of the
    /// run's sign-in, not of the row's values.
    NeedsAppUser,
    /// A company or contact name of one character.
    SingleCharacter,
    /// A company name of special characters only (`&$^#`).
    OnlySpecialCharacters,
    /// A company name of spaces or tabs only.
    OnlySpaces,
    /// A company name of single characters separated by spaces (`1 2 3`).
    SpacedCharacters,
    /// A company name that is a legal form alone (`LLC`, `Inc.`).
    LegalFormOnly,
    /// A company name of one character repeated (`999`).
    RepeatedCharacter,
    /// An `@microsoft.com` e-mail address.
    MicrosoftEmail,
    /// An e-mail address on the partner's own domain.
    PartnerEmail,
    /// A warning, not a refusal: a company name with a domain extension
    /// (`Contoso.com`), which Partner Center discourages.
    DomainInName,
    /// A control character (NUL, ESC, a line break…) inside a value.
    ControlCharacter,
    /// The domain belongs to a Microsoft tenant that is not a customer of
    /// this partner (found online): the customer may own it (then the
    /// reseller relationship invitation, `customer_link`), or another
    /// domain prefix is needed.
    DomainTaken,
}

/// One row of the kinds' table.
struct KindSpec {
    /// Stable snake_case name.
    name: &'static str,
    /// The error code (`docs/partner-center.md`, "Errors").
    code: &'static str,
    /// A warning: shown, but the row stays valid.
    warning: bool,
}

impl ProblemKind {
    /// Every kind, in declaration order.
    pub(crate) const ALL: [ProblemKind; 20] = [
        ProblemKind::Missing,
        ProblemKind::Invalid,
        ProblemKind::RegistrationMissing,
        ProblemKind::RegistrationFormat,
        ProblemKind::RegistrationNotAllowed,
        ProblemKind::PhoneMissing,
        ProblemKind::CountryUnsupported,
        ProblemKind::Duplicate,
        ProblemKind::NeedsAppUser,
        ProblemKind::SingleCharacter,
        ProblemKind::OnlySpecialCharacters,
        ProblemKind::OnlySpaces,
        ProblemKind::SpacedCharacters,
        ProblemKind::LegalFormOnly,
        ProblemKind::RepeatedCharacter,
        ProblemKind::MicrosoftEmail,
        ProblemKind::PartnerEmail,
        ProblemKind::DomainInName,
        ProblemKind::ControlCharacter,
        ProblemKind::DomainTaken,
    ];

    /// The one table of kinds: name, code and whether it is a warning.
    /// Codes of 27010 and up are the sandbox's own: Microsoft publishes no
    /// code for the name and e-mail rules (`docs/partner-center.md`, "Errors").
    const fn spec(self) -> KindSpec {
        let (name, code) = match self {
            ProblemKind::Missing => ("missing", "2001"),
            ProblemKind::Invalid => ("invalid", "27002"),
            ProblemKind::RegistrationMissing => ("registration_missing", "600049"),
            ProblemKind::RegistrationFormat => ("registration_format", "600050"),
            ProblemKind::RegistrationNotAllowed => ("registration_not_allowed", "600002"),
            ProblemKind::PhoneMissing => ("phone_missing", "600051"),
            ProblemKind::CountryUnsupported => ("country_unsupported", "20000"),
            ProblemKind::Duplicate => ("duplicate", "27002"),
            ProblemKind::NeedsAppUser => ("needs_app_user", "600006"),
            ProblemKind::SingleCharacter => ("single_character", "27010"),
            ProblemKind::OnlySpecialCharacters => ("only_special_characters", "27011"),
            ProblemKind::OnlySpaces => ("only_spaces", "27012"),
            ProblemKind::SpacedCharacters => ("spaced_characters", "27013"),
            ProblemKind::LegalFormOnly => ("legal_form_only", "27014"),
            ProblemKind::RepeatedCharacter => ("repeated_character", "27015"),
            ProblemKind::MicrosoftEmail => ("microsoft_email", "27016"),
            ProblemKind::PartnerEmail => ("partner_email", "27017"),
            ProblemKind::DomainInName => ("domain_in_name", "27018"),
            ProblemKind::ControlCharacter => ("control_character", "27019"),
            ProblemKind::DomainTaken => ("domain_taken", "409"),
        };
        let warning = matches!(self, ProblemKind::DomainInName);
        KindSpec {
            name,
            code,
            warning,
        }
    }

    /// Whether problems of this kind are warnings: shown (`--json`, the
    /// workbook's notes, `validate`'s listing) but the row stays valid and
    /// is sent.
    pub(crate) const fn is_warning(self) -> bool {
        self.spec().warning
    }

    /// The error code Partner Center (6000xx) or the sandbox uses for this
    /// kind (`docs/partner-center.md`, "Errors"): a row's `error_code`.
    pub(crate) const fn code(self) -> &'static str {
        self.spec().code
    }

    /// The kind's stable name, e.g. `registration_format`.
    pub(crate) const fn name(self) -> &'static str {
        self.spec().name
    }

    /// The kind named `name` ([`ProblemKind::name`]).
    pub(crate) fn from_name(name: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem of one row. `Display` prints the message, which names the
/// column by its canonical name and quotes the offending value.
///
/// Serialized (`--json`, the problems file of a results workbook) as
/// `{"column", "kind", "code", "message", "hint"}`; `hint` only when there
/// is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireProblem", try_from = "WireProblem")]
pub struct Problem {
    /// The column the problem is about.
    pub field: Field,
    /// What kind of problem it is (its code: [`Problem::code`]).
    pub(crate) kind: ProblemKind,
    /// Human-readable message, e.g. `email is required`: what the results
    /// file's `error` lists.
    pub message: String,
    /// What to do about it, when the rule knows more than the message says
    /// (shown in `--json` and the workbook's cell note, not in `error`).
    pub(crate) hint: Option<Cow<'static, str>>,
}

impl Problem {
    /// A problem with an explicit message and no hint.
    pub(crate) fn new(field: Field, kind: ProblemKind, message: impl Into<String>) -> Self {
        Self {
            field,
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// `<field> is required`.
    pub(crate) fn missing(field: Field) -> Self {
        Self::new(field, ProblemKind::Missing, format!("{field} is required"))
    }

    /// The same problem with a hint.
    #[must_use]
    pub(crate) fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The error code of its kind.
    pub(crate) fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Whether it is a warning (the row stays valid): [`ProblemKind::is_warning`].
    pub(crate) fn is_warning(&self) -> bool {
        self.kind.is_warning()
    }

    /// The message, and the hint on a line of its own (a cell note).
    pub(crate) fn note(&self) -> Cow<'_, str> {
        match &self.hint {
            Some(hint) => Cow::Owned(format!("{}\n{hint}", self.message)),
            None => Cow::Borrowed(&self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// A problem as JSON. Read tolerantly: a kind this version does not know
/// (a file written by a newer one) reads as `invalid`; the code written
/// beside it is for people and scripts, the kind decides it when read.
#[derive(Clone, Serialize, Deserialize)]
struct WireProblem {
    column: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    /// `true` for a warning (the kind decides it when read back).
    #[serde(default, skip_serializing_if = "is_false")]
    warning: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl From<Problem> for WireProblem {
    fn from(p: Problem) -> Self {
        WireProblem {
            column: p.field.name().to_owned(),
            kind: p.kind.name().to_owned(),
            code: p.kind.code().to_owned(),
            warning: p.kind.is_warning(),
            message: p.message,
            hint: p.hint.map(Cow::into_owned),
        }
    }
}

impl TryFrom<WireProblem> for Problem {
    type Error = String;

    fn try_from(w: WireProblem) -> Result<Self, Self::Error> {
        let field = Field::ALL
            .into_iter()
            .find(|f| f.name() == w.column)
            .ok_or_else(|| format!("unknown column `{}`", w.column))?;
        Ok(Problem {
            field,
            kind: ProblemKind::from_name(&w.kind).unwrap_or(ProblemKind::Invalid),
            message: w.message,
            hint: w.hint.map(Cow::Owned),
        })
    }
}

/// The messages of `problems` joined with `"; "` (the results file's `error`).
pub(crate) fn join_problems(problems: &[Problem]) -> String {
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
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_error_table() {
        let cases = [
            (ProblemKind::Missing, "2001"),
            (ProblemKind::Invalid, "27002"),
            (ProblemKind::RegistrationMissing, "600049"),
            (ProblemKind::RegistrationFormat, "600050"),
            (ProblemKind::RegistrationNotAllowed, "600002"),
            (ProblemKind::PhoneMissing, "600051"),
            (ProblemKind::CountryUnsupported, "20000"),
            (ProblemKind::Duplicate, "27002"),
            (ProblemKind::NeedsAppUser, "600006"),
            (ProblemKind::SingleCharacter, "27010"),
            (ProblemKind::OnlySpecialCharacters, "27011"),
            (ProblemKind::OnlySpaces, "27012"),
            (ProblemKind::SpacedCharacters, "27013"),
            (ProblemKind::LegalFormOnly, "27014"),
            (ProblemKind::RepeatedCharacter, "27015"),
            (ProblemKind::MicrosoftEmail, "27016"),
            (ProblemKind::PartnerEmail, "27017"),
            (ProblemKind::DomainInName, "27018"),
            (ProblemKind::ControlCharacter, "27019"),
            (ProblemKind::DomainTaken, "409"),
        ];
        assert_eq!(cases.len(), ProblemKind::ALL.len());
        for (kind, code) in cases {
            assert_eq!(kind.code(), code, "{kind:?}");
        }
    }

    #[test]
    fn every_kind_has_its_own_name_and_reads_back_from_it() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_name(kind.name()), Some(kind));
            let same = ProblemKind::ALL.iter().filter(|k| k.name() == kind.name());
            assert_eq!(same.count(), 1, "{kind:?}");
        }
        assert_eq!(ProblemKind::from_name("bogus"), None);
    }

    #[test]
    fn display_prints_the_message() {
        let p = Problem::missing(Field::Email);
        assert_eq!(p.to_string(), "email is required");
        assert_eq!(p.kind, ProblemKind::Missing);
        assert_eq!(p.code(), "2001");
        assert_eq!(p.note(), "email is required");
    }

    #[test]
    fn a_hint_goes_to_the_note_and_json_but_not_the_message() {
        let p = Problem::new(
            Field::PostalCode,
            ProblemKind::Invalid,
            "postal_code \"2134\" is short",
        )
        .with_hint("type 02134: Excel dropped the leading zero");
        assert_eq!(p.to_string(), "postal_code \"2134\" is short");
        assert_eq!(join_problems(std::slice::from_ref(&p)), p.message);
        assert_eq!(
            p.note(),
            "postal_code \"2134\" is short\ntype 02134: Excel dropped the leading zero"
        );
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"column": "postal_code", "kind": "invalid", "code": "27002",
                "message": "postal_code \"2134\" is short",
                "hint": "type 02134: Excel dropped the leading zero"})
        );
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn json_without_a_hint_has_no_hint_and_unknown_kinds_read_as_invalid() {
        let p = Problem::missing(Field::City);
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(
            text,
            r#"{"column":"city","kind":"missing","code":"2001","message":"city is required"}"#
        );
        let newer = r#"{"column":"city","kind":"from_the_future","code":"1","message":"m"}"#;
        let read: Problem = serde_json::from_str(newer).unwrap();
        assert_eq!((read.field, read.kind), (Field::City, ProblemKind::Invalid));
        let unknown = r#"{"column":"shoe_size","kind":"missing","message":"m"}"#;
        assert!(serde_json::from_str::<Problem>(unknown).is_err());
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
