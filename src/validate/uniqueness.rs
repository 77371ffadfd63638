//! File-level duplicate detection of `domain` and `external_id`.
//!
//! # Memory
//!
//! A 1,000,000-row file has up to 2,000,000 keys. Keys are not stored: each is
//! reduced to a 64-bit hash (foldhash's quality variant, seeded by column).
//! The top 14 bits pick one of 16,384 shards; a shard is a small hash table
//! (open addressing, linear probing) of 10-byte entries: 48 more hash bits
//! and the `u32` first row. A shard grows by a quarter when it is four-fifths
//! full, so no table is ever much larger than its keys and no large
//! reallocation happens at any point: about 14 bytes per key, 27.2 MiB
//! measured for 2,000,000 keys. A `hashbrown` table was measured out: it
//! rounds to a power of two of 13-byte buckets (2,000,000 keys → 2²²
//! buckets = 52 MiB, plus the old table while it grows).
//!
//! # Speed
//!
//! Every key is a random access into tens of MiB, so what a look-up costs is
//! the cache misses, not the instructions. The shard directory (16,384 × 24
//! bytes) stays in the core's cache; the look-up then reads the one or two
//! adjacent cache lines where the key's slot is. (Before: 65,536 sorted
//! vectors, a directory that did not stay cached and a binary search that
//! waited for one line after another: half the time of `validate` on a
//! loaded machine.)
//!
//! # Collisions
//!
//! Two different keys that agree in the 62 hash bits kept (14 for the
//! shard, 48 in the entry) would be reported as a duplicate. For n keys the
//! chance of any such pair is about n²/2⁶³: 1 in ~2.3 million for a file with
//! 2,000,000 keys, 1 in ~23 billion for one with 20,000. That is negligible next to the
//! files' own data errors, and the message names the first row, so a person
//! can check it.

use std::hash::{BuildHasher, Hasher};

use super::field::{CustomerFields, Field};

use super::domain::{MAX_DOMAIN, full_lower_case, valid_prefix};
use super::text::quote;
use super::unicode::nfkc;
use super::{Problem, ProblemKind};

/// Shard count is `2^SHARD_BITS`; the shard is the hash's top bits.
const SHARD_BITS: u32 = 14;
const SHARDS: usize = 1 << SHARD_BITS;
/// The hash bits stored in an entry (its lowest 48).
const FINGERPRINT_MASK: u64 = (1 << 48) - 1;
/// Slots of a shard's first table.
const FIRST_SLOTS: usize = 8;

/// Column tags mixed into the hash, so equal texts in different columns differ.
const DOMAIN_TAG: u8 = 1;
const EXTERNAL_ID_TAG: u8 = 2;

/// Tracks the `domain` (full lower-case form) and `external_id` values seen
/// so far in a file and reports repeats, naming the first row.
#[derive(Debug, Default)]
pub struct Uniqueness {
    /// Empty until the first key; then [`SHARDS`] tables.
    shards: Vec<Shard>,
}

/// One shard's hash table: `slots` is never more than four-fifths full, so
/// a probe always ends at an empty slot.
#[derive(Debug, Default)]
struct Shard {
    slots: Box<[Entry]>,
    len: usize,
}

/// 48 hash bits and a row number, in 10 bytes (alignment 2). Row 0 marks
/// an empty slot (data rows start at 2).
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    fingerprint: [u16; 3],
    row: [u16; 2],
}

impl Entry {
    fn new(fingerprint: u64, row: u32) -> Self {
        // Truncations are intended: the values are split into 16-bit parts.
        Self {
            fingerprint: [
                (fingerprint >> 32) as u16,
                (fingerprint >> 16) as u16,
                fingerprint as u16,
            ],
            row: [(row >> 16) as u16, row as u16],
        }
    }

    #[cfg(test)]
    fn fingerprint(&self) -> u64 {
        let [a, b, c] = self.fingerprint.map(u64::from);
        (a << 32) | (b << 16) | c
    }

    fn row(&self) -> u32 {
        let [a, b] = self.row.map(u32::from);
        (a << 16) | b
    }

    fn is_empty(&self) -> bool {
        self.row == [0, 0]
    }

    /// Where the probe for this entry starts in a table of `slots` slots:
    /// the fingerprint's top 32 bits scaled to the table (no division).
    fn home(&self, slots: usize) -> usize {
        let [a, b, _] = self.fingerprint.map(u64::from);
        let scaled = (((a << 16) | b) * slots as u64) >> 32;
        usize::try_from(scaled).unwrap_or_default()
    }
}

impl Shard {
    /// The row of the entry with `entry`'s fingerprint, or `None` after
    /// recording `entry`.
    fn first_row(&mut self, entry: Entry) -> Option<u32> {
        let slot = self.probe(entry);
        if let Some(found) = slot
            .and_then(|i| self.slots.get(i))
            .filter(|e| !e.is_empty())
        {
            return Some(found.row());
        }
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow();
            self.place(entry);
        } else if let Some(free) = slot.and_then(|i| self.slots.get_mut(i)) {
            *free = entry;
        }
        self.len += 1;
        None
    }

    /// The slot holding `entry`'s fingerprint, else the empty slot where
    /// the probe ended (`None` only for a table without slots).
    fn probe(&self, entry: Entry) -> Option<usize> {
        let n = self.slots.len();
        let start = entry.home(n);
        (start..n).chain(0..start).find(|&i| {
            self.slots
                .get(i)
                .is_none_or(|e| e.is_empty() || e.fingerprint == entry.fingerprint)
        })
    }

    /// Put `entry` (not present) in the first empty slot of its probe.
    fn place(&mut self, entry: Entry) {
        if let Some(free) = self.probe(entry).and_then(|i| self.slots.get_mut(i)) {
            *free = entry;
        }
    }

    /// A table a quarter larger (at least [`FIRST_SLOTS`]), every entry
    /// placed again.
    fn grow(&mut self) {
        let size = (self.slots.len() + self.slots.len() / 4).max(FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![Entry::default(); size].into());
        for entry in old.iter().filter(|e| !e.is_empty()) {
            self.place(*entry);
        }
    }
}

impl Uniqueness {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Record row `row`'s keys and return a `Duplicate` problem for each one
    /// seen in an earlier row (`domain "contoso" duplicates row 4`). Values
    /// are compared in NFKC, as [`check`](super::check) validates them. The
    /// domain counts only when it parses; `external_id` only when non-empty,
    /// compared exactly. A duplicate key keeps its first row. Rows above
    /// `u32::MAX` are recorded as `u32::MAX`, row 0 as row 1.
    pub(crate) fn check(&mut self, row: u64, fields: &CustomerFields<'_>) -> Vec<Problem> {
        let row = u32::try_from(row).unwrap_or(u32::MAX).max(1);
        let mut problems = Vec::new();
        let external_id = fields.get(Field::ExternalId);
        let external_id_hash = (!external_id.is_empty())
            .then(|| key_hash(EXTERNAL_ID_TAG, nfkc(external_id).as_bytes()));
        let domain = fields.get(Field::Domain);
        let domain_hash = domain_hash(nfkc(domain).trim());
        // Each key's slot is a cache miss: read both slots before searching
        // either, so the two misses overlap instead of following each other.
        std::hint::black_box((self.peek(external_id_hash), self.peek(domain_hash)));
        if let Some(first) = external_id_hash.and_then(|hash| self.first_row(hash, row)) {
            problems.push(duplicate(Field::ExternalId, external_id, first));
        }
        if let Some(first) = domain_hash.and_then(|hash| self.first_row(hash, row)) {
            problems.push(duplicate(Field::Domain, domain, first));
        }
        problems
    }

    /// Approximate heap bytes held (tables' sizes, not allocator overhead).
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let slots: usize = self.shards.iter().map(|s| s.slots.len()).sum();
        self.shards.capacity() * std::mem::size_of::<Shard>() + slots * std::mem::size_of::<Entry>()
    }

    /// The slot where the probe for `hash` starts, read (to bring it into
    /// the cache).
    fn peek(&self, hash: Option<u64>) -> Option<Entry> {
        let (shard, fingerprint) = split(hash?);
        let slots = &self.shards.get(shard)?.slots;
        slots
            .get(Entry::new(fingerprint, 0).home(slots.len()))
            .copied()
    }

    /// The first row of `hash` if it was seen, else record it under `row`.
    fn first_row(&mut self, hash: u64, row: u32) -> Option<u32> {
        if self.shards.is_empty() {
            self.shards = (0..SHARDS).map(|_| Shard::default()).collect();
        }
        let (shard, fingerprint) = split(hash);
        self.shards
            .get_mut(shard)?
            .first_row(Entry::new(fingerprint, row))
    }
}

/// The shard of `hash` and the fingerprint its entry stores.
fn split(hash: u64) -> (usize, u64) {
    let shard = usize::try_from(hash >> (64 - SHARD_BITS)).unwrap_or_default();
    (shard, hash & FINGERPRINT_MASK)
}

fn duplicate(field: Field, value: &str, first_row: u32) -> Problem {
    let message = format!("{field} {} duplicates row {first_row}", quote(value));
    Problem::new(field, ProblemKind::Duplicate, message)
}

/// The hash of the domain's full lower-case form, if it is a valid domain.
fn domain_hash(domain: &str) -> Option<u64> {
    let prefix = valid_prefix(domain).ok()?;
    let mut buf = [0u8; MAX_DOMAIN];
    Some(key_hash(
        DOMAIN_TAG,
        full_lower_case(prefix, &mut buf).as_bytes(),
    ))
}

/// foldhash's quality variant, seeded with the column's tag: deterministic
/// within a build, and well mixed (it passes the SMHasher3 suite), which the
/// collision estimate assumes. SipHash-1-3 (`DefaultHasher`) cost five times
/// as many instructions per key.
fn key_hash(tag: u8, bytes: &[u8]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(u64::from(tag)).build_hasher();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(domain: &'a str, external_id: &'a str) -> CustomerFields<'a> {
        CustomerFields::new()
            .with(Field::Domain, domain)
            .with(Field::ExternalId, external_id)
    }

    fn messages(u: &mut Uniqueness, n: u64, domain: &str, external_id: &str) -> Vec<String> {
        u.check(n, &row(domain, external_id))
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
    }

    #[test]
    fn duplicate_domain_names_the_first_row() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 4, "contoso", "").is_empty());
        assert!(messages(&mut u, 5, "fabrikam", "").is_empty());
        let p = u.check(9, &row("contoso", ""));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].kind, ProblemKind::Duplicate);
        assert_eq!(p[0].field, Field::Domain);
        assert_eq!(p[0].message, "domain \"contoso\" duplicates row 4");
        assert_eq!(
            messages(&mut u, 12, "contoso", ""),
            ["domain \"contoso\" duplicates row 4"]
        );
    }

    #[test]
    fn domains_are_compared_in_full_lower_case_form() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 2, "Contoso", "").is_empty());
        assert_eq!(
            messages(&mut u, 3, "CONTOSO.onmicrosoft.com", ""),
            ["domain \"CONTOSO.onmicrosoft.com\" duplicates row 2"]
        );
    }

    #[test]
    fn invalid_domains_are_not_tracked() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 2, "con-toso", "").is_empty());
        assert!(messages(&mut u, 3, "con-toso", "").is_empty());
        assert!(messages(&mut u, 4, "", "").is_empty());
        assert!(messages(&mut u, 5, "", "").is_empty());
    }

    #[test]
    fn external_ids_are_compared_exactly() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 2, "", "CRM-1").is_empty());
        assert!(messages(&mut u, 3, "", "crm-1").is_empty());
        assert_eq!(
            messages(&mut u, 4, "", " CRM-1 "),
            ["external_id \"CRM-1\" duplicates row 2"]
        );
    }

    #[test]
    fn full_width_keys_duplicate_their_plain_forms_and_are_quoted_as_typed() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 2, "contoso", "CRM-1").is_empty());
        assert_eq!(
            messages(&mut u, 3, "ｃｏｎｔｏｓｏ", "ＣＲＭ－１"),
            [
                "external_id \"ＣＲＭ－１\" duplicates row 2",
                "domain \"ｃｏｎｔｏｓｏ\" duplicates row 2",
            ]
        );
    }

    #[test]
    fn both_keys_are_reported_together_and_kept_apart() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, 2, "contoso", "contoso.onmicrosoft.com").is_empty());
        assert_eq!(
            messages(&mut u, 3, "contoso", "contoso.onmicrosoft.com"),
            [
                "external_id \"contoso.onmicrosoft.com\" duplicates row 2",
                "domain \"contoso\" duplicates row 2",
            ]
        );
        assert!(messages(&mut u, 4, "fabrikam", "contoso").is_empty());
    }

    #[test]
    fn entries_round_trip_fingerprint_and_row() {
        let e = Entry::new(0xABCD_1234_5678, 0xDEAD_BEEF);
        assert_eq!(e.fingerprint(), 0xABCD_1234_5678);
        assert_eq!(e.row(), 0xDEAD_BEEF);
        assert_eq!(std::mem::size_of::<Entry>(), 10);
    }

    #[test]
    fn huge_row_numbers_saturate() {
        let mut u = Uniqueness::new();
        assert!(messages(&mut u, u64::MAX, "contoso", "").is_empty());
        assert_eq!(
            messages(&mut u, 1, "contoso", ""),
            [format!("domain \"contoso\" duplicates row {}", u32::MAX)]
        );
    }

    #[test]
    fn hundred_thousand_rows_use_at_most_sixteen_bytes_per_key() {
        let mut u = Uniqueness::new();
        let mut buf = String::new();
        let mut ext = String::new();
        for i in 0..100_000u64 {
            use std::fmt::Write;
            buf.clear();
            ext.clear();
            let _ = write!(buf, "tenant{i}");
            let _ = write!(ext, "CRM-{i}");
            assert!(u.check(i + 2, &row(&buf, &ext)).is_empty());
        }
        // About 12 keys per shard here, in tables of 15 or 18 slots.
        let per_key = (u.heap_bytes() - SHARDS * std::mem::size_of::<Shard>()) / 200_000;
        assert!(per_key <= 16, "{per_key} bytes per key");
    }

    #[test]
    fn every_key_is_found_again_with_its_first_row_after_the_tables_grew() {
        let mut u = Uniqueness::new();
        let key = |i: u64| (format!("tenant{i}"), format!("CRM-{i}"));
        for i in 0..40_000u64 {
            let (domain, ext) = key(i);
            assert!(u.check(i + 2, &row(&domain, &ext)).is_empty(), "{i}");
        }
        for i in (0..40_000u64).step_by(7) {
            let (domain, ext) = key(i);
            let found = u.check(50_000 + i, &row(&domain, &ext));
            assert_eq!(found.len(), 2, "{i}");
            for problem in found {
                assert!(
                    problem
                        .message
                        .ends_with(&format!(" duplicates row {}", i + 2))
                );
            }
        }
    }

    /// `cargo test --release --lib -- --ignored million --nocapture`
    #[test]
    #[ignore = "memory and timing; run in release mode"]
    fn a_million_rows_with_both_keys_fit_well_under_40_mib() {
        let mut u = Uniqueness::new();
        let start = std::time::Instant::now();
        let mut buf = String::new();
        let mut ext = String::new();
        for i in 0..1_000_000u64 {
            use std::fmt::Write;
            buf.clear();
            ext.clear();
            let _ = write!(buf, "tenant{i}");
            let _ = write!(ext, "CRM-{i:08}");
            assert!(u.check(i + 2, &row(&buf, &ext)).is_empty());
        }
        let elapsed = start.elapsed();
        let mib = u.heap_bytes() as f64 / (1024.0 * 1024.0);
        eprintln!("1,000,000 rows: {mib:.1} MiB of vectors, {elapsed:?}");
        assert!(mib < 30.0, "{mib} MiB");
        assert_eq!(
            messages(&mut u, 1_000_002, "TENANT7", "CRM-00000007"),
            [
                "external_id \"CRM-00000007\" duplicates row 9",
                "domain \"TENANT7\" duplicates row 9",
            ]
        );
    }
}
