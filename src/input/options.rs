//! [`InputOptions`]: what the file itself does not say about how to read it.

use super::encoding::TextEncoding;
use crate::validate::Field;

/// How to read an input file, beyond what the file says itself.
///
/// The default reads the first visible worksheet of a workbook and maps
/// headers by name and alias only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputOptions {
    /// The worksheet of an `.xlsx` input (`--sheet NAME`, matched ignoring
    /// case). `None`: the first visible worksheet. Refused for CSV input.
    pub sheet: Option<String>,
    /// The encoding of a CSV input (`--encoding LABEL`). `None`: a byte
    /// order mark says, else UTF-8 when the whole file is valid UTF-8, else
    /// Windows-1252. A byte order mark wins over this. Workbooks ignore it.
    pub encoding: Option<TextEncoding>,
    /// Header overrides (`[columns]` of the config file): the column whose
    /// header is this text (compared like any header: ignoring case, spaces,
    /// `_` and `-`) holds this field. An override wins over the aliases;
    /// when the file has no such header, the aliases still apply.
    pub columns: Vec<(Field, String)>,
}
