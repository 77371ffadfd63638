//! `pc-onboard validate --online`: the binary against a sandbox on port 0.

use crate::support;

use std::path::Path;

use pc_onboard::partner_center::resources::{AddressValidationResponse, CountryValidationRules};
use pc_onboard::sandbox::RunningSandbox;
use serde_json::json;
use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country";

/// A valid US row (the phone in the national form the live US regex takes).
fn us(id: &str, domain: &str, street: &str) -> String {
    format!(
        "{id},{domain} Inc,{domain},ap@{domain}.example,en-US,en,Ann,Lee,425 555 0100,{street},Redmond,WA,98052,US"
    )
}

/// A valid GB row.
fn gb(id: &str, domain: &str) -> String {
    format!(
        "{id},{domain} Ltd,{domain},ap@{domain}.example,en-GB,en,Ian,Hart,+44 20 7946 0000,1 High St,London,,SW1A 1AA,GB"
    )
}

fn write(path: &Path, rows: &[String]) {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

fn validate_args(input: &Path, results: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "validate".to_owned(),
        s(input).to_owned(),
        "--results".to_owned(),
        s(results).to_owned(),
        "--online".to_owned(),
        "--rate".to_owned(),
        "6000".to_owned(),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

/// One customer of this partner exists already: its id.
async fn one_existing_customer(sb: &RunningSandbox, dir: &Path) -> String {
    let existing = dir.join("existing.csv");
    write(&existing, &[us("E-1", "ourcustomer", "9 Main St")]);
    let out = run_against(
        sb,
        &run_args(&existing, &dir.join("existing-results.csv"), &[]),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    sb.state().customers()[0].id.clone()
}

/// A domain some other tenant has, and a street the service only half knows.
fn a_taken_domain_and_a_partial_street(sb: &RunningSandbox) {
    sb.state().reserve_domain("TakenElsewhere.onmicrosoft.com");
    sb.state().answer_address(
        "1 Partial Way",
        AddressValidationResponse {
            status: "StreetPartial".to_owned(),
            validation_message: Some(
                "Address field invalid for property: 'AddressLine1'".to_owned(),
            ),
            suggested_addresses: vec![json!({
                "addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA",
                "postalCode": "98052-8300", "country": "US"
            })],
            ..AddressValidationResponse::default()
        },
    );
}

#[tokio::test]
async fn online_checks_find_taken_domains_existing_customers_and_bad_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;

    let customer_id = one_existing_customer(&sb, dir.path()).await;
    a_taken_domain_and_a_partial_street(&sb);

    let input = dir.path().join("customers.csv");
    let results = dir.path().join("results.csv");
    write(
        &input,
        &[
            us("R-1", "freshname", "1 Main St"),
            us("R-2", "ourcustomer", "9 Main St"),
            us("R-3", "takenelsewhere", "2 Main St"),
            us("R-4", "partialstreet", "1 Partial Way"),
            gb("R-5", "tailspinuk"),
            // Offline-invalid: never sent.
            us("R-6", "bad-domain", "3 Main St"),
            gb("R-7", "tailspintwo"),
        ],
    );
    let before = sb.state().stats();
    let out = run_against(&sb, &validate_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(
        r.column("status"),
        [
            "valid", "exists", "invalid", "invalid", "valid", "invalid", "valid"
        ]
    );
    assert_eq!(r.column("external_id")[1], "R-2", "input order kept");
    assert_eq!(r.column("customer_id")[1], customer_id);
    assert_eq!(r.column("tenant_id")[1], customer_id);
    let errors = r.column("error");
    assert!(
        errors[2].contains("takenelsewhere.onmicrosoft.com is already taken"),
        "{}",
        errors[2]
    );
    assert!(errors[3].contains("StreetPartial"), "{}", errors[3]);
    assert!(
        errors[3].contains("Address field invalid for property: 'AddressLine1'"),
        "{}",
        errors[3]
    );
    assert!(
        errors[3].contains("suggested address: 1 Microsoft Way, Redmond, WA, 98052-8300, US"),
        "{}",
        errors[3]
    );
    assert!(errors[5].contains("domain"), "{}", errors[5]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 4: domain takenelsewhere"), "{stderr}");
    assert!(stderr.contains("1 exists, 3 valid, 3 invalid"), "{stderr}");

    let after = sb.state().stats();
    let calls = |k: &str| after.calls_to(k) - before.calls_to(k);
    // Six offline-valid rows: six domain checks; the taken ones are looked
    // up among the partner's customers.
    assert_eq!(calls("HEAD /v1/domains/{domain}"), 6);
    assert_eq!(calls("GET /v1/customers"), 2);
    // The existing customer's row needs no further check.
    assert_eq!(calls("POST /v1/validations/address"), 5);
    // Rules once per country, however many rows share it.
    assert_eq!(calls("GET /v1/countryvalidationrules/{iso2}"), 2);
    assert_eq!(calls("POST /v1/customers"), 0, "validate creates nothing");
}

#[tokio::test]
async fn live_rules_are_layered_over_the_offline_data() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    // The live US rules as recorded from the real service: .NET regexes,
    // cultures en-US and es-US only.
    let rules: CountryValidationRules = serde_json::from_value(json!({
        "iso2Code": "US", "defaultCulture": "en-US", "isStateRequired": true,
        "supportedStatesList": ["CA", "NY", "OR", "WA"],
        "supportedLanguagesList": ["en", "es"], "supportedCulturesList": ["en-US", "es-US"],
        "isPostalCodeRequired": true, "postalCodeRegex": "^\\d{5}(-\\d{4})?$",
        "isCityRequired": true, "isVatIdSupported": false,
        "phoneNumberRegex": "^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})[ \\-\\/\\.]?(\\d{4})$",
        "isTaxIdSupported": true, "isTaxIdOptional": true, "countryCallingCodesList": ["1"]
    }))
    .unwrap();
    sb.state().set_country_rules(rules);
    let input = dir.path().join("customers.csv");
    let results = dir.path().join("results.csv");
    write(
        &input,
        &[
            us("L-1", "liveok", "1 Main St"),
            us("L-2", "liveculture", "2 Main St").replace("en-US", "en-GB"),
            us("L-3", "livestate", "3 Main St").replace(",WA,98052,", ",TX,75001,"),
            us("L-4", "livephone", "4 Main St").replace("425 555 0100", "+44 20 7946 0000"),
            us("L-5", "liveplusone", "5 Main St").replace("425 555 0100", "+1 425 555 0100"),
        ],
    );
    let out = run_against(&sb, &validate_args(&input, &results, &["--json"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(
        r.column("status"),
        ["valid", "invalid", "invalid", "invalid", "invalid"]
    );
    let errors = r.column("error");
    assert!(
        errors[1]
            .contains("culture \"en-GB\" is not supported by Partner Center in US (en-US, es-US)"),
        "{}",
        errors[1]
    );
    assert!(errors[2].contains("state \"TX\""), "{}", errors[2]);
    assert!(
        errors[3].contains(
            "phone_number \"+44 20 7946 0000\" does not start with a calling code of US (+1)"
        ),
        "{}",
        errors[3]
    );
    // The phone is matched as sent; the recorded regex takes only the national form.
    assert!(
        errors[4].contains(
            "phone_number \"+1 425 555 0100\" does not match Partner Center's format for US"
        ) && errors[4].contains(
            "the national form \"425 555 0100\" would: write it without the country code"
        ),
        "{}",
        errors[4]
    );
    // --json: one line per row, in order, with the online problems.
    let lines = crate::support::json_lines(&out.stdout);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[1]["external_id"], "L-2");
    assert_eq!(lines[1]["problems"][0]["column"], "culture");
    assert_eq!(lines[3]["problems"][0]["column"], "phone_number");
    assert_eq!(
        sb.state()
            .stats()
            .calls_to("GET /v1/countryvalidationrules/{iso2}"),
        1
    );
}

#[tokio::test]
async fn online_validation_needs_credentials_or_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write(&input, &[us("N-1", "nocreds", "1 Main St")]);
    let out = run_plain(&["validate", s(&input), "--online"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PC_CLIENT_SECRET"), "{stderr}");
    assert!(stderr.contains("--sandbox"), "{stderr}");
    // Offline validation of the same file needs nothing.
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn the_sample_passes_the_built_in_sandbox_but_for_us_phones_written_with_plus_one() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let out = run_plain(&[
        "validate",
        s(&sample()),
        "--sandbox",
        "--rate",
        "6000",
        "--results",
        s(&results),
    ]);
    assert_eq!(
        code(&out),
        2,
        "the sample has 6 broken rows: {}",
        text(&out)
    );
    let r = Results::read(&results);
    // The sandbox answers the recorded US rules, whose phone regex takes
    // only the national form: the US rows written `+1 ...` are flagged
    // online, with the fix; every other row fares as offline.
    let (phones, countries, errors) = (
        r.column("phone_number"),
        r.column("country"),
        r.column("error"),
    );
    let national_only: Vec<usize> = (0..errors.len())
        .filter(|&i| errors[i].contains("the national form"))
        .collect();
    assert!(!national_only.is_empty());
    for &i in &national_only {
        assert_eq!(countries[i], "US", "{}", errors[i]);
        assert!(phones[i].starts_with("+1 "), "{}", phones[i]);
        assert!(
            errors[i].ends_with("write it without the country code"),
            "{}",
            errors[i]
        );
    }
    assert_eq!(r.count("valid") + national_only.len(), SAMPLE_VALID_ROWS);
    assert_eq!(r.count("invalid"), 6 + national_only.len());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("checked online against built-in sandbox"),
        "{stderr}"
    );
}

/// A dead country-rules endpoint (every call 503) while the other checks
/// work: one fetch of the rules (its retries) answers every row behind it,
/// rather than each row asking again through its own retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_rules_endpoint_is_asked_once_for_the_rows_behind_it() {
    use pc_onboard::sandbox::{Endpoint, Fault};
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults_on(Endpoint::Rules, vec![Fault::ServiceUnavailable; 1_000_000]);
    let input = dir.path().join("customers.csv");
    let rows: Vec<String> = (0..40)
        .map(|i| us(&format!("V-{i}"), &format!("deadrules{i}"), "1 Main St"))
        .collect();
    write(&input, &rows);
    let results = dir.path().join("results.csv");
    let started = std::time::Instant::now();
    let out = run_against(
        &sb,
        &validate_args(&input, &results, &["--max-attempts", "3"]),
    )
    .await;
    let took = started.elapsed();
    eprintln!("dead rules endpoint: 40 rows ended in {took:?}");
    let log = text(&out);
    assert_ne!(code(&out), 0, "{log}");
    timing_bound(
        took,
        std::time::Duration::from_secs(25),
        "dead rules endpoint",
    );
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 40, "every row recorded: {log}");
    for (status, error) in r.column("status").iter().zip(r.column("error")) {
        assert_eq!(*status, "failed", "{error}");
        assert!(
            error.starts_with("online check incomplete (re-run to check again): country rules: Partner Center answered 503"),
            "{error}"
        );
    }
    assert_eq!(
        sb.state()
            .stats()
            .calls_to("GET /v1/countryvalidationrules/{iso2}"),
        3,
        "one fetch (3 attempts) answers every row behind it: {log}"
    );
}
