//! One customer per row: a customer id Partner Center hands to a second
//! row (a proxy mixing answers, a service bug) is not that row's success.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use crate::results::{RowResult, Status};

/// The customer ids of the rows recorded so far (64-bit hashes: constant
/// size per row), and the row that got each.
#[derive(Debug, Default)]
pub(crate) struct CustomerIds {
    seen: HashMap<u64, u64>,
    hasher: BuildHasherDefault<DefaultHasher>,
}

impl CustomerIds {
    /// Register the customer of row `row` (a spreadsheet row number); a
    /// customer some earlier row got already makes this row `failed`,
    /// saying which.
    pub(crate) fn check(&mut self, row: u64, result: &mut RowResult) {
        if result.customer_id.is_empty()
            || !matches!(result.status, Status::Created | Status::Exists)
        {
            return;
        }
        let key = self
            .hasher
            .hash_one(result.customer_id.trim().to_ascii_lowercase());
        let first = *self.seen.entry(key).or_insert(row);
        if first == row {
            return;
        }
        result.error = format!(
            "Partner Center answered with customer {}, which row {first} got already: \
             two rows cannot be one customer, so this row is not counted as {}; look both \
             up in the Partner Center portal",
            result.customer_id, result.status
        );
        result.status = Status::Failed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_id_given_to_a_second_row_fails_it() {
        let mut ids = CustomerIds::default();
        let row = |id: &str, status| {
            let mut result = RowResult::new(status);
            result.customer_id = id.to_owned();
            result
        };
        let mut first = row("C-1", Status::Created);
        ids.check(2, &mut first);
        assert_eq!(first.status, Status::Created);
        let mut other = row("c-2", Status::Exists);
        ids.check(3, &mut other);
        assert_eq!(other.status, Status::Exists);
        let mut again = row("c-1", Status::Created);
        ids.check(4, &mut again);
        assert_eq!(again.status, Status::Failed);
        assert!(
            again.error.contains("which row 2 got already"),
            "{}",
            again.error
        );
        let mut no_id = row("", Status::Created);
        ids.check(5, &mut no_id);
        assert_eq!(no_id.status, Status::Created);
    }
}
