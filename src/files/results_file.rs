//! The results CSV writer: the input's columns byte for byte in the
//! input's dialect, then the result columns; flushed row by row for `run`.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::identity::still_names;
use super::same_file::same_file;
use crate::input::{InputRow, Layout, UTF8_BOM};
use crate::results::{FlushPolicy, ProblemLog, RESULT_COLUMNS, ResultsError, RowResult, TypedCell};

/// Writes the results file: a header, then one row per input row.
pub struct ResultsWriter {
    writer: csv::Writer<File>,
    path: PathBuf,
    passthrough: Vec<usize>,
    flush: FlushPolicy,
    rows: u64,
    /// The problems file of a workbook's journal, written row by row with it.
    problems: Option<ProblemLog>,
}

impl ResultsWriter {
    /// Create (or truncate) `path` and write the header: the input's
    /// pass-through headers byte for byte, then [`RESULT_COLUMNS`], in the
    /// input's dialect, in UTF-8 (a UTF-8 BOM first if the input had one or
    /// was in another encoding, so that Excel reads the results as UTF-8).
    pub fn create(path: &Path, layout: &Layout, flush: FlushPolicy) -> Result<Self, ResultsError> {
        refuse_input_file(path, layout)?;
        // Readable too: when the path stops naming it, its rows are read
        // back through it (`written_back`).
        let open = |read| {
            OpenOptions::new()
                .read(read)
                .write(true)
                .create(true)
                .truncate(true)
                .open(path)
        };
        let file = match open(true) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => open(false),
            opened => opened,
        }
        .map_err(|e| io_error(path, e))?;
        let bom = if wants_bom(layout) { UTF8_BOM } else { b"" };
        let mut writer = Self::new(file, bom, path, layout, flush)?;
        writer.write_header(layout)?;
        Ok(writer)
    }

    /// Open an existing results file to add rows after the ones it holds,
    /// without rewriting its header (`--resume`). A missing or empty file
    /// gets the header as with [`ResultsWriter::create`].
    ///
    /// The caller should first cut a torn last line; if the file still does
    /// not end with a line break, one is added so new rows start on their own
    /// line (a CRLF file ending in a lone CR gets its LF).
    pub fn append(path: &Path, layout: &Layout, flush: FlushPolicy) -> Result<Self, ResultsError> {
        refuse_input_file(path, layout)?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| io_error(path, e))?;
        let len = file.metadata().map_err(|e| io_error(path, e))?.len();
        let mut last = None;
        if len > 0 {
            let mut byte = [0u8; 1];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut byte))
                .map_err(|e| io_error(path, e))?;
            last = Some(byte[0]);
        }
        let prefix: &[u8] = match (last, layout.crlf) {
            (None, _) if wants_bom(layout) => UTF8_BOM,
            (None, _) | (Some(b'\n'), _) | (Some(b'\r'), false) => b"",
            // A CRLF cut after its CR: complete it.
            (Some(b'\r'), true) => b"\n",
            (Some(_), true) => b"\r\n",
            (Some(_), false) => b"\n",
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
            problems: None,
        })
    }

    /// Write each row's typed problems to `log` too, before the row (the
    /// journal of a results workbook: the cell notes are rendered from it).
    pub(crate) fn keep_problems(&mut self, log: ProblemLog) {
        self.problems = Some(log);
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
        if let Some(log) = self.problems.as_mut() {
            let cells = typed_cells(row, &self.passthrough);
            log.record_row(&result.problems, &cells)?;
        }
        for &column in &self.passthrough {
            let value = row.record.get(column).unwrap_or_default();
            self.writer.write_field(value).map_err(|e| self.error(e))?;
        }
        for cell in result.cells() {
            // Result texts quote answers: never a secret the process holds.
            let cell = crate::secrets::scrub(&cell);
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
            // Row by row, a run checks the file is still there: writes to a
            // removed file succeed, into a file no one can read.
            self.check_still_there()?;
        }
        Ok(())
    }

    /// `Err(ResultsError::Vanished)` when the path no longer names the
    /// file being written (removed, its directory deleted, or replaced).
    pub(crate) fn check_still_there(&self) -> Result<(), ResultsError> {
        if still_names(&self.path, self.writer.get_ref()) {
            return Ok(());
        }
        Err(ResultsError::Vanished {
            path: self.path.clone(),
        })
    }

    /// The open file, everything written so far flushed to it (to read it
    /// back when its path no longer names it: [`super::written_back`]).
    pub(super) fn flushed_file(&mut self) -> io::Result<&File> {
        self.writer.flush()?;
        Ok(self.writer.get_ref())
    }

    /// Rows written by this writer (the header not counted).
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The results file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flush everything to the operating system and close the file (and
    /// the problems file).
    pub fn finish(mut self) -> Result<(), ResultsError> {
        if let Some(log) = self.problems.take() {
            log.finish()?;
        }
        self.writer.flush().map_err(|e| io_error(&self.path, e))?;
        self.check_still_there()
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

/// Whether the results start with a UTF-8 BOM: when the input did, or was
/// read in another encoding (rows are transcoded, so the results are UTF-8,
/// which Excel only recognises by its BOM).
fn wants_bom(layout: &Layout) -> bool {
    layout.bom || !layout.encoding.is_utf8()
}

/// Writing the results over the input would truncate it while it is read.
fn refuse_input_file(path: &Path, layout: &Layout) -> Result<(), ResultsError> {
    if same_file(path, &layout.path) {
        return Err(ResultsError::SameAsInput {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// The row's workbook cells that are not plain text or numbers, by their
/// column in the results (the pass-through columns' order).
fn typed_cells(row: &InputRow, passthrough: &[usize]) -> Vec<TypedCell> {
    row.cell_issues
        .iter()
        .filter_map(|issue| {
            let column = passthrough.iter().position(|&c| c == issue.column)?;
            Some(TypedCell {
                column,
                cell: issue.kind.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::{InputOptions, InputReader, TextEncoding};
    use crate::results::Status;

    const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,postal_code,country";
    const ROW: &str =
        "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,01234,US";

    /// Read `input` and write every row with `result`; the results file's bytes.
    fn round_trip(input: impl AsRef<[u8]>, result: &RowResult) -> Vec<u8> {
        round_trip_with(input, result, &InputOptions::default())
    }

    /// [`round_trip`], reading the input with `options`.
    fn round_trip_with(
        input: impl AsRef<[u8]>,
        result: &RowResult,
        options: &InputOptions,
    ) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, input).unwrap();
        let mut reader = InputReader::open_with(&input_path, options).unwrap();
        crate::results::recognise(&mut reader, options).unwrap();
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

    const RESULT_HEADER: &str = "status,customer_id,tenant_id,commerce_id,admin_user,request_id,attempts,error_code,error,mca_status,default_gdap_sent,customer_link,mca_attestation_id";

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
                "{HEADER},Account Manager,{RESULT_HEADER}\n{ROW},\"Park, J.\",created,c-1,,,,,1,,,,,,\n"
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
                "n1,Contoso,contoso,EMEA,a@b.example,en-GB,en,Ann,Lee,1 High St,GB,tail,valid,,,,,,,,,,,,"
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
            "{};{}\r\n{};invalid;;;;;;;;\"email: not an address; country: unknown\";;;;\r\n",
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
            format!("{ROW},valid,,,,,,,,,,,,").replace(',', "\t")
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
            format!("{HEADER},notes,{RESULT_HEADER}\n{ROW},keep me,created,c-9,,,,r-1,1,,,,,,\n")
        );
    }

    /// The input with `Ann` replaced by `first_name`'s bytes.
    fn input_with_first_name(first_name: &[u8], newline: &str) -> Vec<u8> {
        let mut input = format!("{HEADER}{newline}").into_bytes();
        let (before, after) = ROW.split_at(ROW.find("Ann").unwrap());
        input.extend_from_slice(before.as_bytes());
        input.extend_from_slice(first_name);
        input.extend_from_slice(&after.as_bytes()[3..]);
        input.extend_from_slice(newline.as_bytes());
        input
    }

    #[test]
    fn invalid_utf8_read_as_utf8_passes_through_unchanged() {
        let input = input_with_first_name(b"J\xFCrgen", "\n");
        let options = InputOptions {
            encoding: Some(TextEncoding::UTF_8),
            ..InputOptions::default()
        };
        let output = round_trip_with(input, &RowResult::new(Status::Invalid), &options);
        assert!(!output.starts_with(UTF8_BOM));
        let needle = b",J\xFCrgen,Lee,";
        assert!(output.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn windows_1252_input_gives_utf8_results_with_a_bom() {
        let input = input_with_first_name(b"J\xFCrgen \x80\xDF", "\r\n");
        let output = round_trip(input, &RowResult::new(Status::Valid));
        let body = output.strip_prefix(UTF8_BOM).expect("a BOM");
        let expected = format!(
            "{HEADER},{RESULT_HEADER}\r\n{},valid,,,,,,,,,,,,\r\n",
            ROW.replace("Ann", "Jürgen €ß")
        );
        assert_eq!(text(body.to_vec()), expected);
    }

    #[test]
    fn utf16_input_gives_utf8_results_with_a_bom_and_tabs() {
        let input = format!("{HEADER}\r\n{}\r\n", ROW.replace("Ann", "Zoë")).replace(',', "\t");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(input.encode_utf16().flat_map(u16::to_le_bytes));
        let output = round_trip(utf16, &RowResult::new(Status::Valid));
        let body = output.strip_prefix(UTF8_BOM).expect("a BOM");
        let expected = format!(
            "{HEADER},{RESULT_HEADER}\r\n{},valid,,,,,,,,,,,,\r\n",
            ROW.replace("Ann", "Zoë")
        )
        .replace(',', "\t");
        assert_eq!(text(body.to_vec()), expected);
    }

    #[test]
    fn append_to_results_of_a_transcoded_input_adds_no_second_bom() {
        let mut input = input_with_first_name(b"J\xFCrgen", "\r\n");
        input.extend_from_slice(format!("{ROW}\r\n").as_bytes());
        // The first session finds an empty results file (killed before the
        // header): it writes the BOM, the second one does not.
        let output = two_sessions(&input, ResultsWriter::append);
        let body = output.strip_prefix(UTF8_BOM).expect("a BOM");
        assert_eq!(
            text(body.to_vec()),
            format!(
                "{HEADER},{RESULT_HEADER}\r\n{},created,,,,,,,,,,,,\r\n{ROW},failed,,,,,,,,,,,,\r\n",
                ROW.replace("Ann", "Jürgen")
            )
        );
    }

    #[test]
    fn short_rows_are_written_with_empty_cells() {
        let input = format!("{HEADER}\nCRM-2,Short\n");
        let output = text(round_trip(input, &RowResult::new(Status::Invalid)));
        assert_eq!(
            output.lines().nth(1).unwrap(),
            "CRM-2,Short,,,,,,,,,,invalid,,,,,,,,,,,,"
        );
    }

    type Open = fn(&Path, &Layout, FlushPolicy) -> Result<ResultsWriter, ResultsError>;

    /// Read `input`'s two rows; write the first as `created` with a writer
    /// from `first` (on an empty results file), then append the second as
    /// `failed`, as a resumed run does. The results file's bytes.
    fn two_sessions(input: &[u8], first: Open) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, input).unwrap();
        std::fs::write(&results_path, b"").unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut row = InputRow::new();

        let mut writer = first(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
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
        std::fs::read(&results_path).unwrap()
    }

    #[test]
    fn append_adds_rows_without_a_second_header() {
        let input = format!("\u{feff}{HEADER}\n{ROW}\n{ROW}\n");
        let output = two_sessions(input.as_bytes(), ResultsWriter::create);
        assert!(output.starts_with(UTF8_BOM));
        assert_eq!(
            text(output[UTF8_BOM.len()..].to_vec()),
            format!(
                "{HEADER},{RESULT_HEADER}\n{ROW},created,,,,,,,,,,,,\n{ROW},failed,,,,,,,,,,,,\n"
            )
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

    /// Append the input's first row to a results file holding `existing`;
    /// the file's text afterwards.
    fn append_first_row(input: &str, existing: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        let results_path = dir.path().join("results.csv");
        std::fs::write(&input_path, input).unwrap();
        std::fs::write(&results_path, existing).unwrap();
        let mut reader = InputReader::open(&input_path).unwrap();
        let layout = reader.layout().clone();
        let mut row = InputRow::new();
        assert!(reader.read_row(&mut row).unwrap());
        let mut writer =
            ResultsWriter::append(&results_path, &layout, FlushPolicy::EveryRow).unwrap();
        writer.write(&row, &RowResult::new(Status::Valid)).unwrap();
        writer.finish().unwrap();
        text(std::fs::read(&results_path).unwrap())
    }

    #[test]
    fn append_after_a_missing_line_break_starts_a_new_line() {
        assert_eq!(
            append_first_row(
                &format!("{HEADER}\n{ROW}\n"),
                &format!("{HEADER},{RESULT_HEADER}")
            ),
            format!("{HEADER},{RESULT_HEADER}\n{ROW},valid,,,,,,,,,,,,\n")
        );
    }

    #[test]
    fn append_after_a_lone_cr_completes_the_crlf() {
        assert_eq!(
            append_first_row(
                &format!("{HEADER}\r\n{ROW}\r\n"),
                &format!("{HEADER},{RESULT_HEADER}\r")
            ),
            format!("{HEADER},{RESULT_HEADER}\r\n{ROW},valid,,,,,,,,,,,,\r\n")
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
    fn results_cannot_overwrite_the_input_through_a_hard_link() {
        // The one same-file rule (device and inode), not a path comparison.
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("customers.csv");
        std::fs::write(&input_path, format!("{HEADER}\n{ROW}\n")).unwrap();
        let link = dir.path().join("results.csv");
        std::fs::hard_link(&input_path, &link).unwrap();
        let reader = InputReader::open(&input_path).unwrap();
        for open in [ResultsWriter::create as Open, ResultsWriter::append] {
            let error = open(&link, reader.layout(), FlushPolicy::Buffered).unwrap_err();
            assert!(matches!(error, ResultsError::SameAsInput { .. }));
        }
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
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::input::InputReader;
    use crate::results::Status;

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
        if crate::results::recognise(&mut reader, &Default::default()).is_err() {
            return;
        }
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
            let _ = (fields.get(crate::validate::Field::Domain), problems.len());
            let result = crate::results::previous(&row, &layout)
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
            prop_assert_eq!(
                fields.get(crate::validate::Field::Domain),
                expected[1].trim()
            );
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
