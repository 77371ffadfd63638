//! What an operator sees on stderr: `-q` prints errors only, `--log-format
//! json` makes every line JSON (the summary an event), an error appears
//! once, the re-run hint works as printed, `-vv` shows every header sent,
//! and a closed stdout ends quietly.

use std::io::Read;
use std::process::Stdio;

use crate::support::*;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn quiet_prints_nothing_for_a_run_that_went_through_but_writes_the_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("in.csv");
    write_customers(&input, 3, "qq");
    let (results, summary) = (dir.path().join("r.csv"), dir.path().join("s.json"));
    // Passwords kept: a discarded one is a loss `-q` still warns about.
    let credentials = dir.path().join("creds.csv");
    let extra = [
        "-q",
        "--summary-json",
        summary.to_str().unwrap(),
        "--credentials-out",
        credentials.to_str().unwrap(),
    ];
    let out = run_against(&sb, &run_args(&input, &results, &extra)).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(stderr_of(&out), "", "-q: errors only");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["counts"]["created"], 3);
    assert_eq!(
        (s["rows_sent"].clone(), s["rows_copied"].clone()),
        (3.into(), 0.into())
    );
    assert_eq!(
        (
            s["passwords_stored"].clone(),
            s["passwords_discarded"].clone()
        ),
        (3.into(), 0.into())
    );
}

#[tokio::test]
async fn with_json_logs_every_stderr_line_is_json_and_the_summary_is_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let input = dir.path().join("in.csv");
    // One row broken on purpose: its problem line, the hint, the summary.
    write_customers(&input, 3, "js");
    let text_in = std::fs::read_to_string(&input)
        .unwrap()
        .replace(",98052,US\n", ",9805,US\n");
    std::fs::write(&input, text_in.replacen(",9805,US\n", ",98052,US\n", 2)).unwrap();
    let results = dir.path().join("r.csv");
    let out = run_against(
        &sb,
        &run_args(&input, &results, &["--log-format", "json", "-v"]),
    )
    .await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = stderr_of(&out);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3, "{stderr}");
    let summary = lines
        .iter()
        .find(|l| l["event"] == "summary")
        .unwrap_or_else(|| panic!("no summary event: {stderr}"));
    assert_eq!(summary["counts"]["created"], 2);
    assert_eq!(summary["counts"]["invalid"], 1);
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["message"].is_string())
    );
    // A usage error is JSON too.
    let out = run_plain(&["run", "x.csv", "--log-format", "json"]);
    assert_eq!(code(&out), 1);
    let line: serde_json::Value = serde_json::from_str(stderr_of(&out).trim()).unwrap();
    assert_eq!(line["level"], "ERROR");
}

#[tokio::test]
async fn the_rerun_hint_repeats_the_connection_flags_and_fix_only_when_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "hint");
    let results = dir.path().join("r.csv");
    let sb = sandbox(quiet()).await;
    sb.state().reserve_domain("hintcust0.onmicrosoft.com");
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = stderr_of(&out);
    let hint = stderr
        .lines()
        .find(|l| l.contains("did not go through"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(!hint.contains("invalid"), "no invalid row: {hint}");
    assert!(
        hint.contains(&format!("--endpoint {}", sb.base_url())),
        "{hint}"
    );
    assert!(
        stderr.contains("1 sent to Partner Center") || stderr.contains("2 sent"),
        "{stderr}"
    );
    // Re-run the results file: the copied row is counted as copied, and the
    // rate counts only the row created now.
    let again = dir.path().join("r2.csv");
    sb.state().release_domain("hintcust0.onmicrosoft.com");
    let out = run_against(&sb, &run_args(&results, &again, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        stderr_of(&out).contains("1 sent to Partner Center, 1 copied from the earlier results"),
        "{}",
        stderr_of(&out)
    );
}

#[tokio::test]
async fn an_error_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "once");
    let results = dir.path().join("r.csv");
    // The sandbox accepts another client secret: the token is refused.
    let sb = sandbox(pc_onboard::sandbox::SandboxConfig {
        credentials: pc_onboard::sandbox::AcceptedCredentials {
            client_id: None,
            client_secret: Some("another-secret".to_owned().into()),
        },
        ..quiet()
    })
    .await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let stderr = stderr_of(&out);
    let error = stderr.lines().find(|l| l.starts_with("error:")).unwrap();
    assert!(error.contains("invalid_client"), "{error}");
    let body = error.trim_start_matches("error: ");
    for part in body.split(": ") {
        if part.len() > 12 {
            assert_eq!(
                body.matches(part).count(),
                1,
                "said twice: {part:?} in {error}"
            );
        }
    }
    assert!(!stderr.contains(TEST_CLIENT_SECRET));
}

#[tokio::test]
async fn the_vv_trace_shows_every_header_sent_and_masks_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "trace");
    let results = dir.path().join("r.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(
        &sb,
        &[&run_args(&input, &results, &[])[..], &["-vv".to_owned()]].concat(),
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stderr = stderr_of(&out).to_lowercase();
    let create = stderr
        .lines()
        .find(|l| l.contains("--> post") && l.contains("/v1/customers"))
        .unwrap_or_else(|| panic!("{stderr}"));
    for header in [
        "authorization: bearer [redacted]",
        "ms-requestid:",
        "ms-correlationid:",
        "ms-contract-version: v1",
        "x-locale:",
        "ms-partnercenter-application: pc-onboard/",
        "user-agent: pc-onboard/",
        "accept: application/json",
        "content-type: application/json",
    ] {
        assert!(create.contains(header), "{header} missing: {create}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    write_customers(&input, 20_000, "pipe");
    let mut child = std::process::Command::new(bin())
        .args(["validate", input.to_str().unwrap(), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take()); // `| head -c 10`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        !stderr_of(&out).contains("Broken pipe"),
        "{}",
        stderr_of(&out)
    );
}
