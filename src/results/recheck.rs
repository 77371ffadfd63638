//! Which cells of an `invalid` row are wrong, and why: the row validated
//! again offline, as the run did, so the workbook can highlight them.
//!
//! The journal keeps only the joined messages (`error`); to place each
//! problem on its cell, the row's fields are checked again
//! ([`validate::check`], the reading problems of [`InputRow::fields`], and
//! [`Uniqueness`] across all rows, in order). A workbook input's unusual
//! cells (a date, `#N/A`, a formula never computed) became plain text in
//! the journal, so their messages are taken back from `error`. A row
//! invalid for a reason found online (a domain taken) has no offline
//! problem: it keeps its message in `error` only.

use crate::input::{CellIssueKind, InputRow, Layout};
use crate::validate::{self, Field, Uniqueness};

/// The note for one cell of an invalid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellNote {
    /// The row's column (in [`InputRow::record`]) the problems are about;
    /// `None` when the sheet has no column for the field.
    pub column: Option<usize>,
    /// The problems' messages, one per line.
    pub text: String,
}

/// Validates the rows of a journal again, in order.
#[derive(Debug)]
pub(crate) struct Recheck {
    uniqueness: Uniqueness,
    cell_issues: CellIssueMessages,
}

impl Default for Recheck {
    fn default() -> Self {
        Recheck {
            uniqueness: Uniqueness::new(),
            cell_issues: CellIssueMessages::new(),
        }
    }
}

impl Recheck {
    /// Check `row` (row `number` of the sheet). Every row counts for the
    /// duplicate checks; only an `invalid` row (`invalid` is its `error`
    /// text) gets notes, one per column, in column order of the fields.
    pub(crate) fn row(
        &mut self,
        row: &InputRow,
        layout: &Layout,
        number: u64,
        invalid: Option<&str>,
    ) -> Vec<CellNote> {
        let (fields, mut problems) = row.fields(layout);
        let duplicates = self.uniqueness.check(number, &fields);
        let Some(error) = invalid else {
            return Vec::new();
        };
        if let Err(found) = validate::check(&fields) {
            // A field that is not UTF-8 reads as empty: its "is required"
            // follows from the encoding problem already listed.
            let unreadable: Vec<Field> = problems.iter().map(|p| p.field).collect();
            problems.extend(found.into_iter().filter(|p| !unreadable.contains(&p.field)));
        }
        problems.extend(duplicates);
        let mut found: Vec<(Field, String)> =
            problems.into_iter().map(|p| (p.field, p.message)).collect();
        for (field, message) in self.cell_issues.find(error) {
            if !found.iter().any(|(_, m)| *m == message) {
                found.push((field, message));
            }
        }
        found.sort_by_key(|(field, _)| *field);
        let mut notes: Vec<CellNote> = Vec::new();
        for (field, message) in found {
            let column = layout.column(field);
            match notes.iter_mut().find(|n| n.column == column) {
                Some(note) => {
                    note.text.push('\n');
                    note.text.push_str(&message);
                }
                None => notes.push(CellNote {
                    column,
                    text: message,
                }),
            }
        }
        notes
    }
}

/// The messages of a workbook cell that was a date, an Excel error or an
/// uncomputed formula ([`CellIssueKind::message`]), for every field: the
/// text before and after the cell's shown value.
#[derive(Debug)]
struct CellIssueMessages {
    /// Per kind of issue: the words every field's message shares (` is a
    /// date cell (`), then each field's message around the shown value.
    kinds: Vec<(String, Vec<MessageShape>)>,
}

/// One field's message of one kind: the text before and after the value.
#[derive(Debug)]
struct MessageShape {
    field: Field,
    head: String,
    tail: String,
}

impl CellIssueMessages {
    fn new() -> Self {
        const MARK: &str = "\u{1}";
        let kinds = [
            CellIssueKind::Error(MARK.to_owned()),
            CellIssueKind::Date(MARK.to_owned()),
            CellIssueKind::UnsavedFormula,
        ];
        let kinds = kinds.iter().map(|kind| {
            let mut shared = String::new();
            let mut patterns = Vec::new();
            for field in Field::ALL {
                let message = kind.message(field);
                let (head, tail) = message.split_once(MARK).unwrap_or((&message, ""));
                shared = head.strip_prefix(field.name()).unwrap_or(head).to_owned();
                patterns.push(MessageShape {
                    field,
                    head: head.to_owned(),
                    tail: tail.to_owned(),
                });
            }
            (shared, patterns)
        });
        CellIssueMessages {
            kinds: kinds.collect(),
        }
    }

    /// Those messages in `error` (messages joined with `; `), with their fields.
    fn find(&self, error: &str) -> Vec<(Field, String)> {
        let mut found = Vec::new();
        for (shared, patterns) in &self.kinds {
            if !error.contains(shared.as_str()) {
                continue;
            }
            for MessageShape { field, head, tail } in patterns {
                let starts = error.match_indices(head.as_str()).map(|(at, _)| at);
                // A message starts the text or follows `; ` (so `email`
                // does not match inside `mca_email`).
                for start in starts.filter(|&at| at == 0 || error[..at].ends_with("; ")) {
                    let after = start + head.len();
                    let end = match error[after..].find(tail.as_str()) {
                        Some(at) if !tail.is_empty() => after + at + tail.len(),
                        _ => after,
                    };
                    found.push((*field, error[start..end].to_owned()));
                }
            }
        }
        found
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::InputReader;

    const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country,notes";
    const ROW: &str = "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US,x";

    /// Recheck every row of a file; `invalid` rows are the ones listed.
    fn notes(rows: &[String], invalid: &[(usize, &str)]) -> Vec<Vec<CellNote>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.csv");
        std::fs::write(&path, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
        let mut reader = InputReader::open(&path).unwrap();
        let layout = reader.layout().clone();
        let mut recheck = Recheck::default();
        let mut row = InputRow::new();
        let mut out = Vec::new();
        while reader.read_row(&mut row).unwrap() {
            let index = out.len();
            let error = invalid.iter().find(|(i, _)| *i == index).map(|(_, e)| *e);
            out.push(recheck.row(&row, &layout, row.number, error));
        }
        out
    }

    #[test]
    fn each_problem_lands_on_the_column_of_its_field() {
        let bad = ROW
            .replace("98052", "8165")
            .replace("ap@contoso.example", "not-an-address")
            .replace("Lee", "");
        let notes = notes(&[bad], &[(0, "")]);
        let columns: Vec<Option<usize>> = notes[0].iter().map(|n| n.column).collect();
        // email, last_name, postal_code: in the order of the fields.
        assert_eq!(columns, [Some(3), Some(7), Some(11)]);
        assert!(notes[0][0].text.contains("email"), "{:?}", notes[0]);
        assert_eq!(notes[0][1].text, "last_name is required");
        assert!(notes[0][2].text.contains("8165"), "{:?}", notes[0]);
    }

    #[test]
    fn a_duplicate_names_the_first_row_also_when_that_row_is_not_invalid() {
        let first = ROW.to_owned();
        let second = ROW.replace("CRM-1", "CRM-2");
        let notes = notes(&[first, second], &[(1, "")]);
        assert!(notes[0].is_empty());
        assert_eq!(notes[1].len(), 1);
        assert_eq!(notes[1][0].column, Some(2));
        assert!(
            notes[1][0].text.contains("duplicates row 2"),
            "{:?}",
            notes[1]
        );
    }

    #[test]
    fn rows_that_are_not_invalid_get_no_notes() {
        let bad = ROW.replace("98052", "8165");
        assert!(notes(&[bad], &[])[0].is_empty());
    }

    #[test]
    fn a_row_invalid_online_only_has_no_cell_note() {
        let error = "domain contoso is already taken by a tenant that is not a customer of this partner: choose another domain";
        assert!(notes(&[ROW.to_owned()], &[(0, error)])[0].is_empty());
    }

    #[test]
    fn workbook_cell_issues_come_back_from_the_error_text() {
        let date = CellIssueKind::Date("2021-03-04".to_owned()).message(Field::CompanyName);
        let na = CellIssueKind::Error("#N/A".to_owned()).message(Field::Email);
        let formula = CellIssueKind::UnsavedFormula.message(Field::PhoneNumber);
        let error = format!("{date}; {na}; {formula}; city is required");
        let row = ROW
            .replace("Contoso Ltd", "2021-03-04")
            .replace("ap@contoso.example", "#N/A");
        let notes = notes(&[row], &[(0, &error)]);
        let company = notes[0].iter().find(|n| n.column == Some(1)).unwrap();
        assert_eq!(company.text, date);
        let email = notes[0].iter().find(|n| n.column == Some(3)).unwrap();
        // The email is checked again too: both messages, the re-check's first.
        assert!(email.text.ends_with(&na), "{}", email.text);
        assert!(email.text.lines().count() == 2, "{}", email.text);
        // The sheet has no phone_number column: a note without a column.
        let phone = notes[0].iter().find(|n| n.column.is_none()).unwrap();
        assert_eq!(phone.text, formula);
        // Other messages of `error` are not taken back: city is fine now.
        assert!(!notes[0].iter().any(|n| n.text.contains("city")));
        assert_eq!(notes[0].len(), 3, "{:?}", notes[0]);
    }
}
