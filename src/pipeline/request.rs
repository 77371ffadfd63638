//! What a valid row is sent as: the create body built from the validated
//! customer, its canonical JSON (exactly the bytes sent and hashed) and the
//! deterministic `MS-RequestId` derived from it.

use uuid::Uuid;

use crate::partner_center::models::{
    AddressBody, BillingProfileRequest, CompanyProfileRequest, CustomerRequest,
};
use crate::partner_center::request_id::{RowIdentity, request_id, request_id_after};
use crate::validate::{DefaultGdap, NewCustomer};

/// The body and `MS-RequestId` a row is sent with.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// The canonical JSON body: exactly the bytes sent and hashed.
    pub(crate) body: String,
    /// Deterministic request id.
    pub request_id: Uuid,
    /// Full lower-case domain.
    pub(crate) domain: String,
    /// The body carries `associatedPartnerId` (creation for an indirect reseller).
    pub(crate) for_reseller: bool,
    /// The indirect reseller's tenant id (`associatedPartnerId`), if any.
    pub(crate) reseller: Option<String>,
    /// What the body's `enableGDAPByDefault` asks (the row's `default_gdap`,
    /// else the run's setting).
    pub(crate) default_gdap: DefaultGdap,
    /// The company name sent, to compare with a customer found by domain.
    pub(crate) company_name: String,
    /// Another request id under which an earlier attempt of this row may
    /// have created the customer ([`RowPlan::Valid`](super::RowPlan::Valid)).
    pub(crate) earlier_attempt: Option<String>,
}

impl PreparedRequest {
    /// Build the body and derive the request id of `customer`; chained from
    /// `after_rejected`, the id of a previous attempt that was rejected.
    /// `enableGDAPByDefault` is always in the body: the row's
    /// `default_gdap`, else `run_default` (`--default-gdap`).
    pub fn new(
        customer: &NewCustomer,
        after_rejected: Option<&str>,
        run_default: DefaultGdap,
    ) -> Self {
        let default_gdap = customer.default_gdap.unwrap_or(run_default);
        let mut body = CustomerRequest::from(customer);
        body.enable_gdap_by_default = Some(default_gdap.enabled());
        let reseller = body.associated_partner_id.clone();
        let body = body.canonical_json();
        let domain = customer.domain.as_str().to_owned();
        let identity = match customer.external_id.as_deref() {
            Some(ext) => RowIdentity::External(ext),
            None => RowIdentity::Domain(&domain),
        };
        let request_id = match after_rejected {
            Some(previous) => request_id_after(identity, &body, previous),
            None => request_id(identity, &body),
        };
        PreparedRequest {
            body,
            request_id,
            domain,
            for_reseller: reseller.is_some(),
            reseller,
            default_gdap,
            company_name: customer.company_name.clone(),
            earlier_attempt: None,
        }
    }
}

/// `Some` for a non-empty string.
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl PreparedRequest {
    /// The same request, knowing that an earlier attempt of the row, under
    /// `earlier` (ignored when it is this request's own id), may have
    /// created the customer.
    #[must_use]
    pub(crate) fn after_attempt(mut self, earlier: Option<String>) -> Self {
        let own = self.request_id.to_string();
        self.earlier_attempt = earlier.filter(|id| !id.trim().eq_ignore_ascii_case(&own));
        self
    }
}

impl From<&NewCustomer> for CustomerRequest {
    /// The body of `c`, with `enableGDAPByDefault` only when the row's
    /// `default_gdap` says it ([`PreparedRequest::new`] always sets it).
    fn from(c: &NewCustomer) -> Self {
        let a = &c.address;
        CustomerRequest {
            company_profile: CompanyProfileRequest {
                domain: c.domain.as_str().to_owned(),
                organization_registration_number: c
                    .registration_number
                    .as_ref()
                    .map(|r| r.as_str().to_owned()),
            },
            billing_profile: BillingProfileRequest {
                email: c.email.as_str().to_owned(),
                culture: c.culture.as_str().to_owned(),
                language: c.language.as_str().to_owned(),
                company_name: c.company_name.clone(),
                default_address: AddressBody {
                    first_name: a.first_name.clone(),
                    last_name: a.last_name.clone(),
                    phone_number: a.phone_number.as_ref().map(|p| p.as_str().to_owned()),
                    address_line1: a.address_line1.clone(),
                    address_line2: non_empty(&a.address_line2),
                    address_line3: non_empty(&a.address_line3),
                    city: a.city.clone(),
                    state: a.state.as_ref().map(|s| s.as_str().to_owned()),
                    postal_code: a.postal_code.as_ref().map(|p| p.as_str().to_owned()),
                    country: a.country.as_str().to_owned(),
                },
            },
            associated_partner_id: c.associated_partner_id.map(|id| id.to_string()),
            enable_gdap_by_default: c.default_gdap.map(DefaultGdap::enabled),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::request_id::tests::{FIXED_2026, body_2026};
    use crate::validate::{CustomerFields, Field, check};

    fn customer(external_id: &'static str, default_gdap: &'static str) -> NewCustomer {
        let fields = CustomerFields::new()
            .with(Field::ExternalId, external_id)
            .with(Field::CompanyName, "Contoso")
            .with(Field::Domain, "Contoso")
            .with(Field::Email, "ap@contoso.example")
            .with(Field::Culture, "en-US")
            .with(Field::Language, "en")
            .with(Field::FirstName, "Ann")
            .with(Field::LastName, "Lee")
            .with(Field::AddressLine1, "1 Main St")
            .with(Field::City, "Redmond")
            .with(Field::State, "WA")
            .with(Field::PostalCode, "98052")
            .with(Field::Country, "US")
            .with(Field::DefaultGdap, default_gdap);
        check(&fields).unwrap()
    }

    #[test]
    fn every_body_carries_enable_gdap_by_default_the_row_first_then_the_run() {
        for (run, column, sent) in [
            (DefaultGdap::On, "", DefaultGdap::On),
            (DefaultGdap::Off, "", DefaultGdap::Off),
            (DefaultGdap::On, "no", DefaultGdap::Off),
            (DefaultGdap::Off, "YES", DefaultGdap::On),
        ] {
            let request = PreparedRequest::new(&customer("CRM-1", column), None, run);
            assert_eq!(request.body, body_2026(sent.enabled()), "{run} {column:?}");
            assert_eq!(request.default_gdap, sent);
            let (_, by_ext, _) = FIXED_2026
                .into_iter()
                .find(|(enabled, _, _)| *enabled == sent.enabled())
                .unwrap();
            assert_eq!(request.request_id.to_string(), by_ext);
        }
        let by_domain = PreparedRequest::new(&customer("", "off"), None, DefaultGdap::On);
        assert_eq!(by_domain.request_id.to_string(), FIXED_2026[1].2);
        assert_eq!(by_domain.company_name, "Contoso");
        assert_eq!(by_domain.reseller, None);
    }
}
