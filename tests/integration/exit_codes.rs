//! The exit code describes the whole results file as written (contract,
//! "Exit codes"): rows copied from an earlier results file (a re-run, or
//! `--resume`) count like the rows of this run, and an MCA attestation that
//! is `failed` or `cancelled` makes it 2. An attestation stopped by Ctrl-C
//! is `cancelled`, and a re-run tries it again.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use pc_onboard::sandbox::{Endpoint, Fault, RunningSandbox};

use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,mca_date";

/// `rows` valid US rows whose MCA was accepted on 2026-01-15.
fn write_mca_rows(path: &Path, rows: usize, tag: &str) {
    let mut text = format!("{HEADER}\n");
    for i in 0..rows {
        text.push_str(&format!(
            "{tag}-{i},{tag} {i} Inc,{tag}{i},ap@{tag}{i}.example,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,Redmond,WA,98052,US,2026-01-15\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// `pc-onboard ARGS` against `sb` with App+User credentials (MCA attestation).
fn app_user(sb: &RunningSandbox, args: &[String]) -> tokio::process::Command {
    let mut command = command_against(sb, args);
    command.env("PC_REFRESH_TOKEN", "test-refresh-token");
    command
}

#[tokio::test]
async fn resuming_a_finished_results_file_exits_as_the_file_says() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let args = run_args(&sample(), &results, &["--rate", "6000"]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 2, "six invalid rows: {}", text(&out));

    let resume = [&args[..], &["--resume".to_owned()]].concat();
    let out = run_against(&sb, &resume).await;
    assert_eq!(
        code(&out),
        2,
        "the resumed file still holds six invalid rows: {}",
        text(&out)
    );
    assert_eq!(Results::read(&results).count("invalid"), 6);
}

#[tokio::test]
async fn a_rerun_after_which_an_attestation_stays_failed_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write_mca_rows(&input, 2, "stays");
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults_on(Endpoint::Attest, vec![Fault::ServiceUnavailable; 100_000]);
    let results = dir.path().join("results.csv");
    let fast = [
        "--rate",
        "6000",
        "--max-attempts",
        "1",
        "--mca-flow",
        "legacy",
    ];
    let out = app_user(&sb, &run_args(&input, &results, &fast))
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let first = Results::read(&results);
    assert!(
        first
            .column("mca_status")
            .iter()
            .all(|m| m.starts_with("failed")),
        "{:?}",
        first.column("mca_status")
    );

    // The attestation endpoint is still down for the re-run.
    let again = dir.path().join("results-2.csv");
    let out = app_user(&sb, &run_args(&results, &again, &fast))
        .output()
        .await
        .unwrap();
    let r = Results::read(&again);
    assert_eq!(r.count("created"), 2, "{}", text(&out));
    assert!(
        r.column("mca_status")
            .iter()
            .all(|m| m.starts_with("failed")),
        "{:?}",
        r.column("mca_status")
    );
    assert_eq!(code(&out), 2, "{}", text(&out));

    // A resume of that finished re-run says the same.
    let resume = [
        &run_args(&results, &again, &fast)[..],
        &["--resume".to_owned()],
    ]
    .concat();
    let out = app_user(&sb, &resume).output().await.unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
}

#[cfg(unix)]
#[tokio::test]
async fn an_attestation_stopped_by_ctrl_c_is_cancelled_and_a_rerun_attests_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    write_mca_rows(&input, 3, "halt");
    let sb = sandbox(quiet()).await;
    // The template cannot be read: every row waits in the backoff of its
    // attestation when the signal comes.
    sb.state().script_faults_on(
        Endpoint::Agreements,
        vec![Fault::ServiceUnavailable; 100_000],
    );
    let results = dir.path().join("results.csv");
    let args = run_args(
        &input,
        &results,
        &[
            "--rate",
            "6000",
            "--max-attempts",
            "20",
            "--mca-flow",
            "legacy",
        ],
    );
    let child = app_user(&sb, &args).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while sb.state().stats().calls_to("GET /v1/agreements") < 2 {
        assert!(
            Instant::now() < deadline,
            "the template was never asked for"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 3, "{}", text(&out));
    assert_eq!(
        r.column("mca_status"),
        ["cancelled", "cancelled", "cancelled"],
        "{}",
        text(&out)
    );

    sb.state().clear_faults();
    let again = dir.path().join("results-2.csv");
    let legacy = ["--rate", "6000", "--mca-flow", "legacy"];
    let out = app_user(&sb, &run_args(&results, &again, &legacy))
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&again);
    assert_eq!(r.column("mca_status"), ["attested", "attested", "attested"]);
    assert_eq!(sb.state().stats().customers, 3, "nothing created twice");
}
