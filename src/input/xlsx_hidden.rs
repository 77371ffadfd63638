//! Which rows of a worksheet are hidden in Excel (by hand, or by a filter):
//! calamine reads every cell but does not say. The sheet's XML part is
//! found through the workbook's relationships and streamed (constant
//! memory) for `<row r="N" hidden="1">`.
//!
//! Hidden rows are processed like the others (Excel's own "Save as CSV"
//! keeps them too), but never without a word: the reader warns, naming
//! them, so rows hidden to be left out can be deleted before a run.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The Excel row numbers (1-based) hidden on `sheet` of the workbook at
/// `path`; empty when none are, or when the workbook cannot be read this
/// way (best effort: calamine has read it already).
pub(crate) fn hidden_rows(path: &Path, sheet: &str) -> Vec<u32> {
    read_hidden_rows(path, sheet).unwrap_or_default()
}

fn read_hidden_rows(path: &Path, sheet: &str) -> Option<Vec<u32>> {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let id = attribute_of(&mut zip, "xl/workbook.xml", "sheet", "name", sheet, "id")?;
    let target = attribute_of(
        &mut zip,
        "xl/_rels/workbook.xml.rels",
        "Relationship",
        "Id",
        &id,
        "Target",
    )?;
    let part = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("xl/{target}"),
    };
    let entry = zip.by_name(&part).ok()?;
    Some(scan_rows(BufReader::new(entry)))
}

/// In the XML part `name`, the attribute `wanted` of the first element
/// named `element` whose attribute `key` is `value` (local names: any
/// namespace prefix).
fn attribute_of<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    element: &str,
    key: &str,
    value: &str,
    wanted: &str,
) -> Option<String> {
    let entry = zip.by_name(name).ok()?;
    let mut reader = Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == element
                    && attribute(&e, key).as_deref() == Some(value) =>
            {
                return attribute(&e, wanted);
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// The value of the attribute of `e` whose local name is `name`.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// The hidden rows of a worksheet's XML.
fn scan_rows(source: impl BufRead) -> Vec<u32> {
    let mut reader = Reader::from_reader(source);
    let mut buf = Vec::new();
    let mut hidden = Vec::new();
    let mut last = 0u32;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "row" => {
                // `r` may be left out: the row after the last one.
                last = attribute(&e, "r")
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(last.saturating_add(1));
                if matches!(attribute(&e, "hidden").as_deref(), Some("1" | "true")) {
                    hidden.push(last);
                }
            }
            Ok(Event::Eof) | Err(_) => return hidden,
            _ => {}
        }
        buf.clear();
    }
}

/// `rows 3, 7-9, 12` (at most `max` groups, then `and N more`).
pub(crate) fn describe(rows: &[u32], max: usize) -> String {
    let mut groups: Vec<(u32, u32)> = Vec::new();
    for &row in rows {
        match groups.last_mut() {
            Some((_, end)) if *end + 1 == row => *end = row,
            _ => groups.push((row, row)),
        }
    }
    let shown: Vec<String> = groups
        .iter()
        .take(max)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let word = if rows.len() == 1 { "row" } else { "rows" };
    let mut text = format!("{word} {}", shown.join(", "));
    let more: usize = groups
        .iter()
        .skip(max)
        .map(|&(a, b)| (b - a + 1) as usize)
        .sum();
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn hidden_rows_are_read_with_or_without_their_numbers() {
        let xml = br#"<worksheet xmlns="x"><sheetData>
            <row r="1"><c r="A1"/></row>
            <row r="3" hidden="1"/>
            <row hidden="true"><c/></row>
            <row r="9" spans="1:3" hidden="0"/>
            <x:row r="12" hidden="1" xmlns:x="x"/>
        </sheetData></worksheet>"#;
        assert_eq!(scan_rows(&xml[..]), [3, 4, 12]);
    }

    #[test]
    fn rows_are_described_in_ranges() {
        assert_eq!(describe(&[3], 5), "row 3");
        assert_eq!(describe(&[3, 7, 8, 9, 12], 5), "rows 3, 7-9, 12");
        assert_eq!(describe(&[1, 3, 5, 6, 7], 2), "rows 1, 3 and 3 more");
    }
}
