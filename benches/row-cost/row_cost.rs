//! Per-row CPU cost of the offline stages, with criterion (docs/benchmarks.md, section 4):
//! planning a row (field reading, `validate::check`, duplicate detection),
//! building its request (canonical JSON body and deterministic request id)
//! and writing its results row. `benches/e2e.rs` measures the whole client
//! per created row; this splits the offline part so a regression points at
//! its stage.
//!
//! `cargo bench -p pc-onboard-row-cost` (`benches/run.sh row_cost` runs it too).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pc_onboard::files::{FlushPolicy, ResultsWriter};
use pc_onboard::input::{InputReader, InputRow};
use pc_onboard::pipeline::{PreparedRequest, RowPlan, plan_row};
use pc_onboard::results::{RowResult, Status};
use pc_onboard::validate::{DefaultGdap, Uniqueness};

#[path = "../../examples/gen_customers/rows.rs"]
#[allow(dead_code)]
mod rows;

const ROWS: usize = 1000;

/// 1,000 rows across ten countries (three with registration numbers), the
/// rows of `examples/gen_customers`.
fn write_input(path: &Path) {
    let mut text = Vec::new();
    rows::write_rows(&mut text, ROWS as u64, 0, &mut rows::Rng(1)).unwrap();
    std::fs::write(path, text).unwrap();
}

fn row_cost(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_input(&input);
    let mut reader = InputReader::open(&input).unwrap();
    let layout = reader.layout().clone();
    let mut rows = Vec::with_capacity(ROWS);
    loop {
        let mut row = InputRow::new();
        if !reader.read_row(&mut row).unwrap() {
            break;
        }
        rows.push(row);
    }
    assert_eq!(rows.len(), ROWS);

    let mut group = c.benchmark_group("per_row");
    group.throughput(Throughput::Elements(ROWS as u64));

    group.bench_function("plan_row (read fields, validate, duplicates)", |b| {
        b.iter_batched(
            Uniqueness::new,
            |mut uniqueness| {
                for row in &rows {
                    black_box(plan_row(row, &layout, &mut uniqueness));
                }
            },
            BatchSize::SmallInput,
        );
    });

    let mut uniqueness = Uniqueness::new();
    let customers: Vec<_> = rows
        .iter()
        .map(|row| match plan_row(row, &layout, &mut uniqueness) {
            RowPlan::Valid { customer, .. } => customer,
            other => panic!("row {} is not valid: {other:?}", row.number),
        })
        .collect();
    group.bench_function("PreparedRequest::new (canonical JSON, request id)", |b| {
        b.iter(|| {
            for customer in &customers {
                black_box(PreparedRequest::new(customer, None, DefaultGdap::On));
            }
        });
    });

    let out = dir.path().join("out.csv");
    let mut result = RowResult::new(Status::Created);
    result.customer_id = "0f0a4f8e-9a34-4f5c-8a57-2c1d4f3b6e21".into();
    result.tenant_id = result.customer_id.clone();
    result.request_id = "6b0e0b6c-1f0e-5a8c-9d2e-3f4a5b6c7d8e".into();
    result.attempts = Some(1);
    group.bench_function("ResultsWriter::write (flushed per row)", |b| {
        b.iter_batched(
            || ResultsWriter::create(&out, &layout, FlushPolicy::EveryRow).unwrap(),
            |mut writer| {
                for row in &rows {
                    writer.write(row, &result).unwrap();
                }
                writer.finish().unwrap();
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, row_cost);
criterion_main!(benches);
