//! The one task that owns the results file: rows arrive out of order from
//! the workers, a small reorder buffer puts them back in input order, and
//! each row is written and flushed as soon as its turn comes.

use std::collections::BTreeMap;

use tokio::sync::{mpsc, watch};

use super::{ResultsError, ResultsWriter, RowResult};
use crate::input::InputRow;

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

/// Puts items that finish out of order back in index order: push each item
/// with its index, take the ones whose turn has come. Shared by `run`'s
/// writer task and `validate --online`.
#[derive(Debug)]
pub struct ReorderBuffer<T> {
    next: u64,
    pending: BTreeMap<u64, T>,
}

impl<T> ReorderBuffer<T> {
    /// A buffer whose first item has index `next`.
    pub fn new(next: u64) -> Self {
        ReorderBuffer {
            next,
            pending: BTreeMap::new(),
        }
    }

    /// Add the item with `index`.
    pub fn push(&mut self, index: u64, item: T) {
        self.pending.insert(index, item);
    }

    /// The next item in order, if it has arrived.
    pub fn pop_ready(&mut self) -> Option<T> {
        let item = self.pending.remove(&self.next)?;
        self.next += 1;
        Some(item)
    }

    /// Index of the next item to hand out (= items handed out, plus the start).
    pub fn next_index(&self) -> u64 {
        self.next
    }

    /// Items waiting for an earlier one.
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// Everything left, in index order (gaps skipped).
    pub fn drain_rest(&mut self) -> impl Iterator<Item = T> + '_ {
        std::mem::take(&mut self.pending).into_values()
    }
}

/// Write rows in index order starting at `next`, calling `on_written` for
/// each and publishing the count of rows written on `committed` (which the
/// dispatcher watches to bound how far it runs ahead).
pub async fn write_in_order(
    mut rx: mpsc::Receiver<FinishedRow>,
    mut writer: ResultsWriter,
    next: u64,
    committed: watch::Sender<u64>,
    mut on_written: impl FnMut(&RowResult),
) -> Result<ResultsWriter, ResultsError> {
    let mut buffer = ReorderBuffer::new(next);
    while let Some(finished) = rx.recv().await {
        buffer.push(finished.index, finished);
        while let Some(ready) = buffer.pop_ready() {
            writer.write(&ready.row, &ready.result)?;
            on_written(&ready.result);
            committed.send_replace(buffer.next_index());
        }
    }
    // Every sender is gone: anything left means a row was lost, which the
    // dispatcher never does; write them anyway rather than drop data.
    for rest in buffer.drain_rest() {
        writer.write(&rest.row, &rest.result)?;
        on_written(&rest.result);
    }
    Ok(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorder_buffer_hands_items_out_in_index_order() {
        let mut b = ReorderBuffer::new(3);
        b.push(4, "four");
        assert_eq!(b.pop_ready(), None);
        b.push(3, "three");
        assert_eq!(b.pop_ready(), Some("three"));
        assert_eq!(b.pop_ready(), Some("four"));
        assert_eq!(b.pop_ready(), None);
        assert_eq!(b.next_index(), 5);
        b.push(7, "seven");
        assert_eq!(b.waiting(), 1);
        assert_eq!(b.drain_rest().collect::<Vec<_>>(), ["seven"]);
        assert_eq!(b.waiting(), 0);
    }
}
