//! From validated rows to results: planning each row, the one retry
//! engine every call goes through, the one ordered row driver, and what
//! `run` and `validate --online` do with each row.
//!
//! - [`plan_row`]: copy, report invalid, attest only, or send.
//! - `drive`: the ordered row driver (bounded rows in progress, reorder,
//!   record in input order, stop handling).
//! - [`Retrier`]: the retry engine (classifier, backoff, Retry-After, the
//!   run-wide `RetryBudget`, the [`RateGate`] and [`CallSlots`], [`Stop`]).
//! - `Engine`: the client plus the retrier; `Engine::create`,
//!   `Engine::attest`, `Engine::check_domain`.
//! - `Onboard` (`run`) and `Preflight` (`validate --online`): the work
//!   on each row.
//!
//! The files a run keeps (results, journal, lock, credentials, resume) are
//! in [`crate::files`].

mod concurrency;
mod country_rules;
mod create;
mod customer_ids;
mod driver;
mod engine;
mod existing_tenant;
mod gate;
mod mca;
mod mca_enhanced;
mod mca_legacy;
mod memo;
mod onboard;
mod plan;
mod policy;
mod preflight;
mod request;
mod retry;
mod stop;

pub(crate) use concurrency::Concurrency;
pub use concurrency::{CallSlots, ConcurrencyController};
pub(crate) use driver::Finished;
pub(crate) use driver::{DriveOptions, DriveReport, RecordError, RowSink, drive};
pub(crate) use engine::{APP_USER_HINT, DomainCheck, Engine};
pub use gate::RateGate;
pub(crate) use mca::McaFlow;
pub(crate) use onboard::{Mode, NewCredentials, Onboard, RowNote};
pub(crate) use plan::check_row;
pub use plan::{RowPlan, plan_row};
pub use policy::RetryPolicy;
pub(crate) use preflight::Preflight;
pub use request::PreparedRequest;
pub use retry::{CallKind, MAX_THROTTLES_IN_A_ROW, Retrier, classify_create};
pub(crate) use retry::{DEFAULT_MAX_RETRY_WAIT, RunCounters, classify};
pub use stop::Stop;
pub(crate) use stop::StopReason;
