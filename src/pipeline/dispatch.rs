//! The run loop: rows stream from the reader through planning to workers
//! (bounded by the concurrency controller) and on to the ordered writer.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::PreparedRequest;
use super::worker::{AbortReason, CreateOutcome, Engine};
use super::{ConcurrencyController, RowPlan, plan_row};
use crate::input::{InputError, InputReader, InputRow};
use crate::results::{FinishedRow, write_in_order};
use crate::results::{McaStatus, ResultsError, ResultsWriter, RowResult, Status};
use crate::validate::{McaAttestation, Uniqueness};

/// How far (in rows) the reader may run ahead of the last row written, so a
/// stuck row cannot make the reorder buffer grow without bound.
pub const RUN_AHEAD_WINDOW: u64 = 4096;

/// What a run does with valid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create the customers.
    Create,
    /// Plan only: `would_create` with the request id; with an engine, check
    /// domain availability first.
    DryRun,
}

/// Why a run stopped sending before the end of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Ctrl-C.
    Interrupted,
    /// A worker asked to abort (auth failure, retry budget spent).
    Aborted(AbortReason),
}

/// Receives each created customer's credentials (the `--credentials-out` file).
pub trait CredentialSink: Send {
    /// Store one customer's initial credentials.
    fn store(
        &mut self,
        domain: &str,
        result: &RowResult,
        password: &secrecy::SecretString,
    ) -> std::io::Result<()>;
}

/// Errors that end a run early (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Reading the input failed mid-way.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Writing the results failed.
    #[error(transparent)]
    Results(#[from] ResultsError),
    /// Writing the credentials file failed.
    #[error("cannot write the credentials file: {0}")]
    Credentials(std::io::Error),
    /// The writer task panicked or was cancelled.
    #[error("the results writer stopped unexpectedly: {0}")]
    Writer(String),
}

/// What the loop needs besides the rows.
pub struct RunContext {
    /// The engine, when the run talks to Partner Center (None: offline dry run).
    pub engine: Option<Arc<Engine>>,
    /// In-flight limit.
    pub concurrency: Arc<ConcurrencyController>,
    /// Create or plan.
    pub mode: Mode,
    /// Rows at the start of the input already in the results file (`--resume`).
    pub skip_rows: u64,
    /// Set to true to stop sending (Ctrl-C).
    pub cancel: watch::Receiver<bool>,
    /// Where passwords go; None means they are discarded (and counted).
    pub credentials: Option<Box<dyn CredentialSink>>,
}

/// How the loop ended.
#[derive(Debug)]
pub struct RunReport {
    /// Why sending stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// Passwords received and not stored anywhere (no --credentials-out).
    pub passwords_discarded: u64,
    /// The writer, for the caller to finish.
    pub writer: ResultsWriter,
}

struct Dispatcher {
    ctx: RunContext,
    tx: mpsc::Sender<FinishedRow>,
    inflight: JoinSet<(u64, InputRow, CreateOutcome)>,
    stopped: Option<StopReason>,
    passwords_discarded: u64,
}

/// Run every row of `reader` and write each result through `writer`, in
/// input order. `on_written` sees every row as it is written (progress).
pub async fn run_rows(
    reader: &mut InputReader,
    writer: ResultsWriter,
    ctx: RunContext,
    on_written: impl FnMut(&RowResult) + Send + 'static,
) -> Result<RunReport, RunError> {
    let layout = reader.layout().clone();
    let skip = ctx.skip_rows;
    let (tx, rx) = mpsc::channel(1024);
    let (committed_tx, mut committed) = watch::channel(skip);
    let writer_task = tokio::spawn(write_in_order(rx, writer, skip, committed_tx, on_written));
    let mut d = Dispatcher {
        ctx,
        tx,
        inflight: JoinSet::new(),
        stopped: None,
        passwords_discarded: 0,
    };
    let mut uniqueness = Uniqueness::new();
    let mut index = 0u64;
    let result = async {
        loop {
            let mut row = InputRow::new();
            if !reader.read_row(&mut row)? {
                break;
            }
            let i = index;
            index += 1;
            let plan = plan_row(&row, &layout, &mut uniqueness);
            if i < skip {
                continue;
            }
            d.reap_ready().await?;
            while i >= *committed.borrow() + RUN_AHEAD_WINDOW {
                if d.inflight.is_empty() {
                    if committed.changed().await.is_err() {
                        break;
                    }
                } else {
                    d.reap_one().await?;
                }
            }
            d.dispatch(i, row, plan).await?;
        }
        while !d.inflight.is_empty() {
            d.reap_one().await?;
        }
        Ok::<(), RunError>(())
    }
    .await;
    let Dispatcher {
        tx,
        stopped,
        passwords_discarded,
        ..
    } = d;
    drop(tx);
    let writer = writer_task
        .await
        .map_err(|e| RunError::Writer(e.to_string()))??;
    result?;
    Ok(RunReport {
        stopped,
        passwords_discarded,
        writer,
    })
}

impl Dispatcher {
    fn check_cancel(&mut self) {
        if self.stopped.is_none() && *self.ctx.cancel.borrow() {
            self.stopped = Some(StopReason::Interrupted);
        }
    }

    async fn send(&self, index: u64, row: InputRow, result: RowResult) -> Result<(), RunError> {
        self.tx
            .send(FinishedRow { index, row, result })
            .await
            .map_err(|_| RunError::Writer("the results writer has stopped".to_owned()))
    }

    async fn dispatch(&mut self, index: u64, row: InputRow, plan: RowPlan) -> Result<(), RunError> {
        let customer = match plan {
            RowPlan::Valid(customer) => customer,
            RowPlan::Attest { previous, mca } => {
                return self.dispatch_attestation(index, row, previous, mca).await;
            }
            other => {
                let result = other.offline_result(Status::Valid);
                return self.send(index, row, result).await;
            }
        };
        let request = PreparedRequest::new(&customer);
        let mca = customer.mca;
        self.check_cancel();
        if let Some(reason) = &self.stopped {
            let mut result = not_attempted(&request, reason);
            if mca.is_some() {
                result.mca_status = McaStatus::Skipped;
            }
            return self.send(index, row, result).await;
        }
        let Some(engine) = self.ctx.engine.clone() else {
            // Offline dry run: the plan is the result.
            let mut result = RowResult::new(Status::WouldCreate);
            result.request_id = request.request_id.to_string();
            if mca.is_some() {
                result.mca_status = McaStatus::Skipped;
            }
            return self.send(index, row, result).await;
        };
        self.make_room().await?;
        let mode = self.ctx.mode;
        self.inflight.spawn(async move {
            let mut outcome = match mode {
                Mode::Create => engine.create(&request).await,
                Mode::DryRun => engine.plan(&request).await,
            };
            if let Some(mca) = mca {
                let created = mode == Mode::Create && outcome.result.status.is_finished();
                if created && outcome.abort.is_none() {
                    let (status, abort) = engine.attest(&outcome.result.customer_id, &mca).await;
                    outcome.result.mca_status = status;
                    outcome.abort = abort;
                } else {
                    outcome.result.mca_status = McaStatus::Skipped;
                }
            }
            (index, row, outcome)
        });
        Ok(())
    }

    /// A finished row (fed-back results) whose MCA attestation is still to
    /// do: attest only; the row is otherwise copied.
    async fn dispatch_attestation(
        &mut self,
        index: u64,
        row: InputRow,
        mut previous: RowResult,
        mca: Box<McaAttestation>,
    ) -> Result<(), RunError> {
        self.check_cancel();
        let engine = match (&self.stopped, self.ctx.mode, self.ctx.engine.clone()) {
            (None, Mode::Create, Some(engine)) => engine,
            _ => {
                previous.mca_status = McaStatus::Skipped;
                return self.send(index, row, previous).await;
            }
        };
        self.make_room().await?;
        self.inflight.spawn(async move {
            let (status, abort) = engine.attest(&previous.customer_id, &mca).await;
            previous.mca_status = status;
            let outcome = CreateOutcome {
                result: previous,
                credentials: None,
                domain: String::new(),
                abort,
            };
            (index, row, outcome)
        });
        Ok(())
    }

    /// Rows in progress are bounded too (calls in flight are bounded by the
    /// engine's slots; a row in backoff holds none).
    async fn make_room(&mut self) -> Result<(), RunError> {
        let max_rows = self.ctx.concurrency.max_rows_in_progress();
        while self.inflight.len() >= max_rows {
            self.reap_one().await?;
        }
        Ok(())
    }

    async fn reap_ready(&mut self) -> Result<(), RunError> {
        while let Some(done) = self.inflight.try_join_next() {
            self.finish(done).await?;
        }
        Ok(())
    }

    async fn reap_one(&mut self) -> Result<(), RunError> {
        let mut cancel = self.ctx.cancel.clone();
        tokio::select! {
            done = self.inflight.join_next() => {
                if let Some(done) = done {
                    self.finish(done).await?;
                }
            }
            // Wake on Ctrl-C too, so the stop is noticed while calls are slow.
            Ok(()) = cancel.changed(), if self.stopped.is_none() => self.check_cancel(),
        }
        Ok(())
    }

    async fn finish(
        &mut self,
        done: Result<(u64, InputRow, CreateOutcome), tokio::task::JoinError>,
    ) -> Result<(), RunError> {
        let (index, row, mut outcome) = match done {
            Ok(done) => done,
            // A worker panicked: a bug. Its row cannot be recovered here, so
            // say so loudly rather than lose it silently.
            Err(e) => return Err(RunError::Writer(format!("a worker failed: {e}"))),
        };
        if let Some((_, password)) = outcome.credentials.take() {
            match self.ctx.credentials.as_mut() {
                Some(sink) => sink
                    .store(&outcome.domain, &outcome.result, &password)
                    .map_err(RunError::Credentials)?,
                None => self.passwords_discarded += 1,
            }
        }
        if let Some(reason) = outcome.abort.take()
            && self.stopped.is_none()
        {
            self.stopped = Some(StopReason::Aborted(reason));
        }
        self.send(index, row, outcome.result).await
    }
}

/// `cancelled`, with the request id a later run will use and why.
fn not_attempted(request: &PreparedRequest, reason: &StopReason) -> RowResult {
    let mut result = RowResult::new(Status::Cancelled);
    result.request_id = request.request_id.to_string();
    result.error = match reason {
        StopReason::Interrupted => "not attempted: the run was interrupted".to_owned(),
        StopReason::Aborted(AbortReason::BudgetExhausted) => {
            "not attempted: the run stopped after its retry budget ran out (Partner Center looks unavailable); re-run the results file later".to_owned()
        }
        StopReason::Aborted(AbortReason::Auth(e)) => {
            format!("not attempted: the run stopped because authentication failed: {e}")
        }
    };
    result
}
