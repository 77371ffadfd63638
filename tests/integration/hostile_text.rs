//! Text a server answers is shown and kept as text: control characters in
//! an error answer (a terminal escape, a bell, a NUL) reach neither the
//! operator's terminal nor the results file, which stays a valid input.

use std::time::Duration;

use crate::hostile::{answer, hostile, is_create, run_at};
use crate::support::{Results, code, run_args, run_plain, text, write_customers};

const GUARD: Duration = Duration::from_secs(120);

/// Bytes a terminal or a CSV reader acts on: every C0 control but the
/// line break, and DEL.
fn controls(bytes: &[u8]) -> Vec<u8> {
    let acted_on = |b: &&u8| (**b < 0x20 && **b != b'\n') || **b == 0x7f;
    bytes.iter().filter(acted_on).copied().collect()
}

#[tokio::test]
async fn control_characters_in_an_error_answer_reach_neither_terminal_nor_results() {
    let (base, _mock) = hostile(|seen| {
        if is_create(seen) {
            let body = r#"{"code":"6\u001b[2J","description":"bad \u001b]0;PWNED\u0007\u001b[31mred\u0000nul\u007f"}"#;
            answer(400, &[], body)
        } else {
            answer(404, &[], r#"{"code":"404","description":"not found"}"#)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "ctrl");
    let results = dir.path().join("r.csv");
    let out = run_at(&base, &run_args(&input, &results, &[]), GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(controls(&out.stderr), b"", "{}", text(&out));
    assert_eq!(controls(&std::fs::read(&results).unwrap()), b"");
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["rejected", "rejected"]);
    let error = &written.column("error")[0];
    assert!(error.contains("PWNED") && error.contains("red"), "{error}");
    // The results file is a valid input for the re-run it prints.
    let again = run_plain(&["validate".as_ref(), results.as_os_str()]);
    assert_eq!(code(&again), 0, "{}", text(&again));
}

#[tokio::test]
async fn a_201_for_a_domain_with_control_characters_is_kept_as_text() {
    let (base, _mock) = hostile(|seen| {
        if is_create(seen) {
            let domain = r"evil\u001b]0;PWNED\u0007.onmicrosoft.com";
            let id = "8bd2bf4f-1c2e-4b5e-9a4e-8f0f1a1d3c11";
            answer(201, &[], &crate::client_mock::customer_json(id, domain))
        } else {
            answer(404, &[], r#"{"code":"404","description":"not found"}"#)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "ctrldomain");
    let (results, passwords) = (dir.path().join("r.csv"), dir.path().join("c.csv"));
    let flags = ["--credentials-out", passwords.to_str().unwrap()];
    let out = run_at(&base, &run_args(&input, &results, &flags), GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(controls(&out.stderr), b"", "{}", text(&out));
    assert_eq!(controls(&std::fs::read(&results).unwrap()), b"");
    assert_eq!(controls(&std::fs::read(&passwords).unwrap()), b"");
    assert_eq!(Results::read(&results).column("status"), ["failed"]);
}

#[tokio::test]
async fn control_characters_in_a_token_refusal_reach_no_terminal() {
    let refusal = |_| {
        let body =
            r#"{"error":"inv\u001b[2Jalid","error_description":"no \u001b]0;PWNED\u0007 way"}"#;
        crate::fake_server::json(400, body)
    };
    let api = |_: &crate::fake_server::Seen| answer(404, &[], "{}");
    let (base, _mock) =
        crate::fake_server::serve(crate::fake_server::by_index(refusal), Box::new(api)).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "ctrltoken");
    let out = run_at(
        &base,
        &run_args(&input, &dir.path().join("r.csv"), &[]),
        GUARD,
    )
    .await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("PWNED"), "{}", text(&out));
    assert_eq!(controls(&out.stderr), b"", "{}", text(&out));
}

#[tokio::test]
async fn control_characters_in_a_device_code_answer_reach_no_terminal() {
    let expired = |_| {
        let body = r#"{"error":"expired_token","error_description":"gone"}"#;
        crate::fake_server::json(400, body)
    };
    let device_code = |seen: &crate::fake_server::Seen| {
        if !seen.path.ends_with("/devicecode") {
            return answer(404, &[], "{}");
        }
        let body = r#"{"device_code":"DC","user_code":"U\u001b[2JC","verification_uri":"https://microsoft.com/devicelogin\u001b]0;PWNED\u0007","expires_in":5,"interval":1}"#;
        answer(200, &[], body)
    };
    let (base, _mock) =
        crate::fake_server::serve(crate::fake_server::by_index(expired), Box::new(device_code))
            .await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = tokio::process::Command::new(crate::support::bin());
    login
        .arg("login")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PC_LOGIN_CACHE", dir.path().join("login.json"))
        .env("PC_AUTHORITY", &base)
        .env("PC_ENDPOINT", &base)
        .env("PC_CLIENT_ID", "native-app")
        .env("PC_TENANT_ID", "partner.onmicrosoft.com")
        .kill_on_drop(true);
    let out = tokio::time::timeout(GUARD, login.output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("devicelogin"), "{}", text(&out));
    assert_eq!(controls(&out.stdout), b"", "{}", text(&out));
    assert_eq!(controls(&out.stderr), b"", "{}", text(&out));
}
