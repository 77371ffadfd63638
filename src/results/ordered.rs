//! The reorder buffer: rows finish out of order, the results file wants
//! them in input order (the row driver, `pipeline::drive`, writes each as
//! soon as its turn comes).

use std::collections::BTreeMap;

/// Puts items that finish out of order back in index order: push each item
/// with its index, take the ones whose turn has come.
#[derive(Debug)]
pub(crate) struct ReorderBuffer<T> {
    next: u64,
    pending: BTreeMap<u64, T>,
}

impl<T> ReorderBuffer<T> {
    /// A buffer whose first item has index `next`.
    pub(crate) fn new(next: u64) -> Self {
        ReorderBuffer {
            next,
            pending: BTreeMap::new(),
        }
    }

    /// Add the item with `index`.
    pub(crate) fn push(&mut self, index: u64, item: T) {
        self.pending.insert(index, item);
    }

    /// The next item in order, if it has arrived.
    pub(crate) fn pop_ready(&mut self) -> Option<T> {
        let item = self.pending.remove(&self.next)?;
        self.next += 1;
        Some(item)
    }

    /// Index of the next item to hand out (= items handed out, plus the start).
    pub(crate) fn next_index(&self) -> u64 {
        self.next
    }

    /// Items waiting for an earlier one.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// Everything left, in index order (gaps skipped).
    pub(crate) fn drain_rest(&mut self) -> impl Iterator<Item = T> + '_ {
        std::mem::take(&mut self.pending).into_values()
    }
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
