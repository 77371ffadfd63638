//! Fatal input errors: the file cannot be read as a customer table at all.
//!
//! Problems with single rows are not errors; they are reported per row by
//! [`InputRow::fields`](super::InputRow::fields).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::validate::{Field, normalize_header};

/// Why an input file cannot be processed. Each message is one line naming the
/// file and saying what to fix; `InputError::hint` may add a second line.
///
/// Messages include the underlying OS or CSV error themselves, so these errors
/// have no `source()`: `{:#}` does not repeat it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file is missing or unreadable.
    #[error("cannot read {}: {}", .path.display(), io_reason(.error))]
    Io {
        /// The input file.
        path: PathBuf,
        /// The operating system's error (already in the message, so not
        /// repeated as a `source()`).
        error: io::Error,
    },
    /// The file has no header row.
    #[error(
        "{} is empty: expected a header row (company_name, domain, email, ...) and one row per customer",
        .path.display()
    )]
    Empty {
        /// The input file.
        path: PathBuf,
    },
    /// The content is not CSV text (binary data, a workbook, UTF-16 without
    /// a byte order mark ...).
    #[error("{} is not a CSV file: {reason}", .path.display())]
    NotCsv {
        /// The input file.
        path: PathBuf,
        /// What it looks like instead, and what to do.
        reason: String,
    },
    /// Required columns are missing from the header row.
    #[error("{} is missing {}", .path.display(), describe_missing(.missing))]
    MissingColumns {
        /// The input file.
        path: PathBuf,
        /// Every missing required column, in canonical order.
        missing: Vec<MissingColumn>,
    },
    /// Two header cells name the same column.
    #[error(
        "{} has two `{column}` columns: `{first}` (column {}) and `{second}` (column {}); delete or rename one of them",
        .path.display(), .first_index + 1, .second_index + 1
    )]
    DuplicateColumn {
        /// The input file.
        path: PathBuf,
        /// The canonical name both headers map to.
        column: String,
        /// The first header, as written.
        first: String,
        /// Zero-based index of the first header.
        first_index: usize,
        /// The second header, as written.
        second: String,
        /// Zero-based index of the second header.
        second_index: usize,
    },
    /// An `.xlsx` file that cannot be read as a workbook (damaged, password
    /// protected, not a workbook at all).
    #[error("cannot read {} as an Excel workbook: {reason}", .path.display())]
    Workbook {
        /// The input file.
        path: PathBuf,
        /// What the workbook reader said.
        reason: String,
    },
    /// `--sheet` names a sheet the workbook does not have.
    #[error(
        "{} has no sheet `{sheet}`; its sheets are {}",
        .path.display(), quote_list(.available)
    )]
    UnknownSheet {
        /// The input file.
        path: PathBuf,
        /// The sheet asked for.
        sheet: String,
        /// The worksheets the workbook has, in order.
        available: Vec<String>,
    },
    /// `--sheet` was given for an input that is not a workbook.
    #[error(
        "{} is read as CSV, so it has no sheet `{sheet}`: --sheet applies to .xlsx workbooks",
        .path.display()
    )]
    NotAWorkbook {
        /// The input file.
        path: PathBuf,
        /// The sheet asked for.
        sheet: String,
    },
    /// The file changed while it was read (rewritten in place, another
    /// file moved over it, removed): the rows read from then on cannot be
    /// trusted.
    #[error(
        "{} changed while the run read it ({what}): no row was read after that; put the file back as it was, or fix it, and finish with --resume",
        .path.display()
    )]
    Changed {
        /// The input file.
        path: PathBuf,
        /// What changed, in words.
        what: String,
    },
    /// The CSV reader failed in a way that cannot be skipped.
    #[error("cannot read {} at line {line}: {}", .path.display(), csv_reason(.error))]
    Csv {
        /// The input file.
        path: PathBuf,
        /// 1-based line where the failing record starts.
        line: u64,
        /// The CSV reader's error (already in the message).
        error: csv::Error,
    },
}

impl InputError {
    /// A second line for the user (printed as `hint: ...`), where one helps.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            InputError::Io { error, .. } if error.kind() == io::ErrorKind::NotFound => {
                Some("check the path; it is relative to the current directory".to_owned())
            }
            InputError::Io { .. } => None,
            InputError::Empty { .. } => Some(
                "the first row must hold the column names; see samples/customers.csv".to_owned(),
            ),
            InputError::NotCsv { .. } => Some(
                "in Excel use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\" or \
                 \"Excel Workbook (*.xlsx)\""
                    .to_owned(),
            ),
            InputError::MissingColumns { .. } => Some(
                "headers are matched ignoring case, spaces, `_` and `-`; rename the header cell, \
                 add the column, or map your header in the config file's [columns] section"
                    .to_owned(),
            ),
            InputError::Workbook { .. } => Some(
                "open it in Excel and save it as \"Excel Workbook (*.xlsx)\" without a password, \
                 or save the sheet as CSV UTF-8"
                    .to_owned(),
            ),
            InputError::UnknownSheet { .. } => {
                Some("sheet names are matched ignoring case; quote names with spaces".to_owned())
            }
            InputError::NotAWorkbook { .. } => None,
            InputError::DuplicateColumn { .. } => None,
            InputError::Csv { .. } | InputError::Changed { .. } => None,
        }
    }

    /// The input file this error is about.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        match self {
            InputError::Io { path, .. }
            | InputError::Empty { path }
            | InputError::NotCsv { path, .. }
            | InputError::MissingColumns { path, .. }
            | InputError::DuplicateColumn { path, .. }
            | InputError::Workbook { path, .. }
            | InputError::UnknownSheet { path, .. }
            | InputError::NotAWorkbook { path, .. }
            | InputError::Csv { path, .. }
            | InputError::Changed { path, .. } => path,
        }
    }

    /// Wrap a CSV reader error: I/O failures become [`InputError::Io`].
    pub(crate) fn from_csv(path: &Path, line: u64, error: csv::Error) -> InputError {
        if error.is_io_error() {
            if let csv::ErrorKind::Io(error) = error.into_kind() {
                return InputError::Io {
                    path: path.to_owned(),
                    error,
                };
            }
            // `is_io_error` guarantees the `Io` kind; this is unreachable.
            return InputError::Io {
                path: path.to_owned(),
                error: io::Error::other("I/O error"),
            };
        }
        InputError::Csv {
            path: path.to_owned(),
            line,
            error,
        }
    }
}

/// One required column missing from the header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    /// The missing field.
    pub(crate) field: Field,
    /// A header present in the file that looks like a misspelling of it, as written.
    pub(crate) suggestion: Option<String>,
}

impl fmt::Display for MissingColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` (", self.field)?;
        if let Some(suggestion) = &self.suggestion {
            write!(
                f,
                "did you mean `{suggestion}`? rename it, or map it under [columns] in the config \
                 file: {}; ",
                super::lookalike::columns_line(self.field, suggestion)
            )?;
        }
        f.write_str("accepted headers: ")?;
        for (i, spelling) in accepted_spellings(self.field).iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{spelling}`")?;
        }
        f.write_str(")")
    }
}

/// The canonical name, then every alias that differs from it after normalization.
pub(crate) fn accepted_spellings(field: Field) -> Vec<&'static str> {
    let canonical = normalize_header(field.name());
    let mut spellings = vec![field.name()];
    spellings.extend(field.aliases().iter().copied().filter(|a| *a != canonical));
    spellings
}

fn describe_missing(missing: &[MissingColumn]) -> String {
    let noun = if missing.len() == 1 {
        "required column"
    } else {
        "required columns"
    };
    let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
    format!("{noun} {}", list.join("; "))
}

/// `` `a`, `b`, `c` `` (or `none` for an empty list).
fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    quoted.join(", ")
}

/// An I/O error's message without the `(os error N)` suffix.
pub(crate) fn io_reason(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    }
}

fn csv_reason(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(error) => io_reason(error),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reason_drops_the_os_error_number() {
        let error = io::Error::from_raw_os_error(2);
        assert!(
            !io_reason(&error).contains("os error"),
            "{}",
            io_reason(&error)
        );
    }

    #[test]
    fn io_errors_carry_their_cause_in_the_message_not_as_source() {
        let error = InputError::Io {
            path: PathBuf::from("customers.csv"),
            error: io::Error::new(io::ErrorKind::NotFound, "No such file or directory"),
        };
        assert_eq!(
            error.to_string(),
            "cannot read customers.csv: No such file or directory"
        );
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn missing_column_lists_suggestion_and_spellings() {
        let missing = MissingColumn {
            field: Field::CompanyName,
            suggestion: Some("Compnay_Name".to_owned()),
        };
        assert_eq!(
            missing.to_string(),
            "`company_name` (did you mean `Compnay_Name`? rename it, or map it under [columns] \
             in the config file: company_name = \"Compnay_Name\"; accepted headers: \
             `company_name`, `name`, `company`)"
        );
    }

    #[test]
    fn an_unknown_sheet_lists_the_sheets() {
        let error = InputError::UnknownSheet {
            path: PathBuf::from("customers.xlsx"),
            sheet: "Klanten".to_owned(),
            available: vec!["Customers".to_owned(), "Lookup".to_owned()],
        };
        assert_eq!(
            error.to_string(),
            "customers.xlsx has no sheet `Klanten`; its sheets are `Customers`, `Lookup`"
        );
    }

    #[test]
    fn every_error_display_is_one_line_naming_the_file() {
        let path = PathBuf::from("customers.csv");
        let errors = [
            InputError::Io {
                path: path.clone(),
                error: io::Error::new(io::ErrorKind::NotFound, "No such file or directory"),
            },
            InputError::Empty { path: path.clone() },
            InputError::NotCsv {
                path: path.clone(),
                reason: "binary".to_owned(),
            },
            InputError::MissingColumns {
                path: path.clone(),
                missing: vec![
                    MissingColumn {
                        field: Field::Email,
                        suggestion: None,
                    },
                    MissingColumn {
                        field: Field::Country,
                        suggestion: None,
                    },
                ],
            },
            InputError::DuplicateColumn {
                path: path.clone(),
                column: "domain".to_owned(),
                first: "Domain".to_owned(),
                first_index: 1,
                second: "domain_prefix".to_owned(),
                second_index: 4,
            },
            InputError::Workbook {
                path: path.clone(),
                reason: "invalid zip archive".to_owned(),
            },
            InputError::UnknownSheet {
                path: path.clone(),
                sheet: "Klanten".to_owned(),
                available: vec!["Customers".to_owned(), "Lookup".to_owned()],
            },
            InputError::NotAWorkbook {
                path: path.clone(),
                sheet: "Klanten".to_owned(),
            },
        ];
        for error in errors {
            let text = error.to_string();
            assert!(text.contains("customers.csv"), "{text}");
            assert!(!text.contains('\n'), "{text}");
            assert_eq!(error.path(), path);
        }
    }
}
