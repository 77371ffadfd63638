//! `pc-onboard sandbox`: the first stdout line names the address, requests
//! are logged on stderr without secrets, Ctrl-C stops it cleanly.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
#![cfg(unix)]

use std::process::Stdio;

use pc_onboard::partner_center::resources::{TokenResponse, parse_json};
use secrecy::ExposeSecret;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use uuid::Uuid;

/// An access token from the sandbox at `base`.
async fn token(client: &reqwest::Client, base: &str) -> String {
    let token: TokenResponse = parse_json(
        &client
            .post(format!("{base}/tenant/oauth2/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "a"),
                ("client_secret", "b"),
            ])
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    token.access_token.expose_secret().to_owned()
}

/// Create one customer with `request_id`: its initial admin password.
async fn create_one(client: &reqwest::Client, base: &str, token: &str, request_id: &str) -> String {
    let body = serde_json::json!({
        "companyProfile": {"domain": "clitest.onmicrosoft.com"},
        "billingProfile": {"email": "a@clitest.example", "culture": "en-US", "language": "en",
            "companyName": "Cli Test", "defaultAddress": {"firstName": "Ann", "lastName": "Lee",
            "addressLine1": "1 Main St", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"}}
    });
    let created = client
        .post(format!("{base}/v1/customers"))
        .bearer_auth(token)
        .header("MS-RequestId", request_id)
        .header("MS-CorrelationId", Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = parse_json(&created.bytes().await.unwrap()).unwrap();
    created["userCredentials"]["password"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn sandbox_command_prints_its_address_logs_requests_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pc-onboard"))
        .args(["sandbox", "--listen", "127.0.0.1:0"])
        .env_remove("PC_SANDBOX_CLIENT_ID")
        .env_remove("PC_SANDBOX_CLIENT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).await.unwrap();
    let base = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let client = reqwest::Client::new();
    let token = token(&client, &base).await;
    let request_id = Uuid::new_v4().to_string();
    let password = create_one(&client, &base, &token, &request_id).await;

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().await.unwrap();
    assert!(exit.success(), "{exit:?}");

    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .await
        .unwrap();
    assert!(err.contains("POST /tenant/oauth2/token 200"), "{err}");
    // The banner names every variable a client needs.
    let banner = err.lines().find(|l| l.contains("for a client")).unwrap();
    for var in [
        "PC_ENDPOINT=",
        "PC_AUTHORITY=",
        "PC_TENANT_ID=",
        "PC_CLIENT_ID=",
        "PC_CLIENT_SECRET=",
    ] {
        assert!(banner.contains(var), "{var} missing: {banner}");
    }
    assert!(
        err.contains(&format!("POST /v1/customers 201 request-id={request_id}")),
        "{err}"
    );
    assert!(!err.contains(&token), "the token is never logged");
    assert!(!err.contains(&password), "the password is never logged");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert!(!rest.contains(&password));
}
