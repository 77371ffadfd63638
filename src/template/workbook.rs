//! The template as a workbook: sheet `Customers` (the columns, their notes,
//! Text cells, the drop-down lists, the rows), sheet `Instructions`, and
//! the hidden sheet `Lists` the drop-downs read their values from (an
//! inline list holds at most 255 characters; the countries alone take
//! more).

use std::path::Path;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Formula,
    Workbook, Worksheet, XlsxError,
};

use super::Table;
use super::columns::{Need, ValueList, need, rule, value_lists};
use crate::results::xlsx_style::{ColumnWidths, MAX_ROWS, Styles, note, save_whole};
use crate::validate::Field;

/// The rows' sheet (what `validate` and `run` read: the first visible one).
pub(crate) const SHEET: &str = "Customers";
/// The instructions' sheet.
pub(crate) const INSTRUCTIONS: &str = "Instructions";
/// The hidden sheet with the drop-downs' values.
pub(crate) const LISTS: &str = "Lists";

/// The fill of a required column's header (Excel's light blue).
const REQUIRED_FILL: u32 = 0xDDEBF7;

/// Write `table` as the template workbook `path` (replaced whole).
pub(super) fn write(path: &Path, table: &Table) -> Result<(), XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    // A fixed date: the same table gives the same bytes (the sample
    // workbook is regenerated and compared).
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    write_rows(sheet, &styles, table)?;
    let instructions = book.add_worksheet();
    instructions.set_name(INSTRUCTIONS)?;
    write_instructions(instructions, &styles)?;
    let lists = book.add_worksheet();
    lists.set_name(LISTS)?;
    write_lists(lists, &styles)?;
    lists.set_hidden(true);
    save_whole(&mut book, path)
}

/// The header (required columns marked, each with its rule as a note),
/// the rows as Text, the drop-downs.
fn write_rows(sheet: &mut Worksheet, styles: &Styles, table: &Table) -> Result<(), XlsxError> {
    let required = styles
        .header
        .clone()
        .set_background_color(Color::RGB(REQUIRED_FILL));
    let mut widths = ColumnWidths::new(table.header.len());
    for (index, header) in table.header.iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        let field = table.fields.get(index).copied().flatten();
        let format = match field.map(need) {
            Some(Need::Always) => &required,
            _ => &styles.header,
        };
        sheet.write_string_with_format(0, col, header, format)?;
        sheet.set_column_format(col, &styles.text)?;
        widths.observe(index, header);
        if let Some(field) = field {
            let text = format!("{}\n{}", need(field).words(), rule(field));
            sheet.insert_note(0, col, &note(&text))?;
        }
    }
    for (row, cells) in (1u32..).zip(&table.rows) {
        for (index, value) in cells.iter().enumerate() {
            if !value.is_empty() {
                let col = u16::try_from(index).unwrap_or(u16::MAX);
                sheet.write_string_with_format(row, col, value, &styles.text)?;
                widths.observe(index, value);
            }
        }
    }
    for (list_column, list) in (0u16..).zip(value_lists()) {
        if let Some(index) = table.fields.iter().position(|f| *f == Some(list.field)) {
            let col = u16::try_from(index).unwrap_or(u16::MAX);
            let validation = drop_down(list, list_column)?;
            let last_row = u32::try_from(MAX_ROWS - 1).unwrap_or(u32::MAX);
            sheet.add_data_validation(1, col, last_row, col, &validation)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = u16::try_from(table.header.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let rows = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, rows, last)?;
    widths.apply(sheet)
}

/// The drop-down of `list`, whose values are in column `list_column` of
/// the `Lists` sheet.
fn drop_down(list: &ValueList, list_column: u16) -> Result<DataValidation, XlsxError> {
    let letter = rust_xlsxwriter::utility::column_number_to_name(list_column);
    let last = list.values.len() + 1;
    let range = Formula::new(format!("={LISTS}!${letter}$2:${letter}${last}"));
    let (style, message) = if list.strict {
        (
            DataValidationErrorStyle::Warning,
            format!(
                "pc-onboard refuses a {} that is not on the list.",
                list.field
            ),
        )
    } else {
        (
            DataValidationErrorStyle::Information,
            format!("Not on the list: fine if it is a valid {}.", list.field),
        )
    };
    DataValidation::new()
        .allow_list_formula(range)
        .set_error_style(style)
        .set_error_title(list.field.name())?
        .set_error_message(message)
}

/// One list per column: its field's name, then its values.
fn write_lists(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    for (col, list) in (0u16..).zip(value_lists()) {
        sheet.write_string_with_format(0, col, list.field.name(), &styles.header)?;
        for (row, value) in (1u32..).zip(&list.values) {
            sheet.write_string_with_format(row, col, value, &styles.text)?;
        }
    }
    Ok(())
}

/// How to fill the workbook and what to run.
fn write_instructions(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    let required: Vec<&str> = Field::ALL
        .iter()
        .filter(|f| need(**f) == Need::Always)
        .map(|f| f.name())
        .collect();
    let lines = [
        "How to fill in this workbook".to_owned(),
        String::new(),
        format!(
            "1. Sheet {SHEET} holds one customer per row from row 2. Keep the column names of \
             row 1 (headers are matched ignoring case, spaces, _ and -; the order does not matter)."
        ),
        format!(
            "2. Columns with a blue header are required in every row: {}. Others are required in \
             some countries or optional. Hover over a header (the red triangle) to read its rule.",
            required.join(", ")
        ),
        "3. Every cell is formatted as Text, so 02134 stays 02134. Paste values with Paste \
         Special > Values (Ctrl+Alt+V) to keep the format."
            .to_owned(),
        "4. country, language, culture and default_gdap offer their values in a list (the \
         arrow beside the cell)."
            .to_owned(),
        "5. Row 2 is an example that passes validation: overwrite it with your first customer or \
         delete it. run never sends it while its external_id is EXAMPLE-1 and its domain \
         contosoexample."
            .to_owned(),
        "6. Columns of your own (notes, CRM fields) may be added after the last one: they are \
         kept in the results, untouched."
            .to_owned(),
        String::new(),
        "Check every row, without sending anything: pc-onboard validate customers.xlsx".to_owned(),
        "Try it against the built-in sandbox: pc-onboard run customers.xlsx --sandbox --results \
         results.xlsx"
            .to_owned(),
        "Onboard: pc-onboard run customers.xlsx --results results.xlsx --credentials-out \
         passwords.csv"
            .to_owned(),
        "results.xlsx has your rows and a status per row; fix its red cells (each has a note), \
         save, and run it again: pc-onboard run results.xlsx --results results-2.xlsx"
            .to_owned(),
        String::new(),
        format!("Written by pc-onboard {}.", env!("CARGO_PKG_VERSION")),
    ];
    for (row, line) in (0u32..).zip(&lines) {
        let format = if row == 0 {
            &styles.header
        } else {
            &styles.text
        };
        sheet.write_string_with_format(row, 0, line, format)?;
    }
    sheet.set_column_width(0, 120)?;
    Ok(())
}
