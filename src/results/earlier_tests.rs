//! Tests of `results::earlier`: recognising an earlier results file.

#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use super::*;
use crate::input::{InputReader, InputRow};
use crate::results::previous;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,postal_code,country";
const ROW: &str =
    "CRM-1,Contoso Ltd,contoso,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Redmond,01234,US";

/// Write `text` as `in.csv`, open it and recognise it.
fn open(
    text: &str,
) -> (
    tempfile::TempDir,
    InputReader,
    Result<InputKind, ResultColumnsError>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, text).unwrap();
    let mut reader = InputReader::open(&path).unwrap();
    let kind = recognise(&mut reader, &InputOptions::default());
    (dir, reader, kind)
}

fn refusal(text: &str) -> NamedLikeResults {
    match open(text).2 {
        Err(ResultColumnsError::NamedLikeResults(refusal)) => *refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_input_without_result_named_columns_is_new_and_reads_nothing_more() {
    let (_dir, reader, kind) = open(&format!("{HEADER},notes\n{ROW},x\n"));
    assert_eq!(kind.unwrap(), InputKind::New);
    assert_eq!(reader.layout().passthrough, (0..13).collect::<Vec<_>>());
    assert!(!reader.layout().has_previous_results());
}

#[test]
fn result_columns_are_recognised_and_not_passed_through() {
    let text = format!(
        "{HEADER},notes,Status,customer_id,Tenant ID,Request-ID,error\n\
         {ROW},n,created,c-1,t-1,r-1,\n"
    );
    let (_dir, mut reader, kind) = open(&text);
    assert_eq!(kind.unwrap(), InputKind::EarlierResults);
    let layout = reader.layout().clone();
    assert_eq!(layout.passthrough, (0..13).collect::<Vec<_>>());
    assert_eq!(layout.result_columns[0], Some(13));
    assert_eq!(layout.result_columns[1], Some(14));
    assert_eq!(layout.result_columns[2], Some(15));
    assert_eq!(layout.result_columns[5], Some(16));
    assert_eq!(layout.result_columns[8], Some(17));
    assert_eq!(layout.result_columns[3], None);
    let mut row = InputRow::new();
    assert!(reader.read_row(&mut row).unwrap());
    let previous = previous(&row, &layout).unwrap();
    assert_eq!(
        (previous.status, previous.customer_id.as_str()),
        (Status::Created, "c-1")
    );
}

#[test]
fn two_status_columns_are_an_error() {
    let text = format!("{HEADER},status,Status,request_id\n{ROW},created,created,r\n");
    assert!(matches!(
        open(&text).2,
        Err(ResultColumnsError::Input(
            InputError::DuplicateColumn { .. }
        ))
    ));
}

#[test]
fn a_crm_key_headed_customer_id_is_refused_with_the_ways_out() {
    let text = HEADER.replace("external_id", "Customer ID");
    let refusal = refusal(&format!("{text}\n{ROW}\n"));
    assert_eq!(
        refusal.columns,
        [("Customer ID".to_owned(), 0, "customer_id")]
    );
    assert_eq!(refusal.why, NotResults::NoStatusColumn);
    let message = refusal.to_string();
    for part in [
        "in.csv: `Customer ID` (column 1) is named like the result column `customer_id`",
        "not an earlier results file: it has no `status` column",
        "never dropped or overwritten",
        "Rename it: to `external_id` if it is your own key",
        "(such as `crm_customer_id`)",
        "[columns] external_id = \"Customer ID\"",
    ] {
        assert!(message.contains(part), "{part} in {message}");
    }
}

#[test]
fn with_an_external_id_column_the_rename_does_not_suggest_it() {
    let message = refusal(&format!("{HEADER},Error\n{ROW},x\n")).to_string();
    assert!(!message.contains("to `external_id`"), "{message}");
    assert!(
        message.contains("Rename it to a name that is not a result column (such as `crm_error`)"),
        "{message}"
    );
}

#[test]
fn status_without_request_id_is_not_a_results_file() {
    let refusal = refusal(&format!("{HEADER},status\n{ROW},created\n"));
    assert_eq!(refusal.why, NotResults::NoRequestIdColumn);
}

#[test]
fn a_status_that_is_not_one_names_its_row() {
    let text = format!("{HEADER},status,request_id\n{ROW},created,r\n{ROW},Prospect,r\n");
    let refusal = refusal(&text);
    assert_eq!(
        refusal.why,
        NotResults::UnknownStatus {
            row: 3,
            value: "Prospect".to_owned()
        }
    );
    let message = refusal.to_string();
    assert!(
        message.contains("row 3's `status` is `Prospect`, which is not a status (created, exists,"),
        "{message}"
    );
    assert!(message.contains("Rename them"), "{message}");
}

#[test]
fn rows_without_any_status_are_not_a_results_file_but_a_header_alone_is() {
    let refusal = refusal(&format!("{HEADER},status,request_id\n{ROW},,\n"));
    assert_eq!(refusal.why, NotResults::NoStatusValues);
    let (_dir, _reader, kind) = open(&format!("{HEADER},status,request_id\n"));
    assert_eq!(kind.unwrap(), InputKind::EarlierResults);
}

#[test]
fn rows_with_an_empty_status_are_new_rows_of_a_results_file() {
    let text = format!("{HEADER},status,request_id\n{ROW},Created,r\n{ROW}, ,\n");
    let (_dir, mut reader, kind) = open(&text);
    assert_eq!(kind.unwrap(), InputKind::EarlierResults);
    let layout = reader.layout().clone();
    let mut row = InputRow::new();
    assert!(reader.read_row(&mut row).unwrap());
    assert!(previous(&row, &layout).is_some());
    assert!(reader.read_row(&mut row).unwrap());
    assert!(previous(&row, &layout).is_none());
}

#[test]
fn a_field_column_is_never_taken_for_a_result_column() {
    // `[columns] external_id = "Customer ID"`: the CRM key is a field.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    let header = HEADER.replace("external_id", "Customer ID");
    std::fs::write(&path, format!("{header}\n{ROW}\n")).unwrap();
    let options = InputOptions {
        columns: vec![(Field::ExternalId, "Customer ID".to_owned())],
        ..InputOptions::default()
    };
    let mut reader = InputReader::open_with(&path, &options).unwrap();
    assert_eq!(recognise(&mut reader, &options).unwrap(), InputKind::New);
    assert_eq!(reader.layout().column(Field::ExternalId), Some(0));
}

/// A CSV of `header` and `row`, read with `[columns] external_id =
/// <configured>` and recognised: its layout, or why not.
fn open_configured(
    header: &str,
    row: &str,
    configured: &str,
) -> Result<Layout, ResultColumnsError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, format!("{header}\n{row}\n")).unwrap();
    let options = InputOptions {
        columns: vec![(Field::ExternalId, configured.to_owned())],
        ..InputOptions::default()
    };
    let mut reader = InputReader::open_with(&path, &options)?;
    recognise(&mut reader, &options)?;
    Ok(reader.layout().clone())
}

#[test]
fn a_configured_customer_id_and_the_result_column_customer_id_are_two_columns_of_a_results_file() {
    let header = HEADER.replace("external_id", "Customer ID");
    let layout = open_configured(
        &format!("{header},status,customer_id,request_id"),
        &format!("{ROW},created,c-1,r"),
        "Customer ID",
    )
    .unwrap();
    assert_eq!(layout.column(Field::ExternalId), Some(0));
    assert!(layout.has_previous_results());
    assert_eq!(layout.result_columns[1], Some(13), "customer_id");
}

#[test]
fn a_configured_header_twice_in_an_input_is_still_an_error() {
    let header = HEADER.replace("external_id", "CRM Key");
    let outcome = open_configured(
        &format!("{header},CRM Key"),
        &format!("{ROW},CRM-2"),
        "CRM Key",
    );
    assert!(
        matches!(
            outcome,
            Err(ResultColumnsError::Input(
                InputError::DuplicateColumn { .. }
            ))
        ),
        "{outcome:?}"
    );
}
