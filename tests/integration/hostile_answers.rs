//! Answers a misbehaving service (or what stands in front of it) gives:
//! every request re-sent after a `401` is counted; a 50 MB error body and
//! a huge `201` body are read and kept only so far; a `201` for another
//! domain is not a success; a customer id handed to two rows is flagged.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::client_mock::customer_json;
use crate::hostile::{answer, domain_sent, hostile, is_create, run_at};
use crate::support::{Results, code, run_args, text, write_customers};

/// A customer id for `domain`, always the same.
fn id_of(domain: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_DNS, domain.as_bytes()).to_string()
}

/// A `201` for the domain sent.
fn created(seen: &crate::fake_server::Seen) -> Response {
    let domain = domain_sent(seen);
    answer(201, &[], &customer_json(&id_of(&domain), &domain))
}

fn not_found() -> Response {
    answer(404, &[], r#"{"code":"404","description":"not found"}"#)
}

const GUARD: Duration = Duration::from_secs(120);

#[tokio::test]
async fn every_request_sent_is_counted_also_the_ones_sent_again_after_a_401() {
    let (base, mock) = hostile(|seen| match seen.header("authorization") {
        // The first token is refused for creates: every create with it is
        // sent again. (Refused for every call, the country rules asked
        // before the first create would have the token renewed first.)
        Some("Bearer tok-1") if is_create(seen) => {
            answer(401, &[], r#"{"code":"401","description":"expired"}"#)
        }
        _ if is_create(seen) => created(seen),
        _ => not_found(),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 6, "resent");
    let summary = dir.path().join("summary.json");
    let flags = [
        "--concurrency",
        "4",
        "--summary-json",
        summary.to_str().unwrap(),
    ];
    let out = run_at(
        &base,
        &run_args(&input, &dir.path().join("r.csv"), &flags),
        GUARD,
    )
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let seen = mock.seen().iter().filter(|s| is_create(s)).count() as u64;
    assert!(
        seen > 6,
        "some creates went out with the refused token: {seen}"
    );
    assert_eq!(summary["create_calls"], seen, "{summary}");
}

#[tokio::test]
async fn a_50_mb_error_body_leaves_a_small_results_file() {
    let huge = format!(
        r#"{{"code":"1001","description":"{}"}}"#,
        "refused ".repeat(50 * 1024 * 1024 / 8)
    );
    let (base, _mock) = hostile(move |seen| {
        if is_create(seen) {
            answer(400, &[], &huge)
        } else {
            not_found()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "bigerr");
    let results = dir.path().join("r.csv");
    let out = run_at(&base, &run_args(&input, &results, &[]), GUARD).await;
    assert_eq!(code(&out), 2, "exit {:?}", out.status.code());
    let size = std::fs::metadata(&results).unwrap().len();
    eprintln!("50 MB error bodies: a results file of {size} bytes");
    assert!(size < 16 * 1024, "results of {size} bytes");
    assert!(
        out.stderr.len() < 16 * 1024,
        "stderr of {} bytes",
        out.stderr.len()
    );
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["rejected", "rejected"]);
    assert!(written.column("error")[0].contains("refused refused"));
}

#[tokio::test]
async fn a_huge_success_body_is_not_read_to_its_end() {
    let produced = Arc::new(AtomicU64::new(0));
    let counter = produced.clone();
    let (base, _mock) = hostile(move |seen| {
        if !is_create(seen) {
            return not_found();
        }
        // 64 MiB of a 201 that never becomes a customer.
        let counter = counter.clone();
        let chunks = futures_util::stream::iter(0..1024).map(move |_| {
            counter.fetch_add(64 * 1024, Ordering::Relaxed);
            Ok::<_, std::io::Error>(vec![b' '; 64 * 1024])
        });
        let body = axum::body::Body::from_stream(chunks);
        (StatusCode::CREATED, body).into_response()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "bigok");
    let results = dir.path().join("r.csv");
    let args = run_args(&input, &results, &["--max-attempts", "1"]);
    let out = run_at(&base, &args, GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["failed"]);
    assert!(
        written.column("error")[0].contains("larger than"),
        "{}",
        text(&out)
    );
    let read = produced.load(Ordering::Relaxed);
    eprintln!("a 64 MiB 201 body: {read} bytes produced by the server");
    assert!(read < 32 * 1024 * 1024, "{read} bytes produced");
}

use futures_util::StreamExt;

#[tokio::test]
async fn a_201_for_another_domain_is_not_a_success() {
    let (base, _mock) = hostile(|seen| {
        if is_create(seen) {
            let other = "someoneelse.onmicrosoft.com";
            answer(201, &[], &customer_json(&id_of(other), other))
        } else {
            not_found()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 1, "mixup");
    let results = dir.path().join("r.csv");
    let out = run_at(&base, &run_args(&input, &results, &[]), GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["failed"]);
    let error = &written.column("error")[0];
    assert!(error.contains("someoneelse.onmicrosoft.com"), "{error}");
    assert!(error.contains("mixupcust0.onmicrosoft.com"), "{error}");
}

#[tokio::test]
async fn a_customer_id_given_to_two_rows_is_flagged() {
    let (base, _mock) = hostile(|seen| {
        if is_create(seen) {
            let domain = domain_sent(seen);
            answer(201, &[], &customer_json(&id_of("the-same"), &domain))
        } else {
            not_found()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 3, "dupid");
    let results = dir.path().join("r.csv");
    let out = run_at(&base, &run_args(&input, &results, &[]), GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["created", "failed", "failed"]);
    let error = &written.column("error")[1];
    assert!(error.contains(&id_of("the-same")), "{error}");
    assert!(error.contains("row 2"), "{error}");
}

#[cfg(unix)]
#[tokio::test]
async fn too_many_open_files_is_a_local_error_and_no_call_to_partner_center() {
    // Slow answers keep connections open: with 16 calls at once and 18
    // files allowed, some connections cannot be opened.
    let (base, mock) = hostile(|seen| {
        if is_create(seen) {
            std::thread::sleep(Duration::from_millis(300));
            created(seen)
        } else {
            not_found()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 30, "fds");
    let (results, summary) = (dir.path().join("r.csv"), dir.path().join("s.json"));
    let flags = [
        "--concurrency",
        "16",
        "--max-attempts",
        "2",
        "--summary-json",
        summary.to_str().unwrap(),
    ];
    let args = run_args(&input, &results, &flags);
    let out = crate::hostile::command_with_open_files(&base, &args, 18)
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let errors = Results::read(&results).column("error");
    let local = errors
        .iter()
        .filter(|e| e.contains("Too many open files"))
        .inspect(|e| {
            assert!(
                e.starts_with("a local error on this machine, not Partner Center"),
                "{e}"
            )
        })
        .count();
    assert!(
        local > 0,
        "no call failed for want of a file: {}",
        text(&out)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let seen = mock.seen().iter().filter(|s| is_create(s)).count() as u64;
    assert_eq!(summary["create_calls"], seen, "{summary}");
}
