//! From validated rows to results: planning each row, and (for `run`) the
//! rate limiter, retry policy, workers and the ordered results writer.

mod concurrency;
mod credentials;
mod dispatch;
mod gate;
mod lock;
mod plan;
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
pub use resume::{ResumeError, ResumePoint, prepare_resume};
pub use retry::{RetryBudget, RetryCost, RetryPolicy};
pub use worker::{AbortReason, CreateOutcome, Engine, PreparedRequest, RunCounters};
pub use writer::{FinishedRow, write_in_order};
