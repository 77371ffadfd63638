//! What `run` does with each row: copy finished rows, report invalid ones,
//! create (or, in a dry run, plan) the valid ones, and attest the MCA where
//! the row asks for it. The work of the [`drive`](super::drive) loop.

use std::sync::Arc;

use futures_util::FutureExt;
use secrecy::SecretString;

use super::country_rules::SendForm;
use super::create::CreateOutcome;
use super::driver::{Finished, Job};
use super::engine::Engine;
use super::mca::{McaFlow, McaTask, stopped_attestation};
use super::plan::RowPlan;
use super::request::PreparedRequest;
use super::stop::StopReason;
use crate::input::InputRow;
use crate::partner_center::auth::AuthError;
use crate::results::{McaStatus, PreviousResult, RowResult, Status};
use crate::validate::{DefaultGdap, Field, McaAttestation, NewCustomer, Problem, ProblemKind};

/// What a run does with valid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Create the customers.
    Create,
    /// Plan only: `would_create` with the request id; with an engine, check
    /// domain availability first.
    DryRun,
}

/// A created customer's initial credentials, for the `--credentials-out` file.
#[derive(Debug)]
pub(crate) struct NewCredentials {
    /// The full domain.
    pub(crate) domain: String,
    /// The admin user's sign-in name.
    pub(crate) admin_user: String,
    /// The initial password: shown once by Partner Center.
    pub(crate) password: SecretString,
}

/// What the sink learns about a row besides its result.
#[derive(Debug, Default)]
pub(crate) struct RowNote {
    /// The initial credentials of a customer this run created.
    pub(crate) credentials: Option<NewCredentials>,
    /// Copied from an earlier results file: nothing was sent to create it
    /// (an MCA attestation aside).
    pub(crate) copied: bool,
}

/// The run's work on each row.
#[derive(Debug, Clone)]
pub(crate) struct Onboard {
    /// The engine, when the run talks to Partner Center (None: offline dry run).
    pub(crate) engine: Option<Arc<Engine>>,
    /// Create or plan.
    pub(crate) mode: Mode,
    /// Whether App+User calls (resellers, the legacy MCA flow) can be
    /// made, and if not why (no App+User credentials, a sign-in without
    /// MFA, an expired one): the rows that need them are then `invalid`,
    /// unsent.
    pub(crate) app_user: Result<(), AuthError>,
    /// How the MCA is recorded (`--mca-flow`).
    pub(crate) mca_flow: McaFlow,
    /// Default GDAP for rows whose `default_gdap` column is empty
    /// (`--default-gdap`).
    pub(crate) default_gdap: DefaultGdap,
}

type Done = Finished<RowNote>;

impl Onboard {
    /// The job for one row: `stop` is set once the run is stopping.
    pub(crate) fn job(
        &self,
        row: InputRow,
        plan: RowPlan,
        stop: Option<&StopReason>,
    ) -> Job<RowNote> {
        match plan {
            RowPlan::Valid {
                customer,
                after_rejected,
                earlier_attempt,
            } => {
                let recipe = Recipe {
                    after_rejected,
                    earlier_attempt,
                    run_default: self.default_gdap,
                };
                self.create_job(row, *customer, recipe, stop)
            }
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
        recipe: Recipe,
        stop: Option<&StopReason>,
    ) -> Job<RowNote> {
        let request = recipe.prepare(&customer);
        let mca = customer.mca.take();
        if let Some((field, why)) = self.needs_app_user(request.for_reseller, mca.is_some()) {
            let result = needs_app_user(&request, field, &why);
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
            result.default_gdap_sent = Some(request.default_gdap);
            result.problems = customer.warnings;
            return ready(row, skipped_mca(result, mca.as_ref()), false);
        };
        let send = Send {
            engine,
            mode: self.mode,
            flow: self.mca_flow,
            customer: Box::new(customer),
            mca,
            recipe,
            unmapped: request,
        };
        Job::Run(send.run(row).boxed())
    }

    /// A finished row (fed-back results) whose MCA attestation is still to
    /// do: attest only; the row is otherwise copied. A dry run sends
    /// nothing: an attestation waiting for the customer (`pending`,
    /// `expired`) stays as it is, anything else is `skipped`.
    fn attest_job(
        &self,
        row: InputRow,
        mut previous: PreviousResult,
        mca: McaAttestation,
        stop: Option<&StopReason>,
    ) -> Job<RowNote> {
        if let Some((_, why)) = self.needs_app_user(false, self.mode == Mode::Create) {
            previous.mca_status = McaStatus::Failed(format!("not attested: {why}"));
            return ready(row, previous, true);
        }
        let engine = match (stop, self.mode, self.engine.clone()) {
            (None, Mode::Create, Some(engine)) => engine,
            (Some(reason), Mode::Create, Some(_)) => {
                previous.mca_status = stopped_attestation(reason);
                return ready(row, previous, true);
            }
            _ => {
                if !matches!(previous.mca_status, McaStatus::Pending | McaStatus::Expired) {
                    previous.mca_status = McaStatus::Skipped;
                }
                return ready(row, previous, true);
            }
        };
        let flow = self.mca_flow;
        Job::Run(
            async move {
                let earlier = previous.clone();
                let task = McaTask {
                    customer_id: &earlier.customer_id,
                    mca: &mca,
                    fresh: false,
                    earlier: Some(&earlier),
                };
                let stop = engine.attest(flow, &task).await.apply(&mut previous);
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

    /// What in the row needs App+User credentials the run cannot use,
    /// the column that asks for it, and why not: `<what> needs App+User
    /// credentials, and <why not>`. An MCA attestation needs them in the
    /// legacy flow only (the enhanced one is app-only).
    fn needs_app_user(&self, for_reseller: bool, attests: bool) -> Option<(Field, String)> {
        let attests = attests && self.mca_flow == McaFlow::Legacy;
        let Err(refusal) = &self.app_user else {
            return None;
        };
        self.engine.as_ref()?;
        let (field, what) = if for_reseller {
            (
                Field::AssociatedPartnerId,
                "creating a customer for an indirect reseller (associated_partner_id)",
            )
        } else if attests {
            (Field::McaDate, "MCA attestation (the mca_* columns)")
        } else {
            return None;
        };
        Some((
            field,
            format!(
                "{what} needs App+User credentials, and {}",
                refusal.app_user_reason()
            ),
        ))
    }
}

/// `invalid`: something in the row (asked for by `field`) needs App+User
/// credentials the run cannot use (`why`); nothing is sent.
fn needs_app_user(request: &PreparedRequest, field: Field, why: &str) -> RowResult {
    let mut result = RowResult::new(Status::Invalid);
    result.request_id = request.request_id.to_string();
    result.set_invalid(vec![Problem::new(
        field,
        ProblemKind::NeedsAppUser,
        format!("{why}; nothing was sent for this row"),
    )]);
    result
}

/// How a row's request is built ([`PreparedRequest::new`]): once as
/// checked offline, and again once its state is in the listed form (the
/// body, hence the request id, may change).
struct Recipe {
    after_rejected: Option<String>,
    earlier_attempt: Option<String>,
    run_default: DefaultGdap,
}

impl Recipe {
    fn prepare(&self, customer: &NewCustomer) -> PreparedRequest {
        PreparedRequest::new(customer, self.after_rejected.as_deref(), self.run_default)
            .after_attempt(self.earlier_attempt.clone())
    }
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
    flow: McaFlow,
    customer: Box<NewCustomer>,
    mca: Option<McaAttestation>,
    recipe: Recipe,
    /// The request as checked offline (the request id of a row the run
    /// stops before its state is mapped).
    unmapped: PreparedRequest,
}

impl Send {
    async fn run(self, row: InputRow) -> (Done, Option<StopReason>) {
        let Send {
            engine,
            mode,
            flow,
            customer,
            mca,
            recipe,
            unmapped,
        } = self;
        let (customer, request) = match engine.in_listed_form(customer).await {
            SendForm::Ready(customer) => {
                let request = recipe.prepare(&customer);
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
            let created = mode == Mode::Create;
            attest_created(&engine, flow, created, &mca, &mut outcome).await;
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

/// The MCA step after the create of a row that asks for it: attested on a
/// customer that is there (`created` says the run creates), `cancelled`
/// when the run stops first, `skipped` when there is no customer.
async fn attest_created(
    engine: &Engine,
    flow: McaFlow,
    created: bool,
    mca: &McaAttestation,
    outcome: &mut CreateOutcome,
) {
    let there = created && outcome.result.status.is_finished();
    outcome.stop = match (there, outcome.stop.take()) {
        (true, None) => {
            let task = McaTask {
                customer_id: &outcome.result.customer_id,
                mca,
                fresh: outcome.result.status == Status::Created,
                earlier: None,
            };
            let done = engine.attest(flow, &task).await;
            done.apply(&mut outcome.result)
        }
        // The customer is there; the run stops before its attestation.
        (true, Some(reason)) => {
            outcome.result.mca_status = stopped_attestation(&reason);
            Some(reason)
        }
        (false, stop) => {
            outcome.result.mca_status = McaStatus::Skipped;
            stop
        }
    };
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
