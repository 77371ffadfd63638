//! Helpers for the sign-in suites: the binary with a clean environment,
//! its login cache in a temporary directory, against a sandbox; inputs
//! with direct and indirect-reseller rows; looking for leaked tokens.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use pc_onboard::sandbox::RunningSandbox;

use crate::support::{TEST_CLIENT_SECRET, bin};

/// The indirect reseller's tenant id of the reseller rows.
pub const RESELLER: &str = "4b5a3c7e-2f1d-4e8a-9b6c-1d2e3f4a5b6c";

/// A temporary directory with the login cache's path in it.
pub struct Place {
    pub dir: tempfile::TempDir,
    pub cache: PathBuf,
}

impl Place {
    pub fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("config").join("login.json");
        Place { dir, cache }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// `pc-onboard ARGS` with nothing in its environment but `PATH`, the login
/// cache, the sandbox as endpoint and authority, and `vars`.
pub fn command(
    sb: &RunningSandbox,
    place: &Place,
    args: &[&str],
    vars: &[(&str, &str)],
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PC_LOGIN_CACHE", &place.cache)
        .env("PC_ENDPOINT", sb.base_url())
        .env("PC_AUTHORITY", sb.base_url());
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd
}

/// Run it to the end.
pub async fn run(
    sb: &RunningSandbox,
    place: &Place,
    args: &[&str],
    vars: &[(&str, &str)],
) -> Output {
    command(sb, place, args, vars).output().await.unwrap()
}

/// The app-only variables (the App+User app signs in with `PC_LOGIN_CLIENT_ID`).
pub const APP_ONLY: [(&str, &str); 3] = [
    ("PC_TENANT_ID", "partner.onmicrosoft.com"),
    ("PC_CLIENT_ID", "web-app"),
    ("PC_CLIENT_SECRET", TEST_CLIENT_SECRET),
];

/// `pc-onboard login` through the device code, as the native app.
pub async fn login(sb: &RunningSandbox, place: &Place) -> Output {
    run(
        sb,
        place,
        &["login"],
        &[("PC_LOGIN_CLIENT_ID", "native-app")],
    )
    .await
}

/// An input with `direct` rows, then `resellers` rows for [`RESELLER`].
pub fn write_input(path: &Path, tag: &str, direct: usize, resellers: usize) {
    let mut text = String::from(
        "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,associated_partner_id\n",
    );
    for i in 0..direct + resellers {
        let reseller = if i < direct { "" } else { RESELLER };
        text.push_str(&format!(
            "{tag}-{i},{tag} {i} Inc,{tag}{i},ap{i}@example.com,en-US,en,Ann,Lee,425 555 0100,1 Main St,Redmond,WA,98052,US,{reseller}\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// `run INPUT --results RESULTS --no-progress --rate 6000 EXTRA...` as strings.
pub fn run_args<'a>(input: &'a Path, results: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        input.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--no-progress",
        "--rate",
        "6000",
    ];
    args.extend(extra);
    args
}

/// Every issued token (and `more`) that appears in stdout, stderr or `files`.
pub fn leaks(sb: &RunningSandbox, out: &Output, files: &[&Path], more: &[String]) -> Vec<String> {
    let mut texts = vec![
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ];
    for f in files {
        texts.push(std::fs::read_to_string(f).unwrap_or_default());
    }
    let mut secrets = sb.state().issued_tokens();
    secrets.extend(more.iter().cloned());
    secrets
        .into_iter()
        .filter(|s| texts.iter().any(|t| t.contains(s.as_str())))
        .collect()
}

/// The refresh token in the login cache.
pub fn cached_refresh_token(place: &Place) -> String {
    let text = std::fs::read_to_string(&place.cache).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["refresh_token"].as_str().unwrap().to_owned()
}
