//! Partner Center's `401` for an App+User call without MFA: Microsoft
//! publishes the code (`900421`), not the body. Whatever shape the body
//! takes (the usual envelope with a numeric or a string code, an OData-style
//! nested error, plain text), the run stops with the advice to sign in again,
//! after one refused call and without a token refresh loop.

use crate::fake_server::{Seen, TokenCall, json, serve};
use crate::hostile::{no_customers, run_against_server};
use crate::support::*;

use axum::response::Response;

const BODIES: [&str; 4] = [
    r#"{"code":900421,"description":"Multi-factor authentication is required."}"#,
    r#"{"code":"900421","description":"Multi-factor authentication is required.","data":[],"source":"PartnerFD"}"#,
    r#"{"error":{"code":"900421","message":"MFA required"}}"#,
    "Unauthorized (900421): multi-factor authentication is required",
];

fn token(call: &TokenCall, _: &[TokenCall]) -> Response {
    let n = call.index;
    json(
        200,
        format!(r#"{{"token_type":"Bearer","expires_in":"3600","access_token":"mfa-opaque-{n}"}}"#),
    )
}

#[tokio::test]
async fn a_401_900421_in_any_body_stops_the_run_after_one_call_without_a_refresh_loop() {
    for (i, body) in BODIES.iter().enumerate() {
        let api = move |call: &Seen| match call.method.as_str() {
            "GET" => no_customers(),
            _ => json(401, BODIES[i]),
        };
        let (base, server) = serve(Box::new(token), Box::new(api)).await;
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        write_customers(&input, 3, "mfa");
        let results = dir.path().join("results.csv");
        let args = run_args(&input, &results, &["--concurrency", "1"]);
        let vars = [
            ("PC_CLIENT_ID", "native-app"),
            ("PC_REFRESH_TOKEN", "mfa-refresh-token-value"),
        ];
        let out = run_against_server(&base, &args, &vars).await;
        assert_eq!(code(&out), 1, "{body}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("pc-onboard login"), "{body}: {stderr}");
        let creates = server.seen().iter().filter(|c| c.method == "POST").count();
        assert_eq!(creates, 1, "{body}: one refused call, then the run stopped");
        let tokens = server.token_calls().len();
        assert!(
            tokens <= 2,
            "{body}: {tokens} token requests (at most one after the 401)"
        );
    }
}
