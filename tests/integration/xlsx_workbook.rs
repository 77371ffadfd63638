//! The `.xlsx` input the `xlsx_input` tests read, generated with
//! rust_xlsxwriter: cells typed as Excel users type them (numbers, formats,
//! dates, formulas, errors) on two sheets.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

/// The header row (a `Company Name` heading, two pass-through columns).
pub(crate) const HEADER: [&str; 17] = [
    "external_id",
    "Company Name",
    "domain",
    "email",
    "culture",
    "language",
    "first_name",
    "last_name",
    "phone_number",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "country",
    "registration_number",
    "notes",
    "signed_on",
];

/// The workbook:
///
/// Sheet `Customers` (first):
/// - row 1: header
/// - row 2: US, postal code typed as text `02134` (Text format), phone and
///   external id as numbers, a date in the pass-through `signed_on` column
/// - row 3: blank
/// - row 4: US, postal code the number 2134 formatted `00000`
/// - row 5: RU, registration number the number 7707083893 (General)
/// - row 6: company name a formula with its cached result
/// - row 7: postal code a date (invalid)
/// - row 8: email the error #N/A (invalid)
///
/// Sheet `Later` (second): one valid GB row.
pub(crate) fn workbook(dir: &Path, tag: &str) -> PathBuf {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Customers").unwrap();
    header(sheet);
    typed_rows(sheet, tag);
    russian_row(sheet, tag);
    awkward_rows(sheet, tag);

    let later = workbook.add_worksheet();
    later.set_name("Later").unwrap();
    header(later);
    uk_row(later, tag);

    let path = dir.join("customers.xlsx");
    workbook.save(&path).unwrap();
    path
}

/// Row 1: the column names.
fn header(sheet: &mut Worksheet) {
    for (col, name) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
}

/// The cells every US row has (customer `n`, Boston MA).
fn us(sheet: &mut Worksheet, tag: &str, row: u32, n: u32) {
    sheet
        .write_string(row, 1, format!("Customer {n} Inc"))
        .unwrap();
    sheet.write_string(row, 2, format!("{tag}x{n}")).unwrap();
    sheet
        .write_string(row, 3, format!("ap{n}@example.com"))
        .unwrap();
    for (col, value) in [(4, "en-US"), (5, "en"), (6, "Ann"), (7, "Lee")] {
        sheet.write_string(row, col, value).unwrap();
    }
    sheet.write_string(row, 9, format!("{n} Main St")).unwrap();
    sheet.write_string(row, 10, "Boston").unwrap();
    sheet.write_string(row, 11, "MA").unwrap();
    sheet.write_string(row, 13, "US").unwrap();
}

/// Rows 2 and 4: numbers, a text-formatted and a `00000`-formatted postal
/// code, a date.
fn typed_rows(sheet: &mut Worksheet, tag: &str) {
    let text = Format::new().set_num_format("@");
    let zip = Format::new().set_num_format("00000");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Row 2 (index 1).
    sheet.write_number(1, 0, 1001.0).unwrap();
    us(sheet, tag, 1, 1);
    sheet.write_number(1, 8, 4255550100.0).unwrap();
    sheet
        .write_string_with_format(1, 12, "02134", &text)
        .unwrap();
    sheet.write_string(1, 15, "  keep   my spaces ").unwrap();
    let signed = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 16, &signed, &date)
        .unwrap();

    // Row 4 (index 3), after a blank row 3.
    sheet.write_number(3, 0, 1002.0).unwrap();
    us(sheet, tag, 3, 2);
    sheet.write_number_with_format(3, 12, 2134.0, &zip).unwrap();
    sheet.write_number(3, 15, 1.5).unwrap();
}

/// Row 5 (index 4): Russia, registration number as a big number.
fn russian_row(sheet: &mut Worksheet, tag: &str) {
    let ru = [
        (1, "ООО Ромашка"),
        (2, &*format!("{tag}romashka")),
        (3, "buh@romashka.example"),
        (4, "ru-RU"),
        (5, "ru"),
        (6, "Иван"),
        (7, "Петров"),
        (8, "+7 495 555 01 01"),
        (9, "ул. Тверская, 7"),
        (10, "Москва"),
        (11, "Москва"),
        (13, "RU"),
    ];
    sheet.write_string(4, 0, "CRM-RU").unwrap();
    for (col, value) in ru {
        sheet.write_string(4, col, value).unwrap();
    }
    sheet.write_number(4, 12, 125009.0).unwrap();
    sheet.write_number(4, 14, 7707083893.0).unwrap();
    sheet.write_number(4, 15, 1.2e9).unwrap();
}

/// Rows 6 to 8: a formula, a date where a postal code goes, an error cell.
fn awkward_rows(sheet: &mut Worksheet, tag: &str) {
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Row 6 (index 5): the company name is a formula.
    sheet.write_number(5, 0, 1004.0).unwrap();
    us(sheet, tag, 5, 4);
    sheet
        .write_formula(
            5,
            1,
            Formula::new("=\"Fabrikam\"&\" Ltd\"").set_result("Fabrikam Ltd"),
        )
        .unwrap();
    sheet
        .write_string_with_format(5, 12, "02134", &text)
        .unwrap();

    // Row 7 (index 6): the postal code is a date.
    sheet.write_number(6, 0, 1005.0).unwrap();
    us(sheet, tag, 6, 5);
    let when = ExcelDateTime::from_ymd(2021, 3, 4).unwrap();
    sheet
        .write_datetime_with_format(6, 12, &when, &date)
        .unwrap();

    // Row 8 (index 7): the e-mail is #N/A.
    sheet.write_number(7, 0, 1006.0).unwrap();
    us(sheet, tag, 7, 6);
    sheet
        .write_formula(7, 3, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet
        .write_string_with_format(7, 12, "02134", &text)
        .unwrap();
}

/// The `Later` sheet's one valid GB row.
fn uk_row(later: &mut Worksheet, tag: &str) {
    let gb = [
        (0, "GB-1"),
        (1, "Contoso UK"),
        (2, &*format!("{tag}uk")),
        (3, "ap@contoso.example"),
        (4, "en-GB"),
        (5, "en"),
        (6, "Ann"),
        (7, "Lee"),
        (9, "1 High St"),
        (10, "London"),
        (12, "SW1A 1AA"),
        (13, "GB"),
    ];
    for (col, value) in gb {
        later.write_string(1, col, value).unwrap();
    }
}
