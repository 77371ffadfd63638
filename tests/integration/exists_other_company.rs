//! An `exists` that may not be the same company (README, "Results"): a row
//! whose domain belongs to one of the partner's customers stays `exists`
//! (exit code 0), and when that customer's company name is another one
//! (compared without case, punctuation, spacing and legal forms) its
//! `error` says so, and the summary counts and lists such rows.

use std::path::Path;

use pc_onboard::sandbox::RunningSandbox;

use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An input of one valid US row per `(external id, company name, domain)`.
fn write(path: &Path, rows: &[(&str, &str, &str)]) {
    let mut text = format!("{HEADER}\n");
    for (id, name, domain) in rows {
        text.push_str(&format!(
            "{id},\"{name}\",{domain},ap@{domain}.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// A sandbox whose partner already has "Relecloud Analytics"
/// (`relecloud`) and "Fabrikam" (`fabrikam`), and an input naming them
/// otherwise: "Relecloud Inc." (another company) and "FABRIKAM, Inc."
/// (the same one), under new external ids.
async fn customers_named_otherwise(dir: &Path) -> (RunningSandbox, std::path::PathBuf) {
    let sb = sandbox(quiet()).await;
    let earlier = dir.join("earlier.csv");
    write(
        &earlier,
        &[
            ("E-1", "Relecloud Analytics", "relecloud"),
            ("E-2", "Fabrikam", "fabrikam"),
        ],
    );
    let first = dir.join("first.csv");
    let out = run_against(&sb, &run_args(&earlier, &first, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let input = dir.join("in.csv");
    write(
        &input,
        &[
            ("N-1", "Relecloud Inc.", "relecloud"),
            ("N-2", "FABRIKAM, Inc.", "fabrikam"),
        ],
    );
    (sb, input)
}

#[tokio::test]
async fn an_exists_row_of_another_company_says_so_in_error_and_the_run_still_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, input) = customers_named_otherwise(dir.path()).await;
    let results = dir.path().join("results.csv");
    let summary = dir.path().join("summary.json");
    let extra = ["--rate", "6000", "--summary-json", s(&summary)];
    let out = run_against(&sb, &run_args(&input, &results, &extra)).await;
    assert_eq!(
        code(&out),
        0,
        "an exists row needs no attention: {}",
        text(&out)
    );
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["exists", "exists"]);
    let errors = r.column("error");
    assert_eq!(
        errors[0],
        "the customer found with domain relecloud.onmicrosoft.com is named \"Relecloud Analytics\" in Partner Center, not \"Relecloud Inc.\": check that it is the same company"
    );
    assert_eq!(errors[1], "", "the same company, written otherwise");
    assert_eq!(r.column("error_code"), ["", ""]);
    assert_eq!(
        r.column("default_gdap_sent"),
        ["", ""],
        "not created by this run"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 `exists` row found a customer with another company name than the row's: row 2 (relecloud); check that it is the same company"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(json["exists_other_company"]["rows"], 1);
    assert_eq!(json["exists_other_company"]["first"][0]["row"], 2);

    // Fed back, the row is copied with its warning and sends nothing.
    let again = dir.path().join("again.csv");
    let before = sb.state().stats().calls_to("POST /v1/customers");
    let out = run_against(&sb, &run_args(&results, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&again).column("error"), errors);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), before);
}

#[tokio::test]
async fn validate_online_and_a_dry_run_say_it_too() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, input) = customers_named_otherwise(dir.path()).await;
    let checked = dir.path().join("checked.csv");
    let args = ["validate", s(&input), "--online", "--results", s(&checked)];
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&checked);
    assert_eq!(r.column("status"), ["exists", "exists"]);
    assert!(r.column("error")[0].contains("named \"Relecloud Analytics\""));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 `exists` row found a customer"),
        "{}",
        text(&out)
    );
    let planned = dir.path().join("planned.csv");
    let out = run_against(&sb, &run_args(&input, &planned, &["--dry-run"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&planned);
    assert_eq!(r.column("status"), ["exists", "exists"]);
    assert!(r.column("error")[0].contains("not \"Relecloud Inc.\""));
    assert_eq!(r.column("error")[1], "");
}
