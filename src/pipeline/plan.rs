//! What to do with one input row: copy it, report it invalid, attest the
//! MCA of an existing customer, or send it.

use crate::input::{InputRow, Layout};
use crate::results::{McaStatus, PreviousResult, RowResult, Status, previous};
use crate::validate::{
    self, CheckContext, CheckedRow, CustomerFields, McaAttestation, NewCustomer, Problem,
    Uniqueness,
};

/// The decision for one row. `C` is what a valid row becomes: the customer
/// to send ([`plan_row`]), or only that it is valid (`check_row`).
#[derive(Debug)]
pub enum RowPlan<C = Box<NewCustomer>> {
    /// Already `created`/`exists` in the input (a fed-back results file): copy, send nothing.
    Finished(PreviousResult),
    /// Already `created`/`exists`, with `mca_*` values whose attestation is
    /// not done yet (`mca_status` neither `attested` nor `already_attested`):
    /// attest only, no create call.
    Attest {
        /// The earlier result, copied with a new `mca_status`.
        previous: PreviousResult,
        /// What to attest.
        mca: Box<McaAttestation>,
    },
    /// Failed local validation: every problem, in column order.
    Invalid {
        /// Every problem of the row.
        problems: Vec<Problem>,
        /// The row has `mca_*` values (its `mca_status` is `skipped`).
        mca: bool,
    },
    /// Ready to send.
    Valid {
        /// The validated customer.
        customer: C,
        /// The request id of the row's previous attempt, when that attempt
        /// got a definitive business answer (its results row says
        /// `rejected`): the next request id is chained from it.
        after_rejected: Option<String>,
        /// The request id of an earlier attempt that may have created the
        /// customer (its results row says `failed` or `cancelled` after at
        /// least one create call). Sent again under another id (the row
        /// changed, or an older version wrote it), a "domain taken" whose
        /// customer the look-up finds is that attempt's: `created`.
        earlier_attempt: Option<String>,
    },
}

/// What a plan knows of a valid row, whether or not the customer was built.
pub trait ValidRow {
    /// The row asks for an MCA attestation.
    fn asks_for_mca(&self) -> bool;
    /// What the row would be sent with but Partner Center discourages.
    fn into_warnings(self) -> Vec<Problem>;
}

impl ValidRow for Box<NewCustomer> {
    fn asks_for_mca(&self) -> bool {
        self.mca.is_some()
    }

    fn into_warnings(self) -> Vec<Problem> {
        self.warnings
    }
}

impl ValidRow for CheckedRow {
    fn asks_for_mca(&self) -> bool {
        self.mca
    }

    fn into_warnings(self) -> Vec<Problem> {
        self.warnings
    }
}

impl<C: ValidRow> RowPlan<C> {
    /// The results row for a plan that needs no network: the copied row,
    /// `invalid` with every problem (typed, [`RowResult::invalid`]), or
    /// `valid_status` for valid rows. Rows that ask for an MCA attestation
    /// get `mca_status` `skipped`, except copied rows, which keep theirs.
    pub(crate) fn offline_result(self, valid_status: Status) -> RowResult {
        match self {
            RowPlan::Finished(previous) | RowPlan::Attest { previous, .. } => previous,
            RowPlan::Invalid { problems, mca } => {
                let mut result = RowResult::invalid(problems);
                if mca {
                    result.mca_status = McaStatus::Skipped;
                }
                result
            }
            RowPlan::Valid { customer, .. } => {
                let mut result = RowResult::new(valid_status);
                if customer.asks_for_mca() {
                    result.mca_status = McaStatus::Skipped;
                }
                result.problems = customer.into_warnings();
                result
            }
        }
    }
}

/// Decide what to do with `row`, checked with `context` (the partner's
/// domains). Every row goes through `uniqueness`, so a finished row's
/// domain still counts against later duplicates.
pub fn plan_row(
    row: &InputRow,
    layout: &Layout,
    uniqueness: &mut Uniqueness,
    context: &CheckContext,
) -> RowPlan {
    decide(row, layout, uniqueness, |fields| {
        validate::check_with(fields, context).map(Box::new)
    })
}

/// [`plan_row`] for a command that only reports (offline `validate`): the
/// same decision, but a valid row's customer is not built (nothing of the
/// row is copied: no allocation for a valid row without warnings).
pub(crate) fn check_row(
    row: &InputRow,
    layout: &Layout,
    uniqueness: &mut Uniqueness,
    context: &CheckContext,
) -> RowPlan<CheckedRow> {
    decide(row, layout, uniqueness, |fields| {
        validate::check_only(fields, context)
    })
}

fn decide<C>(
    row: &InputRow,
    layout: &Layout,
    uniqueness: &mut Uniqueness,
    check: impl FnOnce(&CustomerFields<'_>) -> Result<C, Vec<Problem>>,
) -> RowPlan<C> {
    let (fields, mut problems) = row.fields(layout);
    let duplicates = uniqueness.check(row.number, &fields);
    let earlier = previous(row, layout);
    if let Some(mut previous) = earlier.clone().filter(|p| p.status.is_finished()) {
        if previous.mca_status.is_done() {
            return RowPlan::Finished(previous);
        }
        return match validate::check_mca(&fields) {
            Ok(None) => {
                // No attestation asked for (any more): no stale `failed`,
                // `skipped` or `pending`, nor its link to send.
                previous.mca_status = McaStatus::None;
                if !previous.mca_attestation_id.is_empty() {
                    previous.customer_link.clear();
                    previous.mca_attestation_id.clear();
                }
                RowPlan::Finished(previous)
            }
            Ok(Some(mca)) => RowPlan::Attest {
                previous,
                mca: Box::new(mca),
            },
            Err(found) => {
                // The customer exists: only the attestation cannot be done.
                previous.mca_status = McaStatus::Failed(validate::join_problems(&found));
                RowPlan::Finished(previous)
            }
        };
    }
    match check(&fields) {
        Ok(customer) if problems.is_empty() && duplicates.is_empty() => RowPlan::Valid {
            customer,
            earlier_attempt: earlier
                .as_ref()
                .filter(|p| matches!(p.status, Status::Failed | Status::Cancelled))
                .filter(|p| p.attempts.unwrap_or(0) > 0 && !p.request_id.is_empty())
                .map(|p| p.request_id.clone()),
            after_rejected: earlier
                .filter(|p| p.status == Status::Rejected && !p.request_id.is_empty())
                .map(|p| p.request_id),
        },
        Ok(_) => {
            problems.extend(duplicates);
            RowPlan::Invalid {
                problems,
                mca: validate::has_mca_values(&fields),
            }
        }
        Err(found) => {
            // A field that was not UTF-8 reads as empty: drop the
            // "is required" that follows from it, the encoding problem says it.
            let unreadable: Vec<_> = problems.iter().map(|p| p.field).collect();
            problems.extend(found.into_iter().filter(|p| !unreadable.contains(&p.field)));
            problems.extend(duplicates);
            problems.sort_by_key(|p| p.field);
            RowPlan::Invalid {
                problems,
                mca: validate::has_mca_values(&fields),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::InputReader;
    use crate::validate::Field;

    const HEADER: &str = "company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country,mca_date,status,customer_id,mca_status";
    const CUSTOMER: &str =
        "Contoso,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US";

    /// Plan every row of a file made of `rows` (after the header).
    fn plans(rows: &[&str]) -> Vec<RowPlan> {
        plans_with(HEADER, rows)
    }

    /// Plan every row of a file made of `header` and `rows`.
    fn plans_with(header: &str, rows: &[&str]) -> Vec<RowPlan> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.csv");
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        let mut reader = InputReader::open(&path).unwrap();
        // Result columns by their headers (the file has no request_id).
        crate::results::mark_result_columns(&mut reader).unwrap();
        let layout = reader.layout().clone();
        let mut uniqueness = Uniqueness::new();
        let mut row = InputRow::new();
        let mut out = Vec::new();
        while reader.read_row(&mut row).unwrap() {
            out.push(plan_row(
                &row,
                &layout,
                &mut uniqueness,
                CheckContext::none(),
            ));
        }
        out
    }

    #[test]
    fn a_finished_row_whose_attestation_is_pending_is_attested_only() {
        let rows = [
            format!("{CUSTOMER},2026-01-15,created,c-1,failed: 403"),
            format!("{CUSTOMER},2026-01-15,exists,c-2,").replace("contoso", "fabrikam"),
            format!("{CUSTOMER},2026-01-15,created,c-3,attested").replace("contoso", "tailspin"),
            format!("{CUSTOMER},,created,c-4,failed: 403").replace("contoso", "northwind"),
            format!("{CUSTOMER},2026-02-30,created,c-5,").replace("contoso", "adatum"),
            format!("{CUSTOMER},2026-01-15,failed,,skipped").replace("contoso", "litware"),
        ];
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let plans = plans(&rows);
        match &plans[0] {
            RowPlan::Attest { previous, mca } => {
                assert_eq!(previous.customer_id, "c-1");
                assert_eq!(mca.date_agreed, "2026-01-15T00:00:00Z");
                assert_eq!(mca.email.as_str(), "ap@contoso.example");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&plans[1], RowPlan::Attest { previous, .. } if previous.status == Status::Exists)
        );
        // Done: copied as is.
        assert!(matches!(&plans[2], RowPlan::Finished(p) if p.mca_status == McaStatus::Attested));
        // No MCA values any more: no stale failure.
        assert!(matches!(&plans[3], RowPlan::Finished(p) if p.mca_status == McaStatus::None));
        // Unusable MCA values: the customer stays finished, the attestation fails.
        match &plans[4] {
            RowPlan::Finished(p) => {
                assert_eq!(p.status, Status::Created);
                assert!(
                    matches!(&p.mca_status, McaStatus::Failed(r) if r.contains("mca_date")),
                    "{:?}",
                    p.mca_status
                );
            }
            other => panic!("{other:?}"),
        }
        // Not finished: planned like any row, and the result says `skipped`
        // until it is created.
        assert!(matches!(&plans[5], RowPlan::Valid { customer: c, .. } if c.mca.is_some()));
        let plan = plans.into_iter().nth(5).unwrap();
        assert_eq!(
            plan.offline_result(Status::Valid).mca_status,
            McaStatus::Skipped
        );
    }

    #[test]
    fn a_pending_row_whose_mca_values_are_removed_loses_its_link_and_a_kept_one_is_attested_only() {
        let header = format!("{HEADER},customer_link,mca_attestation_id");
        let link = "https://mca.example/a-1";
        let rows = [
            format!("{CUSTOMER},,created,c-1,pending,{link},a-1"),
            format!("{CUSTOMER},2026-01-15,created,c-2,pending,{link},a-2")
                .replace("contoso", "fabrikam"),
        ];
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let plans = plans_with(&header, &rows);
        match &plans[0] {
            RowPlan::Finished(p) => {
                assert_eq!(p.mca_status, McaStatus::None);
                assert_eq!(
                    (p.customer_link.as_str(), p.mca_attestation_id.as_str()),
                    ("", "")
                );
            }
            other => panic!("{other:?}"),
        }
        match &plans[1] {
            RowPlan::Attest { previous, .. } => {
                assert_eq!(previous.mca_status, McaStatus::Pending);
                assert_eq!(previous.mca_attestation_id, "a-2");
                assert_eq!(previous.customer_link, link);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_invalid_rows_result_carries_its_problems_typed() {
        let row = format!("{CUSTOMER},,,,")
            .replace("98052", "8165")
            .replace("Lee", "");
        let plan = plans(&[&row]).into_iter().next().unwrap();
        let result = plan.offline_result(Status::Valid);
        assert_eq!(result.status, Status::Invalid);
        let fields: Vec<Field> = result.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::LastName, Field::PostalCode]);
        assert_eq!(result.error, validate::join_problems(&result.problems));
        assert_eq!(result.error_code, result.problems[0].code());
        assert_eq!(result.error_code, "2001");
    }

    #[test]
    fn a_value_excel_replaced_with_question_marks_is_one_problem_not_also_a_name_rules() {
        // `???` alone would be "special characters only" (27011) and `?` a
        // one-character name (27010): the `?` reading problem says why.
        let row = CUSTOMER.replace("Contoso,", "???,").replace("Ann", "?");
        let plan = plans(&[&row]).into_iter().next().unwrap();
        let result = plan.offline_result(Status::Valid);
        assert_eq!(result.status, Status::Invalid);
        let found: Vec<(Field, &str)> = result
            .problems
            .iter()
            .map(|p| (p.field, p.code()))
            .collect();
        assert_eq!(
            found,
            [(Field::CompanyName, "27002"), (Field::FirstName, "27002")]
        );
        // The advice once per row: the later value points back at the first.
        let messages: Vec<&str> = result.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(messages[0].contains("Excel writes `?`"), "{messages:?}");
        assert_eq!(
            messages[1],
            "first_name is `?`: lost to Excel's `?` like company_name (see there)"
        );
        assert_eq!(
            result.error.matches("Excel writes").count(),
            1,
            "{}",
            result.error
        );
    }
}
