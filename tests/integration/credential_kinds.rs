//! Both kinds of credentials in one run, each call with the kind it needs;
//! an App+User token without MFA refused before any App+User call; a
//! `401` code `900421` mid-run stopping the run with the advice to sign in
//! again and at most one token request after it.

use crate::signin_support::*;
use crate::support::{Results, code, quiet, sandbox, text};

use pc_onboard::sandbox::{SandboxConfig, TokenKind};

const CREATE: &str = "POST /v1/customers";
const TOKEN: &str = "POST /{tenant}/oauth2/token";

/// App-only and App+User (`PC_REFRESH_TOKEN`) variables.
fn both_kinds() -> Vec<(&'static str, &'static str)> {
    let mut vars = APP_ONLY.to_vec();
    vars.push(("PC_REFRESH_TOKEN", "kinds-refresh-token"));
    vars
}

fn without_mfa(opaque_tokens: bool) -> SandboxConfig {
    SandboxConfig {
        app_user_mfa: false,
        opaque_tokens,
        ..quiet()
    }
}

#[tokio::test]
async fn a_run_with_both_kinds_sends_each_call_with_the_kind_it_needs() {
    let sb = sandbox(quiet()).await;
    let place = Place::new();
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    write_input(&input, "kinds", 3, 2);
    let out = run(&sb, &place, &run_args(&input, &results, &[]), &both_kinds()).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), 5);
    let stats = sb.state().stats();
    assert_eq!(stats.calls_with(CREATE, TokenKind::AppOnly), 3, "{stats:?}");
    assert_eq!(stats.calls_with(CREATE, TokenKind::AppUser), 2, "{stats:?}");
    assert_eq!(
        stats.calls_of_kind(TokenKind::AppUser),
        2,
        "only the reseller creates"
    );
}

#[tokio::test]
async fn an_app_user_token_without_mfa_is_refused_before_any_app_user_call() {
    let sb = sandbox(without_mfa(false)).await;
    let place = Place::new();
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    write_input(&input, "nomfa", 2, 2);
    let out = run(&sb, &place, &run_args(&input, &results, &[]), &both_kinds()).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("multi-factor") && stderr.contains("pc-onboard login"),
        "{stderr}"
    );
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 2, "the direct rows go on");
    assert_eq!(r.count("invalid"), 2);
    let errors = r.column("error");
    assert!(
        errors[2..]
            .iter()
            .all(|e| e.contains("pc-onboard login") && e.contains("nothing was sent")),
        "{errors:?}"
    );
    let stats = sb.state().stats();
    assert_eq!(stats.calls_of_kind(TokenKind::AppUser), 0, "{stats:?}");
    assert_eq!(stats.mfa_refusals, 0);
}

#[tokio::test]
async fn app_user_credentials_alone_without_mfa_stop_before_any_call() {
    let sb = sandbox(without_mfa(false)).await;
    let place = Place::new();
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    write_input(&input, "alone", 1, 1);
    let vars = [
        ("PC_CLIENT_ID", "native-app"),
        ("PC_REFRESH_TOKEN", "alone-refresh-token"),
    ];
    let out = run(&sb, &place, &run_args(&input, &results, &[]), &vars).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pc-onboard login"));
    let stats = sb.state().stats();
    assert_eq!(
        stats.calls_of_kind(TokenKind::AppUser) + stats.calls_of_kind(TokenKind::AppOnly),
        0
    );
}

#[tokio::test]
async fn a_401_900421_mid_run_stops_the_run_with_at_most_one_token_request_after_it() {
    // Opaque tokens: the client cannot check them, so the service refuses.
    let sb = sandbox(without_mfa(true)).await;
    let place = Place::new();
    let (input, results) = (place.path("in.csv"), place.path("r.csv"));
    write_input(&input, "mfa401", 3, 3);
    let args = run_args(&input, &results, &["--concurrency", "1"]);
    let out = run(&sb, &place, &args, &both_kinds()).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("900421") && stderr.contains("pc-onboard login"),
        "{stderr}"
    );
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 3, "the direct rows before it");
    assert_eq!(
        r.count("created") + r.count("failed") + r.count("cancelled"),
        6
    );
    let stats = sb.state().stats();
    assert_eq!(
        stats.mfa_refusals, 1,
        "one App+User call, then the run stopped: {stats:?}"
    );
    assert_eq!(
        stats.calls_of_kind(TokenKind::AppUser),
        0,
        "refused at the gate"
    );
    assert!(
        stats.calls_to(TOKEN) <= 3,
        "one per kind at the start, at most one after: {stats:?}"
    );
}
