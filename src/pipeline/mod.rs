//! From validated rows to results: planning each row, and (for `run`) the
//! rate limiter, retry policy, workers and the ordered results writer.

mod concurrency;
mod credentials;
mod dispatch;
mod gate;
mod lock;
mod plan;
mod preflight;
mod resume;
mod retry;
mod worker;
mod writer;

pub use concurrency::{AUTO_MAX, CallSlot, CallSlots, ConcurrencyController};
pub use credentials::{CredentialsFile, CredentialsFileError};
pub use dispatch::{
    CredentialSink, Mode, RUN_AHEAD_WINDOW, RunContext, RunError, RunReport, StopReason, run_rows,
};
pub use gate::CallGate;
pub use lock::{LockError, ResultsLock};
pub use plan::{RowPlan, invalid_result, plan_row};
pub use preflight::{LiveRules, Preflight, PreflightOutcome, dotnet_regex};
pub use resume::{ResumeError, ResumePoint, prepare_resume};
pub use retry::{RetryBudget, RetryCost, RetryPolicy};
pub use worker::{
    APP_USER_HINT, AbortReason, CreateOutcome, DomainCheck, Engine, MCA_AGREEMENT_TYPE,
    PreparedRequest, RunCounters, mca_unavailable,
};
pub use writer::{FinishedRow, ReorderBuffer, write_in_order};
