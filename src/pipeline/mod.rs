//! From validated rows to results: planning each row, the one retry
//! engine every call goes through, the one ordered row driver, and what
//! `run` and `validate --online` do with each row.
//!
//! - [`plan_row`]: copy, report invalid, attest only, or send.
//! - [`drive`]: the ordered row driver (bounded rows in progress, reorder,
//!   record in input order, stop handling).
//! - [`Retrier`]: the retry engine (classifier, backoff, Retry-After, the
//!   run-wide [`RetryBudget`], the [`RateGate`] and [`CallSlots`], [`Stop`]).
//! - [`Engine`]: the client plus the retrier; [`Engine::create`],
//!   [`Engine::attest`], [`Engine::check_domain`].
//! - [`Onboard`] (`run`) and [`Preflight`] (`validate --online`): the work
//!   on each row.
//!
//! The files a run keeps (results, journal, lock, credentials, resume) are
//! in [`crate::files`].

mod concurrency;
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

pub use concurrency::{AUTO_MAX, CallSlot, CallSlots, Concurrency, ConcurrencyController};
pub use create::CreateOutcome;
pub use driver::{
    DriveError, DriveOptions, DriveReport, Finished, Job, RUN_AHEAD_WINDOW, RecordError, RowSink,
    drive,
};
pub use engine::{APP_USER_HINT, DomainCheck, Engine};
pub use existing_tenant::{Invitation, other_tenant_problem};
pub use gate::RateGate;
pub use mca::{MCA_AGREEMENT_TYPE, McaDone, McaFlow, McaTask, mca_unavailable};
pub use mca_legacy::{MCA_REQUIRED_CODE, retired_advice};
pub use onboard::{Mode, NewCredentials, Onboard, RowNote};
pub use plan::{RowPlan, plan_row};
pub use policy::{RetryBudget, RetryCost, RetryPolicy};
pub use preflight::{Preflight, PreflightOutcome};
pub use request::PreparedRequest;
pub use retry::{
    Attempts, CallKind, DEFAULT_MAX_RETRY_WAIT, MAX_THROTTLES_IN_A_ROW, Retrier, RunCounters,
    Verdict, classify, classify_create,
};
pub use stop::{Stop, StopReason, Undone};
