//! Sniffing the CSV dialect (BOM, delimiter, line ending) and rejecting
//! content that is not CSV text at all.

pub(crate) use crate::bom::UTF8_BOM;

/// The delimiters recognised, in order of preference when the evidence ties.
pub(crate) const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How many rows after the header are looked at to confirm the delimiter.
const SAMPLE_ROWS: usize = 20;

/// How many leading bytes are checked for NUL bytes.
const BINARY_PROBE: usize = 8 * 1024;

/// The textual conventions of one CSV file, written back the same way in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dialect {
    /// The field delimiter: `,`, `;` or tab.
    pub(crate) delimiter: u8,
    /// Whether the file starts with a UTF-8 byte order mark.
    pub(crate) bom: bool,
    /// Whether lines end with CRLF (`\r\n`) rather than LF.
    pub(crate) crlf: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            bom: false,
            crlf: false,
        }
    }
}

impl Dialect {
    /// Detect the dialect from the first bytes of a file.
    ///
    /// `sample` is the start of the file (BOM included); `complete` says whether
    /// it is the whole file, so that its last line is not a truncated one.
    /// The delimiter is the candidate found in the header row (outside quotes)
    /// whose count the following rows repeat most often; ties go to `,` then
    /// `;` then tab, and a header with none of them reads as `,`.
    pub(crate) fn sniff(sample: &[u8], complete: bool) -> Dialect {
        let bom = sample.starts_with(UTF8_BOM);
        let text = if bom {
            &sample[UTF8_BOM.len()..]
        } else {
            sample
        };
        let (rows, crlf) = count_delimiters(text, complete);
        let Some((header, data)) = rows.split_first() else {
            return Dialect {
                bom,
                crlf,
                ..Dialect::default()
            };
        };
        let mut best = 0;
        let mut best_key = (false, 0, 0);
        for (i, _) in DELIMITERS.iter().enumerate() {
            let in_header = header[i];
            let consistent = data.iter().filter(|row| row[i] == in_header).count();
            let key = (in_header > 0, consistent, in_header);
            if key > best_key {
                best = i;
                best_key = key;
            }
        }
        Dialect {
            delimiter: DELIMITERS[best],
            bom,
            crlf,
        }
    }
}

/// Count each candidate delimiter outside quotes, per non-blank row, for the
/// header and up to [`SAMPLE_ROWS`] rows after it. Also reports whether the
/// first row ended with `\r` (CRLF or old Mac line endings).
fn count_delimiters(text: &[u8], complete: bool) -> (Vec<[usize; 3]>, bool) {
    let mut rows = Vec::new();
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut row_has_content = false;
    let mut crlf = None;
    for &byte in text {
        if byte == b'"' {
            in_quotes = !in_quotes;
            row_has_content = true;
            continue;
        }
        if in_quotes {
            continue;
        }
        if byte == b'\n' || byte == b'\r' {
            if row_has_content {
                if crlf.is_none() {
                    crlf = Some(byte == b'\r');
                }
                rows.push(counts);
                if rows.len() > SAMPLE_ROWS {
                    break;
                }
            }
            counts = [0; 3];
            row_has_content = false;
            continue;
        }
        row_has_content = true;
        if let Some(i) = DELIMITERS.iter().position(|&d| d == byte) {
            counts[i] += 1;
        }
    }
    // The last line counts when it is complete: the whole file was sampled, or
    // it is the only line seen (a header longer than the sample).
    if row_has_content && rows.len() <= SAMPLE_ROWS && (complete || rows.is_empty()) {
        rows.push(counts);
    }
    (rows, crlf.unwrap_or(false))
}

/// Why `sample` (the start of a file with this `extension`, as read) is not
/// CSV text, if it isn't: an archive, a workbook, or binary data. `utf16`:
/// the file is UTF-16 text, whose NUL bytes are expected (its decoded text
/// is checked with [`binary_reason`] instead).
pub(crate) fn not_csv_reason(
    sample: &[u8],
    extension: Option<&str>,
    utf16: bool,
) -> Option<String> {
    let is_ods = extension.is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    if sample.starts_with(b"PK\x03\x04") {
        // `.xlsx` and `.xlsm` files never get here: they are read as workbooks.
        return Some(if is_ods {
            "it is an OpenDocument spreadsheet; save it as .xlsx or CSV UTF-8".to_owned()
        } else {
            "it looks like an Excel workbook; save as CSV or use .xlsx".to_owned()
        });
    }
    if sample.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some(
            "it looks like an old Excel .xls workbook; save it as CSV UTF-8 or .xlsx".to_owned(),
        );
    }
    if sample.starts_with(b"\x1F\x8B") {
        return Some("it looks like a gzip archive; decompress it first".to_owned());
    }
    if utf16 {
        return None;
    }
    binary_reason(sample)
}

/// Why `text` (the start of a file, as read or as decoded) is binary data:
/// it holds a NUL byte in its first 8 KiB. Text whose every other byte is
/// NUL is UTF-16 without a byte order mark, which `--encoding` reads.
pub(crate) fn binary_reason(text: &[u8]) -> Option<String> {
    let probe = &text[..text.len().min(BINARY_PROBE)];
    let at = probe.iter().position(|&b| b == 0)?;
    let nuls = |parity: usize| {
        probe
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nuls(0), nuls(1));
    let pairs = probe.len() / 2;
    let utf16 = match (even, odd) {
        (0, odd) if odd * 4 >= pairs * 3 => Some("utf-16le"),
        (even, 0) if even * 4 >= pairs * 3 => Some("utf-16be"),
        _ => None,
    };
    Some(match utf16 {
        Some(label) => format!(
            "it looks like UTF-16 text without a byte order mark (a NUL byte at offset {at}); \
             read it with --encoding {label}"
        ),
        None => format!("it contains binary data (a NUL byte at offset {at}); expected UTF-8 text"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimiter(text: &str) -> char {
        char::from(Dialect::sniff(text.as_bytes(), true).delimiter)
    }

    #[test]
    fn detects_comma_semicolon_and_tab() {
        assert_eq!(delimiter("a,b,c\n1,2,3\n"), ',');
        assert_eq!(delimiter("a;b;c\n1;2,5;3\n"), ';');
        assert_eq!(delimiter("a\tb\tc\n1,5\t2\t3\n"), '\t');
    }

    #[test]
    fn ignores_delimiters_inside_quotes() {
        assert_eq!(delimiter("\"a,1\";\"b,2\";c\n\"x,y\";2;3\n"), ';');
    }

    #[test]
    fn rows_confirm_the_delimiter_when_the_header_is_ambiguous() {
        // One stray `;` in the header, but every row has two commas.
        assert_eq!(delimiter("a,b,notes; misc\n1,2,x\n3,4,y\n"), ',');
    }

    #[test]
    fn a_single_column_reads_as_comma() {
        assert_eq!(delimiter("company_name\nContoso\n"), ',');
        assert_eq!(delimiter(""), ',');
    }

    #[test]
    fn detects_bom_and_crlf() {
        let dialect = Dialect::sniff(b"\xEF\xBB\xBFa;b\r\n1;2\r\n", true);
        assert_eq!(
            dialect,
            Dialect {
                delimiter: b';',
                bom: true,
                crlf: true
            }
        );
        assert!(!Dialect::sniff(b"a,b\n", true).crlf);
    }

    #[test]
    fn a_truncated_last_sample_line_is_not_counted() {
        // The sample ends mid-row: its single comma must not outvote the rows.
        let sample = b"a;b;c\n1;2;3\n4;5;6\n7,";
        assert_eq!(Dialect::sniff(sample, false).delimiter, b';');
    }

    #[test]
    fn recognises_non_csv_content() {
        assert_eq!(
            not_csv_reason(b"PK\x03\x04rest", Some("csv"), false).as_deref(),
            Some("it looks like an Excel workbook; save as CSV or use .xlsx")
        );
        assert_eq!(
            not_csv_reason(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Some("csv"), false).as_deref(),
            Some("it looks like an old Excel .xls workbook; save it as CSV UTF-8 or .xlsx")
        );
        assert!(not_csv_reason(b"a,b\n\0\0", None, false).is_some_and(|r| r.contains("NUL")));
        assert_eq!(not_csv_reason(b"a,b\n1,2\n", None, false), None);
    }

    #[test]
    fn utf16_text_is_not_binary_when_read_as_utf16() {
        let utf16 = b"\xFF\xFEa\0,\0b\0\n\0";
        assert_eq!(not_csv_reason(utf16, Some("csv"), true), None);
        // A zip stays a zip whatever the encoding.
        assert!(not_csv_reason(b"PK\x03\x04\0\0", None, true).is_some());
    }

    #[test]
    fn utf16_without_a_bom_is_named_with_the_option_that_reads_it() {
        let le: Vec<u8> = "name,city\n".bytes().flat_map(|b| [b, 0]).collect();
        let reason = binary_reason(&le).unwrap();
        assert!(reason.contains("--encoding utf-16le"), "{reason}");
        let be: Vec<u8> = "name,city\n".bytes().flat_map(|b| [0, b]).collect();
        let reason = binary_reason(&be).unwrap();
        assert!(reason.contains("--encoding utf-16be"), "{reason}");
        let reason = binary_reason(b"name,city\n\0\x01\x02\x03").unwrap();
        assert!(reason.starts_with("it contains binary data"), "{reason}");
    }
}
