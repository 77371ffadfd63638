//! Reading back what a results file holds through the writer's open
//! handle, when its path no longer names it (removed, its directory
//! deleted): the file is gone for everyone else, but while the run has it
//! open its rows can still be read, so the customers it recorded can be
//! named on stderr instead of lost without a word.

use std::fs::File;
use std::io::{self, Read};

use super::ResultsWriter;
use crate::bom::strip_bom;
use crate::input::Layout;
use crate::validate::Field;

/// A customer a results file recorded: a row with a customer id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenCustomer {
    /// The row's status (`created`, `exists`).
    pub(crate) status: String,
    /// The row's `domain`, as in the input.
    pub(crate) domain: String,
    /// Its customer id.
    pub(crate) customer_id: String,
    /// Its tenant id.
    pub(crate) tenant_id: String,
}

/// The customers `writer` has recorded (rows with a customer id), read
/// back through its open file. `layout` is the input's (it finds the
/// domain column).
pub(crate) fn customers_written(
    writer: &mut ResultsWriter,
    layout: &Layout,
) -> io::Result<Vec<WrittenCustomer>> {
    let file = writer.flushed_file()?;
    let mut bytes = Vec::new();
    ReadAt { file, at: 0 }.read_to_end(&mut bytes)?;
    let body = strip_bom(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(layout.delimiter)
        .flexible(true)
        .from_reader(body);
    let header = reader.byte_headers()?.clone();
    let column = |name: &str| header.iter().rposition(|h| h == name.as_bytes());
    let (Some(status), Some(customer), Some(tenant)) =
        (column("status"), column("customer_id"), column("tenant_id"))
    else {
        return Ok(Vec::new());
    };
    let domain = layout
        .column(Field::Domain)
        .and_then(|c| layout.passthrough.iter().position(|&p| p == c));
    let text = |record: &csv::ByteRecord, i: Option<usize>| {
        i.and_then(|i| record.get(i))
            .map(|v| String::from_utf8_lossy(v).trim().to_owned())
            .unwrap_or_default()
    };
    let mut customers = Vec::new();
    for record in reader.byte_records() {
        // A torn last row is read as far as it goes.
        let Ok(record) = record else { break };
        let customer_id = text(&record, Some(customer));
        if customer_id.is_empty() {
            continue;
        }
        customers.push(WrittenCustomer {
            status: text(&record, Some(status)),
            domain: text(&record, domain),
            customer_id,
            tenant_id: text(&record, Some(tenant)),
        });
    }
    Ok(customers)
}

/// Reads a file from an offset without moving its position (the writer's
/// appends are not disturbed).
struct ReadAt<'a> {
    file: &'a File,
    at: u64,
}

impl Read for ReadAt<'_> {
    #[cfg(unix)]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }

    #[cfg(not(unix))]
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        // Elsewhere an open file cannot be removed: nothing to read back.
        Ok(0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::files::FlushPolicy;
    use crate::input::{InputReader, InputRow};
    use crate::results::{ResultsError, RowResult, Status};

    #[test]
    fn the_rows_of_a_removed_results_file_are_read_back_through_its_handle() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let header = "notes;domain;company_name;email;culture;language;first_name;last_name;address_line1;country";
        let row = |n: &str| format!("{n};{n};{n};a@{n}.example;en-US;en;A;B;1 St;US\n");
        let text = format!("{header}\n{}{}{}", row("one"), row("two"), row("three"));
        std::fs::write(&input, text).unwrap();
        let mut reader = InputReader::open(&input).unwrap();
        let layout = reader.layout().clone();
        let results = dir.path().join("out/r.csv");
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let mut writer = ResultsWriter::create(&results, &layout, FlushPolicy::EveryRow).unwrap();
        let mut row = InputRow::new();
        for (i, status) in [Status::Created, Status::Invalid].into_iter().enumerate() {
            reader.read_row(&mut row).unwrap();
            let mut result = RowResult::new(status);
            if status == Status::Created {
                result.customer_id = format!("c-{i}");
                result.tenant_id = format!("t-{i}");
            }
            writer.write(&row, &result).unwrap();
        }
        std::fs::remove_dir_all(dir.path().join("out")).unwrap();
        assert!(matches!(
            writer.check_still_there(),
            Err(ResultsError::Vanished { .. })
        ));
        reader.read_row(&mut row).unwrap();
        let mut result = RowResult::new(Status::Exists);
        result.customer_id = "c-2".to_owned();
        let err = writer.write(&row, &result).unwrap_err();
        assert!(err.to_string().contains("was removed or replaced"), "{err}");
        let customers = customers_written(&mut writer, &layout).unwrap();
        let found: Vec<(&str, &str, &str)> = customers
            .iter()
            .map(|c| (c.status.as_str(), c.domain.as_str(), c.customer_id.as_str()))
            .collect();
        assert_eq!(
            found,
            [("created", "one", "c-0"), ("exists", "three", "c-2")]
        );
        assert_eq!(customers[0].tenant_id, "t-0");
        assert!(writer.finish().is_err(), "finish says so too");
    }
}
