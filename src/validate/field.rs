//! The known input columns, their canonical names and the header aliases users paste.

use std::fmt;

use super::control::RowScan;

/// One known input column. Every other column is passed through untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The partner's own key for the row (CRM id).
    ExternalId,
    /// Registered company name.
    CompanyName,
    /// `contoso` or `contoso.onmicrosoft.com`.
    Domain,
    /// Billing contact e-mail.
    Email,
    /// Culture such as `en-US`.
    Culture,
    /// ISO 639-1 language code.
    Language,
    /// Contact first name.
    FirstName,
    /// Contact last name.
    LastName,
    /// Contact phone number.
    PhoneNumber,
    /// Address line 1.
    AddressLine1,
    /// Address line 2.
    AddressLine2,
    /// Address line 3.
    AddressLine3,
    /// City.
    City,
    /// State, province or other subdivision.
    State,
    /// Postal code.
    PostalCode,
    /// ISO 3166-1 alpha-2 country code.
    Country,
    /// Organization registration number (INN).
    RegistrationNumber,
    /// Indirect reseller's partner tenant GUID.
    AssociatedPartnerId,
    /// First name of the customer's contact who accepted the Microsoft Customer Agreement.
    McaFirstName,
    /// Last name of the MCA contact.
    McaLastName,
    /// E-mail address of the MCA contact.
    McaEmail,
    /// Phone number of the MCA contact.
    McaPhone,
    /// When the customer accepted the MCA (`YYYY-MM-DD` or RFC 3339).
    McaDate,
    /// Default GDAP for this row's customer (`on`/`off`; empty: the run's
    /// `--default-gdap`).
    DefaultGdap,
}

impl Field {
    /// Number of known fields.
    pub(crate) const COUNT: usize = 24;

    /// Every field, in canonical order.
    pub(crate) const ALL: [Field; Field::COUNT] = [
        Field::ExternalId,
        Field::CompanyName,
        Field::Domain,
        Field::Email,
        Field::Culture,
        Field::Language,
        Field::FirstName,
        Field::LastName,
        Field::PhoneNumber,
        Field::AddressLine1,
        Field::AddressLine2,
        Field::AddressLine3,
        Field::City,
        Field::State,
        Field::PostalCode,
        Field::Country,
        Field::RegistrationNumber,
        Field::AssociatedPartnerId,
        Field::McaFirstName,
        Field::McaLastName,
        Field::McaEmail,
        Field::McaPhone,
        Field::McaDate,
        Field::DefaultGdap,
    ];

    /// Position of this field in [`Field::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The canonical column name (README.md, "Input").
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::CompanyName => "company_name",
            Field::Domain => "domain",
            Field::Email => "email",
            Field::Culture => "culture",
            Field::Language => "language",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::PhoneNumber => "phone_number",
            Field::AddressLine1 => "address_line1",
            Field::AddressLine2 => "address_line2",
            Field::AddressLine3 => "address_line3",
            Field::City => "city",
            Field::State => "state",
            Field::PostalCode => "postal_code",
            Field::Country => "country",
            Field::RegistrationNumber => "registration_number",
            Field::AssociatedPartnerId => "associated_partner_id",
            Field::McaFirstName => "mca_first_name",
            Field::McaLastName => "mca_last_name",
            Field::McaEmail => "mca_email",
            Field::McaPhone => "mca_phone",
            Field::McaDate => "mca_date",
            Field::DefaultGdap => "default_gdap",
        }
    }

    /// Whether the column must be present in every input file.
    ///
    /// `phone_number`, `city`, `state`, `postal_code` and `registration_number`
    /// are required per country, so a file may omit the column when no row needs it.
    pub(crate) fn column_required(self) -> bool {
        matches!(
            self,
            Field::CompanyName
                | Field::Domain
                | Field::Email
                | Field::Culture
                | Field::Language
                | Field::FirstName
                | Field::LastName
                | Field::AddressLine1
                | Field::Country
        )
    }

    /// Header spellings accepted besides the canonical name: PowerShell
    /// `New-PartnerCustomer` parameters and Partner Center API property names.
    /// Compared after [`normalize_header`].
    pub(crate) fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::ExternalId => &["externalid", "crmid"],
            Field::CompanyName => &["companyname", "name", "company"],
            Field::Domain => &["domain", "domainprefix"],
            Field::Email => &["email", "contactemail", "billingemail"],
            Field::Culture => &["culture"],
            Field::Language => &["language"],
            Field::FirstName => &["firstname", "contactfirstname"],
            Field::LastName => &["lastname", "contactlastname"],
            Field::PhoneNumber => &["phonenumber", "contactphonenumber", "phone"],
            Field::AddressLine1 => &["addressline1", "billingaddressline1"],
            Field::AddressLine2 => &["addressline2", "billingaddressline2"],
            Field::AddressLine3 => &["addressline3", "billingaddressline3"],
            Field::City => &["city", "billingaddresscity"],
            Field::State => &["state", "billingaddressstate"],
            Field::PostalCode => &["postalcode", "billingaddresspostalcode", "zip", "zipcode"],
            Field::Country => &["country", "billingaddresscountry"],
            Field::RegistrationNumber => &[
                "registrationnumber",
                "organizationregistrationnumber",
                "inn",
            ],
            Field::AssociatedPartnerId => &["associatedpartnerid"],
            Field::McaFirstName => &["mcafirstname", "mcacontactfirstname"],
            Field::McaLastName => &["mcalastname", "mcacontactlastname"],
            Field::McaEmail => &["mcaemail", "mcacontactemail"],
            Field::McaPhone => &["mcaphone", "mcaphonenumber", "mcacontactphonenumber"],
            Field::McaDate => &["mcadate", "mcadateagreed", "dateagreed"],
            Field::DefaultGdap => &["defaultgdap", "enablegdapbydefault"],
        }
    }

    /// The optional Microsoft Customer Agreement columns (`mca_*`).
    pub(crate) const MCA: [Field; 5] = [
        Field::McaFirstName,
        Field::McaLastName,
        Field::McaEmail,
        Field::McaPhone,
        Field::McaDate,
    ];

    /// The field a normalized header names, if any.
    pub(crate) fn from_normalized_header(normalized: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.aliases().contains(&normalized))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Header comparison key: lower-case, with spaces, `_` and `-` removed.
pub(crate) fn normalize_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

// `CustomerFields::blank` has one bit per field.
const _: () = assert!(Field::COUNT <= 32);

/// The trimmed values of one row's known fields, borrowed from the record.
///
/// Missing columns read as empty strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CustomerFields<'a> {
    values: [&'a str; Field::COUNT],
    /// One bit per field (by index): its value was whitespace only before
    /// trimming (a cell of spaces or tabs, not an empty one).
    blank: u32,
    /// What one pass over the row's bytes found, when its reader made it
    /// (cleared by any later `set`).
    scan: Option<RowScan>,
}

impl<'a> CustomerFields<'a> {
    /// All fields empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// The trimmed value of `field` (empty when absent).
    pub fn get(&self, field: Field) -> &'a str {
        self.values[field.index()]
    }

    /// Set `field` to `value`, trimmed.
    pub(crate) fn set(&mut self, field: Field, value: &'a str) {
        let trimmed = trim(value);
        let index = field.index();
        self.values[index] = trimmed;
        // Almost always nothing was trimmed and nothing is blank: no work.
        if trimmed.len() != value.len() || self.blank != 0 {
            let blank = u32::from(trimmed.is_empty() && !value.is_empty());
            self.blank = (self.blank & !(1u32 << index)) | (blank << index);
        }
        self.scan = None;
    }

    /// Record what a pass over every byte the row's values come from found
    /// (a reader scans its whole record at once, cheaper than per value).
    pub(crate) fn set_scan(&mut self, scan: RowScan) {
        self.scan = Some(scan);
    }

    /// The row's scan: the reader's, else one made now value by value.
    pub(crate) fn scan(&self) -> RowScan {
        self.scan.unwrap_or_else(|| RowScan::of(self))
    }

    /// Whether `field`'s value was spaces or tabs only (it reads as empty).
    pub(crate) fn was_blank(&self, field: Field) -> bool {
        self.blank & (1u32 << field.index()) != 0
    }

    /// Builder form of `CustomerFields::set`.
    pub fn with(mut self, field: Field, value: &'a str) -> Self {
        self.set(field, value);
        self
    }
}

/// `value.trim()`, answered from its first and last bytes when both are
/// ASCII other than white space (the common case): `str::trim` then has
/// nothing to remove.
fn trim(value: &str) -> &str {
    let plain =
        |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' '));
    let bytes = value.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        value
    } else {
        value.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_agrees_with_str_trim() {
        for v in [
            "",
            " ",
            "a",
            " a ",
            "\u{b}a\u{b}",
            "\u{c}x",
            "a\r",
            "\u{a0}a",
            "a\u{3000}",
            "é",
            " é ",
            "a b",
            "\u{85}",
            "\u{1c}a\u{1f}",
        ] {
            assert_eq!(trim(v), v.trim(), "{v:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_is_str_trim_for_any_text(v in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(trim(&v), v.trim());
        }
    }

    #[test]
    fn field_index_matches_position_in_all() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }

    #[test]
    fn canonical_names_are_aliases_after_normalization() {
        for f in Field::ALL {
            assert_eq!(
                Field::from_normalized_header(&normalize_header(f.name())),
                Some(f),
                "{f}"
            );
        }
    }

    #[test]
    fn headers_match_ignoring_case_space_underscore_dash() {
        for h in [
            "Company Name",
            "company_name",
            "CompanyName",
            "company-name",
        ] {
            assert_eq!(
                Field::from_normalized_header(&normalize_header(h)),
                Some(Field::CompanyName)
            );
        }
    }

    #[test]
    fn powershell_and_api_aliases_are_known() {
        let cases = [
            ("BillingAddressLine1", Field::AddressLine1),
            ("BillingAddressCity", Field::City),
            ("BillingAddressPostalCode", Field::PostalCode),
            ("BillingAddressCountry", Field::Country),
            ("BillingAddressState", Field::State),
            ("ContactEmail", Field::Email),
            ("ContactFirstName", Field::FirstName),
            ("ContactLastName", Field::LastName),
            ("ContactPhoneNumber", Field::PhoneNumber),
            ("Name", Field::CompanyName),
            ("Domain", Field::Domain),
            ("Culture", Field::Culture),
            ("Language", Field::Language),
            ("AddressLine1", Field::AddressLine1),
            ("PostalCode", Field::PostalCode),
            ("OrganizationRegistrationNumber", Field::RegistrationNumber),
            ("CompanyName", Field::CompanyName),
        ];
        for (h, f) in cases {
            assert_eq!(
                Field::from_normalized_header(&normalize_header(h)),
                Some(f),
                "{h}"
            );
        }
    }

    #[test]
    fn mca_columns_are_known_and_optional() {
        for (h, f) in [
            ("mca_first_name", Field::McaFirstName),
            ("MCA Last Name", Field::McaLastName),
            ("McaEmail", Field::McaEmail),
            ("mca_phone_number", Field::McaPhone),
            ("DateAgreed", Field::McaDate),
        ] {
            assert_eq!(
                Field::from_normalized_header(&normalize_header(h)),
                Some(f),
                "{h}"
            );
        }
        assert!(Field::MCA.iter().all(|f| !f.column_required()));
    }

    #[test]
    fn no_alias_names_two_fields() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            for a in f.aliases() {
                assert!(seen.insert(*a), "alias {a} used twice");
            }
        }
    }

    #[test]
    fn customer_fields_trim_values() {
        let f = CustomerFields::new().with(Field::Domain, "  contoso \t");
        assert_eq!(f.get(Field::Domain), "contoso");
        assert_eq!(f.get(Field::City), "");
    }
}
