//! The client (the binary) against each way the sandbox can behave like the
//! documented service or fail like it: next links in every shape, success
//! bodies it cannot use, redirects, faults on every endpoint, far and odd
//! Retry-After values, a dead service.

use std::path::Path;
use std::time::{Duration, SystemTime};

use pc_onboard::sandbox::{BadBody, Endpoint, Fault, Paging, RetryAfter, SandboxConfig};

use crate::support::*;

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country";

/// Rows for `domains` (company names tagged `tag`).
fn write_rows(path: &Path, domains: &[&str], tag: &str) {
    let mut text = format!("{HEADER}\n");
    for (i, d) in domains.iter().enumerate() {
        text.push_str(&format!(
            "X-{i},{d} {tag},{d},ap@{d}.example,en-US,en,Ann,Lee,+1 425 555 0100,{} Main St,Redmond,WA,98052,US\n",
            i + 1
        ));
    }
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn existing_customers_are_found_across_pages_in_every_paging_shape() {
    // "pgc" is a prefix of every other domain: finding it pages through all.
    let domains = ["pgc1", "pgc2", "pgc3", "pgc4", "pgc5", "pgc6", "pgc"];
    for paging in [Paging::Headers, Paging::Uri, Paging::Token] {
        let dir = tempfile::tempdir().unwrap();
        let sb = sandbox(SandboxConfig {
            paging,
            max_page_size: 2,
            ..quiet()
        })
        .await;
        let input = dir.path().join("first.csv");
        write_rows(&input, &domains, "Inc");
        let first = dir.path().join("first-results.csv");
        let out = run_against(&sb, &run_args(&input, &first, &["--rate", "6000"])).await;
        assert_eq!(code(&out), 0, "{paging:?}: {}", text(&out));
        // The same customers again, with other data: new request ids, so
        // every create is answered "domain taken" and looked up.
        let again = dir.path().join("again.csv");
        write_rows(&again, &domains, "Ltd");
        let second = dir.path().join("second-results.csv");
        let out = run_against(&sb, &run_args(&again, &second, &["--rate", "6000"])).await;
        assert_eq!(code(&out), 0, "{paging:?}: {}", text(&out));
        let (r1, r2) = (Results::read(&first), Results::read(&second));
        assert_eq!(r2.count("exists"), domains.len(), "{paging:?}");
        assert_eq!(r2.column("customer_id"), r1.column("customer_id"));
        assert!(
            sb.state().stats().calls_to("GET /v1/customers") >= 4 + 6,
            "{paging:?}: pgc needs 4 pages of 2"
        );
    }
}

#[tokio::test]
async fn an_unusable_create_answer_is_replayed_and_the_customer_created_once() {
    for bad in BadBody::ALL {
        let dir = tempfile::tempdir().unwrap();
        let sb = sandbox(quiet()).await;
        sb.state()
            .script_faults_on(Endpoint::Create, [Fault::Body(bad)]);
        let input = dir.path().join("in.csv");
        write_rows(&input, &["badbody"], "Inc");
        let results = dir.path().join("results.csv");
        let out = run_against(&sb, &run_args(&input, &results, &[])).await;
        assert_eq!(code(&out), 0, "{bad:?}: {}", text(&out));
        let r = Results::read(&results);
        assert_eq!(r.column("status"), ["created"], "{bad:?}");
        assert_eq!(r.column("attempts"), ["2"], "{bad:?}: replayed once");
        let stats = sb.state().stats();
        assert_eq!((stats.customers, stats.replays), (1, 1), "{bad:?}");
    }
}

#[tokio::test]
async fn a_create_answered_with_a_redirect_is_not_sent_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let elsewhere = sandbox(quiet()).await;
    let location = format!("{}/v1/customers", elsewhere.base_url());
    sb.state().script_faults_on(
        Endpoint::Create,
        [Fault::Redirect {
            status: 307,
            location: location.clone(),
        }],
    );
    let input = dir.path().join("in.csv");
    write_rows(&input, &["redir1", "redir2"], "Inc");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &["--concurrency", "1"])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains(&location), "{}", text(&out));
    assert!(text(&out).contains("follows no redirect"), "{}", text(&out));
    assert!(
        elsewhere.state().stats().calls.is_empty(),
        "nothing re-sent"
    );
    assert_eq!(sb.state().stats().customers, 0);
    let r = Results::read(&results);
    // Whichever row's create came first met the redirect; the other was not sent.
    let mut statuses = r.column("status");
    statuses.sort();
    assert_eq!(statuses, ["cancelled", "failed"], "{:?}", r.column("error"));
}

#[tokio::test]
async fn a_redirected_token_request_never_posts_the_secret_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let elsewhere = sandbox(quiet()).await;
    let location = format!(
        "{}/partner.onmicrosoft.com/oauth2/token",
        elsewhere.base_url()
    );
    sb.state().script_faults_on(
        Endpoint::Token,
        [Fault::Redirect {
            status: 307,
            location: location.clone(),
        }],
    );
    let input = dir.path().join("in.csv");
    write_rows(&input, &["tokredir"], "Inc");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains(&location), "{}", text(&out));
    assert!(!text(&out).contains(TEST_CLIENT_SECRET));
    assert_eq!(elsewhere.state().stats().tokens_issued, 0);
    assert!(elsewhere.state().stats().calls.is_empty());
}

#[tokio::test]
async fn a_token_endpoint_that_fails_once_at_start_is_retried_and_the_run_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults_on(Endpoint::Token, [Fault::ServiceUnavailable]);
    let input = dir.path().join("in.csv");
    write_rows(&input, &["tokonce1", "tokonce2"], "Inc");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("created"), 2);
    let stats = sb.state().stats();
    assert_eq!(stats.faults_at("token"), 1, "{stats:?}");
    assert_eq!(stats.tokens_issued, 1);
}

#[tokio::test]
async fn a_token_answer_without_an_access_token_stops_the_run_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    sb.state()
        .script_faults_on(Endpoint::Token, [Fault::Body(BadBody::NoId)]);
    let input = dir.path().join("in.csv");
    write_rows(&input, &["toknoid"], "Inc");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    let log = text(&out);
    assert_eq!(code(&out), 1, "{log}");
    assert!(log.contains("the answer has no access_token"), "{log}");
    assert!(log.contains("--authority"), "{log}");
    assert!(!log.contains(TEST_CLIENT_SECRET));
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 0);
}

/// Faults on every `/v1` endpoint at this rate, reproducibly.
fn faulty(rate: f64) -> SandboxConfig {
    SandboxConfig {
        fail_rate: rate,
        fail_on: Endpoint::API.to_vec(),
        seed: Some(11),
        ..quiet()
    }
}

#[tokio::test]
async fn online_checks_survive_a_fifth_of_every_call_failing() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(faulty(0.2)).await;
    // One country: its rules are asked once; make that one call fail too.
    sb.state()
        .script_faults_on(Endpoint::Rules, [Fault::ServiceUnavailable, Fault::Drop]);
    let input = dir.path().join("in.csv");
    write_customers(&input, 60, "onl");
    let results = dir.path().join("results.csv");
    let out = run_against(
        &sb,
        &[
            "validate",
            input.to_str().unwrap(),
            "--online",
            "--rate",
            "6000",
            "--results",
            results.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).count("valid"), 60);
    let stats = sb.state().stats();
    for endpoint in ["domains", "rules", "address"] {
        assert!(stats.faults_at(endpoint) > 0, "{endpoint} was faulted");
    }
    assert!(!text(&out).contains("stopped early"), "{}", text(&out));
}

#[tokio::test]
async fn mca_attestation_survives_a_fifth_of_every_call_failing() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(faulty(0.2)).await;
    let input = dir.path().join("in.csv");
    let mut text_in = format!("{HEADER},mca_date\n");
    for i in 0..40 {
        text_in.push_str(&format!(
            "M-{i},Mca {i} Inc,mcaflt{i},ap@mcaflt{i}.example,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,Redmond,WA,98052,US,2026-11-02\n"
        ));
    }
    std::fs::write(&input, text_in).unwrap();
    let results = dir.path().join("results.csv");
    let legacy = ["--rate", "6000", "--mca-flow", "legacy"];
    let out = command_against(&sb, &run_args(&input, &results, &legacy))
        .env("PC_REFRESH_TOKEN", "test-refresh-token")
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 40);
    assert!(
        r.column("mca_status")
            .iter()
            .all(|s| s == "attested" || s == "already_attested"),
        "{:?}",
        r.column("mca_status")
    );
    let stats = sb.state().stats();
    assert_eq!(stats.customers, 40, "no duplicate customer");
    assert!(
        stats.faults_at("attest") > 0
            && stats.faults_at("agreements") + stats.faults_at("create") > 0
    );
}

#[tokio::test]
async fn a_dead_service_stops_the_online_checks_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(SandboxConfig::dead_service()).await;
    let input = dir.path().join("in.csv");
    write_customers(&input, 300, "dead");
    let results = dir.path().join("results.csv");
    let out = run_against(
        &sb,
        &[
            "validate",
            input.to_str().unwrap(),
            "--online",
            "--rate",
            "60000",
            "--concurrency",
            "32",
            "--results",
            results.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("retry budget ran out"),
        "{}",
        text(&out)
    );
    let r = Results::read(&results);
    assert_eq!(r.count("valid"), 0);
    assert!(r.count("cancelled") > 100, "most rows were never checked");
    let calls: u64 = sb.state().stats().calls.values().sum();
    assert!(calls < 250, "{calls} calls: the budget bounds them");
}

#[tokio::test]
async fn a_far_retry_after_ends_the_run_at_once_with_the_rows_left_failed() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    sb.state().script_faults_on(
        Endpoint::Create,
        [Fault::ThrottleWith(RetryAfter::Seconds(999_999))],
    );
    let input = dir.path().join("in.csv");
    write_customers(&input, 5, "far");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &["--concurrency", "1"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let r = Results::read(&results);
    assert_eq!(r.count("failed"), 5, "{:?}", r.column("status"));
    assert!(
        r.column("error")
            .iter()
            .all(|e| e.contains("Partner Center asked to wait 11days")),
        "{:?}",
        r.column("error")
    );
    assert_eq!(
        sb.state().stats().calls_to("POST /v1/customers"),
        1,
        "nothing more is sent"
    );
}

#[tokio::test]
async fn odd_retry_after_values_fall_back_to_backoff_and_dates_are_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox(quiet()).await;
    let soon = SystemTime::now() + Duration::from_secs(2);
    sb.state().script_faults_on(
        Endpoint::Create,
        [
            Fault::ThrottleWith(RetryAfter::Raw("soon".into())),
            Fault::ThrottleWith(RetryAfter::Raw("-5".into())),
            Fault::ThrottleWith(RetryAfter::Absent),
            Fault::ThrottleWith(RetryAfter::At(soon)),
        ],
    );
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "odd");
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert_eq!(Results::read(&results).column("status"), ["created"]);
    // An HTTP-date has whole seconds: the wait ends at the date as sent.
    let as_sent = httpdate::parse_http_date(&httpdate::fmt_http_date(soon)).unwrap();
    assert!(SystemTime::now() >= as_sent, "the HTTP-date was waited for");
    assert_eq!(sb.state().stats().calls_to("POST /v1/customers"), 5);
}
