//! What `validate` and `run` say about the input before and after its rows:
//! a warning per column whose header looks like a known field's
//! (`Zip/Postal Code`), and how workbook date cells were read. On stderr,
//! as the console shows lines (`-q` hides them; one JSON object each with
//! `--log-format json`).

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::input::{DatesRead, InputRow, Layout, columns_line};
use crate::logging::{Console, Level};
use crate::validate::Field;

/// One line for people, with the fields of its JSON form.
pub(crate) struct Notice {
    /// Warn or Info.
    pub(crate) level: Level,
    /// The text.
    pub(crate) message: String,
    /// The fields of the JSON event.
    pub(crate) fields: Map<String, Value>,
}

impl Notice {
    /// The line as the console shows it (`warning: ` before a warning in
    /// text), or `None` when it is not shown (`-q`).
    pub(super) fn text(&self) -> Option<String> {
        let console = Console::get();
        let text = console.format(self.level, &self.message, self.fields.clone())?;
        Some(match (self.level, console.json) {
            (Level::Warn, false) => format!("warning: {text}"),
            _ => text,
        })
    }

    /// Write the line to `out` (stderr, or a test's buffer).
    pub(super) fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match self.text() {
            Some(text) => writeln!(out, "{text}"),
            None => Ok(()),
        }
    }

    /// Write the line to stderr.
    pub(super) fn print(&self) {
        let _ = self.write(&mut std::io::stderr().lock());
    }
}

/// Write `notices` to `out`, in order.
pub(crate) fn write_all(notices: &[Notice], out: &mut dyn Write) -> std::io::Result<()> {
    notices.iter().try_for_each(|notice| notice.write(out))
}

/// One warning per column whose header looks like a field the file has no
/// column for, naming the rename and the config file's `[columns]` line.
pub(crate) fn header_warnings(layout: &Layout) -> Vec<Notice> {
    layout
        .lookalikes()
        .into_iter()
        .map(|lookalike| {
            let mut fields = Map::new();
            fields.insert("event".to_owned(), json!("lookalike_column"));
            fields.insert("column".to_owned(), json!(lookalike.header));
            fields.insert("looks_like".to_owned(), json!(lookalike.field.name()));
            fields.insert(
                "config".to_owned(),
                json!(columns_line(lookalike.field, &lookalike.header)),
            );
            Notice {
                level: Level::Warn,
                message: lookalike.advice(),
                fields,
            }
        })
        .collect()
}

/// How the workbook's date cells in a date column (`mca_date`) were read,
/// when there were any.
pub(crate) fn dates_read(dates: &[DatesRead]) -> Vec<Notice> {
    dates
        .iter()
        .map(|read| {
            let mut fields = Map::new();
            fields.insert("event".to_owned(), json!("date_cells_read"));
            fields.insert("column".to_owned(), json!(read.field.name()));
            fields.insert("cells".to_owned(), json!(read.cells));
            fields.insert("first_row".to_owned(), json!(read.first_row));
            let more = match read.cells {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            Notice {
                level: Level::Info,
                message: format!(
                    "{}: date cells read as the dates they show, as YYYY-MM-DD: row {} ({}){more}",
                    read.field, read.first_row, read.first_text
                ),
                fields,
            }
        })
        .collect()
}

/// The warning for the template's untouched example row, which `validate`
/// passes and `run` never sends.
pub(crate) fn example_row(row: &InputRow, layout: &Layout) -> Option<Notice> {
    // The external_id first: cheap, and false for every other row.
    let column = layout.column(Field::ExternalId)?;
    let id = row.record.get(column)?;
    if id.trim_ascii() != crate::template::EXAMPLE_ID.as_bytes()
        || !crate::template::is_example(&row.fields(layout).0)
    {
        return None;
    }
    let mut fields = Map::new();
    fields.insert("event".to_owned(), json!("template_example_row"));
    fields.insert("row".to_owned(), json!(row.number));
    Some(Notice {
        level: Level::Warn,
        message: format!(
            "row {}: {} (validate passes it to show the format; run does not send it)",
            row.number,
            crate::template::EXAMPLE_MESSAGE
        ),
        fields,
    })
}
