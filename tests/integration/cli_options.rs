//! Shell completions, the config file, and logging (-v, -vv HTTP trace,
//! --log-format json), through the binary.

use crate::support;

use std::path::Path;

use support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bash_completion_is_stable() {
    let out = run_plain(&["completions", "bash"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("--sheet"), "completes the new flags");
    insta::assert_snapshot!("completions_bash", script);
}

#[test]
fn every_shell_gets_a_completion_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run_plain(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", text(&out));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("pc-onboard"), "{shell}");
        assert!(script.contains("validate"), "{shell}");
    }
    let out = run_plain(&["completions", "tcsh"]);
    assert_eq!(code(&out), 1, "usage errors exit 1: {}", text(&out));
}

#[test]
fn help_documents_environment_and_exit_codes() {
    let out = run_plain(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "PC_CLIENT_SECRET",
        "PC_ONBOARD_CONFIG",
        "RUST_LOG",
        "Exit codes:",
        "130",
        "completions",
        "--log-format",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}

/// A CSV whose company-name and postal-code headers only the config knows.
fn dutch_headers(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("klanten.csv");
    write_customers(&input, 3, "nl");
    let text = std::fs::read_to_string(&input).unwrap();
    let text =
        text.replacen("company_name", "Klantnaam", 1)
            .replacen("postal_code", "Post code", 1);
    std::fs::write(&input, text).unwrap();
    input
}

#[test]
fn config_columns_map_non_standard_headers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dutch_headers(dir.path());
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 1, "without the mapping: {}", text(&out));
    assert!(stderr(&out).contains("`company_name`"), "{}", text(&out));

    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(
        &config,
        "[columns]\ncompany_name = \"Klantnaam\"\npostal_code = \"postcode\"\n",
    )
    .unwrap();
    let results = dir.path().join("out.csv");
    let out = run_plain(&[
        "validate",
        s(&input),
        "--config",
        s(&config),
        "--results",
        s(&results),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.header[1], "Klantnaam", "headers kept as written");
    assert_eq!(r.count("valid"), 3);

    // PC_ONBOARD_CONFIG names the file too.
    let out = std::process::Command::new(bin())
        .args(["validate", s(&input)])
        .env_clear()
        .env("PC_ONBOARD_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn a_bad_config_is_fatal_and_says_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "bad");
    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(&config, "rate = 100\n\n[columns]\nklantnaam = \"Naam\"\n").unwrap();
    let out = run_plain(&["validate", s(&input), "--config", s(&config)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("pc-onboard.toml"), "{err}");
    assert!(err.contains("unknown field `klantnaam`"), "{err}");
    assert!(err.contains("company_name"), "{err}");

    let missing = dir.path().join("nope.toml");
    let out = run_plain(&["validate", s(&input), "--config", s(&missing)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        stderr(&out).contains("cannot read config file"),
        "{}",
        text(&out)
    );
}

#[test]
fn settings_come_from_flag_then_config_then_default() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "prec");
    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(&config, "rate = 7\nconcurrency = 3\n").unwrap();
    let results = dir.path().join("r.csv");
    let base = [
        "run",
        s(&input),
        "--results",
        s(&results),
        "--dry-run",
        "--no-progress",
        "-v",
        "--config",
        s(&config),
    ];
    let out = run_plain(&base);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("rate=7"), "config over default: {err}");
    assert!(err.contains("concurrency=3"), "{err}");
    assert!(err.contains("max_attempts=5"), "default: {err}");

    let mut with_flag = base.to_vec();
    with_flag.extend(["--rate", "90"]);
    let out = run_plain(&with_flag);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("rate=90"), "flag over config: {err}");
    assert!(err.contains("concurrency=3"), "{err}");
}

#[tokio::test]
async fn environment_wins_over_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "envwins");
    let config = dir.path().join("pc-onboard.toml");
    // Nothing listens on port 9: the config's endpoint would fail.
    std::fs::write(
        &config,
        "endpoint = \"http://127.0.0.1:9\"\nauthority = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let results = dir.path().join("r.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &["--config", s(&config)])).await;
    assert_eq!(
        code(&out),
        0,
        "PC_ENDPOINT beats the config: {}",
        text(&out)
    );
    assert_eq!(Results::read(&results).count("created"), 2);
}

#[tokio::test]
async fn vv_traces_http_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 3, "trace");
    let results = dir.path().join("r.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &["-vv"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("--> POST"), "request lines: {err}");
    assert!(err.contains("/oauth2/token"), "token call traced: {err}");
    assert!(err.contains("/v1/customers"), "{err}");
    assert!(err.contains("<-- 201 POST"), "answer lines: {err}");
    assert!(err.contains("ms-requestid"), "headers: {err}");
    assert!(err.contains("Bearer [REDACTED]"), "{err}");
    assert!(err.contains("client_secret=[REDACTED]"), "{err}");
    let passwords = sb.state().issued_passwords();
    assert_eq!(passwords.len(), 3);
    for password in &passwords {
        assert!(
            !err.contains(password.as_str()),
            "password {password} leaked"
        );
    }
    assert!(
        !err.contains("test-secret-value-123"),
        "client secret leaked"
    );
    for key in ["access_token", "password"] {
        for (at, _) in err.match_indices(&format!("\"{key}\":\"")) {
            let value = &err[at + key.len() + 4..];
            assert!(
                value.starts_with("[REDACTED]"),
                "{key} leaked: {}",
                &value[..20]
            );
        }
    }
    let out_plain = String::from_utf8_lossy(&out.stdout);
    assert!(!out_plain.contains("--> POST"), "logs go to stderr only");
}

#[test]
fn log_format_json_writes_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "json");
    let results = dir.path().join("r.csv");
    let out = run_plain(&[
        "run",
        s(&input),
        "--results",
        s(&results),
        "--dry-run",
        "--no-progress",
        "-v",
        "--log-format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let err = stderr(&out);
    let events: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let settings = events
        .iter()
        .find(|e| e["message"] == "run settings")
        .unwrap_or_else(|| panic!("no run settings event in {err}"));
    assert_eq!(settings["level"], "INFO");
    assert_eq!(settings["rate"], 400);
}

#[test]
fn quiet_and_verbose_conflict() {
    let out = run_plain(&["validate", "x.csv", "-q", "-v"]);
    assert_eq!(code(&out), 1, "{}", text(&out));
}

// SIGTERM (`systemctl stop`, Kubernetes stopping the pod) ends a run like
// Ctrl-C: calls in flight finish, the rest is `cancelled`, --resume finishes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_a_run_cleanly_and_resume_finishes_it() {
    let Stopped {
        out,
        sb,
        input,
        results,
        dir: _dir,
    } = stop_run_midway("-TERM", "term").await;
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.rows.len(), 200, "every row is in the results");
    assert!(r.count("cancelled") > 0, "{}", text(&out));

    let resume = run_args(&input, &results, &["--rate", "60000", "--resume"]);
    let out = run_against(&sb, &resume).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), 200);
    assert_eq!(sb.state().stats().customers, 200);
}
