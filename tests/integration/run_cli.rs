//! `pc-onboard run` end to end: the binary against a sandbox on port 0.

use crate::support;

use support::*;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test]
async fn happy_path_results_carry_the_ids_the_server_issued() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&sample(), &results, &["--rate", "6000"])).await;
    assert_eq!(
        code(&out),
        2,
        "the sample has 6 broken rows: {}",
        text(&out)
    );
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 40);
    assert_eq!(r.count("created"), SAMPLE_VALID_ROWS);
    assert_eq!(r.count("invalid"), 6);
    // Input columns come first, byte for byte, in input order.
    let input = Results::read(&sample());
    assert_eq!(&r.header[..input.header.len()], &input.header[..]);
    for (got, want) in r.rows.iter().zip(&input.rows) {
        assert_eq!(&got[..want.len()], &want[..]);
    }
    // IDs are the server's.
    let server: std::collections::HashMap<String, (String, String)> = sb
        .state()
        .customers()
        .into_iter()
        .map(|c| {
            (
                c.company_profile.domain.to_lowercase(),
                (c.id.clone(), c.commerce_id.clone().unwrap_or_default()),
            )
        })
        .collect();
    assert_eq!(server.len(), SAMPLE_VALID_ROWS);
    let domain = r.col("domain");
    for row in r
        .rows
        .iter()
        .filter(|row| row[r.col("status")] == "created")
    {
        let mut d = row[domain].to_lowercase();
        if !d.ends_with(".onmicrosoft.com") {
            d.push_str(".onmicrosoft.com");
        }
        let (id, commerce) = &server[&d];
        assert_eq!(&row[r.col("customer_id")], id);
        assert_eq!(&row[r.col("tenant_id")], id);
        assert_eq!(&row[r.col("commerce_id")], commerce);
        assert_eq!(row[r.col("admin_user")], format!("admin@{d}"));
        assert_eq!(row[r.col("attempts")], "1");
        assert!(uuid::Uuid::parse_str(&row[r.col("request_id")]).is_ok());
    }
    // Invalid rows were never sent.
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers") as usize,
        SAMPLE_VALID_ROWS
    );
}

#[tokio::test]
async fn refeeding_a_results_file_sends_nothing_for_finished_rows() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("results.csv");
    let second = dir.path().join("results-2.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&sample(), &first, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2);
    let calls = sb.state().stats().calls_to("POST /v1/customers");
    let out = run_against(&sb, &run_args(&first, &second, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), calls);
    let r1 = Results::read(&first);
    let r2 = Results::read(&second);
    assert_eq!(
        r1.header, r2.header,
        "result columns replaced, not duplicated"
    );
    assert_eq!(r1.column("customer_id"), r2.column("customer_id"));
    assert_eq!(r2.count("created"), SAMPLE_VALID_ROWS);
}

#[tokio::test]
async fn dry_run_sends_no_create_and_plans_the_real_request_ids() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.csv");
    let real = dir.path().join("real.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&sample(), &plan, &["--dry-run"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
    assert_eq!(
        sb.state().stats().calls_to("HEAD /v1/domains/{domain}") as usize,
        SAMPLE_VALID_ROWS,
        "domains were checked"
    );
    let p = Results::read(&plan);
    assert_eq!(p.count("would_create"), SAMPLE_VALID_ROWS);
    let out = run_against(&sb, &run_args(&sample(), &real, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2);
    let r = Results::read(&real);
    assert_eq!(p.column("request_id"), r.column("request_id"));

    // Offline (no credentials) too.
    let offline = dir.path().join("offline.csv");
    let out = run_plain(&run_args(&sample(), &offline, &["--dry-run"]));
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(
        Results::read(&offline).column("request_id"),
        r.column("request_id")
    );
}

#[tokio::test]
async fn passwords_appear_only_in_the_credentials_file() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let creds = dir.path().join("creds.csv");
    let summary = dir.path().join("summary.json");
    let sb = sandbox(quiet()).await;
    let out = run_against(
        &sb,
        &run_args(
            &sample(),
            &results,
            &[
                "--credentials-out",
                s(&creds),
                "--summary-json",
                s(&summary),
                "--rate",
                "6000",
            ],
        ),
    )
    .await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let passwords = sb.state().issued_passwords();
    assert_eq!(passwords.len(), SAMPLE_VALID_ROWS);
    let creds_text = std::fs::read_to_string(&creds).unwrap();
    let others = [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&results).unwrap(),
        std::fs::read_to_string(&summary).unwrap(),
    ];
    for p in &passwords {
        assert!(
            creds_text.contains(p.as_str()),
            "credentials file has every password"
        );
        for other in &others {
            assert!(!other.contains(p.as_str()), "password leaked");
        }
    }
    for other in &others {
        assert!(!other.contains(TEST_CLIENT_SECRET), "client secret leaked");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // It is added to, never overwritten: the replayed customers are in it
    // already and get no second row.
    let out = run_against(
        &sb,
        &run_args(&sample(), &results, &["--credentials-out", s(&creds)]),
    )
    .await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(Results::read(&creds).rows.len(), SAMPLE_VALID_ROWS);
}

#[tokio::test]
async fn discarded_passwords_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&sample(), &results, &["--rate", "6000"])).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("34 initial admin passwords were discarded"),
        "{err}"
    );
}

#[tokio::test]
async fn summary_json_counts_match_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let summary = dir.path().join("summary.json");
    let sb = sandbox(quiet()).await;
    let out = run_against(
        &sb,
        &run_args(
            &sample(),
            &results,
            &["--summary-json", s(&summary), "--rate", "6000"],
        ),
    )
    .await;
    assert_eq!(code(&out), 2);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(v["counts"]["created"], 34);
    assert_eq!(v["counts"]["invalid"], 6);
    assert_eq!(
        v["create_calls"],
        sb.state().stats().calls_to("POST /v1/customers")
    );
    assert_eq!(v["throttled"], sb.state().stats().throttled);
    assert!(uuid::Uuid::parse_str(v["correlation_id"].as_str().unwrap()).is_ok());
}

#[test]
fn missing_credentials_is_fatal_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let out = run_plain(&run_args(&sample(), &results, &[]));
    assert_eq!(code(&out), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("PC_CLIENT_SECRET") && err.contains("--sandbox"),
        "{err}"
    );
    assert!(!results.exists(), "no results file that looks complete");
}

#[tokio::test]
async fn wrong_client_secret_is_fatal_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let mut config = quiet();
    config.credentials = pc_onboard::sandbox::AcceptedCredentials {
        client_id: Some("test-app".into()),
        client_secret: Some(secrecy::SecretString::from("the-right-one")),
    };
    let sb = sandbox(config).await;
    let out = run_against(&sb, &run_args(&sample(), &results, &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let all = text(&out);
    assert!(all.contains("authenticat"), "{all}");
    assert!(!all.contains(TEST_CLIENT_SECRET), "{all}");
}

#[test]
fn usage_errors_exit_1() {
    assert_eq!(code(&run_plain(&["run", "x.csv"])), 1);
    assert_eq!(code(&run_plain(&["frobnicate"])), 1);
    assert_eq!(
        code(&run_plain(&[
            "run",
            "x.csv",
            "--results",
            "r.csv",
            "--rate",
            "0"
        ])),
        1
    );
    assert_eq!(code(&run_plain(&["--help"])), 0);
}

#[tokio::test]
async fn sandbox_flag_runs_the_sample_with_no_setup() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let out = tokio::process::Command::new(bin())
        .args([
            "run",
            s(&sample()),
            "--sandbox",
            "--results",
            s(&results),
            "--rate",
            "6000",
        ])
        .env_remove("PC_CLIENT_SECRET")
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), SAMPLE_VALID_ROWS);
}

// The sandbox and the polling of the results file share the test runtime:
// two worker threads keep the polling prompt while the sandbox is busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_results_file_is_refused_and_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 40, "lock");
    let sb = sandbox(slow(100)).await;
    let args = run_args(&input, &results, &["--rate", "600", "--concurrency", "1"]);
    let mut first = command_against(&sb, &args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = first.id().unwrap();
    // Once the header is written the first run holds the lock.
    wait_for_lines_of(&mut first, &results, 0).await;
    let second = run_against(&sb, &args).await;
    assert_eq!(code(&second), 1, "{}", text(&second));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains(&format!("pid {pid}")), "{err}");
    let done = first.wait_with_output().await.unwrap();
    assert_eq!(done.status.code(), Some(0));
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 40, "the results file is intact");
    assert_eq!(r.count("created"), 40);
}

// The sandbox and the polling of the results file share the test runtime:
// two worker threads keep the polling prompt while the sandbox is busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_finishes_calls_in_flight_and_cancels_the_rest() {
    // `_dir` keeps the files until the end of the test.
    let Stopped {
        out,
        sb,
        results,
        dir: _dir,
        ..
    } = stop_run_midway("-INT", "int").await;
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 200, "every row is in the results");
    let created = r.count("created");
    let cancelled = r.count("cancelled");
    assert!(
        created >= 10 && cancelled > 0,
        "created {created}, cancelled {cancelled}\n{}",
        text(&out)
    );
    assert_eq!(created + cancelled, 200);
    // Every row the results call created exists once; nothing else was created.
    assert_eq!(sb.state().stats().customers as usize, created);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
}
