//! How a results workbook looks: cell formats, status colours, column
//! widths, cell notes, sheet names. Shared by the renderer and the template
//! writer (`crate::template`).

use std::path::Path;

use rust_xlsxwriter::{Color, Format, FormatAlign, Note, Workbook, Worksheet, XlsxError};

use super::schema::Status;

/// Excel's longest cell text, in UTF-16 units.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// Excel's rows per worksheet, the header included.
pub(crate) const MAX_ROWS: u64 = 1_048_576;

/// Excel's columns per worksheet.
pub(crate) const MAX_COLUMNS: usize = 16_384;

/// Excel's longest sheet name.
const MAX_SHEET_NAME: usize = 31;

/// Excel's built-in "Good", "Bad" and "Neutral" cell styles: (fill, font).
const GREEN: (u32, u32) = (0xC6EFCE, 0x006100);
const RED: (u32, u32) = (0xFFC7CE, 0x9C0006);
const AMBER: (u32, u32) = (0xFFEB9C, 0x9C5700);

/// The formats of a results workbook. Every input column is Text (`@`), so
/// a value typed into it while fixing a row stays text (leading zeros too).
#[derive(Debug, Clone)]
pub(crate) struct Styles {
    /// The header row: bold text.
    pub(crate) header: Format,
    /// A value cell: text.
    pub(crate) text: Format,
    /// An offending cell of an `invalid` row: text on Excel's "Bad" colours.
    pub(crate) flagged: Format,
    /// A number (`attempts`, counts).
    pub(crate) number: Format,
    green: Format,
    amber: Format,
}

impl Default for Styles {
    fn default() -> Self {
        Self::new()
    }
}

impl Styles {
    /// The format of an input cell: [`Styles::flagged`] or [`Styles::text`].
    pub(crate) fn input(&self, flagged: bool) -> &Format {
        if flagged { &self.flagged } else { &self.text }
    }

    /// The formats.
    pub(crate) fn new() -> Self {
        let text = Format::new()
            .set_num_format("@")
            .set_align(FormatAlign::Top);
        let coloured = |(fill, font): (u32, u32)| {
            text.clone()
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        };
        Styles {
            header: text.clone().set_bold(),
            flagged: coloured(RED),
            number: Format::new().set_align(FormatAlign::Top),
            green: coloured(GREEN),
            amber: coloured(AMBER),
            text,
        }
    }

    /// The format of a `status` cell: green for `created`/`exists`, red for
    /// `invalid`/`rejected`, amber for `failed`/`cancelled`, else plain text.
    pub(crate) fn status(&self, status: Option<Status>) -> &Format {
        match status {
            Some(Status::Created | Status::Exists) => &self.green,
            Some(Status::Invalid | Status::Rejected) => &self.flagged,
            Some(Status::Failed | Status::Cancelled) => &self.amber,
            _ => &self.text,
        }
    }
}

/// The widest text seen per column, for column widths that fit.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnWidths {
    chars: Vec<usize>,
}

impl ColumnWidths {
    /// Narrowest and widest column, in characters.
    const MIN: usize = 6;
    const MAX: usize = 60;

    /// Widths for `columns` columns, none seen yet.
    pub(crate) fn new(columns: usize) -> Self {
        ColumnWidths {
            chars: vec![0; columns],
        }
    }

    /// Note `text` in column `column` (its longest line counts).
    pub(crate) fn observe(&mut self, column: usize, text: &str) {
        if let Some(width) = self.chars.get_mut(column) {
            let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            *width = (*width).max(longest.min(Self::MAX));
        }
    }

    /// Set the widths: the longest text plus room for the filter button.
    pub(crate) fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (column, chars) in self.chars.iter().enumerate() {
            let width = (chars + 3).clamp(Self::MIN, Self::MAX);
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            sheet.set_column_width(column, width as f64)?;
        }
        Ok(())
    }
}

/// A cell note holding `text`, sized to show it whole.
pub(crate) fn note(text: &str) -> Note {
    const LINE_CHARS: usize = 48;
    let lines: usize = text
        .lines()
        .map(|line| line.chars().count().div_ceil(LINE_CHARS).max(1))
        .sum();
    let height = u32::try_from(lines.clamp(2, 24) * 16 + 12).unwrap_or(400);
    Note::new(text)
        .set_author("pc-onboard")
        .add_author_prefix(false)
        .set_width(340)
        .set_height(height)
}

/// `text` cut to Excel's cell limit, and whether it was cut.
pub(crate) fn fit_cell(text: &str) -> (&str, bool) {
    // Bytes bound UTF-16 units from above: most texts need no count.
    if text.len() <= MAX_CELL_CHARS {
        return (text, false);
    }
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            return (&text[..at], true);
        }
    }
    (text, false)
}

/// `name` as a valid sheet name: `[]:*?/\` become `_`, no apostrophe at
/// either end, at most 31 characters; `fallback` if nothing is left.
pub(crate) fn sheet_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(MAX_SHEET_NAME)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// The directory of `path` (`.` for a bare file name).
pub(crate) fn directory(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Save to a hidden file beside `path`, then rename it to `path`.
pub(crate) fn save_whole(book: &mut Workbook, path: &Path) -> Result<(), XlsxError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = directory(path).join(format!(".{name}.{}.tmp", std::process::id()));
    let saved = book
        .save(&temporary)
        .and_then(|()| std::fs::rename(&temporary, path).map_err(XlsxError::from));
    if saved.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(&temporary);
    }
    saved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_name("Klanten", "Results"), "Klanten");
        assert_eq!(sheet_name("Q1/Q2 [EU]", "Results"), "Q1_Q2 _EU_");
        assert_eq!(sheet_name("'quoted'", "Results"), "quoted");
        assert_eq!(sheet_name("  ", "Results"), "Results");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, "Results").chars().count(), 31);
    }

    #[test]
    fn long_cells_are_cut_at_excels_limit_in_utf16_units() {
        assert_eq!(fit_cell("short"), ("short", false));
        let long = "é".repeat(MAX_CELL_CHARS + 5);
        let (cut, was_cut) = fit_cell(&long);
        assert!(was_cut);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        // An emoji is two UTF-16 units: half as many fit.
        let emoji = "😀".repeat(MAX_CELL_CHARS);
        let (cut, _) = fit_cell(&emoji);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS / 2);
    }

    #[test]
    fn column_widths_follow_the_longest_line_within_bounds() {
        let mut widths = ColumnWidths::new(3);
        widths.observe(0, "ab");
        widths.observe(1, "twelve chars\nshort");
        widths.observe(2, &"x".repeat(500));
        widths.observe(7, "ignored: no such column");
        assert_eq!(widths.chars, [2, 12, 60]);
    }
}
