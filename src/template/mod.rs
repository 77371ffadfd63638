//! `pc-onboard template FILE`: a file to start from, with every input
//! column of the contract in its order ([`Field::ALL`]).
//!
//! - `.xlsx`: sheet `Customers` (row 1 the column names, required ones
//!   marked, a note per header cell with its rule, every cell Text so
//!   leading zeros stay, drop-down lists where the values are closed, one
//!   example row that passes `validate`), sheet `Instructions`, and a
//!   hidden sheet `Lists` holding the drop-downs' values
//!   (`workbook`);
//! - `.csv`: the header and the example row (UTF-8 with a byte order mark,
//!   so Excel opens it as UTF-8).
//!
//! With [`Rows::From`] the rows come from another input file instead of
//! the example, its columns as they are (headers and order), the notes and
//! lists on the known ones: a CSV becomes a workbook with notes and lists
//! (`samples/customers.xlsx` is made so from `samples/customers.csv`).
//!
//! The example row is recognisable (`is_example`): `run` refuses to send
//! it while its `external_id` and `domain` are the example's, so a
//! forgotten example never becomes a customer.

mod columns;
mod workbook;

use std::path::{Path, PathBuf};

pub(crate) use columns::example;

use crate::input::{InputError, InputOptions, InputReader, InputRow};
use crate::validate::{CustomerFields, Field};

/// The example row's `external_id`.
pub(crate) const EXAMPLE_ID: &str = "EXAMPLE-1";
/// The example row's `domain`.
pub(crate) const EXAMPLE_DOMAIN: &str = "contosoexample";

/// Whether `fields` are the template's untouched example row (its
/// `external_id` and `domain`): `run` does not send it.
pub(crate) fn is_example(fields: &CustomerFields<'_>) -> bool {
    fields.get(Field::ExternalId) == EXAMPLE_ID && fields.get(Field::Domain) == EXAMPLE_DOMAIN
}

/// What [`is_example`] rows are told.
pub(crate) const EXAMPLE_MESSAGE: &str = "this is the template's example row (external_id EXAMPLE-1, \
     domain contosoexample): overwrite it with a customer of yours or delete it; it is never sent";

/// Where the template's rows come from.
#[derive(Debug, Clone)]
pub(crate) enum Rows {
    /// One example row that passes `validate`.
    Example,
    /// The rows of an input file, read with these options.
    From(PathBuf, InputOptions),
}

/// Why a template cannot be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TemplateError {
    /// The file name asks for a format there is no template in.
    #[error(
        "{}: a template is .xlsx (a workbook with notes, lists and instructions) or .csv",
        .0.display()
    )]
    Format(PathBuf),
    /// The file exists.
    #[error("{} exists: pass --force to replace it", .0.display())]
    Exists(PathBuf),
    /// The rows' input is the file to write.
    #[error("{}: --from names the file to write", .0.display())]
    SameFile(PathBuf),
    /// The rows' input cannot be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Writing failed.
    #[error("cannot write {}: {reason}", .path.display())]
    Write {
        /// The template.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateReport {
    /// The template.
    pub(crate) path: PathBuf,
    /// Its columns.
    pub(crate) columns: usize,
    /// Its data rows.
    pub(crate) rows: u64,
}

/// The file formats of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Workbook,
    Csv,
}

/// The rows to write: the header, then each row's cells, as text.
struct Table {
    header: Vec<String>,
    /// The field of each column, if it holds one.
    fields: Vec<Option<Field>>,
    rows: Vec<Vec<String>>,
}

/// Write the template `path` (`.xlsx` or `.csv`) with `rows`; an existing
/// file only with `force`.
pub(crate) fn write_template(
    path: &Path,
    rows: &Rows,
    force: bool,
) -> Result<TemplateReport, TemplateError> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = match extension.to_ascii_lowercase().as_str() {
        "xlsx" => Format::Workbook,
        "csv" => Format::Csv,
        _ => return Err(TemplateError::Format(path.to_owned())),
    };
    if path.exists() && !force {
        return Err(TemplateError::Exists(path.to_owned()));
    }
    let table = match rows {
        Rows::Example => Table {
            header: Field::ALL.iter().map(|f| f.name().to_owned()).collect(),
            fields: Field::ALL.iter().copied().map(Some).collect(),
            rows: vec![Field::ALL.iter().map(|f| example(*f).to_owned()).collect()],
        },
        Rows::From(input, options) => {
            if same_file(input, path) {
                return Err(TemplateError::SameFile(path.to_owned()));
            }
            table_from(input, options)?
        }
    };
    let failed = |reason: String| TemplateError::Write {
        path: path.to_owned(),
        reason,
    };
    match format {
        Format::Workbook => workbook::write(path, &table).map_err(|e| failed(e.to_string()))?,
        Format::Csv => write_csv(path, &table).map_err(|e| failed(e.to_string()))?,
    }
    Ok(TemplateReport {
        path: path.to_owned(),
        columns: table.header.len(),
        rows: table.rows.len() as u64,
    })
}

/// The rows of `input`, its columns as they are (headers and order): the
/// template's notes and lists go on the columns of known fields.
fn table_from(input: &Path, options: &InputOptions) -> Result<Table, InputError> {
    let mut reader = InputReader::open_with(input, options)?;
    let layout = reader.layout().clone();
    let header: Vec<String> = (0..layout.headers.len())
        .map(|c| layout.header(c).unwrap_or_default().into_owned())
        .collect();
    let fields = (0..header.len())
        .map(|c| {
            Field::ALL
                .into_iter()
                .find(|f| layout.column(*f) == Some(c))
        })
        .collect();
    let mut rows = Vec::new();
    let mut row = InputRow::new();
    while reader.read_row(&mut row)? {
        let cells = row.record.iter().take(header.len());
        rows.push(
            cells
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
        );
    }
    Ok(Table {
        header,
        fields,
        rows,
    })
}

/// Whether `a` and `b` name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The CSV template: UTF-8 with a byte order mark, comma, CRLF (as Excel
/// writes "CSV UTF-8").
fn write_csv(path: &Path, table: &Table) -> std::io::Result<()> {
    let mut bytes = crate::bom::UTF8_BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut bytes);
        writer.write_record(&table.header)?;
        for row in &table.rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    let temporary = path.with_extension(format!("csv.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
