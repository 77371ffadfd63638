//! The cell notes of a row in a results workbook: an invalid row's typed
//! problems (or a rejected one's, whose domain another tenant owns), or
//! another row's warnings, grouped by the column of their field, in field
//! order.

use crate::input::Layout;
use crate::validate::Problem;

/// The note for one cell of a row (its problems, or its warnings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellNote {
    /// The row's column (in [`InputRow::record`]) the problems are about;
    /// `None` when the sheet has no column for the field.
    pub(crate) column: Option<usize>,
    /// The problems' notes (message and hint), one after the other.
    pub(crate) text: String,
    /// Every problem of the note is a warning (the cell is not flagged).
    pub(crate) warning: bool,
}

impl CellNote {
    /// One note per column, in the order of the fields.
    pub(crate) fn of(problems: &[Problem], layout: &Layout) -> Vec<CellNote> {
        let mut ordered: Vec<&Problem> = problems.iter().collect();
        ordered.sort_by_key(|p| p.field);
        let mut notes: Vec<CellNote> = Vec::new();
        for problem in ordered {
            let column = layout.column(problem.field);
            let text = problem.note();
            match notes.iter_mut().find(|n| n.column == column) {
                Some(note) => {
                    note.text.push('\n');
                    note.text.push_str(&text);
                    note.warning &= problem.is_warning();
                }
                None => notes.push(CellNote {
                    column,
                    text: text.into_owned(),
                    warning: problem.is_warning(),
                }),
            }
        }
        notes
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::input::InputReader;
    use crate::validate::{Field, ProblemKind};

    #[test]
    fn problems_land_on_the_columns_of_their_fields_in_field_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.csv");
        let header =
            "company_name,email,domain,culture,language,first_name,last_name,address_line1,country";
        std::fs::write(&path, format!("{header}\n")).unwrap();
        let layout = InputReader::open(&path).unwrap().layout().clone();
        let problems = [
            Problem::missing(Field::LastName),
            Problem::new(
                Field::Email,
                ProblemKind::Invalid,
                "email \"x\" is not an address",
            )
            .with_hint("type name@company.example"),
            Problem::new(
                Field::Domain,
                ProblemKind::Duplicate,
                "domain \"a\" duplicates row 2",
            ),
            Problem::new(
                Field::Email,
                ProblemKind::Invalid,
                "email is on a partner domain",
            ),
            Problem::missing(Field::PostalCode),
        ];
        let notes = CellNote::of(&problems, &layout);
        let columns: Vec<Option<usize>> = notes.iter().map(|n| n.column).collect();
        // domain (2) sorts before email (1) by field; the sheet has no postal_code.
        assert_eq!(columns, [Some(2), Some(1), Some(6), None]);
        assert_eq!(
            notes[1].text,
            "email \"x\" is not an address\ntype name@company.example\nemail is on a partner domain"
        );
        assert_eq!(notes[3].text, "postal_code is required");
        assert!(CellNote::of(&[], &layout).is_empty());
    }
}
