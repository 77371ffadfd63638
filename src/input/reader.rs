//! [`InputReader`]: open an input file, map its header, stream its rows.

use std::path::Path;

use super::csv_reader::CsvSource;
use super::dialect::Dialect;
use super::encoding::TextEncoding;
use super::error::InputError;
use super::layout::Layout;
use super::options::InputOptions;
use super::row::{CellIssue, CellIssueKind, DATE_FIELDS, InputRow};
use super::watch::InputWatch;
use super::xlsx_reader::XlsxSource;
use crate::validate::{Field, normalize_header};

/// Streams the rows of one input file: CSV in constant memory, or one
/// worksheet of an `.xlsx` workbook (loaded into memory by calamine).
///
/// ```no_run
/// # fn main() -> Result<(), pc_onboard::input::InputError> {
/// use pc_onboard::input::{InputReader, InputRow};
///
/// let mut reader = InputReader::open("customers.csv".as_ref())?;
/// let mut row = InputRow::new();
/// while reader.read_row(&mut row)? {
///     let (fields, problems) = row.fields(reader.layout());
///     // ...
/// #   let _ = (fields, problems);
/// }
/// # Ok(())
/// # }
/// ```
pub struct InputReader {
    source: Source,
    layout: Layout,
    /// Whether the file changes while it is read.
    watch: InputWatch,
    dates: Vec<DatesRead>,
}

/// Workbook date cells read as the dates they show in a date column
/// (`mca_date`, [`DATE_FIELDS`]), counted for the notice that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatesRead {
    /// The column's field.
    pub(crate) field: Field,
    /// Cells read so.
    pub(crate) cells: u64,
    /// The first one's row number.
    pub(crate) first_row: u64,
    /// The first one's value, as read.
    pub(crate) first_text: String,
}

/// Where rows come from. Every source yields the same [`InputRow`]s: a header
/// record first, then one record per row.
enum Source {
    Csv(CsvSource),
    Xlsx(XlsxSource),
}

impl Source {
    fn read_record(&mut self, row: &mut InputRow) -> Result<bool, InputError> {
        match self {
            Source::Csv(csv) => {
                row.cell_issues.clear();
                csv.read_record(row)
            }
            Source::Xlsx(xlsx) => xlsx.read_record(row),
        }
    }
}

/// Whether `path` names an Excel workbook (`.xlsx`, `.xlsm`), read as such.
pub(crate) fn is_workbook_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

impl InputReader {
    /// Open `path` with the default [`InputOptions`]: see [`InputReader::open_with`].
    pub fn open(path: &Path) -> Result<InputReader, InputError> {
        Self::open_with(path, &InputOptions::default())
    }

    /// Open `path` and map its header row. A `.xlsx` or `.xlsm` file is read
    /// as a workbook (`options.sheet`, else its first visible worksheet);
    /// anything else as CSV, whose encoding (unless `options.encoding` says)
    /// and dialect are detected; a guessed encoding is logged as a warning. Headers named in
    /// `options.columns` map to their fields before the aliases are tried.
    ///
    /// Fails when the file cannot be read, is empty, is not CSV text or a
    /// readable workbook, lacks the sheet asked for, or its header lacks a
    /// required column or names one twice.
    pub fn open_with(path: &Path, options: &InputOptions) -> Result<InputReader, InputError> {
        let watch = InputWatch::new(path);
        let (mut source, dialect, sheet, encoding) = if is_workbook_path(path) {
            let xlsx = XlsxSource::open(path, options.sheet.as_deref())?;
            let sheet = xlsx.sheet().to_owned();
            // Results of a workbook are CSV: comma, no BOM, LF, UTF-8.
            let utf8 = (TextEncoding::UTF_8, false);
            (Source::Xlsx(xlsx), Dialect::default(), Some(sheet), utf8)
        } else {
            if let Some(sheet) = &options.sheet {
                return Err(InputError::NotAWorkbook {
                    path: path.to_owned(),
                    sheet: sheet.clone(),
                });
            }
            let csv = CsvSource::open(path, options.encoding)?;
            let dialect = csv.dialect();
            let detected = csv.encoding();
            let encoding = (detected.encoding, detected.guessed);
            (Source::Csv(csv), dialect, None, encoding)
        };
        let mut header = InputRow::new();
        if !source.read_record(&mut header)? {
            return Err(InputError::Empty {
                path: path.to_owned(),
            });
        }
        if header.record.len() == 1 && sheet.is_none() {
            let text = String::from_utf8_lossy(&header.record[0]);
            if text.trim().is_empty() {
                return Err(InputError::Empty {
                    path: path.to_owned(),
                });
            }
            let key = normalize_header(&text);
            if Field::from_normalized_header(&key).is_none() {
                return Err(InputError::NotCsv {
                    path: path.to_owned(),
                    reason: format!(
                        "its first row has a single column `{}`; expected a header row such as \
                         `company_name,domain,email,...` separated by `,`, `;` or tab",
                        abbreviate(&text, 40)
                    ),
                });
            }
        }
        let mut layout = Layout::from_headers_with(path, header.record, dialect, &options.columns)?;
        layout.sheet = sheet;
        (layout.encoding, layout.encoding_guessed) = encoding;
        Ok(InputReader {
            source,
            layout,
            dates: Vec::new(),
            watch,
        })
    }

    /// The number of data rows, when the source knows it without reading
    /// on (a workbook: already in memory). `None` for CSV.
    pub(crate) fn known_row_count(&self) -> Option<u64> {
        match &self.source {
            Source::Csv(_) => None,
            Source::Xlsx(xlsx) => Some(xlsx.remaining_rows()),
        }
    }

    /// The header map and dialect of the file.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Mark the input as an earlier results file
    /// ([`Layout::set_result_columns`]), before its rows are read.
    pub(crate) fn set_result_columns(&mut self, columns: Vec<Option<usize>>) {
        self.layout.set_result_columns(columns);
    }

    /// Read the next data row into `row`, reusing its storage. Returns `false`
    /// at the end of the file. Short rows are padded with empty fields.
    ///
    /// Fails with `InputError::Changed` when the file changed since it was
    /// opened (looked at every 100 ms or so, and at its end).
    pub fn read_row(&mut self, row: &mut InputRow) -> Result<bool, InputError> {
        if !self.source.read_record(row)? {
            self.watch.check()?;
            return Ok(false);
        }
        self.watch.row_read()?;
        for _ in row.record.len()..self.layout.headers.len() {
            row.record.push_field(b"");
        }
        if !row.cell_issues.is_empty() {
            self.count_dates(row);
        }
        Ok(true)
    }

    /// The date cells read as dates so far, per date column.
    pub(crate) fn dates_read(&self) -> &[DatesRead] {
        &self.dates
    }

    fn count_dates(&mut self, row: &InputRow) {
        for field in DATE_FIELDS {
            let Some(column) = self.layout.column(field) else {
                continue;
            };
            let read = row
                .cell_issues
                .iter()
                .find(|i| i.column == column && i.kind.reads_as_value_in(field));
            let Some(CellIssue {
                kind: CellIssueKind::Date(date),
                ..
            }) = read
            else {
                continue;
            };
            match self.dates.iter_mut().find(|d| d.field == field) {
                Some(counted) => counted.cells += 1,
                None => self.dates.push(DatesRead {
                    field,
                    cells: 1,
                    first_row: row.number,
                    first_text: date.text.clone(),
                }),
            }
        }
    }
}

impl std::fmt::Debug for InputReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputReader")
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

fn abbreviate(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::test_support::{HEADER, ROW, file, read_all};
    use crate::validate::ProblemKind;

    fn open_err(bytes: impl AsRef<[u8]>) -> InputError {
        let (_dir, path) = file(bytes);
        match InputReader::open(&path) {
            Err(error) => error,
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn reads_comma_semicolon_and_tab_files() {
        for delimiter in [",", ";", "\t"] {
            let text = format!("{HEADER}\n{ROW}\n").replace(',', delimiter);
            let (_dir, path) = file(text);
            let mut reader = InputReader::open(&path).unwrap();
            assert_eq!(reader.layout().delimiter, delimiter.as_bytes()[0]);
            let rows = read_all(&mut reader);
            assert_eq!(rows.len(), 1, "{delimiter:?}");
            let (fields, problems) = rows[0].fields(reader.layout());
            assert!(problems.is_empty());
            assert_eq!(fields.get(Field::CompanyName), "Contoso Ltd");
            assert_eq!(fields.get(Field::PostalCode), "01234");
            assert_eq!(fields.get(Field::Country), "US");
            assert_eq!(fields.get(Field::State), "");
        }
    }

    #[test]
    fn semicolon_file_with_commas_in_values() {
        let text = "company_name;domain;email;culture;language;first_name;last_name;address_line1;country\n\
                    Contoso, Ltd;contoso;a@b.example;de-DE;de;Jörg;Bauer;Straße 1, Hof;DE\n";
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        assert_eq!(reader.layout().delimiter, b';');
        let rows = read_all(&mut reader);
        let (fields, _) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::CompanyName), "Contoso, Ltd");
        assert_eq!(fields.get(Field::AddressLine1), "Straße 1, Hof");
    }

    #[test]
    fn bom_and_crlf_are_detected_and_stripped() {
        let text = format!("\u{feff}{HEADER}\r\n{ROW}\r\n{ROW}\r\n");
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        let layout = reader.layout().clone();
        assert!(layout.bom);
        assert!(layout.crlf);
        assert_eq!(&layout.headers[0], b"external_id");
        assert_eq!(layout.column(Field::ExternalId), Some(0));
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].record.get(11), Some(&b"US"[..]));
        assert_eq!((rows[0].number, rows[0].line), (2, 2));
        assert_eq!((rows[1].number, rows[1].line), (3, 3));
    }

    #[test]
    fn quoted_fields_may_span_lines() {
        let multi = ROW.replace("1 Main St", "\"1 Main St\nBuilding \"\"B\"\"\"");
        for newline in ["\n", "\r\n"] {
            let text = format!("{HEADER}\n{multi}\n{ROW}\n").replace('\n', newline);
            let (_dir, path) = file(text);
            let mut reader = InputReader::open(&path).unwrap();
            let rows = read_all(&mut reader);
            let (fields, _) = rows[0].fields(reader.layout());
            let expected = format!("1 Main St{newline}Building \"B\"");
            assert_eq!(fields.get(Field::AddressLine1), expected);
            assert_eq!((rows[0].number, rows[0].line), (2, 2));
            assert_eq!((rows[1].number, rows[1].line), (3, 4), "{newline:?}");
        }
    }

    #[test]
    fn blank_lines_count_as_rows_and_lines() {
        for newline in ["\n", "\r\n"] {
            let text = format!("{HEADER}\n\n{ROW}\n\n\n{ROW}").replace('\n', newline);
            let (_dir, path) = file(text);
            let mut reader = InputReader::open(&path).unwrap();
            let rows = read_all(&mut reader);
            assert_eq!(rows.len(), 2);
            assert_eq!((rows[0].number, rows[0].line), (3, 3), "{newline:?}");
            assert_eq!((rows[1].number, rows[1].line), (6, 6), "{newline:?}");
        }
    }

    #[test]
    fn line_numbers_hold_across_buffer_boundaries() {
        let long = "x".repeat(10_000);
        let mut text = format!("{HEADER},notes\n");
        for i in 0..50 {
            let notes = if i % 3 == 0 {
                format!("\"{long}\n{i}\"")
            } else {
                format!("{i}")
            };
            text.push_str(&format!("{ROW},{notes}\n"));
            if i % 7 == 0 {
                text.push('\n');
            }
        }
        let (_dir, path) = file(&text);
        let mut reader = InputReader::open(&path).unwrap();
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 50);
        // Recompute the expected start lines from the text itself.
        let (mut line, mut number) = (2, 2);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!((row.number, row.line), (number, line), "row {i}");
            let lines = if i % 3 == 0 { 2 } else { 1 };
            let blank = u64::from(i % 7 == 0);
            line += lines + blank;
            number += 1 + blank;
        }
    }

    #[test]
    fn headers_match_aliases_ignoring_case_and_separators() {
        let text = "CRM ID,Company Name,Domain,Contact-Email,Culture,LANGUAGE,ContactFirstName,last_name,BillingAddressLine1,Billing_Address_Country\n\
                    7,Fabrikam,fabrikam,x@y.example,en-GB,en,Ann,Lee,High St 1,GB\n";
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        let rows = read_all(&mut reader);
        let (fields, _) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::ExternalId), "7");
        assert_eq!(fields.get(Field::CompanyName), "Fabrikam");
        assert_eq!(fields.get(Field::Email), "x@y.example");
        assert_eq!(fields.get(Field::FirstName), "Ann");
        assert_eq!(fields.get(Field::AddressLine1), "High St 1");
        assert_eq!(fields.get(Field::Country), "GB");
    }

    #[test]
    fn values_are_trimmed_for_fields_but_kept_in_the_record() {
        let text = format!("{HEADER}\n{}\n", ROW.replace("contoso,", "  contoso \t,"));
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        let rows = read_all(&mut reader);
        let (fields, _) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::Domain), "contoso");
        assert_eq!(&rows[0].record[2], b"  contoso \t");
    }

    #[test]
    fn misspelt_required_column_names_the_closest_header() {
        let text = format!(
            "{}\n{ROW}\n",
            HEADER.replace("company_name", "Compnay_Name")
        );
        let error = open_err(text);
        let message = error.to_string();
        assert!(matches!(error, InputError::MissingColumns { .. }));
        assert!(
            message.starts_with("customers.csv is missing required column `company_name`")
                || message.contains("customers.csv is missing required column `company_name`"),
            "{message}"
        );
        assert!(
            message.contains("did you mean `Compnay_Name`?"),
            "{message}"
        );
        assert!(error.hint().is_some());
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("customers.csv");
        let Err(error) = InputReader::open(&path) else {
            panic!("opened a missing file");
        };
        assert!(matches!(error, InputError::Io { .. }));
        let message = error.to_string();
        assert!(message.starts_with("cannot read "), "{message}");
        assert!(message.contains("customers.csv: "), "{message}");
        assert!(!message.contains("os error"), "{message}");
    }

    #[test]
    fn an_empty_file_is_empty() {
        let utf16_blank_lines = b"\xFF\xFE\r\0\n\0\n\0";
        for bytes in [
            &b""[..],
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE\xFF",
            utf16_blank_lines,
            b"\n\r\n\n",
            b"  \n \n",
        ] {
            let error = open_err(bytes);
            assert!(matches!(error, InputError::Empty { .. }), "{error:?}");
            assert!(
                error
                    .to_string()
                    .contains("customers.csv is empty: expected a header row")
            );
        }
    }

    #[test]
    fn a_header_only_file_has_no_rows() {
        let (_dir, path) = file(format!("{HEADER}\n"));
        let mut reader = InputReader::open(&path).unwrap();
        assert!(read_all(&mut reader).is_empty());
    }

    #[test]
    fn binary_content_is_not_csv() {
        let error = open_err(b"company_name,domain\n\0\x01\x02\x03");
        assert!(matches!(error, InputError::NotCsv { .. }), "{error:?}");
        assert!(error.to_string().contains("NUL"));
    }

    #[test]
    fn a_zip_file_looks_like_a_workbook() {
        let error = open_err(b"PK\x03\x04\x14\x00\x06\x00rest of the workbook");
        let message = error.to_string();
        assert!(matches!(error, InputError::NotCsv { .. }));
        assert!(
            message.contains("looks like an Excel workbook; save as CSV or use .xlsx"),
            "{message}"
        );
        assert!(message.contains("customers.csv"));
    }

    #[test]
    fn a_single_unknown_column_is_not_csv() {
        let error = open_err("hello world\nthis is a text file\n");
        assert!(matches!(error, InputError::NotCsv { .. }), "{error:?}");
        assert!(error.to_string().contains("single column `hello world`"));
        // A single known column is a header that lacks the other columns.
        let error = open_err("company_name\nContoso\n");
        assert!(
            matches!(error, InputError::MissingColumns { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn short_rows_are_padded_and_long_rows_are_a_row_problem() {
        let short = "CRM-2,Short Inc,short";
        let long = format!("{ROW},extra,more");
        let trailing_empty = format!("{ROW},,");
        let text = format!("{HEADER}\n{short}\n{long}\n{trailing_empty}\n");
        let (_dir, path) = file(text);
        let mut reader = InputReader::open(&path).unwrap();
        let layout = reader.layout().clone();
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 3);

        assert_eq!(rows[0].record.len(), 12);
        let (fields, problems) = rows[0].fields(&layout);
        assert!(problems.is_empty());
        assert_eq!(fields.get(Field::Domain), "short");
        assert_eq!(fields.get(Field::Country), "");

        let (fields, problems) = rows[1].fields(&layout);
        assert_eq!(fields.get(Field::Country), "US");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::Invalid);
        assert_eq!(problems[0].field, Field::ExternalId);
        assert!(
            problems[0]
                .message
                .starts_with("row has 14 fields, header has 12"),
            "{}",
            problems[0].message
        );

        let (_, problems) = rows[2].fields(&layout);
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// Open `path` with `--encoding utf-8`.
    fn open_as_utf8(path: &Path) -> InputReader {
        let options = InputOptions {
            encoding: Some(TextEncoding::UTF_8),
            ..InputOptions::default()
        };
        InputReader::open_with(path, &options).unwrap()
    }

    #[test]
    fn invalid_utf8_read_as_utf8_is_a_field_problem_and_reads_as_empty() {
        let mut text = format!("{HEADER}\n").into_bytes();
        text.extend_from_slice(&ROW.replace("Redmond", "M\u{fc}nchen").into_bytes());
        let latin1 = ROW.as_bytes().to_vec();
        let at = ROW.find("Redmond").unwrap();
        let mut row = latin1[..at].to_vec();
        row.extend_from_slice(b"M\xFCnchen");
        row.extend_from_slice(&latin1[at + "Redmond".len()..]);
        text.push(b'\n');
        text.extend_from_slice(&row);
        let (_dir, path) = file(text);
        let mut reader = open_as_utf8(&path);
        let rows = read_all(&mut reader);
        let (fields, problems) = rows[0].fields(reader.layout());
        assert_eq!(fields.get(Field::City), "München");
        assert!(problems.is_empty());
        let (fields, problems) = rows[1].fields(reader.layout());
        assert_eq!(fields.get(Field::City), "");
        assert_eq!(fields.get(Field::CompanyName), "Contoso Ltd");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, Field::City);
        assert_eq!(
            problems[0].message,
            "city is not valid UTF-8: byte 0xFC at character 2 (after `M`) is from another \
             encoding; fix the value in the source and export the file again as \"CSV UTF-8\" \
             (or read the file with --encoding windows-1252 if all of it is Windows-1252)"
        );
        assert_eq!(&rows[1].record[9], b"M\xFCnchen");
    }

    #[test]
    fn one_field_reads_as_all_fields_read_it() {
        let mut text = format!("{HEADER}\n").into_bytes();
        text.extend_from_slice(ROW.replace("contoso,", " Contoso\t,").as_bytes());
        text.extend_from_slice(
            format!("\n{}\n", ROW.replace("Redmond", "M\u{fc}nchen")).as_bytes(),
        );
        text.extend_from_slice(&ROW.replace("Redmond", "M?nchen").into_bytes()[..]);
        text.extend_from_slice(b"\nCRM-3,,\xFC\xFC,,,\nCRM-4, #N/A ,#REF!x,#VALUE!,\n");
        let (_dir, path) = file(text);
        let mut reader = open_as_utf8(&path);
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 5);
        for row in &rows {
            let (fields, _) = row.fields(reader.layout());
            for field in Field::ALL {
                assert_eq!(
                    row.field(reader.layout(), field),
                    fields.get(field),
                    "{field}"
                );
            }
        }
        assert_eq!(rows[0].field(reader.layout(), Field::Domain), "Contoso");
        assert_eq!(rows[3].field(reader.layout(), Field::Domain), "");
    }

    #[test]
    fn a_character_split_across_two_fields_is_invalid_in_both() {
        // `é` is C3 A9: each half alone is invalid, although the record's
        // bytes put together are valid UTF-8.
        let mut text = format!("{HEADER}\n").into_bytes();
        let at = ROW.find("Redmond,01234").unwrap();
        text.extend_from_slice(&ROW.as_bytes()[..at]);
        text.extend_from_slice(b"Redmond\xC3,\xA901234");
        text.extend_from_slice(&ROW.as_bytes()[at + "Redmond,01234".len()..]);
        let (_dir, path) = file(text);
        let mut reader = open_as_utf8(&path);
        let rows = read_all(&mut reader);
        let (fields, problems) = rows[0].fields(reader.layout());
        let fields_with_problems: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields_with_problems, [Field::City, Field::PostalCode]);
        assert_eq!(fields.get(Field::City), "");
        assert_eq!(fields.get(Field::Country), "US");
    }

    #[test]
    fn duplicate_columns_are_fatal() {
        let error = open_err(format!("{HEADER},Name\n{ROW},x\n"));
        assert!(
            matches!(error, InputError::DuplicateColumn { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("`company_name`") && message.contains("`Name`"),
            "{message}"
        );
    }
}
