//! The one task that owns the results file: rows arrive out of order from
//! the workers, a small reorder buffer puts them back in input order, and
//! each row is written and flushed as soon as its turn comes.

use std::collections::BTreeMap;

use tokio::sync::{mpsc, watch};

use crate::input::InputRow;
use crate::results::{ResultsError, ResultsWriter, RowResult};

/// One finished row on its way to the results file.
#[derive(Debug)]
pub struct FinishedRow {
    /// Position of the row in the input (0-based, data rows only).
    pub index: u64,
    /// The raw input row, written back byte-exact.
    pub row: InputRow,
    /// Its result.
    pub result: RowResult,
}

/// Write rows in index order starting at `next`, calling `on_written` for
/// each and publishing the count of rows written on `committed` (which the
/// dispatcher watches to bound how far it runs ahead).
pub async fn write_in_order(
    mut rx: mpsc::Receiver<FinishedRow>,
    mut writer: ResultsWriter,
    mut next: u64,
    committed: watch::Sender<u64>,
    mut on_written: impl FnMut(&RowResult),
) -> Result<ResultsWriter, ResultsError> {
    let mut pending: BTreeMap<u64, FinishedRow> = BTreeMap::new();
    while let Some(finished) = rx.recv().await {
        pending.insert(finished.index, finished);
        while let Some(ready) = pending.remove(&next) {
            writer.write(&ready.row, &ready.result)?;
            on_written(&ready.result);
            next += 1;
            committed.send_replace(next);
        }
    }
    // Every sender is gone: anything left means a row was lost, which the
    // dispatcher never does; write them anyway rather than drop data.
    for (_, rest) in pending {
        writer.write(&rest.row, &rest.result)?;
        on_written(&rest.result);
    }
    Ok(writer)
}
