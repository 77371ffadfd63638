//! From validated rows to results: planning each row, and (for `run`) the
//! rate limiter, retry policy, workers and the ordered results writer.

mod concurrency;
// LEAD-PENDING mod dispatch;
mod gate;
mod plan;
mod retry;
// LEAD-PENDING mod worker;
mod writer;

pub use concurrency::{AUTO_MAX, ConcurrencyController};
// LEAD-PENDING pub use dispatch::{CredentialSink, Mode, RUN_AHEAD_WINDOW, RunContext, RunError, RunReport, StopReason, run_rows};
pub use gate::CallGate;
pub use plan::{RowPlan, invalid_result, plan_row};
pub use retry::{RetryBudget, RetryCost, RetryPolicy};
// LEAD-PENDING pub use worker::{AbortReason, CreateOutcome, Engine, PreparedRequest, RunCounters};
pub use writer::{FinishedRow, write_in_order};
