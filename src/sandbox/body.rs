//! Reading a posted create body back into row fields, for validation.

use crate::partner_center::models::CustomerRequest;
use crate::validate::{CustomerFields, Field};

/// The string in an optional property, empty when absent.
fn opt(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or_default()
}

/// A posted body's values as row fields (values trimmed, absent ones empty;
/// `external_id` is never in a body), so the sandbox validates posted bodies
/// with the same [`validate::check`](crate::validate::check) as `run` does rows.
pub fn request_fields(request: &CustomerRequest) -> CustomerFields<'_> {
    let c = &request.company_profile;
    let b = &request.billing_profile;
    let a = &b.default_address;
    let mut f = CustomerFields::new();
    f.set(Field::CompanyName, &b.company_name);
    f.set(Field::Domain, &c.domain);
    f.set(Field::Email, &b.email);
    f.set(Field::Culture, &b.culture);
    f.set(Field::Language, &b.language);
    f.set(Field::FirstName, &a.first_name);
    f.set(Field::LastName, &a.last_name);
    f.set(Field::PhoneNumber, opt(&a.phone_number));
    f.set(Field::AddressLine1, &a.address_line1);
    f.set(Field::AddressLine2, opt(&a.address_line2));
    f.set(Field::AddressLine3, opt(&a.address_line3));
    f.set(Field::City, &a.city);
    f.set(Field::State, opt(&a.state));
    f.set(Field::PostalCode, opt(&a.postal_code));
    f.set(Field::Country, &a.country);
    f.set(
        Field::RegistrationNumber,
        opt(&c.organization_registration_number),
    );
    f.set(
        Field::AssociatedPartnerId,
        opt(&request.associated_partner_id),
    );
    f
}
