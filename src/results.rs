//! Results CSV: one row per input row, the input columns then the result columns.
//!
//! The results file keeps the input's dialect (delimiter, BOM, line ending) and
//! its pass-through columns byte for byte, then appends [`RESULT_COLUMNS`].
//! It never holds passwords: there is no column for them.

use std::borrow::Cow;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::input::{InputRow, Layout, UTF8_BOM, io_reason, normalize_header};

/// The result columns, in the order they are written after the input's columns.
///
/// The first nine are the original contract; `mca_status` was appended later
/// (columns are only ever added at the end, never renamed).
pub const RESULT_COLUMNS: [&str; 10] = [
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
];

/// What happened to one row (interface.md, "Results CSV").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Created by this tool, in this run or an earlier one.
    Created,
    /// The customer already existed under this partner (matched by domain).
    Exists,
    /// `validate` only: the row passed.
    Valid,
    /// Failed local validation; nothing was sent.
    Invalid,
    /// Partner Center refused it (4xx).
    Rejected,
    /// Gave up after retries (5xx, timeouts, throttling); safe to re-run.
    Failed,
    /// Dry run: would be created.
    WouldCreate,
    /// Not attempted because the run was interrupted or aborted.
    Cancelled,
}

impl Status {
    /// Every status, in the order of the table in interface.md.
    pub const ALL: [Status; 8] = [
        Status::Created,
        Status::Exists,
        Status::Valid,
        Status::Invalid,
        Status::Rejected,
        Status::Failed,
        Status::WouldCreate,
        Status::Cancelled,
    ];

    /// The text written in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Exists => "exists",
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::Rejected => "rejected",
            Status::Failed => "failed",
            Status::WouldCreate => "would_create",
            Status::Cancelled => "cancelled",
        }
    }

    /// The customer exists: a re-run copies the row and sends nothing.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Created | Status::Exists)
    }

    /// The row needs no attention: exit code 0 when every row is a success.
    pub fn is_success(self) -> bool {
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
#[error(
    "unknown status `{0}`; expected created, exists, valid, invalid, rejected, failed, would_create or cancelled"
)]
pub struct ParseStatusError(pub String);

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

/// What happened to a row's Microsoft Customer Agreement attestation (the
/// `mca_status` column).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum McaStatus {
    /// The row has no `mca_*` values: nothing to attest (empty cell).
    #[default]
    None,
    /// Attested by this tool (this run or an earlier one).
    Attested,
    /// Partner Center already had this attestation (error 600061).
    AlreadyAttested,
    /// The attestation failed; the customer stays created. A re-run of the
    /// results file tries again (attestation only, no create call).
    Failed(String),
    /// Not attempted: dry run, `validate`, or the customer was not created.
    Skipped,
}

impl McaStatus {
    /// `attested` or `already_attested`: a re-run does not attest again.
    pub fn is_done(&self) -> bool {
        matches!(self, McaStatus::Attested | McaStatus::AlreadyAttested)
    }

    /// `failed: ...`.
    pub fn is_failed(&self) -> bool {
        matches!(self, McaStatus::Failed(_))
    }

    /// Read an `mca_status` cell: empty, `attested`, `already_attested`,
    /// `skipped` or `failed: <reason>` (case, `_`, `-` and spaces ignored in
    /// the keywords). Any other text reads as a failure with that text.
    pub fn parse(text: &str) -> McaStatus {
        let text = text.trim();
        if text.is_empty() {
            return McaStatus::None;
        }
        let key = normalize_header(text);
        match key.as_str() {
            "attested" => return McaStatus::Attested,
            "alreadyattested" => return McaStatus::AlreadyAttested,
            "skipped" => return McaStatus::Skipped,
            _ => {}
        }
        let reason = match text.get(..6) {
            Some(head) if head.eq_ignore_ascii_case("failed") => {
                text[6..].trim_start().trim_start_matches(':').trim()
            }
            _ => text,
        };
        McaStatus::Failed(reason.to_owned())
    }

    /// The cell text.
    pub fn as_cell(&self) -> Cow<'_, str> {
        match self {
            McaStatus::None => Cow::Borrowed(""),
            McaStatus::Attested => Cow::Borrowed("attested"),
            McaStatus::AlreadyAttested => Cow::Borrowed("already_attested"),
            McaStatus::Skipped => Cow::Borrowed("skipped"),
            McaStatus::Failed(reason) if reason.is_empty() => Cow::Borrowed("failed"),
            McaStatus::Failed(reason) => Cow::Owned(format!("failed: {reason}")),
        }
    }
}

impl fmt::Display for McaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_cell())
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
    pub commerce_id: String,
    /// The initial admin user's name (never the password).
    pub admin_user: String,
    /// The `MS-RequestId` used (or that a real run would use).
    pub request_id: String,
    /// Create calls sent for the row in this run.
    pub attempts: Option<u32>,
    /// The API's (or validation's) error code.
    pub error_code: String,
    /// Every problem, or the API's message.
    pub error: String,
    /// The MCA attestation (`mca_status`).
    pub mca_status: McaStatus,
}

/// The result an earlier run wrote in a fed-back results file.
pub type PreviousResult = RowResult;

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
        }
    }

    /// Parse result cells in [`RESULT_COLUMNS`] order. `None` when the status
    /// cell is empty or not a known status. Values are trimmed; invalid UTF-8
    /// is replaced; an `attempts` cell that is not a number reads as `None`.
    pub fn from_cells(cells: [&[u8]; RESULT_COLUMNS.len()]) -> Option<RowResult> {
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
        })
    }

    /// The cells written for this result, in [`RESULT_COLUMNS`] order.
    pub fn cells(&self) -> [Cow<'_, str>; RESULT_COLUMNS.len()] {
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
        ]
    }
}

/// When the results writer hands rows to the operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushPolicy {
    /// After every row: a crash loses at most the rows in flight (`run`).
    EveryRow,
    /// When the buffer fills and at [`ResultsWriter::finish`] (offline `validate`).
    Buffered,
}

/// A results file that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// Creating, opening or writing the file failed.
    #[error("cannot write {}: {}", .path.display(), io_reason(.error))]
    Io {
        /// The results file.
        path: PathBuf,
        /// The operating system's error (already in the message, so not
        /// repeated as a `source()`).
        error: io::Error,
    },
    /// The results path is the input file, which writing would destroy.
    #[error(
        "cannot write {}: it is the input file; choose another --results file",
        .path.display()
    )]
    SameAsInput {
        /// The results file.
        path: PathBuf,
    },
}

/// Writes the results file: a header, then one row per input row.
pub struct ResultsWriter {
    writer: csv::Writer<File>,
    path: PathBuf,
    passthrough: Vec<usize>,
    flush: FlushPolicy,
    rows: u64,
}

impl ResultsWriter {
    /// Create (or truncate) `path` and write the header: the input's
    /// pass-through headers byte for byte, then [`RESULT_COLUMNS`], in the
    /// input's dialect (a UTF-8 BOM first if the input had one).
    pub fn create(path: &Path, layout: &Layout, flush: FlushPolicy) -> Result<Self, ResultsError> {
        refuse_input_file(path, layout)?;
        let file = File::create(path).map_err(|e| io_error(path, e))?;
        let bom = if layout.bom { UTF8_BOM } else { b"" };
        let mut writer = Self::new(file, bom, path, layout, flush)?;
        writer.write_header(layout)?;
        Ok(writer)
    }

    /// Open an existing results file to add rows after the ones it holds,
    /// without rewriting its header (`--resume`). A missing or empty file
    /// gets the header as with [`ResultsWriter::create`].
    ///
    /// The caller should first cut a torn last line; if the file still does
    /// not end with a line break, one is added so new rows start on their own line.
    pub fn append(path: &Path, layout: &Layout, flush: FlushPolicy) -> Result<Self, ResultsError> {
        refuse_input_file(path, layout)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        let len = file.metadata().map_err(|e| io_error(path, e))?.len();
        let mut needs_line_break = false;
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(|e| io_error(path, e))?;
            needs_line_break = !matches!(last[0], b'\n' | b'\r');
        }
        let prefix: &[u8] = match (len, layout.bom, layout.crlf) {
            (0, true, _) => UTF8_BOM,
            (0, false, _) => b"",
            _ if !needs_line_break => b"",
            (_, _, true) => b"\r\n",
            (_, _, false) => b"\n",
        };
        let mut writer = Self::new(file, prefix, path, layout, flush)?;
        if len == 0 {
            writer.write_header(layout)?;
        }
        Ok(writer)
    }

    /// Wrap `file`, after writing `prefix` (a BOM or a line break) to it.
    fn new(
        mut file: File,
        prefix: &[u8],
        path: &Path,
        layout: &Layout,
        flush: FlushPolicy,
    ) -> Result<Self, ResultsError> {
        file.write_all(prefix).map_err(|e| io_error(path, e))?;
        let capacity = match flush {
            FlushPolicy::EveryRow => 8 * 1024,
            FlushPolicy::Buffered => 256 * 1024,
        };
        let terminator = if layout.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let writer = csv::WriterBuilder::new()
            .delimiter(layout.delimiter)
            .terminator(terminator)
            .flexible(true)
            .buffer_capacity(capacity)
            .from_writer(file);
        Ok(ResultsWriter {
            writer,
            path: path.to_owned(),
            passthrough: layout.passthrough.clone(),
            flush,
            rows: 0,
        })
    }

    fn write_header(&mut self, layout: &Layout) -> Result<(), ResultsError> {
        for &column in &self.passthrough {
            let header = layout.headers.get(column).unwrap_or_default();
            self.writer.write_field(header).map_err(|e| self.error(e))?;
        }
        for name in RESULT_COLUMNS {
            self.writer.write_field(name).map_err(|e| self.error(e))?;
        }
        self.end_record()
    }

    /// Write one row: the pass-through values of `row` byte for byte (quoted
    /// where the dialect needs it), then `result`.
    pub fn write(&mut self, row: &InputRow, result: &RowResult) -> Result<(), ResultsError> {
        for &column in &self.passthrough {
            let value = row.record.get(column).unwrap_or_default();
            self.writer.write_field(value).map_err(|e| self.error(e))?;
        }
        for cell in result.cells() {
            self.writer
                .write_field(cell.as_bytes())
                .map_err(|e| self.error(e))?;
        }
        self.end_record()?;
        self.rows += 1;
        Ok(())
    }

    fn end_record(&mut self) -> Result<(), ResultsError> {
        self.writer
            .write_record(None::<&[u8]>)
            .map_err(|e| self.error(e))?;
        if self.flush == FlushPolicy::EveryRow {
            self.writer.flush().map_err(|e| io_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Rows written by this writer (the header not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The results file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush everything to the operating system and close the file.
    pub fn finish(mut self) -> Result<(), ResultsError> {
        self.writer.flush().map_err(|e| io_error(&self.path, e))
    }

    fn error(&self, error: csv::Error) -> ResultsError {
        let error = match error.into_kind() {
            csv::ErrorKind::Io(error) => error,
            other => io::Error::other(format!("{other:?}")),
        };
        io_error(&self.path, error)
    }
}

impl fmt::Debug for ResultsWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultsWriter")
            .field("path", &self.path)
            .field("flush", &self.flush)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

fn io_error(path: &Path, error: io::Error) -> ResultsError {
    ResultsError::Io {
        path: path.to_owned(),
        error,
    }
}

/// Writing the results over the input would truncate it while it is read.
fn refuse_input_file(path: &Path, layout: &Layout) -> Result<(), ResultsError> {
    let same = match (path.canonicalize(), layout.path.canonicalize()) {
        (Ok(results), Ok(input)) => results == input,
        _ => false,
    };
    if same {
        return Err(ResultsError::SameAsInput {
            path: path.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod tests {
    use super::*;
    use crate::input::InputReader;

    const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,postal_code,country";
    const ROW: &str =
        "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,01234,US";

    /// Read `input` and write every row with `result`; the results file's bytes.
    fn round_trip(input: impl AsRef<[u8]>, result: &RowResult) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, input).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut writer =
            ResultsWriter::create(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        let mut row = InputRow::new();
        while reader.read_row(&mut row).unwrap() {
            writer.write(&row, result).unwrap();
        }
        writer.finish().unwrap();
        std::fs::read(&results_path).unwrap()
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    const RESULT_HEADER: &str = "status,customer_id,tenant_id,commerce_id,admin_user,request_id,attempts,error_code,error,mca_status";

    #[test]
    fn status_round_trips_through_text() {
        for status in Status::ALL {
            assert_eq!(status.to_string().parse::<Status>(), Ok(status));
        }
        assert_eq!(Status::WouldCreate.to_string(), "would_create");
        assert_eq!(" Would-Create ".parse::<Status>(), Ok(Status::WouldCreate));
        assert_eq!("CREATED".parse::<Status>(), Ok(Status::Created));
        assert!("done".parse::<Status>().is_err());
    }

    #[test]
    fn mca_status_round_trips_through_text() {
        for status in [
            McaStatus::None,
            McaStatus::Attested,
            McaStatus::AlreadyAttested,
            McaStatus::Skipped,
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
    fn results_keep_input_columns_then_result_columns() {
        let input = format!("{HEADER},Account Manager\n{ROW},\"Park, J.\"\n");
        let mut result = RowResult::new(Status::Created);
        result.customer_id = "c-1".to_owned();
        result.attempts = Some(1);
        let output = text(round_trip(input, &result));
        assert_eq!(
            output,
            format!(
                "{HEADER},Account Manager,{RESULT_HEADER}\n{ROW},\"Park, J.\",created,c-1,,,,,1,,,\n"
            )
        );
    }

    #[test]
    fn unknown_columns_pass_through_in_input_order() {
        let input = "Notes,company_name,domain,Region,email,culture,language,first_name,last_name,address_line1,country,\n\
                     n1,Contoso,contoso,EMEA,a@b.example,en-GB,en,Ann,Lee,1 High St,GB,tail\n";
        let output = text(round_trip(input, &RowResult::new(Status::Valid)));
        let mut lines = output.lines();
        assert_eq!(
            lines.next(),
            Some(format!("Notes,company_name,domain,Region,email,culture,language,first_name,last_name,address_line1,country,,{RESULT_HEADER}").as_str())
        );
        assert_eq!(
            lines.next(),
            Some(
                "n1,Contoso,contoso,EMEA,a@b.example,en-GB,en,Ann,Lee,1 High St,GB,tail,valid,,,,,,,,,"
            )
        );
    }

    #[test]
    fn values_are_kept_byte_for_byte() {
        let row = ROW
            .replace("Contoso Ltd", "  Contoso Ltd ")
            .replace("01234", "007");
        let input = format!("{HEADER}\n{row}\n");
        let output = text(round_trip(input, &RowResult::new(Status::Valid)));
        assert!(output.contains(",  Contoso Ltd ,"), "{output}");
        assert!(output.contains(",007,US,valid"), "{output}");
    }

    #[test]
    fn multi_line_values_are_quoted_again() {
        let row = ROW.replace("1 Main St", "\"1 Main St\nBuilding B\"");
        let input = format!("{HEADER}\n{row}\n");
        let output = text(round_trip(input, &RowResult::new(Status::Valid)));
        assert!(output.contains(",\"1 Main St\nBuilding B\","), "{output}");
    }

    #[test]
    fn results_keep_delimiter_bom_and_crlf() {
        let input = format!("\u{feff}{HEADER}\r\n{ROW}\r\n").replace(',', ";");
        let mut result = RowResult::new(Status::Invalid);
        result.error = "email: not an address; country: unknown".to_owned();
        let output = round_trip(input, &result);
        assert!(output.starts_with(UTF8_BOM));
        let output = text(output[UTF8_BOM.len()..].to_vec());
        let expected = format!(
            "{};{}\r\n{};invalid;;;;;;;;\"email: not an address; country: unknown\";\r\n",
            HEADER.replace(',', ";"),
            RESULT_HEADER.replace(',', ";"),
            ROW.replace(',', ";"),
        );
        assert_eq!(output, expected);
    }

    #[test]
    fn tab_input_gives_tab_results() {
        let input = format!("{HEADER}\n{ROW}\n").replace(',', "\t");
        let output = text(round_trip(input, &RowResult::new(Status::Valid)));
        assert_eq!(
            output.lines().nth(1).unwrap(),
            format!("{ROW},valid,,,,,,,,,").replace(',', "\t")
        );
    }

    #[test]
    fn fed_back_result_columns_are_replaced_not_duplicated() {
        let input = format!(
            "{HEADER},status,customer_id,tenant_id,commerce_id,admin_user,request_id,attempts,error_code,error,notes\n\
             {ROW},failed,,,,,r-1,5,503,busy,keep me\n"
        );
        let mut result = RowResult::new(Status::Created);
        result.customer_id = "c-9".to_owned();
        result.request_id = "r-1".to_owned();
        result.attempts = Some(1);
        let output = text(round_trip(input, &result));
        assert_eq!(
            output,
            format!("{HEADER},notes,{RESULT_HEADER}\n{ROW},keep me,created,c-9,,,,r-1,1,,,\n")
        );
    }

    #[test]
    fn invalid_utf8_passes_through_unchanged() {
        let mut input = format!("{HEADER}\n").into_bytes();
        let (before, after) = ROW.split_at(ROW.find("Ann").unwrap());
        input.extend_from_slice(before.as_bytes());
        input.extend_from_slice(b"J\xFCrgen");
        input.extend_from_slice(&after.as_bytes()[3..]);
        input.push(b'\n');
        let output = round_trip(input, &RowResult::new(Status::Invalid));
        let needle = b",J\xFCrgen,Lee,";
        assert!(output.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn short_rows_are_written_with_empty_cells() {
        let input = format!("{HEADER}\nCRM-2,Short\n");
        let output = text(round_trip(input, &RowResult::new(Status::Invalid)));
        assert_eq!(
            output.lines().nth(1).unwrap(),
            "CRM-2,Short,,,,,,,,,,invalid,,,,,,,,,"
        );
    }

    #[test]
    fn result_cells_parse_back() {
        let mut result = RowResult::new(Status::Rejected);
        result.mca_status = McaStatus::Failed("template: 403".to_owned());
        result.error_code = "600011".to_owned();
        result.error = "domain taken".to_owned();
        result.attempts = Some(3);
        let cells = result.cells();
        let bytes: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
        let cells: [&[u8]; 10] = bytes.try_into().unwrap();
        assert_eq!(RowResult::from_cells(cells), Some(result));
        assert_eq!(RowResult::from_cells([b"".as_slice(); 10]), None);
    }

    #[test]
    fn append_adds_rows_without_a_second_header() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, format!("\u{feff}{HEADER}\n{ROW}\n{ROW}\n")).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut row = InputRow::new();

        let mut writer =
            ResultsWriter::create(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        assert!(reader.read_row(&mut row).unwrap());
        writer
            .write(&row, &RowResult::new(Status::Created))
            .unwrap();
        drop(writer);

        let mut writer =
            ResultsWriter::append(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        assert!(reader.read_row(&mut row).unwrap());
        writer.write(&row, &RowResult::new(Status::Failed)).unwrap();
        assert_eq!(writer.rows(), 1);
        writer.finish().unwrap();

        let output = std::fs::read(&results_path).unwrap();
        assert!(output.starts_with(UTF8_BOM));
        assert_eq!(
            text(output[UTF8_BOM.len()..].to_vec()),
            format!("{HEADER},{RESULT_HEADER}\n{ROW},created,,,,,,,,,\n{ROW},failed,,,,,,,,,\n")
        );
    }

    #[test]
    fn append_to_a_missing_file_writes_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        let reader = InputReader::open(&input_path).unwrap();
        let writer =
            ResultsWriter::append(&results_path, reader.layout(), FlushPolicy::Buffered).unwrap();
        writer.finish().unwrap();
        assert_eq!(
            text(std::fs::read(&results_path).unwrap()),
            format!("{HEADER},{RESULT_HEADER}\n")
        );
    }

    #[test]
    fn append_after_a_missing_line_break_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        std::fs::write(&results_path, format!("{HEADER},{RESULT_HEADER}")).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut row = InputRow::new();
        assert!(reader.read_row(&mut row).unwrap());
        let mut writer =
            ResultsWriter::append(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        writer.write(&row, &RowResult::new(Status::Valid)).unwrap();
        writer.finish().unwrap();
        assert_eq!(
            text(std::fs::read(&results_path).unwrap()),
            format!("{HEADER},{RESULT_HEADER}\n{ROW},valid,,,,,,,,,\n")
        );
    }

    #[test]
    fn every_row_is_on_disk_before_finish() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut row = InputRow::new();
        assert!(reader.read_row(&mut row).unwrap());
        let mut writer =
            ResultsWriter::create(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        writer
            .write(&row, &RowResult::new(Status::Created))
            .unwrap();
        let on_disk = text(std::fs::read(&results_path).unwrap());
        assert_eq!(on_disk.lines().count(), 2, "{on_disk}");
        writer.finish().unwrap();
    }

    #[test]
    fn results_cannot_overwrite_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        let reader = InputReader::open(&input_path).unwrap();
        let error =
            ResultsWriter::create(&input_path, reader.layout(), FlushPolicy::Buffered).unwrap_err();
        assert!(matches!(error, ResultsError::SameAsInput { .. }));
        assert_eq!(
            std::fs::read_to_string(&input_path).unwrap(),
            format!("{HEADER}\n{ROW}\n")
        );
    }

    #[test]
    fn an_unwritable_results_path_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        let reader = InputReader::open(&input_path).unwrap();
        let results_path = dir.path().join("no-such-dir").join("results.csv");
        let error = ResultsWriter::create(&results_path, reader.layout(), FlushPolicy::Buffered)
            .unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("cannot write "), "{message}");
        assert!(message.contains("results.csv: "), "{message}");
        assert!(!message.contains("os error"), "{message}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (style.md)
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::input::InputReader;

    const REQUIRED: [&str; 9] = [
        "company_name",
        "domain",
        "email",
        "culture",
        "language",
        "first_name",
        "last_name",
        "address_line1",
        "country",
    ];

    /// Bytes that are mostly CSV-shaped: delimiters, quotes, line breaks,
    /// header names, a BOM, NUL and invalid UTF-8 among plain text.
    fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b",".to_vec()),
            Just(b";".to_vec()),
            Just(b"\t".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(UTF8_BOM.to_vec()),
            Just(b"\xFF\xFE".to_vec()),
            Just(b"\0".to_vec()),
            Just(REQUIRED.join(",").into_bytes()),
            Just(RESULT_COLUMNS.join(",").into_bytes()),
            Just(b"created".to_vec()),
            Just(b"PK\x03\x04".to_vec()),
            prop::collection::vec(any::<u8>(), 0..8),
            "[a-z0-9 ]{0,6}".prop_map(String::into_bytes),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
    }

    /// Everything a run does with a file: open, read, fields, previous, write.
    fn process(input: &[u8]) {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        std::fs::write(&input_path, input).unwrap();
        let Ok(mut reader) = InputReader::open(&input_path) else {
            return;
        };
        let layout = reader.layout().clone();
        let results_path = dir.path().join("results.csv");
        let mut writer =
            ResultsWriter::create(&results_path, &layout, FlushPolicy::Buffered).unwrap();
        let mut row = InputRow::new();
        let mut last_number = 1;
        while let Ok(true) = reader.read_row(&mut row) {
            assert!(row.number > last_number);
            assert!(row.line >= 1);
            last_number = row.number;
            assert!(row.record.len() >= layout.headers.len());
            let (fields, problems) = row.fields(&layout);
            let _ = (fields.get(crate::input::Field::Domain), problems.len());
            let result = row
                .previous(&layout)
                .unwrap_or_else(|| RowResult::new(Status::Invalid));
            writer.write(&row, &result).unwrap();
        }
        writer.finish().unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..2048)) {
            process(&input);
        }

        #[test]
        fn csv_shaped_bytes_never_panic(input in csvish_bytes()) {
            process(&input);
            let mut with_header = REQUIRED.join(",").into_bytes();
            with_header.push(b'\n');
            with_header.extend_from_slice(&input);
            process(&with_header);
        }

        #[test]
        fn values_round_trip_through_reader_and_writer(
            delimiter in prop::sample::select(vec![b',', b';', b'\t']),
            bom in any::<bool>(),
            crlf in any::<bool>(),
            extra in prop::collection::vec("[A-Za-z][A-Za-z0-9 ]{0,8}", 0..3),
            rows in prop::collection::vec(
                prop::collection::vec("[ a-z0-9,;\t\"\r\n\u{e9}\u{4e2d}]{0,6}", 12),
                0..8,
            ),
        ) {
            check_round_trip(delimiter, bom, crlf, &extra, rows)?;
        }
    }

    /// Write a table with the csv crate, read it with [`InputReader`], write
    /// the results and read those back: every value survives unchanged.
    fn check_round_trip(
        delimiter: u8,
        bom: bool,
        crlf: bool,
        extra: &[String],
        rows: Vec<Vec<String>>,
    ) -> Result<(), TestCaseError> {
        let width = REQUIRED.len() + extra.len();
        let mut header: Vec<String> = REQUIRED.iter().map(|h| (*h).to_owned()).collect();
        header.extend(extra.iter().enumerate().map(|(i, h)| format!("x{i}_{h}")));
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut r| {
                r.truncate(width);
                r.resize(width, String::new());
                r
            })
            .collect();

        let terminator = if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut input = if bom { UTF8_BOM.to_vec() } else { Vec::new() };
        {
            let mut csv = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .terminator(terminator)
                .from_writer(&mut input);
            csv.write_record(&header).unwrap();
            for row in &rows {
                csv.write_record(row).unwrap();
            }
            csv.flush().unwrap();
        }

        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, &input).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        prop_assert_eq!(layout.delimiter, delimiter);
        prop_assert_eq!(layout.bom, bom);
        let mut writer =
            ResultsWriter::create(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        let mut row = InputRow::new();
        let mut expected_line = 2;
        for (i, expected) in rows.iter().enumerate() {
            prop_assert!(reader.read_row(&mut row).unwrap());
            let got: Vec<String> = row
                .record
                .iter()
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect();
            prop_assert_eq!(&got, expected);
            prop_assert_eq!(row.number, i as u64 + 2);
            prop_assert_eq!(row.line, expected_line);
            expected_line += 1 + expected
                .iter()
                .map(|c| c.matches('\n').count() as u64)
                .sum::<u64>();
            let (fields, problems) = row.fields(&layout);
            prop_assert!(problems.is_empty());
            prop_assert_eq!(fields.get(crate::input::Field::Domain), expected[1].trim());
            writer.write(&row, &RowResult::new(Status::Valid)).unwrap();
        }
        prop_assert!(!reader.read_row(&mut row).unwrap());
        writer.finish().unwrap();

        let output = std::fs::read(&results_path).unwrap();
        prop_assert_eq!(output.starts_with(UTF8_BOM), bom);
        let body = if bom {
            &output[UTF8_BOM.len()..]
        } else {
            &output[..]
        };
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(body);
        let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        prop_assert_eq!(records.len(), rows.len() + 1);
        let mut expected_header = header.clone();
        expected_header.extend(RESULT_COLUMNS.iter().map(|c| (*c).to_owned()));
        prop_assert_eq!(records[0].iter().collect::<Vec<_>>(), expected_header);
        for (record, expected) in records[1..].iter().zip(&rows) {
            prop_assert_eq!(&record.iter().take(width).collect::<Vec<_>>(), expected);
            prop_assert_eq!(&record[width], "valid");
        }
        Ok(())
    }
}
