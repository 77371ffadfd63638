//! Names and e-mails Partner Center refuses and control characters in
//! values (a CSV with a NUL byte is
//! refused whole as binary, so NUL is posted to the sandbox here): one row per rule, offline
//! (`validate --json`: kind, code, hint), end to end (`run`: the row is not
//! sent), and the sandbox refusing a posted body with the same code.

use std::path::Path;

use pc_onboard::sandbox::SandboxConfig;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::sandbox_support::{Sandbox, set, valid_body};
use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country";

/// One row per rule: (external id, company, email, first name, last name,
/// expected column, kind, code); `None` for a row that stays valid.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

const CASES: [Case; 17] = [
    (
        "one-char",
        "A",
        "ap@a.example",
        "Ann",
        "Lee",
        Some(("company_name", "single_character", "27010")),
    ),
    (
        "symbols",
        "&$^#",
        "ap@b.example",
        "Ann",
        "Lee",
        Some(("company_name", "only_special_characters", "27011")),
    ),
    (
        "spaces",
        " \t ",
        "ap@c.example",
        "Ann",
        "Lee",
        Some(("company_name", "only_spaces", "27012")),
    ),
    (
        "spaced",
        "1 2 3",
        "ap@d.example",
        "Ann",
        "Lee",
        Some(("company_name", "spaced_characters", "27013")),
    ),
    (
        "legal-form",
        "LLC",
        "ap@e.example",
        "Ann",
        "Lee",
        Some(("company_name", "legal_form_only", "27014")),
    ),
    (
        "inc",
        "Inc.",
        "ap@f.example",
        "Ann",
        "Lee",
        Some(("company_name", "legal_form_only", "27014")),
    ),
    (
        "repeated",
        "999",
        "ap@g.example",
        "Ann",
        "Lee",
        Some(("company_name", "repeated_character", "27015")),
    ),
    (
        "first-initial",
        "Contoso",
        "ap@h.example",
        "J",
        "Lee",
        Some(("first_name", "single_character", "27010")),
    ),
    (
        "last-initial",
        "Contoso",
        "ap@i.example",
        "Ann",
        "L",
        Some(("last_name", "single_character", "27010")),
    ),
    (
        "microsoft",
        "Contoso",
        "ann@microsoft.com",
        "Ann",
        "Lee",
        Some(("email", "microsoft_email", "27016")),
    ),
    (
        "partner",
        "Contoso",
        "ann@fabrikam-partner.com",
        "Ann",
        "Lee",
        Some(("email", "partner_email", "27017")),
    ),
    (
        "del",
        "Con\u{7f}toso",
        "ap@j.example",
        "Ann",
        "Lee",
        Some(("company_name", "control_character", "27019")),
    ),
    (
        "esc",
        "Contoso\u{1b}[31m",
        "ap@k.example",
        "Ann",
        "Lee",
        Some(("company_name", "control_character", "27019")),
    ),
    (
        "llc-in-a-name",
        "Contoso LLC",
        "ap@l.example",
        "Ann",
        "Lee",
        None,
    ),
    (
        "gmbh-in-a-name",
        "Fabrikam GmbH",
        "ap@m.example",
        "Ann",
        "Lee",
        None,
    ),
    (
        "chinese-surname",
        "Contoso",
        "ap@n.example",
        "Wei",
        "王",
        None,
    ),
    (
        "web-address",
        "Contoso.com",
        "ap@o.example",
        "Ann",
        "Lee",
        None,
    ),
];

/// The input file (quoted cells: tabs and spaces kept) and a config file
/// naming the partner's domain.
fn files(dir: &Path) -> (String, String) {
    let mut text = format!("{HEADER}\n");
    for (i, (id, company, email, first, last, _)) in CASES.iter().enumerate() {
        text.push_str(&format!(
            "{id},\"{company}\",rules{i},{email},en-US,en,{first},{last},1 Main St,Redmond,WA,98052,US\n"
        ));
    }
    let input = dir.join("in.csv");
    std::fs::write(&input, text).unwrap();
    let config = dir.join("pc-onboard.toml");
    std::fs::write(&config, "partner_domains = [\"fabrikam-partner.com\"]\n").unwrap();
    (
        input.to_str().unwrap().to_owned(),
        config.to_str().unwrap().to_owned(),
    )
}

#[test]
fn each_rule_is_its_own_kind_and_code_with_a_hint_and_names_with_a_legal_form_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (input, config) = files(dir.path());
    let out = run_plain(&["validate", &input, "--json", "--config", &config]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let rows = crate::support::json_lines(&out.stdout);
    assert_eq!(rows.len(), CASES.len());
    for (row, (id, .., expected)) in rows.iter().zip(CASES) {
        match expected {
            Some((column, kind, code)) => {
                assert_eq!(row["status"], "invalid", "{id}: {row}");
                let p = &row["problems"][0];
                assert_eq!(
                    (p["column"].as_str(), p["kind"].as_str(), p["code"].as_str()),
                    (Some(column), Some(kind), Some(code)),
                    "{id}: {row}"
                );
                assert!(
                    p["hint"].as_str().is_some_and(|h| !h.is_empty()),
                    "{id}: a hint: {row}"
                );
                assert_eq!(
                    row["problems"].as_array().unwrap().len(),
                    1,
                    "{id}: one problem: {row}"
                );
            }
            None if id == "web-address" => {
                assert_eq!(row["status"], "valid", "{row}");
                assert_eq!(row["problems"][0]["kind"], "domain_in_name", "{row}");
                assert_eq!(row["problems"][0]["warning"], true, "{row}");
                assert_eq!(row["error"], "", "a warning is not an error: {row}");
            }
            None => assert_eq!(row["status"], "valid", "{id}: {row}"),
        }
    }
    let esc = rows[12]["problems"][0]["message"].as_str().unwrap();
    assert_eq!(
        esc,
        "company_name \"Contoso\\u{1b}[31m\" has ESC (U+001B) at character 8: control characters are not sent"
    );
}

#[tokio::test]
async fn run_sends_none_of_the_refused_rows_and_creates_the_others_with_the_warning_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (input, config) = files(dir.path());
    let results = dir.path().join("out.csv");
    let summary = dir.path().join("summary.json");
    let sb = sandbox(quiet()).await;
    let mut args = run_args(Path::new(&input), &results, &["--config", &config]);
    args.extend([
        "--summary-json".to_owned(),
        summary.to_str().unwrap().to_owned(),
    ]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let results = Results::read(&results);
    let refused = CASES.iter().filter(|c| c.5.is_some()).count();
    assert_eq!(results.count("invalid"), refused);
    assert_eq!(results.count("created"), CASES.len() - refused);
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        (CASES.len() - refused) as u64
    );
    let codes = results.column("error_code");
    for (i, case) in CASES.iter().enumerate() {
        assert_eq!(codes[i], case.5.map_or("", |(.., code)| code), "{}", case.0);
    }
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!(summary["rows_with_warnings"], 1, "{summary}");
}

#[tokio::test]
async fn the_sandbox_refuses_posted_bodies_by_the_same_rules_with_the_same_codes() {
    let sandbox = Sandbox::with(SandboxConfig {
        partner_domains: vec!["fabrikam-partner.com".to_owned()],
        ..SandboxConfig::default()
    });
    let token = sandbox.token().await;
    let cases: [(&str, Value, &str); 9] = [
        ("billingProfile/companyName", json!("LLC"), "27014"),
        // Its own partner's domain, without being told.
        (
            "billingProfile/email",
            json!("ann@sandbox-partner.onmicrosoft.com"),
            "27017",
        ),
        ("billingProfile/companyName", json!("999"), "27015"),
        ("billingProfile/companyName", json!("1 2 3"), "27013"),
        (
            "billingProfile/defaultAddress/firstName",
            json!("J"),
            "27010",
        ),
        ("billingProfile/email", json!("ann@microsoft.com"), "27016"),
        (
            "billingProfile/email",
            json!("ann@fabrikam-partner.com"),
            "27017",
        ),
        (
            "billingProfile/defaultAddress/addressLine1",
            json!("1 Main St\nSuite 4"),
            "27019",
        ),
        ("billingProfile/companyName", json!("Con\u{0}toso"), "27019"),
    ];
    for (i, (path, value, code)) in cases.into_iter().enumerate() {
        let mut body = valid_body(&format!("refused{i}"));
        set(&mut body, path, value);
        let reply = sandbox.create(&token, Uuid::new_v4(), &body).await;
        assert_eq!(
            (reply.status.as_u16(), reply.code()),
            (400, code.to_owned()),
            "{path}"
        );
    }
    let mut fine = valid_body("fine");
    set(
        &mut fine,
        "billingProfile/companyName",
        json!("Contoso LLC"),
    );
    let reply = sandbox.create(&token, Uuid::new_v4(), &fine).await;
    assert_eq!(reply.status.as_u16(), 201);
}

#[test]
fn the_workbook_notes_each_refused_cell_with_its_hint_and_the_warning_unflagged() {
    let dir = tempfile::tempdir().unwrap();
    let (input, config) = files(dir.path());
    let workbook = dir.path().join("out.xlsx");
    let args = [
        "validate",
        &input,
        "--config",
        &config,
        "--results",
        workbook.to_str().unwrap(),
    ];
    let out = run_plain(&args);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let notes = crate::typed_problems::notes(&workbook);
    // Row 2 is the first data row; company_name is column B.
    let note = |cell: &str| {
        notes
            .iter()
            .find(|(c, _)| c == cell)
            .map(|(_, t)| t.clone())
    };
    let legal = note("B6").unwrap();
    assert!(legal.contains("is a legal form standing alone"), "{legal}");
    assert!(
        legal.contains("e.g. Contoso LLC or Fabrikam GmbH"),
        "the hint: {legal}"
    );
    let partner = note("D12").unwrap();
    assert!(partner.contains("partner_domains"), "{partner}");
    let warning = note("B18").unwrap();
    assert!(
        warning.contains("has a domain extension (Contoso.com)"),
        "{warning}"
    );
    assert!(
        note("B15").is_none() && note("B16").is_none(),
        "legal forms in a name: {notes:?}"
    );
    let listed = String::from_utf8_lossy(&out.stderr);
    assert!(
        listed.contains("row 18: warning: company_name \"Contoso.com\" has a domain extension"),
        "{listed}"
    );
}

#[tokio::test]
async fn validate_online_keeps_a_valid_rows_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let row =
        "web,Contoso.com,webname,ap@web.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US";
    std::fs::write(&input, format!("{HEADER}\n{row}\n")).unwrap();
    let sb = sandbox(quiet()).await;
    let out = run_against(
        &sb,
        &["validate", input.to_str().unwrap(), "--online", "--json"],
    )
    .await;
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["status"], "valid", "{}", text(&out));
    assert_eq!(line["problems"][0]["kind"], "domain_in_name", "{line}");
}
