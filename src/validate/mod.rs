//! Offline validation of customer rows.
//!
//! [`check`] turns one row's [`CustomerFields`]
//! into a [`NewCustomer`] made of newtypes that can only hold valid values, or
//! into the list of *every* [`Problem`] of the row. [`Uniqueness`] adds the
//! file-level duplicate checks (`domain`, `external_id`).
//!
//! The per-country rules come from data, not code: Google's address metadata
//! ([`country`]) and the registration-number list (`data/registration-countries.json`).
//! The sandbox validates posted bodies with the same [`check`], so there is one
//! definition of "valid". [`LiveRules`] are a country's rules as Partner
//! Center answers them (`validate --online`), checked against a valid row.

mod address;
mod codes;
mod customer;
mod default_gdap;
mod domain;
mod email;
mod field;
mod hint;
mod live_rules;
mod locale;
mod mca;
mod phone;
mod postal_prefix;
mod problem;
mod registration;
mod same_company;
mod subdivision;
mod text;
mod unicode;
mod uniqueness;

pub mod country;

pub use address::{Address, CountryCode, PostalCode, State};
pub use country::{CountryRules, Subdivision};
pub use customer::{NewCustomer, check};
pub use default_gdap::DefaultGdap;
pub use domain::Domain;
pub use email::Email;
pub use field::{CustomerFields, Field, normalize_header};
pub use live_rules::LiveRules;
pub use locale::{Culture, LanguageCode};
pub use mca::{McaAttestation, check_mca, check_mca_on, has_mca_values, utc_date};
pub use phone::PhoneNumber;
pub use postal_prefix::PostalPrefix;
pub use problem::{Problem, ProblemKind, join_problems};
pub use registration::{RegistrationNumber, RegistrationRule};
pub use same_company::same_company;
pub use uniqueness::Uniqueness;
