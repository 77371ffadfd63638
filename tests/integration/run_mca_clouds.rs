//! MCA attestation across clouds (not in China and US Gov; the cloud picks
//! the token resource) and against dead agreement endpoints, end to end
//! against a sandbox on port 0 (helpers in `run_mca`).

use crate::run_mca::{fast, row, run_app_user, write};
use crate::support::*;

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

/// A fast legacy run with three attempts per call.
const LEGACY_THREE_ATTEMPTS: [&str; 6] = [
    "--rate",
    "6000",
    "--max-attempts",
    "3",
    "--mca-flow",
    "legacy",
];

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
        let args = run_args(&input, &results, &LEGACY_THREE_ATTEMPTS);
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
