//! The device-code polling loop on tokio's paused clock, with scripted
//! answers; and the clamps on the authority's numbers.

#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::*;

fn code(interval: u64, expires_in: u64) -> DeviceCode {
    DeviceCode {
        device_code: SecretString::from("device-code-value"),
        user_code: "ABCD-EFGH".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_in: Duration::from_secs(expires_in),
        interval: Duration::from_secs(interval),
    }
}

fn signed_in() -> SignedIn {
    SignedIn {
        refresh_token: SecretString::from("rt"),
        claims: None,
    }
}

type Script = Arc<Mutex<VecDeque<Result<Poll, SignInError>>>>;

/// Poll with scripted answers, recording when each poll happened (seconds
/// after the start).
async fn run(
    code: &DeviceCode,
    answers: Vec<Result<Poll, SignInError>>,
) -> (Result<SignedIn, SignInError>, Vec<u64>) {
    let script: Script = Arc::new(Mutex::new(answers.into()));
    let times = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let result = wait_for_sign_in(code, || {
        let (script, times) = (script.clone(), times.clone());
        async move {
            times.lock().unwrap().push(started.elapsed().as_secs());
            script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(Poll::Pending))
        }
    })
    .await;
    let times = times.lock().unwrap().clone();
    (result, times)
}

#[tokio::test(start_paused = true)]
async fn polls_every_interval_until_the_user_has_signed_in() {
    let answers = vec![
        Ok(Poll::Pending),
        Ok(Poll::Pending),
        Ok(Poll::Done(Box::new(signed_in()))),
    ];
    let (result, times) = run(&code(5, 900), answers).await;
    assert!(result.is_ok());
    assert_eq!(times, [5, 10, 15]);
}

#[tokio::test(start_paused = true)]
async fn slow_down_adds_five_seconds_to_every_later_wait() {
    let answers = vec![
        Ok(Poll::SlowDown),
        Ok(Poll::Pending),
        Ok(Poll::SlowDown),
        Ok(Poll::Done(Box::new(signed_in()))),
    ];
    let (result, times) = run(&code(2, 900), answers).await;
    assert!(result.is_ok());
    assert_eq!(times, [2, 9, 16, 28]);
}

#[tokio::test(start_paused = true)]
async fn the_code_expires_at_expires_in_without_a_poll_past_it() {
    let (result, times) = run(&code(5, 17), Vec::new()).await;
    assert_eq!(
        result.unwrap_err(),
        SignInError::Expired {
            after: Duration::from_secs(17)
        }
    );
    assert_eq!(times, [5, 10, 15]);
}

#[tokio::test(start_paused = true)]
async fn declined_and_expired_answers_end_the_wait_and_an_unavailable_one_is_polled_again() {
    let (result, _) = run(&code(1, 900), vec![Err(SignInError::Declined)]).await;
    assert_eq!(result.unwrap_err(), SignInError::Declined);
    let expired = SignInError::Expired {
        after: Duration::from_secs(900),
    };
    let (result, _) = run(&code(1, 900), vec![Err(expired.clone())]).await;
    assert_eq!(result.unwrap_err(), expired);
    let unavailable = AuthError::Unavailable {
        message: "503".into(),
    };
    let answers = vec![
        Err(unavailable.into()),
        Ok(Poll::Done(Box::new(signed_in()))),
    ];
    let (result, times) = run(&code(1, 900), answers).await;
    assert!(result.is_ok());
    assert_eq!(times, [1, 2]);
    let refused = AuthError::Rejected {
        status: 400,
        error: "invalid_grant".into(),
        description: "x".into(),
        credentials: "device sign-in",
    };
    let (result, _) = run(&code(1, 900), vec![Err(refused.clone().into())]).await;
    assert_eq!(result.unwrap_err(), SignInError::Auth(refused));
}

#[tokio::test(start_paused = true)]
async fn slow_down_never_waits_more_than_the_longest_interval() {
    let answers = (0..30).map(|_| Ok(Poll::SlowDown)).collect();
    let (result, times) = run(&code(50, 3600), answers).await;
    assert!(result.is_err());
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|g| *g <= MAX_INTERVAL.as_secs()),
        "{gaps:?}"
    );
}

#[test]
fn the_authoritys_numbers_are_clamped_and_garbage_is_the_default() {
    let s = |v: serde_json::Value| seconds(Some(&v), DEFAULT_INTERVAL, MAX_INTERVAL);
    assert_eq!(s(json!(5)), Duration::from_secs(5));
    assert_eq!(s(json!("7")), Duration::from_secs(7));
    assert_eq!(s(json!(0)), Duration::from_secs(1));
    assert_eq!(s(json!(u64::MAX)), MAX_INTERVAL);
    assert_eq!(s(json!("18446744073709551615")), MAX_INTERVAL);
    assert_eq!(s(json!(1e300)), MAX_INTERVAL);
    for garbage in [
        json!(-3),
        json!("soon"),
        json!(null),
        json!([1]),
        json!("99999999999999999999"),
    ] {
        assert_eq!(s(garbage.clone()), DEFAULT_INTERVAL, "{garbage}");
    }
    assert_eq!(
        seconds(None, DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN),
        DEFAULT_EXPIRES_IN
    );
    let huge = json!(u64::MAX);
    assert_eq!(
        seconds(Some(&huge), DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN),
        MAX_EXPIRES_IN
    );
}

#[tokio::test(start_paused = true)]
async fn a_code_that_lives_u64_max_seconds_is_waited_for_at_most_an_hour() {
    let huge = json!(u64::MAX);
    let mut c = code(60, 0);
    c.expires_in = seconds(Some(&huge), DEFAULT_EXPIRES_IN, MAX_EXPIRES_IN);
    let (result, times) = run(&c, Vec::new()).await;
    assert!(matches!(result, Err(SignInError::Expired { .. })));
    assert!(*times.last().unwrap() < MAX_EXPIRES_IN.as_secs());
}
