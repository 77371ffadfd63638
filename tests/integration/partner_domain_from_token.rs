//! The partner's own e-mail domain from the signed-in token (README, the
//! `email` column: the partner's own domains come from the config file and,
//! when signed in, from the token): a customer e-mail on the domain of the App+User
//! user (`admin@sandbox-partner.onmicrosoft.com` in the sandbox) is
//! refused offline, before anything is sent, as one on a `partner_domains`
//! domain is.

use std::path::{Path, PathBuf};

use crate::run_mca::run_app_user;
use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country";

/// The domain of the sandbox's signed-in user.
const SIGNED_IN_DOMAIN: &str = "sandbox-partner.onmicrosoft.com";

/// One row whose e-mail is on the signed-in user's domain, one that is not.
fn write(path: &Path) {
    let text = format!(
        "{HEADER}\n\
         P-1,Tokenmail Ltd,tokenmailone,billing@{SIGNED_IN_DOMAIN},en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n\
         P-2,Othermail Ltd,tokenmailtwo,billing@othermail.example,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n"
    );
    std::fs::write(path, text).unwrap();
}

/// A temporary directory with the input written, a fresh sandbox, and
/// where the results go.
async fn setup() -> (
    tempfile::TempDir,
    pc_onboard::sandbox::RunningSandbox,
    PathBuf,
    PathBuf,
) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write(&input);
    let results = dir.path().join("results.csv");
    (dir, sandbox(quiet()).await, input, results)
}

#[tokio::test]
async fn an_email_on_the_signed_in_users_domain_is_refused_before_it_is_sent() {
    let (_dir, sb, input, results) = setup().await;
    let out = run_app_user(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["invalid", "created"], "{}", text(&out));
    assert_eq!(r.column("error_code")[0], "27017");
    assert!(
        r.column("error")[0].contains(&format!("on the partner's own domain {SIGNED_IN_DOMAIN}")),
        "{}",
        r.column("error")[0]
    );
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 1);
}

#[tokio::test]
async fn without_a_sign_in_the_token_adds_no_domain() {
    let (_dir, sb, input, results) = setup().await;
    let before = sb.state().stats().calls_to("POST /v1/customers");
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "6000"])).await;
    // Not refused here (no token names the domain): sent, and refused by
    // the service, which knows its partner's domain.
    assert_eq!(code(&out), 2, "{}", text(&out));
    let sent = sb.state().stats().calls_to("POST /v1/customers") - before;
    assert_eq!(sent, 2, "both rows sent");
    let r = Results::read(&results);
    assert_eq!(r.column("status"), ["rejected", "created"]);
    assert_eq!(r.column("error_code")[0], "27017");
}

#[tokio::test]
async fn validate_online_refuses_it_too() {
    let (_dir, sb, input, results) = setup().await;
    let (input, results) = (input.to_str().unwrap(), results.to_str().unwrap());
    let args: Vec<String> = ["validate", "--online", input, "--results", results]
        .map(str::to_owned)
        .to_vec();
    let out = run_app_user(&sb, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(Path::new(results));
    assert_eq!(r.column("status"), ["invalid", "valid"], "{}", text(&out));
    assert_eq!(r.column("error_code")[0], "27017");
}

#[tokio::test]
async fn offline_validate_refuses_it_when_the_login_cache_holds_a_sign_in() {
    use crate::signin_support::{Place, command, login};
    let sb = sandbox(quiet()).await;
    let place = Place::new();
    let input = place.path("in.csv");
    write(&input);
    let validate = ["validate", input.to_str().unwrap(), "--json"];
    let before = command(&sb, &place, &validate, &[]).output().await.unwrap();
    assert_eq!(code(&before), 0, "nobody signed in: {}", text(&before));
    assert_eq!(code(&login(&sb, &place).await), 0);
    let calls = sb
        .state()
        .stats()
        .calls_of_kind(pc_onboard::sandbox::TokenKind::AppUser);
    let out = command(&sb, &place, &validate, &[]).output().await.unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let rows = json_lines(&out.stdout);
    assert_eq!(rows[0]["problems"][0]["code"], "27017", "{rows:?}");
    assert_eq!(rows[1]["status"], "valid");
    let after = sb
        .state()
        .stats()
        .calls_of_kind(pc_onboard::sandbox::TokenKind::AppUser);
    assert_eq!(after, calls, "offline: nothing sent");
}
