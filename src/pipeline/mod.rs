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
//! - [`prepare_resume`], [`ResultsLock`], [`CredentialsFile`]: the files a
//!   run keeps; [`refuse_same_files`]: none of them is the input or another.

mod concurrency;
mod country_rules;
mod create;
mod credentials;
mod driver;
mod engine;
mod gate;
mod lock;
mod mca;
mod memo;
mod onboard;
mod paths;
mod plan;
mod policy;
mod preflight;
mod request;
mod resume;
mod retry;
mod stop;

pub use concurrency::{AUTO_MAX, CallSlot, CallSlots, Concurrency, ConcurrencyController};
pub use create::CreateOutcome;
pub use credentials::{CredentialsFile, CredentialsFileError};
pub use driver::{
    DriveError, DriveOptions, DriveReport, Finished, Job, RUN_AHEAD_WINDOW, RowSink, drive,
};
pub use engine::{APP_USER_HINT, DomainCheck, Engine};
pub use gate::RateGate;
pub use lock::{LockError, ResultsLock};
pub use mca::{MCA_AGREEMENT_TYPE, mca_unavailable};
pub use onboard::{Mode, NewCredentials, Onboard, RowNote};
pub use paths::{SameFileError, refuse_same_files};
pub use plan::{RowPlan, plan_row};
pub use policy::{RetryBudget, RetryCost, RetryPolicy};
pub use preflight::{LiveRules, Preflight, PreflightOutcome};
pub use request::PreparedRequest;
pub use resume::{ResumeError, ResumePoint, prepare_resume};
pub use retry::{
    Attempts, CallKind, DEFAULT_MAX_RETRY_WAIT, Retrier, RunCounters, Verdict, classify,
    classify_create,
};
pub use stop::{Stop, StopReason, Undone};
