//! Default GDAP by choice (README, "Default GDAP"): every create body
//! carries `enableGDAPByDefault`, as `--default-gdap`, the config file's
//! `default_gdap` and the row's `default_gdap` column ask; the results say
//! what was sent (`default_gdap_sent`) and the summary how many customers
//! got it, which roles that grants and what to do next. Checked against
//! what the sandbox recorded of each body.

use std::collections::BTreeMap;
use std::path::Path;

use pc_onboard::sandbox::RunningSandbox;

use crate::run_mca::run_app_user;
use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country,associated_partner_id,default_gdap";

/// The indirect reseller of the reseller rows.
const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An input of one valid US row per `(domain, reseller, default_gdap)`.
fn write(path: &Path, rows: &[(&str, &str, &str)]) {
    let mut text = format!("{HEADER}\n");
    for (i, (domain, reseller, gdap)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "G-{i},{domain} Inc,{domain},ap@{domain}.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US,{reseller},{gdap}\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// What the sandbox recorded of each create body: domain → the
/// `enableGDAPByDefault` it carried (`None`: absent).
fn recorded(sb: &RunningSandbox) -> BTreeMap<String, Option<bool>> {
    let customers = sb.state().customers();
    let by_domain = customers.into_iter().map(|c| {
        let domain = c
            .company_profile
            .domain
            .trim_end_matches(".onmicrosoft.com");
        (domain.to_owned(), c.enable_gdap_by_default)
    });
    by_domain.collect()
}

/// Run `rows` against a fresh sandbox with `extra` flags: the sandbox, the
/// results and the run's output.
async fn run_rows(
    dir: &Path,
    rows: &[(&str, &str, &str)],
    extra: &[&str],
) -> (RunningSandbox, Results, std::process::Output) {
    let input = dir.join("in.csv");
    let results = dir.join("results.csv");
    write(&input, rows);
    let sb = sandbox(quiet()).await;
    let mut args = run_args(&input, &results, &["--rate", "6000"]);
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let out = run_app_user(&sb, &args).await;
    let results = Results::read(&results);
    (sb, results, out)
}

#[tokio::test]
async fn every_create_body_carries_enable_gdap_by_default_as_the_flag_and_the_column_ask() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("gdapempty", "", ""),
        ("gdapon", "", "on"),
        ("gdapno", "", "No"),
        ("gdaptrue", "", "TRUE"),
        ("gdapzero", "", "0"),
    ];
    let (sb, r, out) = run_rows(dir.path(), &rows, &["--default-gdap", "off"]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sent = recorded(&sb);
    let expected = [
        ("gdapempty", false),
        ("gdapno", false),
        ("gdapon", true),
        ("gdaptrue", true),
        ("gdapzero", false),
    ];
    assert_eq!(sent.len(), 5, "{sent:?}");
    for (domain, enabled) in expected {
        assert_eq!(
            sent[domain],
            Some(enabled),
            "{domain}: the body carried the field"
        );
    }
    assert_eq!(
        r.column("default_gdap_sent"),
        ["off", "on", "off", "on", "off"]
    );
    let stats = sb.state().stats();
    let with_gdap: Vec<&str> = stats.default_gdap.keys().map(String::as_str).collect();
    assert_eq!(
        with_gdap,
        ["gdapon.onmicrosoft.com", "gdaptrue.onmicrosoft.com"]
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Default GDAP: 2 of the 5 customers created have it"),
        "{err}"
    );
}

#[tokio::test]
async fn without_a_setting_every_body_asks_for_default_gdap_and_the_summary_says_what_it_grants() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.json");
    let rows = [("direct", "", ""), ("forreseller", RESELLER, "")];
    let (sb, r, out) = run_rows(dir.path(), &rows, &["--summary-json", s(&summary)]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        recorded(&sb).values().all(|sent| *sent == Some(true)),
        "the field is sent even when it says what Partner Center does without it"
    );
    assert_eq!(r.column("default_gdap_sent"), ["on", "on"]);
    let stats = sb.state().stats();
    assert_eq!(stats.default_gdap["direct.onmicrosoft.com"], 11);
    assert_eq!(stats.default_gdap["forreseller.onmicrosoft.com"], 9);
    let err = String::from_utf8_lossy(&out.stderr);
    for said in [
        "Default GDAP: 2 of the 2 customers created have it (1 of them for indirect resellers)",
        "Privileged Role Administrator",
        "9 for an indirect reseller's customers, without Cloud Application Administrator and Application Administrator",
        "next: assign these roles to your own security groups",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let gdap = &json["default_gdap"];
    assert_eq!(gdap["created"]["on"], 2);
    assert_eq!(gdap["created"]["on_for_resellers"], 1);
    assert_eq!(gdap["roles"].as_array().unwrap().len(), 11);
    assert!(
        gdap["next_step"]
            .as_str()
            .unwrap()
            .contains("security groups")
    );
}

#[tokio::test]
async fn the_config_files_default_gdap_applies_and_the_flag_wins_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(&config, "default_gdap = false\n").unwrap();
    let rows = [("fromconfig", "", "")];
    let (sb, r, out) = run_rows(dir.path(), &rows, &["--config", s(&config)]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(recorded(&sb)["fromconfig"], Some(false));
    assert_eq!(r.column("default_gdap_sent"), ["off"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Default GDAP: 0 of the 1 customers created have it"),
        "{err}"
    );
    assert!(!err.contains("next: assign"), "no roles to assign: {err}");
    let flag = ["--config", s(&config), "--default-gdap", "on"];
    let (sb, r, out) = run_rows(dir.path(), &rows, &flag).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(recorded(&sb)["fromconfig"], Some(true), "the flag wins");
    assert_eq!(r.column("default_gdap_sent"), ["on"]);
}

#[tokio::test]
async fn a_default_gdap_cell_that_is_not_on_or_off_is_a_row_problem_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write(&input, &[("maybegdap", "", "maybe"), ("fine", "", "")]);
    let out = run_plain(&["validate", s(&input), "--json"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let problem = &first["problems"][0];
    assert_eq!(problem["column"], "default_gdap");
    assert_eq!(problem["kind"], "invalid");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("\"maybe\" is not one of on, off, yes, no, true, false, 1 or 0"),
        "{problem}"
    );
    assert!(problem["hint"].as_str().unwrap().contains("--default-gdap"));
    let (sb, r, out) = run_rows(dir.path(), &[("maybegdap", "", "maybe")], &[]).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(r.column("status"), ["invalid"]);
    assert_eq!(r.column("default_gdap_sent"), [""]);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
}

#[tokio::test]
async fn a_dry_run_shows_the_default_gdap_it_would_send() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [("planon", "", ""), ("planoff", "", "off")];
    let (sb, r, out) = run_rows(dir.path(), &rows, &["--dry-run"]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(r.column("status"), ["would_create", "would_create"]);
    assert_eq!(r.column("default_gdap_sent"), ["on", "off"]);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Default GDAP: 1 of the 2 customers to create would get it"),
        "{err}"
    );
}
