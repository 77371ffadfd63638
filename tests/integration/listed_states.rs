//! States in the form Partner Center lists: whatever form a
//! row's state is typed in, the create body carries the entry of the
//! country's `supportedStatesList` (the recorded CN answer's `BJ`; a live
//! answer in names, `Osaka`), and messages quote what was typed.

use std::path::Path;

use pc_onboard::partner_center::resources::CountryValidationRules;
use pc_onboard::sandbox::SandboxConfig;
use serde_json::Value;

use crate::support::*;

const HEADER: &str = "company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country";

/// A row in `country` with `state`, domain `prefix`.
fn row(prefix: &str, state: &str, postal: &str, country: &str) -> String {
    format!(
        "{prefix} Ltd,{prefix},ap@{prefix}.example,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,City,{state},{postal},{country}"
    )
}

fn write(path: &Path, rows: &[String]) {
    std::fs::write(path, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
}

/// The typed forms of Beijing a China row may carry.
const BEIJING: [&str; 7] = ["北京", "北京市", "Beijing", "11", "CN-11", "CN-BJ", "BJ"];

/// The state each created customer's billing address carries, by domain prefix.
fn sent_states(sb: &pc_onboard::sandbox::RunningSandbox) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = sb
        .state()
        .customers()
        .iter()
        .map(|c| {
            let billing = c.billing_profile.clone().unwrap_or(Value::Null);
            let state = billing["defaultAddress"]["state"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            let domain = c
                .company_profile
                .domain
                .split('.')
                .next()
                .unwrap()
                .to_owned();
            (domain, state)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn offline_validate_takes_every_form_of_a_chinese_province_and_quotes_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cn.csv");
    let mut rows: Vec<String> = BEIJING
        .iter()
        .enumerate()
        .map(|(i, s)| row(&format!("bj{i}"), s, "100000", "CN"))
        .collect();
    rows.push(row("hk", "香港", "100000", "CN"));
    write(&input, &rows);
    let out = run_plain(&["validate", input.to_str().unwrap(), "--json"]);
    let lines = crate::support::json_lines(&out.stdout);
    for line in &lines[..BEIJING.len()] {
        assert_eq!(line["status"], "valid", "{line}");
    }
    let hk = &lines[BEIJING.len()];
    assert_eq!(hk["status"], "invalid");
    let message = hk["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "state \"香港\" (read as HK (香港)) is not one of Partner Center's states"
        ),
        "{message}"
    );
    assert!(message.ends_with("country HK"), "{message}");
    assert!(
        !message.contains("\"91\""),
        "never a converted value: {message}"
    );
}

#[tokio::test]
async fn a_china_row_is_created_with_the_listed_code_whatever_form_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("cn.csv"), dir.path().join("out.csv"));
    let rows: Vec<String> = BEIJING
        .iter()
        .enumerate()
        .map(|(i, s)| row(&format!("bj{i}"), s, "100000", "CN"))
        .collect();
    write(&input, &rows);
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), BEIJING.len());
    let sent = sent_states(&sb);
    assert_eq!(sent.len(), BEIJING.len());
    assert!(sent.iter().all(|(_, state)| state == "BJ"), "{sent:?}");
    // The results keep the values as typed.
    let typed = Results::read(&results).column("state");
    assert_eq!(typed, BEIJING);
}

#[tokio::test]
async fn a_japan_row_is_created_in_the_form_of_a_live_list_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("jp.csv"), dir.path().join("out.csv"));
    let typed = ["27", "大阪府", "大阪", "Osaka", "JP-27"];
    let rows: Vec<String> = typed
        .iter()
        .enumerate()
        .map(|(i, s)| row(&format!("osaka{i}"), s, "530-0001", "JP"))
        .collect();
    write(&input, &rows);
    let config = SandboxConfig {
        state_names: vec!["JP".to_owned()],
        ..quiet()
    };
    let sb = sandbox(config).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sent = sent_states(&sb);
    assert_eq!(sent.len(), typed.len(), "{}", text(&out));
    assert!(sent.iter().all(|(_, state)| state == "Osaka"), "{sent:?}");
    // The same rows against the codes the sandbox lists by default: `27`.
    let sb = sandbox(quiet()).await;
    let results = dir.path().join("codes.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(sent_states(&sb).iter().all(|(_, state)| state == "27"));
}

#[tokio::test]
async fn a_state_the_live_list_lacks_is_invalid_and_not_sent_quoting_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("jp.csv"), dir.path().join("out.csv"));
    write(
        &input,
        &[
            row("tokyo", "東京", "100-0001", "JP"),
            row("osaka", "大阪", "530-0001", "JP"),
        ],
    );
    let sb = sandbox(quiet()).await;
    sb.state().set_country_rules(CountryValidationRules {
        iso2_code: "JP".to_owned(),
        supported_states_list: vec!["Tokyo".to_owned(), "Hokkaido".to_owned()],
        ..CountryValidationRules::default()
    });
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let results = Results::read(&results);
    assert_eq!(results.column("status"), ["created", "invalid"]);
    let error = &results.column("error")[1];
    assert_eq!(
        error,
        "state \"大阪\" (read as 27 (大阪府)) is not one of Partner Center's states for JP: Tokyo, Hokkaido"
    );
    assert_eq!(sent_states(&sb), [("tokyo".to_owned(), "Tokyo".to_owned())]);
    let asked = sb
        .state()
        .stats()
        .calls_to("GET /v1/countryvalidationrules/{iso2}");
    assert_eq!(asked, 1, "asked once for the run");
}

#[tokio::test]
async fn validate_online_checks_a_chinese_row_in_the_listed_form_without_a_converted_value() {
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("cn.csv"), dir.path().join("out.csv"));
    write(&input, &[row("beijing", "北京", "100000", "CN")]);
    let sb = sandbox(quiet()).await;
    let args = [
        "validate",
        input.to_str().unwrap(),
        "--online",
        "--results",
        results.to_str().unwrap(),
    ];
    let out = run_against(&sb, &args).await;
    let results = Results::read(&results);
    let error = results.column("error").join("");
    assert!(!error.contains("\"11\""), "{error}");
    assert!(!error.contains("state"), "{error}: {}", text(&out));
}

#[tokio::test]
async fn without_a_live_answer_a_row_is_sent_in_the_form_checked_offline() {
    use pc_onboard::sandbox::{Endpoint, Fault};
    let dir = tempfile::tempdir().unwrap();
    let (input, results) = (dir.path().join("in.csv"), dir.path().join("out.csv"));
    write(
        &input,
        &[
            row("beijing", "北京", "100000", "CN"),
            row("osaka", "Osaka", "530-0001", "JP"),
        ],
    );
    let sb = sandbox(quiet()).await;
    // A country-rules endpoint that never answers: the rows go out as
    // checked offline, the recorded list's BJ and the ISO code 27.
    sb.state()
        .script_faults_on(Endpoint::Rules, vec![Fault::ServiceUnavailable; 1000]);
    let args = run_args(&input, &results, &["--max-attempts", "2"]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let sent = sent_states(&sb);
    assert_eq!(
        sent,
        [
            ("beijing".to_owned(), "BJ".to_owned()),
            ("osaka".to_owned(), "27".to_owned())
        ]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("country rules not available"),
        "{}",
        text(&out)
    );
}
