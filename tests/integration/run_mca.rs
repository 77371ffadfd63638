//! The legacy MCA attestation (`mca_*` columns, `mca_status`, `--mca-flow
//! legacy`) and indirect resellers (`associated_partner_id`), end to end
//! against a sandbox on port 0. The clouds and dead agreement endpoints
//! are in `run_mca_clouds`, which uses this file's helpers; the enhanced
//! flow (the default) in `mca_enhanced*`.

use crate::support;

use std::path::Path;

use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub(crate) const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,associated_partner_id,mca_first_name,mca_last_name,mca_email,mca_phone,mca_date";

/// The indirect reseller's tenant id used by the tests.
const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

/// A valid US row with the given reseller and MCA cells (`first,last,email,phone,date`).
pub(crate) fn row(id: &str, domain: &str, reseller: &str, mca: &str) -> String {
    format!(
        "{id},{domain} Inc,{domain},ap@{domain}.example,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,Redmond,WA,98052,US,{reseller},{mca}"
    )
}

pub(crate) fn write(path: &Path, rows: &[String]) {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// `pc-onboard ARGS` against `sb` with App+User credentials (a refresh token).
pub(crate) async fn run_app_user(
    sb: &pc_onboard::sandbox::RunningSandbox,
    args: &[String],
) -> std::process::Output {
    command_against(sb, args)
        .env("PC_REFRESH_TOKEN", "test-refresh-token")
        .output()
        .await
        .expect("run the binary")
}

/// A fast run in the legacy MCA flow.
pub(crate) fn fast(input: &Path, results: &Path) -> Vec<String> {
    run_args(input, results, &["--rate", "6000", "--mca-flow", "legacy"])
}

#[tokio::test]
async fn mca_rows_are_attested_after_creation_and_600061_is_already_attested() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            // The billing contact, accepted on a given day.
            row("M-1", "mcaone", "", ",,,,2026-01-15"),
            // An explicit contact, today.
            row(
                "M-2",
                "mcatwo",
                "",
                "Bo,Chen,bo@mcatwo.example,+1 206 555 0101,",
            ),
            // No MCA columns filled: no attestation.
            row("M-3", "mcathree", "", ",,,,"),
        ],
    );
    let results = dir.path().join("results.csv");
    let out = run_app_user(&sb, &fast(&input, &results)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(
        r.header[r.header.len() - 4],
        "mca_status",
        "appended after the contract columns"
    );
    assert_eq!(r.header[r.header.len() - 5], "error");
    assert_eq!(r.column("status"), ["created", "created", "created"]);
    assert_eq!(r.column("mca_status"), ["attested", "attested", ""]);
    let stats = sb.state().stats();
    assert_eq!(
        stats.calls_to("GET /v1/agreements"),
        1,
        "template fetched once per run"
    );
    assert_eq!(stats.calls_to("POST /v1/customers/{id}/agreements"), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("MCA attestations: 2 attested"));

    // The results file again: everything is done, nothing is sent.
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &fast(&results, &again)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let after = sb.state().stats();
    assert_eq!(after.calls_to("POST /v1/customers"), 3);
    assert_eq!(after.calls_to("POST /v1/customers/{id}/agreements"), 2);
    assert_eq!(
        Results::read(&again).column("mca_status"),
        ["attested", "attested", ""]
    );

    // The original input again: the creates replay (same request ids) and
    // the identical attestations are refused with 600061.
    let third = dir.path().join("results-3.csv");
    let out = run_app_user(&sb, &fast(&input, &third)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r3 = Results::read(&third);
    assert_eq!(r3.column("status"), ["created", "created", "created"]);
    assert_eq!(
        r3.column("mca_status"),
        ["already_attested", "already_attested", ""]
    );
    assert_eq!(r3.column("customer_id"), r.column("customer_id"));
    assert_eq!(sb.state().stats().customers, 3);
}

#[tokio::test]
async fn app_only_credentials_send_nothing_for_mca_rows_and_app_user_ones_create_and_attest() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("F-1", "mcafail", "", ",,,,2026-01-15"),
            row("F-2", "nomca", "", ",,,,"),
        ],
    );
    // App-only credentials: MCA attestation is App+User only, so the row is
    // not sent at all (no customer without its attestation); the others go.
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &fast(&input, &results)).await;
    assert_eq!(code(&out), 2, "the MCA row needs attention: {}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["invalid", "created"]);
    let error = &r.column("error")[0];
    assert!(
        error.contains("MCA attestation") && error.contains("PC_REFRESH_TOKEN"),
        "{error}"
    );
    assert!(error.contains("nothing was sent"), "{error}");
    assert_eq!(r.column("mca_status"), ["skipped", ""]);
    assert_eq!(sb.state().stats().customers, 1);
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 1);

    // Re-run the results file with App+User credentials: created and attested.
    let again = dir.path().join("results-2.csv");
    let out = run_app_user(&sb, &fast(&results, &again)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r2 = Results::read(&again);
    assert_eq!(r2.column("status"), ["created", "created"]);
    assert_eq!(r2.column("mca_status"), ["attested", ""]);
    assert_eq!(r2.column("customer_id")[1], r.column("customer_id")[1]);
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        2,
        "the copied row is not sent again"
    );
}

#[tokio::test]
async fn dry_runs_and_rows_not_created_skip_the_attestation() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("D-1", "dryone", "", ",,,,2026-01-15"),
            // Invalid offline (bad e-mail): not created, so not attested.
            row("D-2", "drytwo", "", ",,,,2026-01-15").replace("ap@drytwo.example", "nope"),
            // Invalid MCA values are reported like any other problem.
            row("D-3", "drythree", "", "Bo,,bo@example,,2026-02-30"),
        ],
    );
    let results = dir.path().join("results.csv");
    let mut args = fast(&input, &results);
    args.push("--dry-run".to_owned());
    let out = run_app_user(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["would_create", "invalid", "invalid"]);
    assert_eq!(r.column("mca_status"), ["skipped", "skipped", "skipped"]);
    assert!(
        !r.column("error")[1].contains("MCA"),
        "the billing e-mail's problem is reported once: {}",
        r.column("error")[1]
    );
    let error = &r.column("error")[2];
    assert!(
        error.contains("mca_last_name is required when mca_first_name and mca_email are given"),
        "{error}"
    );
    assert!(error.contains("mca_date \"2026-02-30\""), "{error}");
    assert_eq!(sb.state().stats().calls_to("GET /v1/agreements"), 0);
}

#[tokio::test]
async fn indirect_reseller_rows_need_app_user_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[
            row("I-1", "resellerone", RESELLER, ",,,,"),
            row("I-2", "directone", "", ",,,,"),
            row("I-3", "resellerbad", "not-a-guid", ",,,,"),
        ],
    );
    // App-only: the reseller row is not sent (App+User only), with a
    // message that says what to do; the other rows proceed.
    let results = dir.path().join("app-only.csv");
    let out = run_against(&sb, &fast(&input, &results)).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["invalid", "created", "invalid"]);
    let error = &r.column("error")[0];
    assert!(
        error.contains("indirect reseller (associated_partner_id)"),
        "{error}"
    );
    assert!(error.contains("PC_REFRESH_TOKEN"), "{error}");
    assert!(error.contains("nothing was sent"), "{error}");
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 1);
    assert!(
        r.column("error")[2].contains("associated_partner_id \"not-a-guid\" is not a GUID"),
        "{}",
        r.column("error")[2]
    );

    // App+User: re-running the results file creates it for the reseller.
    let again = dir.path().join("app-user.csv");
    let out = run_app_user(&sb, &fast(&results, &again)).await;
    assert_eq!(
        code(&out),
        2,
        "the GUID row is still invalid: {}",
        text(&out)
    );
    let r2 = Results::read(&again);
    assert_eq!(r2.column("status"), ["created", "created", "invalid"]);
    let customers = sb.state().customers();
    let created = customers
        .iter()
        .find(|c| c.company_profile.domain == "resellerone.onmicrosoft.com")
        .expect("created");
    assert_eq!(created.associated_partner_id.as_deref(), Some(RESELLER));
    assert_eq!(created.id, r2.column("customer_id")[0]);
    let direct = customers
        .iter()
        .find(|c| c.company_profile.domain == "directone.onmicrosoft.com")
        .expect("created");
    assert_eq!(direct.associated_partner_id, None);
}

/// `pc-onboard run` of `rows` against the built-in sandbox (`--sandbox`),
/// with `extra` flags, which must exit 0: the output and the results file.
pub(crate) fn run_built_in(rows: &[String], extra: &[&str]) -> (std::process::Output, Results) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write(&input, rows);
    let results = dir.path().join("results.csv");
    let mut args = vec!["run", s(&input), "--sandbox", "--results", s(&results)];
    args.push("--no-progress");
    args.extend(extra);
    let out = run_plain(&args);
    assert_eq!(code(&out), 0, "{}", text(&out));
    (out, Results::read(&results))
}

#[test]
fn the_built_in_sandbox_demo_creates_for_resellers_and_attests() {
    let row = row("S-1", "demoreseller", RESELLER, ",,,,2026-01-15");
    let (_, r) = run_built_in(&[row], &["--mca-flow", "legacy"]);
    assert_eq!(r.column("status"), ["created"]);
    assert_eq!(r.column("mca_status"), ["attested"]);
}
