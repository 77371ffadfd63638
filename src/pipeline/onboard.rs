//! What `run` does with each row: copy finished rows, report invalid ones,
//! create (or, in a dry run, plan) the valid ones, and attest the MCA where
//! the row asks for it. The work of the [`drive`](super::drive) loop.

use std::sync::Arc;

use futures_util::FutureExt;
use secrecy::SecretString;

use super::country_rules::SendForm;
use super::create::CreateOutcome;
use super::driver::{Finished, Job};
use super::engine::{APP_USER_HINT, Engine};
use super::mca::stopped_attestation;
use super::plan::RowPlan;
use super::request::PreparedRequest;
use super::stop::StopReason;
use crate::input::InputRow;
use crate::results::{McaStatus, PreviousResult, RowResult, Status};
use crate::validate::{Field, McaAttestation, NewCustomer, Problem, ProblemKind};

/// What a run does with valid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create the customers.
    Create,
    /// Plan only: `would_create` with the request id; with an engine, check
    /// domain availability first.
    DryRun,
}

/// A created customer's initial credentials, for the `--credentials-out` file.
#[derive(Debug)]
pub struct NewCredentials {
    /// The full domain.
    pub domain: String,
    /// The admin user's sign-in name.
    pub admin_user: String,
    /// The initial password: shown once by Partner Center.
    pub password: SecretString,
}

/// What the sink learns about a row besides its result.
#[derive(Debug, Default)]
pub struct RowNote {
    /// The initial credentials of a customer this run created.
    pub credentials: Option<NewCredentials>,
    /// Copied from an earlier results file: nothing was sent to create it
    /// (an MCA attestation aside).
    pub copied: bool,
}

/// The run's work on each row.
#[derive(Debug, Clone)]
pub struct Onboard {
    /// The engine, when the run talks to Partner Center (None: offline dry run).
    pub engine: Option<Arc<Engine>>,
    /// Create or plan.
    pub mode: Mode,
    /// The credentials are App+User (needed for resellers and MCA).
    pub app_user: bool,
}

type Done = Finished<RowNote>;

impl Onboard {
    /// The job for one row: `stop` is set once the run is stopping.
    pub fn job(&self, row: InputRow, plan: RowPlan, stop: Option<&StopReason>) -> Job<RowNote> {
        match plan {
            RowPlan::Valid {
                customer,
                after_rejected,
            } => self.create_job(row, *customer, after_rejected.as_deref(), stop),
            RowPlan::Attest { previous, mca } => self.attest_job(row, previous, *mca, stop),
            other => {
                let copied = matches!(other, RowPlan::Finished(_));
                ready(row, other.offline_result(Status::Valid), copied)
            }
        }
    }

    fn create_job(
        &self,
        row: InputRow,
        mut customer: NewCustomer,
        after_rejected: Option<&str>,
        stop: Option<&StopReason>,
    ) -> Job<RowNote> {
        let request = PreparedRequest::new(&customer, after_rejected);
        let mca = customer.mca.take();
        if let Some((field, what)) = self.needs_app_user(request.for_reseller, mca.is_some()) {
            let result = needs_app_user(&request, field, what);
            return ready(row, skipped_mca(result, mca.as_ref()), false);
        }
        if let Some(reason) = stop {
            let outcome = CreateOutcome::not_finished(&request, reason, 0, None);
            return ready(row, skipped_mca(outcome.result, mca.as_ref()), false);
        }
        let Some(engine) = self.engine.clone() else {
            // Offline dry run: the plan is the result.
            let mut result = RowResult::new(Status::WouldCreate);
            result.request_id = request.request_id.to_string();
            result.problems = customer.warnings;
            return ready(row, skipped_mca(result, mca.as_ref()), false);
        };
        let send = Send {
            engine,
            mode: self.mode,
            customer: Box::new(customer),
            mca,
            after_rejected: after_rejected.map(str::to_owned),
            unmapped: request,
        };
        Job::Run(send.run(row).boxed())
    }

    /// A finished row (fed-back results) whose MCA attestation is still to
    /// do: attest only; the row is otherwise copied.
    fn attest_job(
        &self,
        row: InputRow,
        mut previous: PreviousResult,
        mca: McaAttestation,
        stop: Option<&StopReason>,
    ) -> Job<RowNote> {
        if let Some((_, what)) = self.needs_app_user(false, self.mode == Mode::Create) {
            previous.mca_status = McaStatus::Failed(format!(
                "not attested: {what} needs App+User credentials: {APP_USER_HINT}"
            ));
            return ready(row, previous, true);
        }
        let engine = match (stop, self.mode, self.engine.clone()) {
            (None, Mode::Create, Some(engine)) => engine,
            (Some(reason), Mode::Create, Some(_)) => {
                previous.mca_status = stopped_attestation(reason);
                return ready(row, previous, true);
            }
            _ => {
                previous.mca_status = McaStatus::Skipped;
                return ready(row, previous, true);
            }
        };
        Job::Run(
            async move {
                let (status, stop) = engine.attest(&previous.customer_id, &mca).await;
                previous.mca_status = status;
                let finished = Finished {
                    row,
                    result: previous,
                    extra: RowNote {
                        credentials: None,
                        copied: true,
                    },
                };
                (finished, stop)
            }
            .boxed(),
        )
    }

    /// What in the row needs App+User credentials the run does not have,
    /// and the column that asks for it.
    fn needs_app_user(&self, for_reseller: bool, attests: bool) -> Option<(Field, &'static str)> {
        if self.app_user || self.engine.is_none() {
            return None;
        }
        if for_reseller {
            Some((
                Field::AssociatedPartnerId,
                "creating a customer for an indirect reseller (associated_partner_id)",
            ))
        } else if attests {
            Some((Field::McaDate, "MCA attestation (the mca_* columns)"))
        } else {
            None
        }
    }
}

/// `invalid`: `what` in the row (asked for by `field`) needs App+User
/// credentials the run does not have; nothing is sent.
fn needs_app_user(request: &PreparedRequest, field: Field, what: &str) -> RowResult {
    let mut result = RowResult::new(Status::Invalid);
    result.request_id = request.request_id.to_string();
    result.set_invalid(vec![Problem::new(
        field,
        ProblemKind::NeedsAppUser,
        format!(
            "{what} needs App+User credentials, and this run has app-only ones: {APP_USER_HINT}; nothing was sent for this row"
        ),
    )]);
    result
}

/// The result with `mca_status` `skipped` when the row asks for an attestation.
fn skipped_mca(mut result: RowResult, mca: Option<&McaAttestation>) -> RowResult {
    if mca.is_some() {
        result.mca_status = McaStatus::Skipped;
    }
    result
}

/// One valid row's way to Partner Center: its state in the listed form,
/// the create (or plan), the MCA attestation.
struct Send {
    engine: Arc<Engine>,
    mode: Mode,
    customer: Box<NewCustomer>,
    mca: Option<McaAttestation>,
    after_rejected: Option<String>,
    /// The request as checked offline (the request id of a row the run
    /// stops before its state is mapped).
    unmapped: PreparedRequest,
}

impl Send {
    async fn run(self, row: InputRow) -> (Done, Option<StopReason>) {
        let Send {
            engine,
            mode,
            customer,
            mca,
            after_rejected,
            unmapped,
        } = self;
        let (customer, request) = match engine.in_listed_form(customer).await {
            SendForm::Ready(customer) => {
                let request = PreparedRequest::new(&customer, after_rejected.as_deref());
                (customer, request)
            }
            SendForm::Refused(problem) => {
                let result = skipped_mca(RowResult::invalid(vec![problem]), mca.as_ref());
                return (done(row, result, None), None);
            }
            SendForm::Stopped(reason) => {
                let outcome = CreateOutcome::not_finished(&unmapped, &reason, 0, None);
                let result = skipped_mca(outcome.result, mca.as_ref());
                return (done(row, result, None), Some(reason));
            }
        };
        let mut outcome = match mode {
            Mode::Create => engine.create(&request).await,
            Mode::DryRun => engine.plan(&request).await,
        };
        if outcome.result.status.is_success() {
            outcome.result.problems = customer.warnings;
        }
        if let Some(mca) = mca {
            let created = mode == Mode::Create && outcome.result.status.is_finished();
            outcome.result.mca_status = match (created, &outcome.stop) {
                (true, None) => {
                    let (status, stop) = engine.attest(&outcome.result.customer_id, &mca).await;
                    outcome.stop = stop;
                    status
                }
                // The customer is there; the run stops before its attestation.
                (true, Some(reason)) => stopped_attestation(reason),
                (false, _) => McaStatus::Skipped,
            };
        }
        let credentials = outcome
            .credentials
            .take()
            .map(|(admin_user, password)| NewCredentials {
                domain: outcome.domain.clone(),
                admin_user,
                password,
            });
        (done(row, outcome.result, credentials), outcome.stop)
    }
}

/// A row this run worked on (not copied).
fn done(row: InputRow, result: RowResult, credentials: Option<NewCredentials>) -> Done {
    Finished {
        row,
        result,
        extra: RowNote {
            credentials,
            copied: false,
        },
    }
}

fn ready(row: InputRow, result: RowResult, copied: bool) -> Job<RowNote> {
    Job::Ready(Box::new(Done {
        row,
        result,
        extra: RowNote {
            credentials: None,
            copied,
        },
    }))
}
