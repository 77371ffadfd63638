//! Secrets (docs/reliability.md, section 7): every initial password the sandbox handed
//! out, every access and refresh token it issued, and the client secret,
//! refresh token and access token given to the tool must appear nowhere in
//! the tool's stdout, stderr (at `RUST_LOG=pc_onboard=debug`, and `trace`
//! for every crate), results, summary or lock files; the passwords only in
//! the `--credentials-out` file.
//!
//! The tool talks to the sandbox through a small recording proxy in this
//! test, which is how the test learns the tokens the sandbox issued. The
//! runs go through the paths that handle credentials: creations, replays
//! (the same request again hands the password out again), a 500 and a
//! dropped connection after creating, a timeout, a 429, a 503, a domain
//! conflict resolved by look-up, a dry run, and all three ways to
//! authenticate.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pc_onboard::sandbox::{Fault, RunningSandbox};
use support::*;

const REFRESH_TOKEN: &str = "refresh-token-secret-4711";

struct Proxy {
    upstream: String,
    client: reqwest::Client,
    tokens: Mutex<Vec<String>>,
}

async fn forward(State(p): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut call = p
        .client
        .request(parts.method.clone(), format!("{}{path}", p.upstream));
    for (name, value) in &parts.headers {
        if name != header::HOST {
            call = call.header(name, value);
        }
    }
    let Ok(answer) = call.body(body).send().await else {
        // The sandbox dropped the connection: drop ours too (a 502 is close enough).
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    if parts.uri.path().ends_with("/oauth2/token")
        && let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes)
    {
        let mut tokens = p.tokens.lock().unwrap();
        for key in ["access_token", "refresh_token", "id_token"] {
            if let Some(t) = json[key].as_str() {
                tokens.push(t.to_owned());
            }
        }
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

async fn start_proxy(upstream: &str) -> (String, Arc<Proxy>) {
    let proxy = Arc::new(Proxy {
        upstream: upstream.to_owned(),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        tokens: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let url = crate::fake_server::spawn_router(app).await;
    (url, proxy)
}

/// Everything one run left behind that must be free of secrets.
struct Leftovers {
    label: String,
    texts: Vec<(String, Vec<u8>)>,
}

fn collect(label: &str, out: &std::process::Output, files: &[PathBuf]) -> Leftovers {
    let mut texts = vec![
        ("stdout".to_owned(), out.stdout.clone()),
        ("stderr".to_owned(), out.stderr.clone()),
    ];
    for f in files {
        if let Ok(bytes) = std::fs::read(f) {
            texts.push((f.display().to_string(), bytes));
        }
    }
    Leftovers {
        label: label.to_owned(),
        texts,
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
}

/// Every file in `dir` except the credentials file and the inputs.
fn files_in(dir: &Path, except: &[&Path]) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !except.iter().any(|x| x == p))
        .collect()
}

/// Runs of `pc-onboard run` through the recording proxy at debug level,
/// their results and summaries in `dir`.
struct Runner<'a> {
    sb: &'a RunningSandbox,
    proxy_url: String,
    dir: &'a Path,
}

impl Runner<'_> {
    /// The run called `name` of `input` with `extra` arguments and `env`.
    fn run(
        &self,
        name: &str,
        input: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> (tokio::process::Command, String) {
        let results = self.dir.join(format!("{name}-results.csv"));
        let summary = self.dir.join(format!("{name}-summary.json"));
        let mut args = run_args(input, &results, extra);
        args.extend(["--summary-json".to_owned(), summary.display().to_string()]);
        let mut cmd = command_against(self.sb, &args);
        cmd.env("PC_ENDPOINT", &self.proxy_url)
            .env("PC_AUTHORITY", &self.proxy_url)
            .env("RUST_LOG", "pc_onboard=debug");
        for (k, v) in env {
            cmd.env(k, v);
        }
        (cmd, name.to_owned())
    }
}

/// Runs 1 and 2: creations through every fault kind, keeping the passwords
/// in `creds`; the same rows again, results elsewhere: replays hand the
/// passwords out again, this time discarded. Everything at trace level.
async fn create_then_replay(
    runner: &Runner<'_>,
    input: &Path,
    creds: &Path,
) -> Vec<(String, std::process::Output)> {
    let sb = runner.sb;
    let mut all = Vec::new();
    // 1. Creations through every fault kind, keeping the passwords.
    sb.state().script_faults([
        Fault::ServerErrorAfterCreate,
        Fault::Drop,
        Fault::Delay(Duration::from_millis(2500)),
        Fault::Throttle {
            retry_after_secs: 1,
        },
        Fault::ServiceUnavailable,
    ]);
    let creds_arg = creds.display().to_string();
    let (mut cmd, name) = runner.run(
        "create",
        input,
        &[
            "--rate",
            "60000",
            "--timeout",
            "1",
            "--credentials-out",
            &creds_arg,
        ],
        &[],
    );
    let out = cmd.output().await.unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    all.push((name, out));

    // 2. The same rows again, results elsewhere: replays hand the passwords
    //    out again; this time they are discarded. Everything at trace level.
    let (mut cmd, name) = runner.run(
        "replay",
        input,
        &["--rate", "60000"],
        &[("RUST_LOG", "trace")],
    );
    let out = cmd.output().await.unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(sb.state().stats().replays >= 12);
    all.push((name, out));
    all
}

/// An access token the sandbox issued, asked for outside the tool.
async fn issued_access_token(sb: &RunningSandbox) -> String {
    let answer = reqwest::Client::new()
        .post(format!("{}/partner/oauth2/token", sb.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=x&client_secret=y&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com")
        .send()
        .await
        .unwrap();
    let json: serde_json::Value = answer.json().await.unwrap();
    json["access_token"].as_str().unwrap().to_owned()
}

/// Runs 3 and 4 of `changed` (the same domains, other bodies): 409s and
/// look-ups with an App+User token from a refresh token; a dry run with the
/// ready access token `given`, the most verbose flags and JSON log lines.
async fn conflict_then_dry_run(
    runner: &Runner<'_>,
    changed: &Path,
    given: &str,
) -> Vec<(String, std::process::Output)> {
    let mut all = Vec::new();
    // 3. Changed bodies for taken domains: 409 and look-ups, App+User token
    //    from a refresh token.
    let (mut cmd, name) = runner.run(
        "conflict",
        changed,
        &["--rate", "60000"],
        &[
            ("PC_REFRESH_TOKEN", REFRESH_TOKEN),
            ("PC_CLIENT_SECRET", ""),
        ],
    );
    cmd.env_remove("PC_CLIENT_SECRET");
    let out = cmd.output().await.unwrap();
    assert!(code(&out) == 0 || code(&out) == 2, "{}", text(&out));
    all.push((name, out));

    // 4. A dry run with a ready access token (one the sandbox issued), with
    //    the most verbose flags and JSON log lines instead of RUST_LOG.
    let (mut cmd, name) = runner.run(
        "dry",
        changed,
        &["--dry-run", "-vvv", "--log-format", "json"],
        &[("PC_ACCESS_TOKEN", given)],
    );
    cmd.env_remove("RUST_LOG");
    let out = cmd.output().await.unwrap();
    assert!(code(&out) == 0 || code(&out) == 2, "{}", text(&out));
    all.push((name, out));
    all
}

/// What must not leak, with what each is: the initial passwords, the
/// tokens the proxy saw issued, the secrets given to the tool.
fn secrets(passwords: &[String], proxy: &Proxy, given: &str) -> Vec<(String, String)> {
    let mut secrets: Vec<(String, String)> = passwords
        .iter()
        .map(|p| ("an initial password".to_owned(), p.clone()))
        .collect();
    for t in proxy.tokens.lock().unwrap().iter() {
        secrets.push(("an issued token".to_owned(), t.clone()));
    }
    assert!(
        secrets.len() > passwords.len(),
        "the proxy saw the issued tokens"
    );
    secrets.push((
        "the client secret".to_owned(),
        TEST_CLIENT_SECRET.to_owned(),
    ));
    secrets.push(("the refresh token".to_owned(), REFRESH_TOKEN.to_owned()));
    secrets.push(("the given access token".to_owned(), given.to_owned()));
    secrets
}

/// Where each secret appears in the runs' outputs and `files`; how many
/// bytes were searched.
fn leaks(
    all: &[(String, std::process::Output)],
    files: &[PathBuf],
    secrets: &[(String, String)],
) -> (Vec<String>, usize) {
    let leftovers: Vec<Leftovers> = all
        .iter()
        .map(|(name, out)| collect(name, out, files))
        .collect();
    let mut hits = Vec::new();
    let mut searched = 0usize;
    for l in &leftovers {
        for (what, bytes) in &l.texts {
            searched += bytes.len();
            for (kind, secret) in secrets {
                if contains(bytes, secret) {
                    hits.push(format!("{kind} in {} of run `{}`", what, l.label));
                }
            }
        }
    }
    (hits, searched)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_token_in_any_output_even_at_debug_level() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("in.csv");
    let changed = d.join("changed.csv");
    let creds = d.join("credentials.csv");
    write_customers(&input, 12, "sec");
    // The same customers with other company names: new bodies, so new
    // request ids, and the domains are taken: 409, then a look-up.
    let renamed = std::fs::read_to_string(&input)
        .unwrap()
        .replace(" Inc,", " Incorporated,");
    std::fs::write(&changed, renamed).unwrap();

    let sb = sandbox(quiet()).await;
    let (proxy_url, proxy) = start_proxy(sb.base_url()).await;
    let runner = Runner {
        sb: &sb,
        proxy_url,
        dir: d,
    };
    let mut all = create_then_replay(&runner, &input, &creds).await;
    let given = issued_access_token(&sb).await;
    all.extend(conflict_then_dry_run(&runner, &changed, &given).await);

    // What must not leak.
    let passwords = sb.state().issued_passwords();
    assert_eq!(
        passwords.len(),
        12,
        "one per customer (replays hand the same one out again)"
    );
    let secrets = secrets(&passwords, &proxy, &given);
    let files = files_in(d, &[&creds, &input, &changed]);
    let (hits, searched) = leaks(&all, &files, &secrets);
    assert!(hits.is_empty(), "secrets leaked: {hits:#?}");
    // The debug logs were on (the search covered something real).
    let debug = String::from_utf8_lossy(&all[0].1.stderr);
    assert!(debug.contains("partner center call"), "{debug}");

    // The passwords of this run's creations are in the credentials file.
    let creds_text = std::fs::read_to_string(&creds).unwrap();
    let created_passwords = passwords
        .iter()
        .filter(|p| creds_text.contains(p.as_str()))
        .count();
    assert!(created_passwords >= 12, "{created_passwords}");
    eprintln!(
        "secrets: {} secrets ({} passwords, {} issued tokens) searched in {} bytes of output, logs and files of {} runs: 0 hits",
        secrets.len(),
        passwords.len(),
        proxy.tokens.lock().unwrap().len(),
        searched,
        all.len()
    );
}
