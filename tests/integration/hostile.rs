//! Running the `pc-onboard` binary against a hostile Partner Center (the
//! `fake_server`: any answer a test scripts), for the tests of misbehaving
//! services: the reliability suites (`hostile_answers`) and the sign-in
//! and number ones (`hostile_numbers`, `hostile_secrets`, `mfa_answers`,
//! `mca_enhanced_guesses`), and the answers they have in common.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};

use crate::fake_server::{ApiReply, FakeServer, Seen, json, serve, tokens_numbered};
use crate::support::{TEST_CLIENT_SECRET, bin};

/// A server answering tokens for an hour and every API call with `reply`;
/// its base URL.
pub async fn hostile(
    reply: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> (String, Arc<FakeServer>) {
    let reply: ApiReply = Box::new(reply);
    serve(tokens_numbered("3600"), reply).await
}

/// `pc-onboard ARGS` (not started) with credentials and endpoints pointing
/// at `base`.
pub fn command_at<S: AsRef<std::ffi::OsStr>>(base: &str, args: &[S]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args);
    with_env_for(cmd, base)
}

/// `pc-onboard ARGS` against `base`, with at most `files` open files
/// (`ulimit -n`).
#[cfg(unix)]
pub fn command_with_open_files<S: AsRef<std::ffi::OsStr>>(
    base: &str,
    args: &[S],
    files: u32,
) -> tokio::process::Command {
    let cmd = crate::support::behind_shell("sh", &format!("ulimit -n {files}"), args);
    with_env_for(cmd, base)
}

/// `cmd` with only credentials and endpoints pointing at `base`.
fn with_env_for(cmd: tokio::process::Command, base: &str) -> tokio::process::Command {
    let credentials = [
        ("PC_TENANT_ID", "partner.onmicrosoft.com"),
        ("PC_CLIENT_ID", "test-app"),
        ("PC_CLIENT_SECRET", TEST_CLIENT_SECRET),
    ];
    with_only(cmd, base, &credentials)
}

/// `cmd` with nothing in its environment but `PATH`, `base` as endpoint
/// and authority, and `vars`.
fn with_only(
    mut cmd: tokio::process::Command,
    base: &str,
    vars: &[(&str, &str)],
) -> tokio::process::Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PC_ENDPOINT", base)
        .env("PC_AUTHORITY", base)
        .kill_on_drop(true);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd
}

/// `pc-onboard ARGS` to the end, against the server at `base` (API and
/// authority), with nothing else in its environment but `PATH` and `vars`
/// (the credentials are the test's).
pub async fn run_against_server<S: AsRef<std::ffi::OsStr>>(
    base: &str,
    args: &[S],
    vars: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args);
    with_only(cmd, base, vars).output().await.unwrap()
}

/// Run `pc-onboard ARGS` against `base`, killed after `guard` (a hang
/// guard, not a speed bound: the test fails naming it).
pub async fn run_at<S: AsRef<std::ffi::OsStr>>(
    base: &str,
    args: &[S],
    guard: std::time::Duration,
) -> std::process::Output {
    let run = command_at(base, args).output();
    match tokio::time::timeout(guard, run).await {
        Ok(out) => out.expect("run the binary"),
        Err(_) => panic!("the run did not end within {guard:?}"),
    }
}

/// Whether `seen` is a create call.
pub fn is_create(seen: &Seen) -> bool {
    seen.method == axum::http::Method::POST && seen.path == "/v1/customers"
}

/// The domain a create call asked for (`companyProfile.domain`).
pub fn domain_sent(seen: &Seen) -> String {
    let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap_or_default();
    body["companyProfile"]["domain"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// An answer with `status`, `headers` and a JSON `body`.
pub fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
    let mut response = json(status, body);
    for (name, value) in headers {
        if let Ok(value) = axum::http::HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    response.into_response()
}

/// A one-row input (domain `hostile1`) in `dir`; its path.
pub fn one_row(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in.csv");
    crate::support::write_customers(&input, 1, "hostile");
    input
}

/// The 201 answer to a create: the customer of the posted body's domain,
/// with fresh GUIDs and an initial password.
pub fn created(call: &Seen) -> Response {
    let domain = domain_sent(call);
    let id = uuid::Uuid::new_v4();
    json(
        201,
        format!(
            r#"{{"id":"{id}","commerceId":"{id}","companyProfile":{{"tenantId":"{id}","domain":"{domain}"}},"userCredentials":{{"userName":"admin","password":"Pw-{id}"}}}}"#
        ),
    )
}

/// An empty customer search.
pub fn no_customers() -> Response {
    json(
        200,
        r#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#,
    )
}
