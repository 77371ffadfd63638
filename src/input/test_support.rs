//! What the input module's tests share: a header and a row, a file holding
//! given bytes, and reading every row.

#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::path::PathBuf;

use super::{InputReader, InputRow};

/// A header with the required columns, `city` and `postal_code`.
pub(crate) const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,postal_code,country";

/// A valid row for [`HEADER`].
pub(crate) const ROW: &str =
    "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Redmond,01234,US";

/// `customers.csv` holding `bytes`, in a folder removed when the guard drops.
pub(crate) fn file(bytes: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.csv");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Every remaining row of `reader`.
pub(crate) fn read_all(reader: &mut InputReader) -> Vec<InputRow> {
    let mut rows = Vec::new();
    let mut row = InputRow::new();
    while reader.read_row(&mut row).unwrap() {
        rows.push(row.clone());
    }
    rows
}
