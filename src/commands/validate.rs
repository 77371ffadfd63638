//! `pc-onboard validate`: every row checked offline, all problems in one pass.

use std::io::Write;

use anyhow::Context;
use serde_json::json;

use super::{ExitStatus, StatusCounts};
use crate::cli::ValidateArgs;
use crate::input::{Field, InputReader, InputRow, Layout};
use crate::pipeline::{RowPlan, plan_row};
use crate::results::{FlushPolicy, ResultsWriter, RowResult, Status};
use crate::validate::Uniqueness;

/// How many invalid rows are listed on stderr before the rest are only counted.
const LISTED_PROBLEM_ROWS: u64 = 20;

/// Validate `args.input`; per-row JSON goes to `out`, the report to `err`.
pub fn validate(
    args: &ValidateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let mut reader = InputReader::open(&args.input)?;
    let layout = reader.layout().clone();
    let mut writer = match &args.results {
        Some(path) => Some(ResultsWriter::create(path, &layout, FlushPolicy::Buffered)?),
        None => None,
    };
    let mut uniqueness = Uniqueness::new();
    let mut counts = StatusCounts::default();
    let mut row = InputRow::new();
    while reader.read_row(&mut row)? {
        let plan = plan_row(&row, &layout, &mut uniqueness);
        let result = plan.offline_result(Status::Valid);
        counts.add(result.status);
        if args.json {
            serde_json::to_writer(&mut *out, &row_json(&row, &layout, &plan, &result))?;
            out.write_all(b"\n")?;
        } else if result.status == Status::Invalid {
            let listed = counts.get(Status::Invalid);
            if listed <= LISTED_PROBLEM_ROWS {
                writeln!(err, "row {}: {}", row.number, result.error)?;
            }
        }
        if let Some(writer) = writer.as_mut() {
            writer.write(&row, &result)?;
        }
    }
    if let Some(writer) = writer {
        writer.finish()?;
    }
    let invalid = counts.get(Status::Invalid);
    if !args.json && invalid > LISTED_PROBLEM_ROWS {
        let more = invalid - LISTED_PROBLEM_ROWS;
        let see = match &args.results {
            Some(path) => format!("see {}", path.display()),
            None => "use --results FILE to see every row".to_owned(),
        };
        writeln!(err, "... and {more} more invalid rows ({see})")?;
    }
    writeln!(
        err,
        "{}: {} rows: {}{}",
        args.input.display(),
        counts.total(),
        counts.describe(),
        match &args.results {
            Some(path) => format!(" -> {}", path.display()),
            None => String::new(),
        }
    )
    .context("cannot write to stderr")?;
    Ok(ExitStatus::from_counts(&counts))
}

fn row_json(
    row: &InputRow,
    layout: &Layout,
    plan: &RowPlan,
    result: &RowResult,
) -> serde_json::Value {
    let (fields, _) = row.fields(layout);
    let problems: Vec<_> = match plan {
        RowPlan::Invalid(problems) => problems
            .iter()
            .map(|p| json!({"column": p.field.name(), "code": p.kind.api_code(), "message": p.message}))
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "row": row.number,
        "line": row.line,
        "external_id": fields.get(Field::ExternalId),
        "domain": fields.get(Field::Domain),
        "status": result.status.to_string(),
        "customer_id": result.customer_id,
        "tenant_id": result.tenant_id,
        "problems": problems,
        "error": result.error,
    })
}
