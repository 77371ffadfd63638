//! MCA attestation (`mca_*` columns, `mca_status`) and indirect resellers
//! (`associated_partner_id`), end to end against a sandbox on port 0.

use crate::support;

use std::path::Path;

use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,associated_partner_id,mca_first_name,mca_last_name,mca_email,mca_phone,mca_date";

/// The indirect reseller's tenant id used by the tests.
const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

/// A valid US row with the given reseller and MCA cells (`first,last,email,phone,date`).
fn row(id: &str, domain: &str, reseller: &str, mca: &str) -> String {
    format!(
        "{id},{domain} Inc,{domain},ap@{domain}.example,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,Redmond,WA,98052,US,{reseller},{mca}"
    )
}

fn write(path: &Path, rows: &[String]) {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

/// `pc-onboard ARGS` against `sb` with App+User credentials (a refresh token).
async fn run_app_user(
    sb: &pc_onboard::sandbox::RunningSandbox,
    args: &[String],
) -> std::process::Output {
    command_against(sb, args)
        .env("PC_REFRESH_TOKEN", "test-refresh-token")
        .output()
        .await
        .expect("run the binary")
}

fn fast(input: &Path, results: &Path) -> Vec<String> {
    run_args(input, results, &["--rate", "6000"])
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
        *r.header.last().unwrap(),
        "mca_status",
        "appended after the contract columns"
    );
    assert_eq!(r.header[r.header.len() - 2], "error");
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
async fn mca_is_not_available_in_the_china_and_usgov_clouds() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(&input, &[row("C-1", "chinamca", "", ",,,,2026-01-15")]);
    for (cloud, name) in [
        ("china", "china (21Vianet)"),
        ("usgov", "usgov (US Government)"),
    ] {
        let results = dir.path().join(format!("results-{cloud}.csv"));
        let mut args = fast(&input, &results);
        args.extend(["--cloud".to_owned(), cloud.to_owned()]);
        let out = run_app_user(&sb, &args).await;
        assert_eq!(code(&out), 2, "{}", text(&out));
        let r = Results::read(&results);
        assert_eq!(r.column("status"), ["created"]);
        let mca = &r.column("mca_status")[0];
        assert!(
            mca.contains(&format!("not available in the {name} cloud")),
            "{mca}"
        );
    }
    assert_eq!(sb.state().stats().calls_to("GET /v1/agreements"), 0);
    assert_eq!(
        sb.state()
            .stats()
            .calls_to("POST /v1/customers/{id}/agreements"),
        0
    );
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

#[test]
fn the_built_in_sandbox_demo_creates_for_resellers_and_attests() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write(
        &input,
        &[row("S-1", "demoreseller", RESELLER, ",,,,2026-01-15")],
    );
    let results = dir.path().join("results.csv");
    let out = run_plain(&[
        "run",
        s(&input),
        "--sandbox",
        "--results",
        s(&results),
        "--no-progress",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["created"]);
    assert_eq!(r.column("mca_status"), ["attested"]);
}

#[tokio::test]
async fn the_cloud_flag_picks_the_token_resource_and_the_env_points_at_the_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("customers.csv");
    write(&input, &[row("T-1", "cloudone", "", ",,,,")]);
    for (cloud, resource) in [
        ("global", "https://api.partnercenter.microsoft.com"),
        (
            "china",
            "https://partner.partnercenterapi.microsoftonline.cn",
        ),
        ("usgov", "https://api.partnercenter.microsoft.com"),
    ] {
        let before = sb.state().stats().tokens_for(resource);
        let results = dir.path().join(format!("{cloud}.csv"));
        let mut args = fast(&input, &results);
        args.extend([
            "--cloud".to_owned(),
            cloud.to_owned(),
            "--dry-run".to_owned(),
        ]);
        // PC_ENDPOINT and PC_AUTHORITY (set by command_against) replace the
        // cloud's hosts: the calls reach the sandbox.
        let out = run_against(&sb, &args).await;
        assert_eq!(code(&out), 0, "{cloud}: {}", text(&out));
        assert_eq!(
            sb.state().stats().tokens_for(resource),
            before + 1,
            "{cloud} asks for a token for {resource}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(sb.base_url()), "{stderr}");
    }
}

/// A service whose attestation endpoints are down (every call 503) while
/// creation works: the customers are created, the attestations fail within
/// the retry budget's bound, and a re-run of the results file attests them
/// without creating anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_agreement_endpoints_fail_the_attestations_within_the_budget_and_a_rerun_attests() {
    use pc_onboard::sandbox::{Endpoint, Fault};
    for endpoint in [Endpoint::Agreements, Endpoint::Attest] {
        let dir = tempfile::tempdir().unwrap();
        let sb = sandbox(quiet()).await;
        let input = dir.path().join("customers.csv");
        let rows: Vec<String> = (0..40)
            .map(|i| {
                row(
                    &format!("D-{i}"),
                    &format!("deadmca{i}"),
                    "",
                    ",,,,2026-01-15",
                )
            })
            .collect();
        write(&input, &rows);
        sb.state()
            .script_faults_on(endpoint, vec![Fault::ServiceUnavailable; 1_000_000]);
        let results = dir.path().join("results.csv");
        let started = std::time::Instant::now();
        let args = run_args(&input, &results, &["--rate", "6000", "--max-attempts", "3"]);
        let out = run_app_user(&sb, &args).await;
        let took = started.elapsed();
        let log = text(&out);
        eprintln!("dead {endpoint:?}: 40 rows ended in {took:?}");
        assert_ne!(code(&out), 0, "{endpoint:?}: {log}");
        timing_bound(
            took,
            std::time::Duration::from_secs(25),
            "dead agreement endpoints",
        );
        let r = Results::read(&results);
        assert_eq!(r.rows.len(), 40, "{endpoint:?}: every row recorded");
        assert_eq!(r.count("created"), 40, "{endpoint:?}: {log}");
        let mca = r.column("mca_status");
        assert!(
            mca.iter().all(|m| m.starts_with("failed")),
            "{endpoint:?}: {mca:?}"
        );
        let stats = sb.state().stats();
        assert_eq!(stats.customers, 40);
        if endpoint == Endpoint::Agreements {
            assert_eq!(
                stats.calls_to("GET /v1/agreements"),
                3,
                "one fetch (3 attempts) answers every row of the cool-down"
            );
        }
        assert!(
            stats.faults_of("service_unavailable") <= 200,
            "{endpoint:?}: the budget bounds the retries ({} faults)",
            stats.faults_of("service_unavailable")
        );

        sb.state().clear_faults();
        let again = dir.path().join("results-2.csv");
        let out = run_app_user(&sb, &fast(&results, &again)).await;
        assert_eq!(code(&out), 0, "{endpoint:?}: {}", text(&out));
        let r2 = Results::read(&again);
        assert_eq!(r2.count("created"), 40);
        assert!(r2.column("mca_status").iter().all(|m| *m == "attested"));
        assert_eq!(r2.column("customer_id"), r.column("customer_id"));
        let after = sb.state().stats();
        assert_eq!(
            after.calls_to("POST /v1/customers"),
            stats.calls_to("POST /v1/customers"),
            "{endpoint:?}: the re-run creates nothing"
        );
        assert_eq!(after.customers, 40);
    }
}
