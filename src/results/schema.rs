//! The result columns: what each row's outcome is ([`Status`],
//! `McaStatus`, [`RowResult`]) and how it reads back from a fed-back
//! results file ([`previous`]).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

pub(crate) use super::mca_status::{McaOutcome, McaStatus};
use crate::input::{InputRow, Layout};
use crate::validate::{DefaultGdap, Problem, join_problems, normalize_header};

/// The columns a results file adds after the input's, in order. A fed-back
/// results file carries them ([`recognise`](super::recognise) finds them;
/// they are replaced in the new results, not duplicated), and
/// `files::ResultsWriter` writes them.
///
/// The first nine are the original contract; `mca_status` was appended
/// later, then `default_gdap_sent` and `customer_link`, then
/// `mca_attestation_id` (columns are only ever added at the end, never
/// renamed; a results file with any earlier set of them is still read: the
/// missing ones read as empty).
pub const RESULT_COLUMNS: [&str; 13] = [
    "status",
    "customer_id",
    "tenant_id",
    "commerce_id",
    "admin_user",
    "request_id",
    "attempts",
    "error_code",
    "error",
    "mca_status",
    "default_gdap_sent",
    "customer_link",
    "mca_attestation_id",
];

/// What happened to one row (README.md, "Results"). Declared in the order
/// every summary lists statuses (successes first): `Status::ALL`, `Ord`
/// and the slots of `StatusCounts` follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Created by this tool, in this run or an earlier one.
    Created,
    /// The customer already existed under this partner (matched by domain).
    Exists,
    /// `validate` only: the row passed.
    Valid,
    /// Dry run: would be created.
    WouldCreate,
    /// Failed local validation; nothing was sent.
    Invalid,
    /// Partner Center refused it (4xx).
    Rejected,
    /// Gave up after retries (5xx, timeouts, throttling); safe to re-run.
    Failed,
    /// Not attempted because the run was interrupted or aborted.
    Cancelled,
}

impl Status {
    /// Number of statuses.
    pub(crate) const COUNT: usize = 8;

    /// Every status, in declaration order: the one status table.
    pub(crate) const ALL: [Status; Status::COUNT] = [
        Status::Created,
        Status::Exists,
        Status::Valid,
        Status::WouldCreate,
        Status::Invalid,
        Status::Rejected,
        Status::Failed,
        Status::Cancelled,
    ];

    /// Position in [`Status::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The text written in the `status` column.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Exists => "exists",
            Status::Valid => "valid",
            Status::WouldCreate => "would_create",
            Status::Invalid => "invalid",
            Status::Rejected => "rejected",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    /// The customer exists: a re-run copies the row and sends nothing.
    pub(crate) fn is_finished(self) -> bool {
        matches!(self, Status::Created | Status::Exists)
    }

    /// The row needs no attention: exit code 0 when every row is a success.
    pub(crate) fn is_success(self) -> bool {
        matches!(
            self,
            Status::Created | Status::Exists | Status::Valid | Status::WouldCreate
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `status` cell that names no [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status `{0}`; expected {expected}", expected = Status::listed())]
pub struct ParseStatusError(pub String);

impl Status {
    /// `created, exists, ... or cancelled`: every status, for messages.
    fn listed() -> String {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        format!("{} or {last}", rest.join(", "))
    }
}

impl FromStr for Status {
    type Err = ParseStatusError;

    /// Parse a status, ignoring case, surrounding space and `_`/`-`/space
    /// inside (`would_create`, `Would Create`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key = normalize_header(text.trim());
        Status::ALL
            .into_iter()
            .find(|s| normalize_header(s.as_str()) == key)
            .ok_or_else(|| ParseStatusError(text.to_owned()))
    }
}

/// The result columns of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowResult {
    /// What happened.
    pub status: Status,
    /// Partner Center customer id.
    pub customer_id: String,
    /// The customer's Entra tenant id.
    pub tenant_id: String,
    /// The customer's commerce id.
    pub(crate) commerce_id: String,
    /// The initial admin user's name (never the password).
    pub(crate) admin_user: String,
    /// The `MS-RequestId` used (or that a real run would use).
    pub request_id: String,
    /// Create calls sent for the row in this run.
    pub attempts: Option<u32>,
    /// The API's (or validation's) error code.
    pub(crate) error_code: String,
    /// Every problem, or the API's message.
    pub(crate) error: String,
    /// The MCA attestation (`mca_status`).
    pub(crate) mca_status: McaStatus,
    /// What the create body asked for Default GDAP (`default_gdap_sent`):
    /// set for a customer this tool created (and a dry run's
    /// `would_create`), `None` (empty) otherwise.
    pub(crate) default_gdap_sent: Option<DefaultGdap>,
    /// The URL the customer has to open next (`customer_link`), empty when
    /// none: the reseller relationship invitation of a row whose domain
    /// another tenant owns, or an MCA acceptance page. A plain field any
    /// step may fill.
    pub(crate) customer_link: String,
    /// The enhanced MCA attestation of the row (`mca_attestation_id`):
    /// Partner Center's id of the attestation whose acceptance link is in
    /// `customer_link`, kept so that a re-run checks that attestation and
    /// creates the agreement with it. Empty when none.
    pub(crate) mca_attestation_id: String,
    /// The typed problems of the row: an `invalid` row's (`error` lists
    /// their messages and `error_code` is the first one's code,
    /// [`RowResult::invalid`]), or the one problem of a `rejected` row
    /// whose domain another tenant owns (`ProblemKind::DomainTaken`, its
    /// hint says both ways forward). Not a column: the results file has
    /// the text; the problems file of a results workbook keeps them
    /// ([`ProblemLog`](super::ProblemLog)). For a row sent (or valid):
    /// its warnings ([`Problem::is_warning`]), which `error` does not
    /// list. Empty for every other row, and for a row read back from a
    /// results file.
    pub(crate) problems: Vec<Problem>,
}

/// The result an earlier run wrote in a fed-back results file.
pub(crate) type PreviousResult = RowResult;

/// The result of an earlier run carried by `row` (the input is a fed-back
/// results file, [`recognise`](super::recognise)d). `None` for any other
/// input, or when the status cell is empty or not a known status.
pub fn previous(row: &InputRow, layout: &Layout) -> Option<PreviousResult> {
    if !layout.has_previous_results() {
        return None;
    }
    let cells: [&[u8]; RESULT_COLUMNS.len()] = std::array::from_fn(|i| {
        let column = layout.result_columns.get(i).copied().flatten();
        column.and_then(|c| row.record.get(c)).unwrap_or_default()
    });
    RowResult::from_cells(cells)
}

impl RowResult {
    /// A result with `status` and every other column empty.
    pub fn new(status: Status) -> Self {
        RowResult {
            status,
            customer_id: String::new(),
            tenant_id: String::new(),
            commerce_id: String::new(),
            admin_user: String::new(),
            request_id: String::new(),
            attempts: None,
            error_code: String::new(),
            error: String::new(),
            mca_status: McaStatus::None,
            default_gdap_sent: None,
            customer_link: String::new(),
            mca_attestation_id: String::new(),
            problems: Vec::new(),
        }
    }

    /// `invalid` with `problems`: their messages joined in `error`
    /// ([`join_problems`]), the first one's code in `error_code`.
    pub(crate) fn invalid(problems: Vec<Problem>) -> Self {
        let mut result = RowResult::new(Status::Invalid);
        result.set_invalid(problems);
        result
    }

    /// Make this result `invalid` with `problems` (as [`RowResult::invalid`]),
    /// keeping its other columns (the request id a dry run planned).
    pub(crate) fn set_invalid(&mut self, problems: Vec<Problem>) {
        self.status = Status::Invalid;
        self.error = join_problems(&problems);
        self.error_code = problems
            .first()
            .map_or_else(String::new, |p| p.code().to_owned());
        self.problems = problems;
    }

    /// Parse result cells in [`RESULT_COLUMNS`] order. `None` when the status
    /// cell is empty or not a known status. Values are trimmed; invalid UTF-8
    /// is replaced; an `attempts` cell that is not a number, or a
    /// `default_gdap_sent` cell that is not `on`/`off` (or another word
    /// the `default_gdap` column takes), reads as `None`.
    pub(crate) fn from_cells(cells: [&[u8]; RESULT_COLUMNS.len()]) -> Option<RowResult> {
        let text = |i: usize| String::from_utf8_lossy(cells[i]).trim().to_owned();
        let status = std::str::from_utf8(cells[0]).ok()?.trim();
        if status.is_empty() {
            return None;
        }
        Some(RowResult {
            status: status.parse().ok()?,
            customer_id: text(1),
            tenant_id: text(2),
            commerce_id: text(3),
            admin_user: text(4),
            request_id: text(5),
            attempts: text(6).parse().ok(),
            error_code: text(7),
            error: text(8),
            mca_status: McaStatus::parse(&text(9)),
            default_gdap_sent: DefaultGdap::parse(&text(10)).ok(),
            customer_link: text(11),
            mca_attestation_id: text(12),
            problems: Vec::new(),
        })
    }

    /// The cells written for this result, in [`RESULT_COLUMNS`] order.
    pub(crate) fn cells(&self) -> [Cow<'_, str>; RESULT_COLUMNS.len()] {
        [
            Cow::Borrowed(self.status.as_str()),
            Cow::Borrowed(&self.customer_id),
            Cow::Borrowed(&self.tenant_id),
            Cow::Borrowed(&self.commerce_id),
            Cow::Borrowed(&self.admin_user),
            Cow::Borrowed(&self.request_id),
            self.attempts
                .map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string())),
            Cow::Borrowed(&self.error_code),
            Cow::Borrowed(&self.error),
            self.mca_status.as_cell(),
            Cow::Borrowed(self.default_gdap_sent.map_or("", DefaultGdap::as_str)),
            Cow::Borrowed(&self.customer_link),
            Cow::Borrowed(&self.mca_attestation_id),
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::InputReader;

    const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,postal_code,country";
    const ROW: &str =
        "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Redmond,01234,US";

    fn file(text: impl AsRef<[u8]>) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn read_all(reader: &mut InputReader) -> Vec<InputRow> {
        let mut rows = Vec::new();
        let mut row = InputRow::new();
        while reader.read_row(&mut row).unwrap() {
            rows.push(row.clone());
        }
        rows
    }

    #[test]
    fn status_round_trips_through_text() {
        for status in Status::ALL {
            assert_eq!(status.to_string().parse::<Status>(), Ok(status));
        }
        assert_eq!(Status::WouldCreate.to_string(), "would_create");
        assert_eq!(" Would-Create ".parse::<Status>(), Ok(Status::WouldCreate));
        assert_eq!("CREATED".parse::<Status>(), Ok(Status::Created));
        let error = "done".parse::<Status>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown status `done`; expected created, exists, valid, would_create, invalid, \
             rejected, failed or cancelled"
        );
    }

    #[test]
    fn mca_status_round_trips_through_text() {
        for status in [
            McaStatus::None,
            McaStatus::Pending,
            McaStatus::Expired,
            McaStatus::Accepted,
            McaStatus::Attested,
            McaStatus::AlreadyAttested,
            McaStatus::Skipped,
            McaStatus::Cancelled,
            McaStatus::Failed("403 (code 600006): not allowed".to_owned()),
        ] {
            assert_eq!(McaStatus::parse(&status.to_string()), status, "{status}");
        }
        assert_eq!(
            McaStatus::parse(" Already-Attested "),
            McaStatus::AlreadyAttested
        );
        assert_eq!(McaStatus::parse("FAILED"), McaStatus::Failed(String::new()));
        assert_eq!(McaStatus::Failed(String::new()).to_string(), "failed");
        assert_eq!(McaStatus::parse("yes"), McaStatus::Failed("yes".to_owned()));
        assert!(McaStatus::Attested.is_done() && McaStatus::AlreadyAttested.is_done());
        assert!(!McaStatus::Skipped.is_done() && !McaStatus::None.is_done());
        assert!(McaStatus::parse("failed: x").is_failed());
        assert_eq!(McaStatus::parse("Cancelled"), McaStatus::Cancelled);
        assert!(!McaStatus::Cancelled.is_done(), "a re-run attests it");
        assert!(McaStatus::Accepted.is_done(), "nothing to attest");
        assert!(!McaStatus::Pending.is_done() && !McaStatus::Expired.is_done());
        assert_eq!(McaStatus::parse(" PENDING "), McaStatus::Pending);
        for outcome in McaOutcome::ALL {
            let needs = matches!(
                outcome,
                McaOutcome::Failed | McaOutcome::Cancelled | McaOutcome::Expired
            );
            assert_eq!(outcome.needs_attention(), needs, "{outcome:?}");
        }
    }

    #[test]
    fn finished_and_success_statuses() {
        let finished: Vec<_> = Status::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .collect();
        assert_eq!(finished, [Status::Created, Status::Exists]);
        let success: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_success()).collect();
        assert_eq!(
            success,
            [
                Status::Created,
                Status::Exists,
                Status::Valid,
                Status::WouldCreate
            ]
        );
    }

    #[test]
    fn result_cells_parse_back() {
        let mut result = RowResult::new(Status::Rejected);
        result.mca_status = McaStatus::Failed("template: 403".to_owned());
        result.error_code = "600011".to_owned();
        result.error = "domain taken".to_owned();
        result.attempts = Some(3);
        result.customer_link = "https://admin.microsoft.com/x?a=1&b=2#/y".to_owned();
        result.mca_attestation_id = "a-1".to_owned();
        let cells = result.cells();
        let bytes: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
        let cells: [&[u8]; 13] = bytes.try_into().unwrap();
        assert_eq!(RowResult::from_cells(cells), Some(result.clone()));
        assert_eq!(RowResult::from_cells([b"".as_slice(); 13]), None);
        for sent in [DefaultGdap::On, DefaultGdap::Off] {
            result.status = Status::Created;
            result.default_gdap_sent = Some(sent);
            let cells = result.cells();
            assert_eq!(cells[10], sent.as_str());
            let bytes: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
            let cells: [&[u8]; 13] = bytes.try_into().unwrap();
            assert_eq!(RowResult::from_cells(cells), Some(result.clone()));
        }
    }

    #[test]
    fn previous_is_none_without_result_columns() {
        let (_dir, path) = file(format!("{HEADER}\n{ROW}\n"));
        let mut reader = InputReader::open(&path).unwrap();
        let rows = read_all(&mut reader);
        assert_eq!(previous(&rows[0], reader.layout()), None);
    }

    #[test]
    fn previous_reads_the_result_columns_of_a_fed_back_results_file() {
        let text = format!(
            "{HEADER},status,customer_id,tenant_id,commerce_id,admin_user,request_id,attempts,error_code,error\n\
             {ROW},created,c-1,t-1,m-1,admin@contoso.onmicrosoft.com,r-1,2,,\n\
             {ROW},failed,,,,,r-2,5,503,\"Service Unavailable, retry\"\n\
             {ROW},,,,,,,,,\n\
             {ROW},bogus,,,,,,,,\n"
        );
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        // Read as a results file by its header alone (`recognise` would
        // refuse the `bogus` status).
        super::super::mark_result_columns(&mut reader).unwrap();
        let layout = reader.layout().clone();
        assert!(layout.has_previous_results());
        assert_eq!(layout.passthrough, (0..12).collect::<Vec<_>>());
        let rows = read_all(&mut reader);
        let created = previous(&rows[0], &layout).unwrap();
        assert_eq!(created.status, Status::Created);
        assert_eq!(created.customer_id, "c-1");
        assert_eq!(created.tenant_id, "t-1");
        assert_eq!(created.commerce_id, "m-1");
        assert_eq!(created.admin_user, "admin@contoso.onmicrosoft.com");
        assert_eq!(created.request_id, "r-1");
        assert_eq!(created.attempts, Some(2));
        let failed = previous(&rows[1], &layout).unwrap();
        assert_eq!(failed.status, Status::Failed);
        assert_eq!(failed.error_code, "503");
        assert_eq!(failed.error, "Service Unavailable, retry");
        assert_eq!(previous(&rows[2], &layout), None);
        assert_eq!(previous(&rows[3], &layout), None);
    }
}
