//! A panic on a server's number: a token answer whose `expires_in` (and
//! `ext_expires_in`) is 18446744073709551615, at the start of a run and as
//! a refresh answer mid-run, and a 429 whose message says "Try again in
//! 18446744073709551615 minutes". No server answer may panic the process:
//! the lifetime is clamped (and the log says so), the absurd wait counts
//! as no wait given, and the run goes on.

use crate::fake_server::{Seen, TokenCall, json, serve};
use crate::hostile::{created, no_customers, run_against_server};
use crate::support::*;

use axum::response::Response;

const HUGE: &str = "18446744073709551615";

fn token(n: usize, expires_in: &str) -> Response {
    json(
        200,
        format!(
            r#"{{"token_type":"Bearer","expires_in":{expires_in},"ext_expires_in":{expires_in},"access_token":"numbers-access-{n}"}}"#
        ),
    )
}

/// Creates answer 201, but the second API call is a `401`: the client
/// fetches a new token mid-run.
fn api(call: &Seen) -> Response {
    match (call.method.as_str(), call.index) {
        ("GET", _) => no_customers(),
        (_, 1) => json(401, r#"{"code":"401","description":"expired"}"#),
        _ => created(call),
    }
}

async fn run(
    token_reply: fn(&TokenCall, &[TokenCall]) -> Response,
) -> (std::process::Output, Results) {
    run_with(token_reply, api).await
}

async fn run_with(
    token_reply: fn(&TokenCall, &[TokenCall]) -> Response,
    api_reply: fn(&Seen) -> Response,
) -> (std::process::Output, Results) {
    let (base, _server) = serve(Box::new(token_reply), Box::new(api_reply)).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 5, "num");
    let results = dir.path().join("results.csv");
    let args = run_args(&input, &results, &["--concurrency", "1"]);
    let vars = [
        ("PC_TENANT_ID", "partner.onmicrosoft.com"),
        ("PC_CLIENT_ID", "numbers-app"),
        ("PC_CLIENT_SECRET", "numbers-secret-value"),
    ];
    let out = run_against_server(&base, &args, &vars).await;
    let results = Results::read(&results);
    (out, results)
}

#[tokio::test]
async fn a_token_lifetime_of_u64_max_at_the_start_is_clamped_and_said() {
    let (out, results) = run(|call, _| token(call.index, &format!("\"{HUGE}\""))).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(results.count("created"), 5, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(HUGE), "the clamp is said: {stderr}");
}

#[tokio::test]
async fn a_refresh_answer_with_a_lifetime_of_u64_max_mid_run_panics_no_task() {
    let (out, results) = run(|call, _| {
        let expires_in = if call.index == 0 { "3600" } else { HUGE };
        token(call.index, expires_in)
    })
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(
        results.count("created"),
        5,
        "every row recorded: {}",
        text(&out)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[tokio::test]
async fn a_429_asking_for_u64_max_minutes_is_a_wait_not_given_and_panics_no_task() {
    let (out, results) = run_with(
        |call, _| token(call.index, "3600"),
        |call| match (call.method.as_str(), call.index) {
            ("GET", _) => no_customers(),
            (_, 0 | 2) => json(
                429,
                format!(r#"{{"statusCode":429,"message":"Rate limit is exceeded. Try again in {HUGE} minutes."}}"#),
            ),
            _ => created(call),
        },
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(results.count("created"), 5, "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
