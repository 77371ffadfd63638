//! From validated rows to results: planning each row, and (for `run`) the
//! rate limiter, retry policy, workers and the ordered results writer.

mod concurrency;
mod credentials;
mod dispatch;
mod gate;
mod lock;
mod plan;
mod preflight;
mod request;
mod resume;
mod retry;
mod worker;

pub use concurrency::{AUTO_MAX, CallSlot, CallSlots, Concurrency, ConcurrencyController};
pub use credentials::{CredentialsFile, CredentialsFileError};
pub use dispatch::{
    CredentialSink, Mode, RUN_AHEAD_WINDOW, RunContext, RunError, RunReport, StopReason, run_rows,
};
pub use gate::CallGate;
pub use lock::{LockError, ResultsLock};
pub use plan::{RowPlan, invalid_result, plan_row};
pub use preflight::{LiveRules, Preflight, PreflightOutcome, dotnet_regex};
pub use request::PreparedRequest;
pub use resume::{ResumeError, ResumePoint, prepare_resume};
pub use retry::{RetryBudget, RetryCost, RetryPolicy};
pub use worker::{
    APP_USER_HINT, AbortReason, CreateOutcome, DomainCheck, Engine, MCA_AGREEMENT_TYPE,
    RunCounters, mca_unavailable,
};
