//! Rows counted by status and by MCA outcome ([`Tally`]): the one count the
//! run summary, `validate`'s summary, the workbook's summary sheet and the
//! exit code are made of. One slot per [`Status`] and per `McaOutcome`, in
//! the order of their tables.

use std::marker::PhantomData;
use std::path::Path;

use super::schema::{McaOutcome, McaStatus, RowResult, Status, previous};
use crate::input::{InputError, InputOptions, InputReader, InputRow};
use crate::validate::ProblemKind;

/// Rows counted per key of a closed table (`Status`, `McaOutcome`): one
/// slot each, in the table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts<K: Slot<N>, const N: usize> {
    counts: [u64; N],
    keys: PhantomData<K>,
}

/// A key of a closed table: its position and every key in order.
pub(crate) trait Slot<const N: usize>: Copy + 'static {
    /// Every key, in table order.
    const ALL: [Self; N];
    /// Position in [`Slot::ALL`].
    fn slot(self) -> usize;
}

impl Slot<{ Status::COUNT }> for Status {
    const ALL: [Status; Status::COUNT] = Status::ALL;
    fn slot(self) -> usize {
        self.index()
    }
}

impl Slot<{ McaOutcome::COUNT }> for McaOutcome {
    const ALL: [McaOutcome; McaOutcome::COUNT] = McaOutcome::ALL;
    fn slot(self) -> usize {
        self.index()
    }
}

impl<K: Slot<N>, const N: usize> Default for Counts<K, N> {
    fn default() -> Self {
        Counts {
            counts: [0; N],
            keys: PhantomData,
        }
    }
}

impl<K: Slot<N>, const N: usize> Counts<K, N> {
    /// Count one row.
    pub(crate) fn add(&mut self, key: K) {
        self.counts[key.slot()] += 1;
    }

    /// Rows with `key`.
    pub(crate) fn get(&self, key: K) -> u64 {
        self.counts[key.slot()]
    }

    /// All rows counted.
    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The keys counted at least once, with their counts, in table order.
    pub(crate) fn nonzero(&self) -> impl Iterator<Item = (K, u64)> + '_ {
        K::ALL
            .into_iter()
            .map(|k| (k, self.get(k)))
            .filter(|(_, n)| *n > 0)
    }

    /// Rows whose key satisfies `which`.
    fn count_where(&self, which: impl Fn(K) -> bool) -> u64 {
        self.nonzero()
            .filter(|(k, _)| which(*k))
            .map(|(_, n)| n)
            .sum()
    }

    /// Add the counts of `other`.
    fn merge(&mut self, other: &Self) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
    }
}

/// Rows per status.
pub(crate) type StatusCounts = Counts<Status, { Status::COUNT }>;

impl StatusCounts {
    /// Rows whose status is not a success.
    pub(crate) fn failures(&self) -> u64 {
        self.count_where(|s| !s.is_success())
    }

    /// `3 created, 2 invalid`: the non-zero counts in table order.
    pub(crate) fn describe(&self) -> String {
        let parts: Vec<String> = self.nonzero().map(|(s, n)| format!("{n} {s}")).collect();
        if parts.is_empty() {
            "no rows".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Rows per `mca_status` outcome (rows without MCA values are not counted).
pub(crate) type McaCounts = Counts<McaOutcome, { McaOutcome::COUNT }>;

impl McaCounts {
    /// Count one row's `mca_status` (an empty one is not counted).
    pub(crate) fn add_status(&mut self, status: &McaStatus) {
        if let Some(outcome) = status.outcome() {
            self.add(outcome);
        }
    }

    /// Attestations the partner has to act on (`failed`, `cancelled`,
    /// `expired`): a re-run tries them again or issues a new link.
    pub(crate) fn needing_attention(&self) -> u64 {
        self.count_where(McaOutcome::needs_attention)
    }

    /// What to do about the attestations that wait or need attention, each
    /// line ending with the command that does it (`rerun`); `links_note`
    /// follows the pending links (e.g. that they no longer open).
    pub(crate) fn advice(&self, rerun: &str, links_note: &str) -> Vec<String> {
        let mut out = Vec::new();
        let (failed, cancelled) = (
            self.get(McaOutcome::Failed),
            self.get(McaOutcome::Cancelled),
        );
        if failed + cancelled > 0 {
            let what = match (failed, cancelled) {
                (_, 0) => format!("{failed} MCA attestations failed"),
                (0, _) => format!("{cancelled} MCA attestations were cancelled"),
                _ => format!("{failed} MCA attestations failed and {cancelled} were cancelled"),
            };
            out.push(format!(
                "{what} (see mca_status); the customers stay created. Attest them with: {rerun}"
            ));
        }
        let expired = self.get(McaOutcome::Expired);
        if expired > 0 {
            let links = if expired == 1 { "link" } else { "links" };
            out.push(format!(
                "{expired} MCA acceptance {links} expired unaccepted (see mca_status); new {links} with: {rerun}"
            ));
        }
        let pending = self.get(McaOutcome::Pending);
        if pending > 0 {
            let (what, them) = if pending == 1 {
                (
                    "MCA acceptance waits for the customer (its link in customer_link)",
                    "it",
                )
            } else {
                (
                    "MCA acceptances wait for the customer (links in customer_link)",
                    "them",
                )
            };
            out.push(format!(
                "{pending} {what}{links_note}; once accepted, finish {them} with: {rerun}"
            ));
        }
        out
    }

    /// `2 attested, 1 already attested`: the non-zero counts.
    pub(crate) fn describe(&self) -> String {
        let parts: Vec<String> = self
            .nonzero()
            .map(|(o, n)| format!("{n} {}", o.keyword().replace('_', " ")))
            .collect();
        parts.join(", ")
    }
}

/// Rows of a results file, counted by status and by MCA outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Rows per status.
    pub(crate) statuses: StatusCounts,
    /// Rows per `mca_status` outcome.
    pub(crate) mca: McaCounts,
    /// Of the `invalid` rows, those that are so only because they need
    /// App+User credentials the run did not have ([`needs_sign_in`]): the
    /// fix is to sign in, not to change the row.
    pub(crate) sign_in: u64,
}

/// Whether `result` is `invalid` only because the row needs App+User
/// credentials (problem kind `needs_app_user`; read back from a results
/// file, where the problems are text, its `error_code`, that kind's code).
pub(crate) fn needs_sign_in(result: &RowResult) -> bool {
    let kind = ProblemKind::NeedsAppUser;
    result.status == Status::Invalid
        && match result.problems.is_empty() {
            true => result.error_code == kind.code(),
            false => result.problems.iter().all(|p| p.kind == kind),
        }
}

impl Tally {
    /// Count one row.
    pub(crate) fn add(&mut self, status: Status, mca: &McaStatus) {
        self.statuses.add(status);
        self.mca.add_status(mca);
    }

    /// Count one row's result.
    pub(crate) fn add_result(&mut self, result: &RowResult) {
        self.add(result.status, &result.mca_status);
        self.sign_in += u64::from(needs_sign_in(result));
    }

    /// The `invalid` rows whose values need fixing (not [`Tally::sign_in`]).
    pub(crate) fn invalid_values(&self) -> u64 {
        self.statuses
            .get(Status::Invalid)
            .saturating_sub(self.sign_in)
    }

    /// Add the counts of `other`.
    pub(crate) fn merge(&mut self, other: &Tally) {
        self.statuses.merge(&other.statuses);
        self.mca.merge(&other.mca);
        self.sign_in += other.sign_in;
    }

    /// Some row needs attention (contract, "Exit codes"): a status that is
    /// not a success, or an MCA attestation `failed`, `cancelled` or
    /// `expired` (not `pending`: the customer is the one to act).
    pub(crate) fn needs_attention(&self) -> bool {
        self.statuses.failures() > 0 || self.mca.needing_attention() > 0
    }

    /// The first `rows` rows of the results file `path` (read with
    /// `options`), counted: the rows a `--resume` keeps. A row whose status
    /// cell names no status is not counted.
    pub(crate) fn of_results_file(
        path: &Path,
        options: &InputOptions,
        rows: u64,
    ) -> Result<Tally, InputError> {
        let mut tally = Tally::default();
        if rows == 0 {
            return Ok(tally);
        }
        let mut reader = InputReader::open_with(path, options)?;
        // A results file this tool wrote (a resumed run's): its result
        // columns are known by their headers.
        super::mark_result_columns(&mut reader)?;
        let layout = reader.layout().clone();
        let mut row = InputRow::new();
        let mut read = 0;
        while read < rows && reader.read_row(&mut row)? {
            read += 1;
            if let Some(result) = previous(&row, &layout) {
                tally.add_result(&result);
            }
        }
        Ok(tally)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn every_status_and_outcome_has_its_own_slot_in_table_order() {
        for (i, status) in Status::ALL.into_iter().enumerate() {
            assert_eq!(status.index(), i, "{status}");
            let mut counts = StatusCounts::default();
            counts.add(status);
            assert_eq!(counts.nonzero().collect::<Vec<_>>(), [(status, 1)]);
        }
        for (i, outcome) in McaOutcome::ALL.into_iter().enumerate() {
            assert_eq!(outcome.index(), i, "{outcome:?}");
        }
    }

    #[test]
    fn the_mca_advice_names_what_waits_and_what_needs_the_partner_with_the_command() {
        let mut mca = McaCounts::default();
        assert!(mca.advice("pc-onboard run r.csv", "").is_empty());
        for status in [
            McaStatus::Pending,
            McaStatus::Expired,
            McaStatus::Expired,
            McaStatus::Cancelled,
        ] {
            mca.add_status(&status);
        }
        let lines = mca.advice("pc-onboard run r.csv --results r-2.csv", " (sandbox)");
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].starts_with("1 MCA attestations were cancelled"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("2 MCA acceptance links expired unaccepted"),
            "{lines:?}"
        );
        assert_eq!(
            lines[2],
            "1 MCA acceptance waits for the customer (its link in customer_link) (sandbox); once accepted, finish it with: pc-onboard run r.csv --results r-2.csv"
        );
        assert_eq!(
            mca.needing_attention(),
            3,
            "expired and cancelled, not pending"
        );
    }

    #[test]
    fn counts_describe_themselves_in_table_order() {
        let mut tally = Tally::default();
        for status in [
            Status::Invalid,
            Status::Created,
            Status::WouldCreate,
            Status::Created,
        ] {
            tally.add(status, &McaStatus::None);
        }
        assert_eq!(
            tally.statuses.describe(),
            "2 created, 1 would_create, 1 invalid"
        );
        assert_eq!(StatusCounts::default().describe(), "no rows");
        tally.add(Status::Created, &McaStatus::AlreadyAttested);
        tally.add(Status::Created, &McaStatus::Attested);
        assert_eq!(tally.mca.describe(), "1 attested, 1 already attested");
        assert_eq!(tally.mca.total(), 2);
        assert_eq!(tally.statuses.total(), 6);
    }

    #[test]
    fn a_failed_or_cancelled_attestation_needs_attention_and_pending_work_does_not() {
        let mut tally = Tally::default();
        tally.add(Status::Created, &McaStatus::Attested);
        tally.add(Status::WouldCreate, &McaStatus::Skipped);
        tally.add(Status::Valid, &McaStatus::None);
        assert!(!tally.needs_attention());
        for mca in [McaStatus::Failed("x".into()), McaStatus::Cancelled] {
            let mut with = tally;
            with.add(Status::Created, &mca);
            assert!(with.needs_attention(), "{mca}");
            assert_eq!(with.mca.needing_attention(), 1);
        }
        let mut invalid = tally;
        invalid.add(Status::Invalid, &McaStatus::Skipped);
        assert!(invalid.needs_attention());
        assert_eq!(invalid.statuses.failures(), 1);
    }

    #[test]
    fn rows_that_need_sign_in_are_counted_apart_by_their_kind() {
        use crate::validate::{Field, Problem};
        let sign_in = Problem::new(Field::McaDate, ProblemKind::NeedsAppUser, "sign in");
        let value = Problem::missing(Field::City);
        let mut tally = Tally::default();
        tally.add_result(&RowResult::invalid(vec![sign_in.clone()]));
        tally.add_result(&RowResult::invalid(vec![value]));
        // Read back from a results file: the kind's code.
        let mut read_back = RowResult::new(Status::Invalid);
        read_back.error_code = ProblemKind::NeedsAppUser.code().to_owned();
        tally.add_result(&read_back);
        let mut rejected = RowResult::new(Status::Rejected);
        rejected.error_code = ProblemKind::NeedsAppUser.code().to_owned();
        tally.add_result(&rejected);
        assert_eq!((tally.sign_in, tally.invalid_values()), (2, 1));
        let mut both = Tally::default();
        both.merge(&tally);
        both.merge(&tally);
        assert_eq!(both.sign_in, 4);
    }

    #[test]
    fn tallies_merge() {
        let mut kept = Tally::default();
        kept.add(Status::Invalid, &McaStatus::None);
        let mut now = Tally::default();
        now.add(Status::Created, &McaStatus::Cancelled);
        now.merge(&kept);
        assert_eq!(now.statuses.describe(), "1 created, 1 invalid");
        assert_eq!(now.mca.get(McaOutcome::Cancelled), 1);
    }

    #[test]
    fn the_kept_rows_of_a_results_file_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.csv");
        let header = "company_name,domain,email,culture,language,first_name,last_name,address_line1,country,status,mca_status";
        let row = "C,c,a@c.example,en-US,en,A,L,1 St,US";
        let text = format!(
            "{header}\n{row},created,failed: 503\n{row},invalid,\n{row},bogus,\n{row},cancelled,\n"
        );
        std::fs::write(&path, text).unwrap();
        let options = InputOptions::default();
        let tally = Tally::of_results_file(&path, &options, 3).unwrap();
        assert_eq!(tally.statuses.describe(), "1 created, 1 invalid");
        assert_eq!(tally.mca.get(McaOutcome::Failed), 1);
        assert_eq!(
            Tally::of_results_file(&path, &options, 0).unwrap(),
            Tally::default()
        );
    }
}
