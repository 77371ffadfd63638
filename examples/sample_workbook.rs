//! Write `samples/customers.xlsx` from `samples/customers.csv`: the same
//! header and rows, every cell Text (so postal codes and registration
//! numbers keep their leading zeros), on a sheet `Customers`, with a second
//! sheet `About` so `--sheet` has something to choose from.
//!
//! `cargo run --example sample_workbook` (from the repository root). The
//! test `samples_workbook_holds_the_rows_of_the_csv` checks that the two
//! files agree.

use std::path::Path;

use pc_onboard::input::{InputReader, InputRow};
use pc_onboard::results::xlsx_style::{ColumnWidths, Styles};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

const CSV: &str = "samples/customers.csv";
const XLSX: &str = "samples/customers.xlsx";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut reader = InputReader::open(Path::new(CSV))?;
    let headers = reader.layout().headers.clone();
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    // A fixed date: regenerating gives the same bytes.
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers")?;
    let mut widths = ColumnWidths::new(headers.len());
    for (column, header) in headers.iter().enumerate() {
        let header = std::str::from_utf8(header)?;
        let col = u16::try_from(column)?;
        sheet.write_string_with_format(0, col, header, &styles.header)?;
        sheet.set_column_format(col, &styles.text)?;
        widths.observe(column, header);
    }
    let mut row = InputRow::new();
    let mut index = 0u32;
    while reader.read_row(&mut row)? {
        index += 1;
        for (column, value) in row.record.iter().enumerate() {
            let value = std::str::from_utf8(value)?;
            if !value.is_empty() {
                let col = u16::try_from(column)?;
                sheet.write_string_with_format(index, col, value, &styles.text)?;
                widths.observe(column, value);
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, index, u16::try_from(headers.len() - 1)?)?;
    widths.apply(sheet)?;
    let about = workbook.add_worksheet();
    about.set_name("About")?;
    let lines = [
        "The customers of samples/customers.csv as a workbook (every cell Text).",
        "pc-onboard reads the first visible sheet, Customers; --sheet NAME picks another.",
        "Regenerate with: cargo run --example sample_workbook",
    ];
    for (line, text) in (0u32..).zip(lines) {
        about.write_string(line, 0, text)?;
    }
    workbook.save(XLSX)?;
    eprintln!("wrote {XLSX}: {index} rows");
    Ok(())
}
