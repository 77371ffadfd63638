//! Customers who already have a Microsoft tenant (README, "Customers with a
//! tenant of their own"): a row whose domain another tenant owns ends
//! `rejected` with the reseller relationship invitation in `customer_link`
//! (asked once per run and reseller, App+User only) and both ways forward
//! in `error`, the summary and the workbook; without App+User credentials
//! it says how to get the link. `validate --online` and a dry run say the
//! same of an `invalid` row.

use std::path::Path;

use pc_onboard::sandbox::{Endpoint, Fault, RunningSandbox, SANDBOX_PARTNER_ID};

use crate::run_mca::run_app_user;
use crate::support::*;
use crate::typed_problems::{notes, summary_line};

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country,associated_partner_id";

/// The indirect reseller of the reseller rows.
const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

/// The invitations endpoint, as the sandbox counts its calls.
const INVITATIONS: &str = "GET /v1/customers/relationshiprequests";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An input of one valid US row per `(domain, reseller)`.
fn write(path: &Path, rows: &[(&str, &str)]) {
    let mut text = format!("{HEADER}\n");
    for (i, (domain, reseller)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "T-{i},{domain} Inc,{domain},ap@{domain}.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US,{reseller}\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Three rows whose domains other tenants own (two direct, one for the
/// reseller) and one free row, against a fresh sandbox.
async fn taken_rows(dir: &Path) -> (RunningSandbox, std::path::PathBuf) {
    let input = dir.join("in.csv");
    let rows = [
        ("ownedone", ""),
        ("freeone", ""),
        ("ownedtwo", ""),
        ("ownedbyreseller", RESELLER),
    ];
    write(&input, &rows);
    let sb = sandbox(quiet()).await;
    for domain in ["ownedone", "ownedtwo", "ownedbyreseller"] {
        sb.state()
            .reserve_domain(&format!("{domain}.onmicrosoft.com"));
    }
    (sb, input)
}

#[tokio::test]
async fn a_domain_another_tenant_owns_is_rejected_with_the_invitation_link_and_both_ways_forward() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, input) = taken_rows(dir.path()).await;
    let results = dir.path().join("results.csv");
    let out = run_app_user(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(
        r.column("status"),
        ["rejected", "created", "rejected", "rejected"]
    );
    let links = r.column("customer_link");
    let partner_link = pc_onboard::sandbox::invitation_link(None);
    assert!(partner_link.contains(SANDBOX_PARTNER_ID));
    assert_eq!(links[0], partner_link);
    assert_eq!(links[1], "", "a created row has no link");
    assert_eq!(links[2], partner_link, "the same link for every customer");
    assert!(
        links[3].contains(&format!("indirectResellerId={RESELLER}")),
        "the reseller's own link: {}",
        links[3]
    );
    let errors = r.column("error");
    assert!(
        errors[0].starts_with("domain ownedone.onmicrosoft.com is already taken by a Microsoft tenant that is not a customer of this partner: if the customer owns that tenant, send them the reseller relationship invitation in customer_link"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("otherwise choose another domain prefix"));
    assert_eq!(r.column("error_code")[0], "900409");
    assert_eq!(
        sb.state().stats().calls_to(INVITATIONS),
        2,
        "once for the partner, once for the reseller"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("3 rows have a domain that belongs to a Microsoft tenant that is not your customer: row 2 (ownedone), row 4 (ownedtwo), row 5 (ownedbyreseller)"),
        "{err}"
    );
    assert!(
        err.contains("in customer_link; otherwise choose another domain prefix"),
        "{err}"
    );
}

#[tokio::test]
async fn without_app_user_credentials_the_row_says_how_to_get_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write(&input, &[("ownedapponly", "")]);
    let sb = sandbox(quiet()).await;
    sb.state().reserve_domain("ownedapponly.onmicrosoft.com");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["rejected"]);
    assert_eq!(r.column("customer_link"), [""]);
    let error = &r.column("error")[0];
    for said in [
        "if the customer owns that tenant, send them a reseller relationship invitation",
        "sign in with `pc-onboard login`",
        "Partner Center portal: Customers, Request a reseller relationship",
        "otherwise choose another domain prefix",
    ] {
        assert!(error.contains(said), "{said}: {error}");
    }
    assert_eq!(sb.state().stats().calls_to(INVITATIONS), 0, "not asked");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pc-onboard login"), "{err}");
}

#[tokio::test]
async fn validate_online_and_a_dry_run_give_the_invitation_too() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, input) = taken_rows(dir.path()).await;
    let checked = dir.path().join("checked.csv");
    let args = [
        "validate",
        s(&input),
        "--online",
        "--json",
        "--results",
        s(&checked),
    ];
    let out = run_app_user(&sb, &args.map(str::to_owned)).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&checked);
    assert_eq!(
        r.column("status"),
        ["invalid", "valid", "invalid", "invalid"]
    );
    assert_eq!(r.column("error_code")[0], "409");
    let partner_link = pc_onboard::sandbox::invitation_link(None);
    assert_eq!(r.column("customer_link")[0], partner_link);
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["customer_link"], partner_link.as_str());
    let problem = &first["problems"][0];
    assert_eq!(
        (problem["column"].as_str(), problem["kind"].as_str()),
        (Some("domain"), Some("domain_taken"))
    );
    assert_eq!(problem["hint"], format!("invitation link: {partner_link}"));

    let planned = dir.path().join("planned.csv");
    let out = run_app_user(&sb, &run_args(&input, &planned, &["--dry-run"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&planned);
    assert_eq!(
        r.column("status"),
        ["invalid", "would_create", "invalid", "invalid"]
    );
    assert_eq!(r.column("customer_link")[2], partner_link);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
}

#[tokio::test]
async fn a_failing_invitation_endpoint_is_asked_once_and_the_rows_say_where_else_the_link_is() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write(&input, &[("ownedfirst", ""), ("ownedsecond", "")]);
    let sb = sandbox(quiet()).await;
    for domain in ["ownedfirst", "ownedsecond"] {
        sb.state()
            .reserve_domain(&format!("{domain}.onmicrosoft.com"));
    }
    let dead = [Fault::ServiceUnavailable, Fault::ServiceUnavailable];
    sb.state().script_faults_on(Endpoint::Invitation, dead);
    let results = dir.path().join("results.csv");
    let args = run_args(&input, &results, &["--rate", "6000", "--max-attempts", "2"]);
    let out = run_app_user(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["rejected", "rejected"]);
    assert_eq!(r.column("customer_link"), ["", ""]);
    let errors = r.column("error");
    for error in &errors {
        assert!(error.contains("its link could not be fetched"), "{error}");
        assert!(error.contains("Request a reseller relationship"), "{error}");
        assert!(
            error.contains("otherwise choose another domain prefix"),
            "{error}"
        );
    }
    let remembered = errors
        .iter()
        .filter(|e| e.contains("asked again in"))
        .count();
    assert_eq!(
        remembered, 1,
        "the second row took the memo's answer: {errors:?}"
    );
    assert_eq!(
        sb.state().stats().calls_to(INVITATIONS),
        2,
        "two attempts for the first row, none for the second within the minute"
    );
}

#[tokio::test]
async fn the_workbook_notes_both_ways_forward_on_the_domain_and_on_its_summary_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, input) = taken_rows(dir.path()).await;
    let workbook = dir.path().join("results.xlsx");
    let out = run_app_user(&sb, &run_args(&input, &workbook, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let found = notes(&workbook);
    let cells: Vec<&str> = found.iter().map(|(cell, _)| cell.as_str()).collect();
    assert_eq!(cells, ["C2", "C4", "C5"], "the domain cells: {found:?}");
    assert!(
        found[0]
            .1
            .contains("otherwise choose another domain prefix"),
        "{found:?}"
    );
    assert!(
        found[0]
            .1
            .contains("invitation link: https://admin.microsoft.com/"),
        "{found:?}"
    );
    let fix = summary_line(&workbook, "900409").expect("the code's line");
    assert!(
        fix[4].contains("reseller relationship invitation"),
        "{fix:?}"
    );
    let note = summary_line(&workbook, "notes");
    assert!(note.is_some(), "a notes section");
}

/// `pc-onboard sandbox ARGS` on a free port: the child (killed on drop)
/// and its base URL.
#[cfg(unix)]
async fn sandbox_command(args: &[&str]) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(bin())
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    tokio::io::BufReader::new(stdout)
        .read_line(&mut first)
        .await
        .unwrap();
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    (child, base)
}

#[cfg(unix)]
#[tokio::test]
async fn the_sandbox_command_declares_domains_of_other_tenants_from_the_command_line() {
    let bad = run_plain(&["sandbox", "--foreign-domain", "not a domain"]);
    assert_eq!(code(&bad), 1, "{}", text(&bad));
    assert!(text(&bad).contains("--foreign-domain"), "{}", text(&bad));
    let (_child, base) =
        sandbox_command(&["--foreign-domain", "ownedcli,other.onmicrosoft.com"]).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write(&input, &[("ownedcli", ""), ("freecli", "")]);
    let results = dir.path().join("results.csv");
    let out = tokio::process::Command::new(bin())
        .args(run_args(&input, &results, &["--rate", "6000"]))
        .env_clear()
        .env("PC_ENDPOINT", &base)
        .env("PC_AUTHORITY", &base)
        .env("PC_TENANT_ID", "partner.onmicrosoft.com")
        .env("PC_CLIENT_ID", "test-app")
        .env("PC_REFRESH_TOKEN", "test-refresh-token")
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["rejected", "created"]);
    assert_eq!(
        r.column("customer_link")[0],
        pc_onboard::sandbox::invitation_link(None)
    );
}
