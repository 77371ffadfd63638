//! What the template says about each column: whether it is required, its
//! rule (the header cell's note), the example row's value, and the closed
//! lists of values offered as a drop-down. Every column of
//! [`Field::ALL`], in that order: a field added there must be described
//! here (the matches are exhaustive), and nowhere else.

use std::sync::OnceLock;

use crate::validate::{CountryRules, Field};

/// Whether a column must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// In every row (the file must have the column).
    Always,
    /// In the countries whose rules ask for it.
    PerCountry,
    /// Never.
    Optional,
}

impl Need {
    /// How the template's note and instructions say it.
    pub(super) fn words(self) -> &'static str {
        match self {
            Need::Always => "Required in every row.",
            Need::PerCountry => "Required in some countries (see the rule).",
            Need::Optional => "Optional.",
        }
    }
}

/// Whether `field` must be filled.
pub(super) fn need(field: Field) -> Need {
    if field.column_required() {
        return Need::Always;
    }
    match field {
        Field::PhoneNumber
        | Field::City
        | Field::State
        | Field::PostalCode
        | Field::RegistrationNumber => Need::PerCountry,
        _ => Need::Optional,
    }
}

/// The rule of `field`, as the header cell's note gives it (README.md,
/// "Input").
pub(super) fn rule(field: Field) -> &'static str {
    match field {
        Field::ExternalId => "Your own key for the row (CRM id); unique in the file.",
        Field::CompanyName => "The customer's registered company name, 1 to 255 characters.",
        Field::Domain => {
            "The new tenant's domain prefix: contoso (letters and digits, at most 27) or \
             contoso.onmicrosoft.com; unique in the file."
        }
        Field::Email => "The billing contact's e-mail address.",
        Field::Culture => {
            "language-REGION, e.g. en-US, de-DE, fr-CA: pick one from the list or type another."
        }
        Field::Language => "ISO 639-1, two letters, e.g. en, de, fr, ja.",
        Field::FirstName => "The billing contact's first name, 1 to 50 characters.",
        Field::LastName => "The billing contact's last name, 1 to 50 characters.",
        Field::PhoneNumber => {
            "The billing contact's phone number, e.g. +1 425 555 0100; required where a \
             registration number is."
        }
        Field::AddressLine1 => "Street and number, 1 to 200 characters.",
        Field::AddressLine2 | Field::AddressLine3 => "More of the address, at most 200 characters.",
        Field::City => "The city; required in most countries.",
        Field::State => {
            "State, province or region where the country has them: its code or name, e.g. WA \
             or Washington, QC, 13 or Tokyo."
        }
        Field::PostalCode => {
            "In the country's format, e.g. 98052, SW1A 1AA, 10115; keep leading zeros (02134): \
             the cell is Text."
        }
        Field::Country => "ISO 3166-1 alpha-2 code, e.g. US, GB, DE (GB, not UK).",
        Field::RegistrationNumber => {
            "The company registration number (INN, CNPJ, ...): required in AM, AZ, BY, HU, KZ, \
             KG, MD, RU, TJ, UZ, UA, BR, IN, ZA, PL, AE, SA, TR, TH, VN, MM, IQ, SS, VE; leave \
             it empty elsewhere."
        }
        Field::AssociatedPartnerId => {
            "An indirect reseller's partner tenant ID (a GUID), when you create the customer \
             for that reseller (needs App+User sign-in)."
        }
        Field::McaFirstName | Field::McaLastName | Field::McaEmail => {
            "Who accepted the Microsoft Customer Agreement: fill mca_first_name, mca_last_name \
             and mca_email, or none of them (the billing contact is used). Any mca_ value asks \
             for an MCA attestation (needs App+User sign-in)."
        }
        Field::McaPhone => "The MCA contact's phone number (else phone_number).",
        Field::McaDate => {
            "When the customer accepted the MCA: 2026-01-15, or with a time and offset \
             (2026-01-15T09:30:00+01:00); empty: today; not in the future."
        }
        Field::DefaultGdap => {
            "Whether Partner Center gives you a Default GDAP relationship with this customer \
             (eleven Entra roles in its tenant): on or off (also yes/no, true/false, 1/0); \
             empty: the run's --default-gdap (on unless set)."
        }
    }
}

/// The example row's value of `field` (empty: left empty). The row passes
/// `validate`; `run` does not send it (`super::is_example`).
pub(crate) fn example(field: Field) -> &'static str {
    match field {
        Field::ExternalId => super::EXAMPLE_ID,
        Field::CompanyName => "Contoso Example Ltd",
        Field::Domain => super::EXAMPLE_DOMAIN,
        Field::Email => "billing@contosoexample.example",
        Field::Culture => "en-US",
        Field::Language => "en",
        Field::FirstName => "Ann",
        Field::LastName => "Lee",
        Field::PhoneNumber => "+1 425 555 0100",
        Field::AddressLine1 => "1 Main St",
        Field::AddressLine2 => "Suite 200",
        Field::City => "Redmond",
        Field::State => "WA",
        Field::PostalCode => "98052",
        Field::Country => "US",
        Field::AddressLine3
        | Field::RegistrationNumber
        | Field::AssociatedPartnerId
        | Field::McaFirstName
        | Field::McaLastName
        | Field::McaEmail
        | Field::McaPhone
        | Field::McaDate
        | Field::DefaultGdap => "",
    }
}

/// Where a closed list's values come from.
type Values = fn() -> Vec<String>;

/// The fields whose values come from a closed list, each with its list:
/// one line per field. `strict`: a value not on the list is refused by
/// `validate` (Excel warns); otherwise the list only suggests.
const CLOSED: &[(Field, Values, bool)] = &[
    (Field::Country, countries, true),
    (Field::Language, languages, true),
    (Field::Culture, cultures, false),
    (Field::DefaultGdap, on_off, false),
];

/// A closed list of values for one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueList {
    /// The column's field.
    pub(crate) field: Field,
    /// The values, in the order offered.
    pub(crate) values: Vec<String>,
    /// Whether a value off the list is refused (else it is a suggestion).
    pub(crate) strict: bool,
}

/// Every closed list, in the order of the table `CLOSED`.
pub(crate) fn value_lists() -> &'static [ValueList] {
    static LISTS: OnceLock<Vec<ValueList>> = OnceLock::new();
    LISTS.get_or_init(|| {
        CLOSED
            .iter()
            .map(|(field, values, strict)| ValueList {
                field: *field,
                values: values(),
                strict: *strict,
            })
            .collect()
    })
}

/// The countries of the country data (what `validate` accepts).
fn countries() -> Vec<String> {
    CountryRules::all().map(|c| c.code().to_owned()).collect()
}

/// Every ISO 639-1 language code (what `validate` accepts).
fn languages() -> Vec<String> {
    let letters = b'a'..=b'z';
    letters
        .clone()
        .flat_map(|a| letters.clone().map(move |b| [a, b]))
        .filter_map(|code| String::from_utf8(code.to_vec()).ok())
        .filter(|code| isolang::Language::from_639_1(code).is_some())
        .collect()
}

/// `default_gdap`'s words (`yes`, `true`, `1` ... are read too).
fn on_off() -> Vec<String> {
    vec!["on".to_owned(), "off".to_owned()]
}

/// Cultures in common use, suggested (`validate` takes any ISO 639-1
/// language with an ISO 3166-1 region, e.g. `sr-Latn-RS`).
fn cultures() -> Vec<String> {
    const COMMON: &[&str] = &[
        "ar-AE",
        "ar-EG",
        "ar-SA",
        "az-Latn-AZ",
        "be-BY",
        "bg-BG",
        "ca-ES",
        "cs-CZ",
        "da-DK",
        "de-AT",
        "de-CH",
        "de-DE",
        "de-LU",
        "el-GR",
        "en-AU",
        "en-CA",
        "en-GB",
        "en-IE",
        "en-IN",
        "en-NZ",
        "en-SG",
        "en-US",
        "en-ZA",
        "es-AR",
        "es-CL",
        "es-CO",
        "es-ES",
        "es-MX",
        "es-PE",
        "es-US",
        "et-EE",
        "fi-FI",
        "fr-BE",
        "fr-CA",
        "fr-CH",
        "fr-FR",
        "fr-LU",
        "he-IL",
        "hi-IN",
        "hr-HR",
        "hu-HU",
        "hy-AM",
        "id-ID",
        "it-CH",
        "it-IT",
        "ja-JP",
        "ka-GE",
        "kk-KZ",
        "ko-KR",
        "lt-LT",
        "lv-LV",
        "ms-MY",
        "nb-NO",
        "nl-BE",
        "nl-NL",
        "pl-PL",
        "pt-BR",
        "pt-PT",
        "ro-MD",
        "ro-RO",
        "ru-RU",
        "sk-SK",
        "sl-SI",
        "sr-Latn-RS",
        "sv-FI",
        "sv-SE",
        "th-TH",
        "tr-TR",
        "uk-UA",
        "uz-Latn-UZ",
        "vi-VN",
        "zh-CN",
        "zh-HK",
        "zh-TW",
    ];
    COMMON.iter().map(|c| (*c).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Culture, LanguageCode};

    #[test]
    fn every_value_offered_is_one_validate_accepts() {
        for list in value_lists() {
            assert!(!list.values.is_empty(), "{}", list.field);
            for value in &list.values {
                let accepted = match list.field {
                    Field::Country => CountryRules::get(value).is_some(),
                    Field::Language => LanguageCode::parse(value).is_ok(),
                    Field::Culture => Culture::parse(value).is_ok(),
                    Field::DefaultGdap => crate::validate::DefaultGdap::parse(value).is_ok(),
                    other => panic!("no check for the list of {other}"),
                };
                assert!(accepted, "{}: {value}", list.field);
            }
        }
        let countries = &value_lists()[0].values;
        assert!(countries.iter().any(|c| c == "GB") && !countries.iter().any(|c| c == "UK"));
        assert!(value_lists()[1].values.len() > 150);
    }

    #[test]
    fn each_field_has_one_list_at_most() {
        let mut fields: Vec<Field> = CLOSED.iter().map(|(f, _, _)| *f).collect();
        fields.dedup();
        assert_eq!(fields.len(), CLOSED.len());
    }

    #[test]
    fn required_columns_are_the_ones_every_file_needs() {
        for field in Field::ALL {
            assert_eq!(
                need(field) == Need::Always,
                field.column_required(),
                "{field}"
            );
            assert!(!rule(field).is_empty(), "{field}");
        }
    }
}
