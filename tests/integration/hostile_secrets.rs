//! Secrets echoed back by a server: an API whose error
//! bodies quote the request's `Authorization` header, and a token
//! authority that rotates the refresh token, then echoes every posted form
//! in its error description. No secret the process holds (client secret,
//! the refresh token given and the rotated one, every access token) may
//! reach stdout, stderr at `-vv`, the results or the summary file.

use crate::fake_server::{Seen, TokenCall, json, serve};
use crate::hostile::{no_customers, run_against_server};
use crate::support::*;

use axum::response::Response;

const CLIENT_SECRET: &str = "hostile-client-secret-5150";
const REFRESH_TOKEN: &str = "hostile-given-refresh-token-2112";
const ROTATED: &str = "hostile-rotated-refresh-token-0042";
const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

/// The authority: the first request of each grant gets a token (the
/// refresh-token grant a rotated refresh token too); every later one is
/// refused with the posted form echoed in the description.
fn authority(call: &TokenCall, before: &[TokenCall]) -> Response {
    let grant = call.form.get("grant_type").cloned().unwrap_or_default();
    let earlier = call.index;
    let first_of_grant = !before
        .iter()
        .any(|b| b.form.get("grant_type") == Some(&grant));
    if first_of_grant && grant == "refresh_token" {
        return json(
            200,
            format!(
                r#"{{"token_type":"Bearer","expires_in":"3600","access_token":"hostile-user-access-{earlier}","refresh_token":"{ROTATED}"}}"#
            ),
        );
    }
    if first_of_grant {
        return json(
            200,
            format!(
                r#"{{"token_type":"Bearer","expires_in":"3600","access_token":"hostile-app-access-{earlier}"}}"#
            ),
        );
    }
    let echo = serde_json::json!({
        "error": "invalid_grant",
        "error_description": format!("AADSTS70000: we received {} and {}", call.raw, call.form.values().cloned().collect::<Vec<_>>().join(" ")),
    });
    json(400, echo.to_string())
}

/// The API: every create is refused, quoting the `Authorization` header
/// and the bare token; the second one is a `401` (the client refreshes,
/// and the authority echoes the form).
fn api(call: &Seen) -> Response {
    if call.method == axum::http::Method::GET {
        return no_customers();
    }
    let bare = call.authorization().trim_start_matches("Bearer ");
    if call.index == 1 {
        return json(
            401,
            format!(r#"{{"code":"401","description":"token {bare} is not accepted"}}"#),
        );
    }
    json(
        400,
        format!(
            r#"{{"code":2000,"description":"Bad request. Headers received: Authorization: {}; MS-Contract-Version: v1; token={bare}"}}"#,
            call.authorization()
        ),
    )
}

fn input(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("in.csv");
    let mut text = String::from(
        "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,associated_partner_id\n",
    );
    for i in 0..4 {
        text.push_str(&format!(
            "H-{i},Hostile {i} Inc,hostile{i},ap{i}@example.com,en-US,en,Ann,Lee,425 555 0100,1 Main St,Redmond,WA,98052,US,{RESELLER}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn secrets_a_server_echoes_back_are_scrubbed_from_every_output() {
    let (base, server) = serve(Box::new(authority), Box::new(api)).await;
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let results = dir.path().join("results.csv");
    let summary = dir.path().join("summary.json");
    let summary_arg = summary.to_str().unwrap();
    let args = run_args(
        &input,
        &results,
        &["--concurrency", "1", "--summary-json", summary_arg, "-vv"],
    );
    let vars = [
        ("PC_TENANT_ID", "partner.onmicrosoft.com"),
        ("PC_CLIENT_ID", "hostile-app"),
        ("PC_CLIENT_SECRET", CLIENT_SECRET),
        ("PC_REFRESH_TOKEN", REFRESH_TOKEN),
    ];
    let out = run_against_server(&base, &args, &vars).await;
    assert_ne!(code(&out), 101, "no panic: {}", text(&out));
    let tokens = server.token_calls();
    assert!(
        tokens
            .iter()
            .any(|t| t.index > 0 && t.raw.contains(ROTATED)),
        "the rotated refresh token was posted (and echoed): {tokens:?}"
    );
    let mut secrets = vec![
        CLIENT_SECRET.to_owned(),
        REFRESH_TOKEN.to_owned(),
        ROTATED.to_owned(),
    ];
    for t in &tokens {
        secrets.push(format!("hostile-user-access-{}", t.index));
        secrets.push(format!("hostile-app-access-{}", t.index));
    }
    let texts = [
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
        (
            "results",
            std::fs::read_to_string(&results).unwrap_or_default(),
        ),
        (
            "summary",
            std::fs::read_to_string(&summary).unwrap_or_default(),
        ),
    ];
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    eprintln!(
        "{} secrets searched in {bytes} bytes of stdout, stderr (-vv), results and summary",
        secrets.len()
    );
    for (what, text) in &texts {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{secret} in {what}:\n{text}"
            );
        }
    }
    let results_text = &texts[2].1;
    assert!(
        results_text.contains("[REDACTED]"),
        "the echoed header is in the error column, scrubbed: {results_text}"
    );
}
