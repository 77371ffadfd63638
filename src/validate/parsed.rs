//! What a valid row parsed into, before anything is copied out of the row:
//! [`check`](super::check) builds the customer from it, [`check_only`]
//! (offline `validate`) keeps only that the row is valid.

#[cfg(doc)]
use super::check_only;
use super::field::{CustomerFields, Field};
use super::{
    Address, CountryCode, Culture, DefaultGdap, Domain, Email, LanguageCode, McaAttestation,
    NewCustomer, PhoneNumber, PostalCode, Problem, RegistrationNumber, State,
};

/// A row that passed [`check`](super::check), when only that matters (`validate`): the
/// customer is not built, so none of its text is copied out of the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedRow {
    /// The row asks for an MCA attestation (`mca_*` values).
    pub(crate) mca: bool,
    /// What the row would be sent with but Partner Center discourages
    /// (empty for almost every row).
    pub(crate) warnings: Vec<Problem>,
}

/// What a valid row's values parsed into; its free text (names, address
/// lines, city) is still the row's, copied only by [`Parsed::into_customer`].
pub(super) struct Parsed {
    pub(super) domain: Domain,
    pub(super) email: Email,
    pub(super) culture: Culture,
    pub(super) language: LanguageCode,
    pub(super) phone_number: Option<PhoneNumber>,
    pub(super) state: Option<State>,
    pub(super) postal_code: Option<PostalCode>,
    pub(super) country: CountryCode,
    pub(super) registration_number: Option<RegistrationNumber>,
    pub(super) associated_partner_id: Option<uuid::Uuid>,
    pub(super) mca: Option<McaAttestation>,
    pub(super) warnings: Vec<Problem>,
    pub(super) default_gdap: Option<DefaultGdap>,
}

impl Parsed {
    /// The customer: these values and the free text of `fields` (the row's
    /// values as checked, in NFKC).
    pub(super) fn into_customer(self, fields: &CustomerFields<'_>) -> NewCustomer {
        let text = |field| fields.get(field).to_owned();
        NewCustomer {
            external_id: non_empty(fields.get(Field::ExternalId)),
            company_name: text(Field::CompanyName),
            domain: self.domain,
            email: self.email,
            culture: self.culture,
            language: self.language,
            address: Address {
                first_name: text(Field::FirstName),
                last_name: text(Field::LastName),
                phone_number: self.phone_number,
                address_line1: text(Field::AddressLine1),
                address_line2: text(Field::AddressLine2),
                address_line3: text(Field::AddressLine3),
                city: text(Field::City),
                state: self.state,
                postal_code: self.postal_code,
                country: self.country,
            },
            registration_number: self.registration_number,
            associated_partner_id: self.associated_partner_id,
            mca: self.mca,
            warnings: self.warnings,
            default_gdap: self.default_gdap,
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}
