//! Offline validation of customer rows.
//!
//! [`check`] turns one row's [`CustomerFields`]
//! into a `NewCustomer` made of newtypes that can only hold valid values, or
//! into the list of *every* `Problem` of the row. [`Uniqueness`] adds the
//! file-level duplicate checks (`domain`, `external_id`).
//!
//! The per-country rules come from data, not code: Google's address metadata
//! (`country`) and the registration-number list (`data/registration-countries.json`).
//! The sandbox validates posted bodies with the same [`check`], so there is one
//! definition of "valid". [`LiveRules`] are a country's rules as Partner
//! Center answers them (`validate --online`), checked against a valid row.

mod address;
mod codes;
mod context;
mod control;
mod customer;
mod default_gdap;
mod domain;
mod email;
mod field;
mod hint;
mod legal_forms;
mod listed;
mod live_rules;
mod locale;
mod mca;
mod names;
mod parsed;
mod phone;
mod postal_prefix;
mod prefix_words;
mod problem;
mod recorded;
mod registration;
mod row_rules;
mod same_company;
mod short_forms;
mod subdivision;
mod text;
mod unicode;
mod uniqueness;

pub(crate) mod country;

pub(crate) use address::{Address, CountryCode, PostalCode, State};
pub use context::CheckContext;
pub(crate) use country::CountryRules;
pub use customer::check;
pub(crate) use customer::{NewCustomer, check_only, check_with};
pub use default_gdap::DefaultGdap;
pub(crate) use domain::Domain;
pub(crate) use email::Email;
pub(crate) use field::normalize_header;
pub use field::{CustomerFields, Field};
pub(crate) use listed::ListedStates;
pub use live_rules::LiveRules;
pub(crate) use locale::Culture;
pub(crate) use locale::LanguageCode;
pub(crate) use mca::{McaAttestation, check_mca, has_mca_values};
pub(crate) use parsed::CheckedRow;
pub(crate) use phone::PhoneNumber;
pub(crate) use problem::{Problem, ProblemKind, join_problems};
pub(crate) use recorded::recorded_country_rules;
pub(crate) use registration::RegistrationNumber;
pub(crate) use same_company::same_company;
pub use uniqueness::Uniqueness;

pub(crate) use control::RowScan;
pub(crate) use text::dropped_zeros;
