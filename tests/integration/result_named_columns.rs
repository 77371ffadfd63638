//! An input column is never dropped or overwritten (interface: Results
//! CSV). An input that is not an earlier results file but has a column named
//! like a result column (a CRM key headed `Customer ID`) is refused before
//! anything is sent, naming the column and how to rename it; mapped in the
//! config's `[columns]`, the same column is the row's `external_id` and
//! keeps its values.

use std::path::{Path, PathBuf};

use crate::support::*;

/// The required columns and a US address, after a first column `key`.
const REST: &str = "company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country";

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A CSV whose first column, headed `key`, holds `CRM-<n>`.
fn crm_input(dir: &Path, key: &str) -> PathBuf {
    let path = dir.join("crm.csv");
    let mut text = format!("{key},{REST}\n");
    for i in 0..3 {
        text.push_str(&format!(
            "CRM-{i},Crm {i} Inc,crmcol{i},ap{i}@example.com,en-US,en,Ann,Lee,{n} Main St,Redmond,WA,98052,US\n",
            n = i + 1
        ));
    }
    std::fs::write(&path, text).expect("write input");
    path
}

/// The refusal names the column, its place, the result column it is named
/// like, and the ways out: `external_id`, another name, or `[columns]`.
fn assert_refused_naming(out: &std::process::Output, header: &str, result_column: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(out), 1, "{}", text(out));
    assert!(stderr.contains(&format!("`{header}` (column ")), "{stderr}");
    assert!(
        stderr.contains(&format!("result column `{result_column}`")),
        "{stderr}"
    );
    assert!(stderr.contains("`external_id`"), "{stderr}");
    assert!(stderr.contains("[columns]"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", text(out));
}

#[test]
fn validate_refuses_a_crm_key_headed_like_a_result_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = crm_input(dir.path(), "Customer ID");
    let results = dir.path().join("out.csv");
    let out = run_plain(&["validate", s(&input), "--json", "--results", s(&results)]);
    assert_refused_naming(&out, "Customer ID", "customer_id");
    assert!(!results.exists(), "no results written");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no `status` column"), "{stderr}");
}

#[tokio::test]
async fn run_refuses_it_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let input = crm_input(dir.path(), "Customer ID");
    let results = dir.path().join("out.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_refused_naming(&out, "Customer ID", "customer_id");
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        0,
        "{}",
        text(&out)
    );
    assert!(sb.state().customers().is_empty());
    assert!(!results.exists(), "no results written");
}

#[tokio::test]
async fn mapped_in_the_config_the_crm_key_is_the_external_id_and_keeps_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let input = crm_input(dir.path(), "Customer ID");
    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(&config, "[columns]\nexternal_id = \"Customer ID\"\n").unwrap();
    let results = dir.path().join("out.csv");
    let sb = sandbox(quiet()).await;
    let args = run_args(&input, &results, &["--config", s(&config)]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("Customer ID"), ["CRM-0", "CRM-1", "CRM-2"]);
    assert_eq!(r.count("created"), 3);
    for id in r.column("customer_id") {
        assert!(!id.is_empty() && !id.starts_with("CRM-"), "{id}");
    }
}

#[test]
fn a_status_column_of_the_users_own_is_refused_naming_the_row_that_is_not_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.csv");
    let text = format!(
        "Status,Request ID,{REST}\n\
         created,r-1,Crm 0 Inc,crmst0,ap@example.com,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n\
         Active,r-2,Crm 1 Inc,crmst1,ap@example.com,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n"
    );
    std::fs::write(&path, text).unwrap();
    let out = run_plain(&["validate", s(&path), "--json"]);
    assert_refused_naming(&out, "Status", "status");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 3"), "{stderr}");
    assert!(stderr.contains("`Active`"), "{stderr}");
}

#[test]
fn a_workbook_input_with_a_result_named_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = crm_input(dir.path(), "Tenant ID");
    let path = dir.path().join("crm.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let text = std::fs::read_to_string(&csv).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, value) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    book.save(&path).unwrap();
    let out = run_plain(&["validate", s(&path), "--json"]);
    assert_refused_naming(&out, "Tenant ID", "tenant_id");
}
