//! Which format a `--results` path asks for, and where the CSV journal of a
//! results workbook goes.
//!
//! A results workbook is never written row by row: `run` and `validate`
//! write the results CSV (the crash-safe journal that `--resume` reads) to
//! [`journal_path`] and render the workbook from it at the end
//! ([`render_workbook`](crate::results::render_workbook)).

use std::path::{Path, PathBuf};

use super::same_file::same_file;
use crate::results::ResultsError;

/// The suffix added to a results workbook's path to name its journal:
/// `results.xlsx` → `results.xlsx.journal.csv`.
pub const JOURNAL_SUFFIX: &str = ".journal.csv";

/// The suffix added to a results workbook's path to name its problems file
/// (`ProblemLog`): `results.xlsx` →
/// `results.xlsx.problems.jsonl`.
pub const PROBLEMS_SUFFIX: &str = ".problems.jsonl";

/// What a `--results` path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultsFormat {
    /// A CSV file (any name but the workbook extensions), written row by row.
    Csv,
    /// An `.xlsx` workbook, rendered from a CSV journal.
    Workbook,
}

/// The format `path` asks for: `.xlsx` (any case) is a workbook; `.xlsm`,
/// `.xls`, `.xlsb`, `.ods` are refused with a message naming the choices;
/// anything else is CSV.
pub(crate) fn results_format(path: &Path) -> Result<ResultsFormat, ResultsError> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if extension.eq_ignore_ascii_case("xlsx") {
        return Ok(ResultsFormat::Workbook);
    }
    let refused = ["xlsm", "xls", "xlsb", "ods"]
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e));
    if refused {
        return Err(ResultsError::UnsupportedFormat {
            path: path.to_owned(),
            extension: extension.to_owned(),
        });
    }
    Ok(ResultsFormat::Csv)
}

/// The journal of the results workbook `workbook`: the same path with
/// [`JOURNAL_SUFFIX`] appended (`out.xlsx` → `out.xlsx.journal.csv`), so it
/// sits beside the workbook and `--resume` finds it again from the same
/// `--results`.
///
/// Fails when the workbook or the journal would be the input file `input`.
pub fn journal_path(workbook: &Path, input: &Path) -> Result<PathBuf, ResultsError> {
    companion(workbook, JOURNAL_SUFFIX, input)
}

/// The problems file of the results workbook `workbook`: the same path with
/// [`PROBLEMS_SUFFIX`] appended, beside the journal, so a `--resume` with
/// the same `--results` finds it too.
///
/// Fails when the workbook or the problems file would be the input file `input`.
pub(crate) fn problems_path(workbook: &Path, input: &Path) -> Result<PathBuf, ResultsError> {
    companion(workbook, PROBLEMS_SUFFIX, input)
}

/// `workbook` with `suffix` appended, refused when either is `input`.
fn companion(workbook: &Path, suffix: &str, input: &Path) -> Result<PathBuf, ResultsError> {
    let mut journal = workbook.as_os_str().to_owned();
    journal.push(suffix);
    let journal = PathBuf::from(journal);
    if same_file(workbook, input) {
        return Err(ResultsError::SameAsInput {
            path: workbook.to_owned(),
        });
    }
    if same_file(&journal, input) {
        return Err(ResultsError::JournalIsInput {
            workbook: workbook.to_owned(),
            journal,
        });
    }
    Ok(journal)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn only_xlsx_is_a_workbook_and_other_spreadsheet_formats_are_refused() {
        for path in ["out.xlsx", "OUT.XLSX", "dir.csv/out.Xlsx"] {
            assert_eq!(
                results_format(Path::new(path)).unwrap(),
                ResultsFormat::Workbook,
                "{path}"
            );
        }
        for path in ["out.csv", "out", "out.tsv", "out.xlsx.csv", ".xlsx"] {
            assert_eq!(
                results_format(Path::new(path)).unwrap(),
                ResultsFormat::Csv,
                "{path}"
            );
        }
        for path in ["out.xls", "out.ods", "out.XLSM", "out.xlsb"] {
            let error = results_format(Path::new(path)).unwrap_err();
            let message = error.to_string();
            assert!(matches!(error, ResultsError::UnsupportedFormat { .. }));
            assert!(
                message.starts_with(&format!("--results {path}: ")),
                "{message}"
            );
            assert!(message.contains("name the file .xlsx or .csv"), "{message}");
        }
    }

    #[test]
    fn the_journal_and_the_problems_file_sit_beside_the_workbook() {
        let journal = journal_path(Path::new("runs/out.xlsx"), Path::new("customers.xlsx"));
        assert_eq!(journal.unwrap(), Path::new("runs/out.xlsx.journal.csv"));
        let problems = problems_path(Path::new("runs/out.xlsx"), Path::new("customers.xlsx"));
        assert_eq!(problems.unwrap(), Path::new("runs/out.xlsx.problems.jsonl"));
        let input = Path::new("runs/out.xlsx.problems.jsonl");
        let refused = problems_path(Path::new("runs/out.xlsx"), input).unwrap_err();
        assert!(
            matches!(refused, ResultsError::JournalIsInput { .. }),
            "{refused:?}"
        );
    }

    #[test]
    fn a_journal_or_workbook_that_is_the_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("out.xlsx.journal.csv");
        std::fs::write(&input, "company_name\n").unwrap();
        // The same file under another spelling of its path.
        let workbook = dir.path().join(".").join("out.xlsx");
        let error = journal_path(&workbook, &input).unwrap_err();
        assert!(
            matches!(error, ResultsError::JournalIsInput { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("is the input file"), "{error}");

        let input = dir.path().join("customers.xlsx");
        std::fs::write(&input, "not read").unwrap();
        let error = journal_path(&input, &input).unwrap_err();
        assert!(
            matches!(error, ResultsError::SameAsInput { .. }),
            "{error:?}"
        );
        let journal = journal_path(&dir.path().join("results.xlsx"), &input).unwrap();
        assert_eq!(journal, dir.path().join("results.xlsx.journal.csv"));

        // A hard link is the same file too (the one rule: device and inode).
        let link = dir.path().join("linked.xlsx.journal.csv");
        std::fs::hard_link(&input, &link).unwrap();
        let error = journal_path(&dir.path().join("linked.xlsx"), &input).unwrap_err();
        assert!(
            matches!(error, ResultsError::JournalIsInput { .. }),
            "{error:?}"
        );
    }
}
