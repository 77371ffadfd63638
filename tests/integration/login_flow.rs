//! `pc-onboard login` through the device-code flow against the sandbox,
//! then runs that use the login cache: the cache is private (0600 in a
//! 0700 directory), the run refreshes the sign-in at the v2 endpoint and
//! writes the rotated refresh token back, each call carries the kind of
//! token it needs, and no token reaches any output; `login --status` and
//! `logout`.

use crate::signin_support::*;
use crate::support::{Results, TEST_CLIENT_SECRET, code, quiet, sandbox, text};

use pc_onboard::sandbox::TokenKind;

const CREATE: &str = "POST /v1/customers";

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_device_code_sign_in_is_kept_privately_and_a_run_uses_it_without_a_token_in_any_output() {
    let sb = sandbox(quiet()).await;
    let place = Place::new();
    let vars = [("PC_LOGIN_CLIENT_ID", "native-app")];
    let out = run(&sb, &place, &["login", "-vv"], &vars).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/oauth2/v2.0/devicecode"),
        "traced: {stderr}"
    );
    assert!(
        stderr.contains("/sandbox/devicelogin") && stderr.contains("enter the code"),
        "{stderr}"
    );
    assert!(
        stderr.contains("signed in as admin@sandbox-partner.onmicrosoft.com"),
        "{stderr}"
    );
    assert!(stderr.contains("MFA: yes"), "{stderr}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&place.cache), 0o600);
        assert_eq!(mode(place.cache.parent().unwrap()), 0o700);
    }
    let stats = sb.state().stats();
    assert_eq!(stats.device_codes, 1);
    assert_eq!(stats.device_polls_too_soon, 0, "the interval is honoured");
    let leaked = leaks(&sb, &out, &[], &[]);
    assert!(leaked.is_empty(), "login -vv printed {leaked:?}");
    let signed_in = cached_refresh_token(&place);

    let (input, results, summary) = (
        place.path("in.csv"),
        place.path("r.csv"),
        place.path("s.json"),
    );
    input_rows(&input);
    let summary_arg = summary.to_str().unwrap();
    let args = run_args(&input, &results, &["--summary-json", summary_arg, "-vv"]);
    let out = run(&sb, &place, &args, &APP_ONLY).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), 4);
    let stats = sb.state().stats();
    assert_eq!(stats.calls_with(CREATE, TokenKind::AppOnly), 2, "{stats:?}");
    assert_eq!(stats.calls_with(CREATE, TokenKind::AppUser), 2, "{stats:?}");
    let rotated = cached_refresh_token(&place);
    assert_ne!(
        rotated, signed_in,
        "the rotated refresh token is written back"
    );
    #[cfg(unix)]
    assert_eq!(
        mode(&place.cache),
        0o600,
        "still private after the rotation"
    );
    let secret = [TEST_CLIENT_SECRET.to_owned()];
    let leaked = leaks(&sb, &out, &[&results, &summary], &secret);
    assert!(leaked.is_empty(), "{leaked:?} in the run's output");
}

fn input_rows(path: &std::path::Path) {
    write_input(path, "signin", 2, 2);
}

#[tokio::test]
async fn status_says_who_is_signed_in_and_logout_removes_the_cache() {
    let sb = sandbox(quiet()).await;
    let place = Place::new();
    let out = run(&sb, &place, &["login", "--status"], &[]).await;
    assert_eq!(code(&out), 1, "nobody signed in: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("not signed in"));
    assert_eq!(code(&login(&sb, &place).await), 0);
    let out = run(&sb, &place, &["login", "--status"], &[]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "signed in: admin@sandbox-partner.onmicrosoft.com",
        "MFA:       yes",
        "client:    native-app",
        &format!("cloud:     global ({})", sb.base_url()),
    ] {
        assert!(stdout.contains(line), "{line:?} in {stdout}");
    }
    assert!(leaks(&sb, &out, &[], &[]).is_empty());
    let out = run(&sb, &place, &["logout"], &[]).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!place.cache.exists());
    assert_eq!(
        code(&run(&sb, &place, &["login", "--status"], &[]).await),
        1
    );
}

#[tokio::test]
async fn a_run_with_only_the_sign_in_sends_every_call_with_it() {
    let sb = sandbox(quiet()).await;
    let place = Place::new();
    assert_eq!(code(&login(&sb, &place).await), 0);
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    input_rows(&input);
    // PC_CLIENT_ID alone (the app the user signed in through) is not an
    // incomplete app-only set when there is a sign-in.
    let vars = [("PC_CLIENT_ID", "native-app")];
    let out = run(&sb, &place, &run_args(&input, &results, &[]), &vars).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stats = sb.state().stats();
    assert_eq!(stats.calls_with(CREATE, TokenKind::AppUser), 4, "{stats:?}");
    assert_eq!(stats.calls_of_kind(TokenKind::AppOnly), 0);
}

#[tokio::test]
async fn a_sign_in_for_another_authority_is_not_used_and_says_so() {
    let sb = sandbox(quiet()).await;
    let elsewhere = sandbox(quiet()).await;
    let place = Place::new();
    assert_eq!(code(&login(&elsewhere, &place).await), 0);
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    input_rows(&input);
    let out = run(&sb, &place, &run_args(&input, &results, &[]), &APP_ONLY).await;
    assert_eq!(code(&out), 2, "reseller rows invalid: {}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(elsewhere.base_url()) && stderr.contains("not used"),
        "{stderr}"
    );
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 2);
    assert_eq!(r.count("invalid"), 2);
    assert!(
        r.column("error")
            .iter()
            .any(|e| e.contains("pc-onboard login"))
    );
    assert_eq!(sb.state().stats().calls_of_kind(TokenKind::AppUser), 0);
}
