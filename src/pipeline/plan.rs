//! What to do with one input row: copy it, report it invalid, or send it.

use crate::input::{InputRow, Layout};
use crate::results::{PreviousResult, RowResult, Status};
use crate::validate::{self, NewCustomer, Problem, Uniqueness};

/// The decision for one row.
#[derive(Debug)]
pub enum RowPlan {
    /// Already `created`/`exists` in the input (a fed-back results file): copy, send nothing.
    Finished(PreviousResult),
    /// Failed local validation: every problem, in column order.
    Invalid(Vec<Problem>),
    /// Ready to send.
    Valid(Box<NewCustomer>),
}

impl RowPlan {
    /// The results row for a plan that needs no network: the copied row,
    /// `invalid` with every problem, or `valid_status` for valid rows.
    pub fn offline_result(&self, valid_status: Status) -> RowResult {
        match self {
            RowPlan::Finished(previous) => previous.clone(),
            RowPlan::Invalid(problems) => invalid_result(problems),
            RowPlan::Valid(_) => RowResult::new(valid_status),
        }
    }
}

/// `invalid` with the problems joined into `error` and the first problem's code.
pub fn invalid_result(problems: &[Problem]) -> RowResult {
    let mut result = RowResult::new(Status::Invalid);
    result.error = validate::join_problems(problems);
    if let Some(first) = problems.first() {
        result.error_code = first.kind.api_code().to_owned();
    }
    result
}

/// Decide what to do with `row`. Every row goes through `uniqueness`, so a
/// finished row's domain still counts against later duplicates.
pub fn plan_row(row: &InputRow, layout: &Layout, uniqueness: &mut Uniqueness) -> RowPlan {
    let (fields, mut problems) = row.fields(layout);
    let duplicates = uniqueness.check(row.number, &fields);
    if let Some(previous) = row.previous(layout).filter(|p| p.status.is_finished()) {
        return RowPlan::Finished(previous);
    }
    match validate::check(&fields) {
        Ok(customer) if problems.is_empty() && duplicates.is_empty() => {
            RowPlan::Valid(Box::new(customer))
        }
        Ok(_) => {
            problems.extend(duplicates);
            RowPlan::Invalid(problems)
        }
        Err(found) => {
            // A field that was not UTF-8 reads as empty: drop the
            // "is required" that follows from it, the encoding problem says it.
            let unreadable: Vec<_> = problems.iter().map(|p| p.field).collect();
            problems.extend(found.into_iter().filter(|p| !unreadable.contains(&p.field)));
            problems.extend(duplicates);
            problems.sort_by_key(|p| p.field);
            RowPlan::Invalid(problems)
        }
    }
}
