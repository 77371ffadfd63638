//! How a device-code sign-in can end besides a success: declined, expired,
//! told to slow down (the client waits five seconds more and never polls
//! too soon), cancelled with Ctrl-C, and a login cache path that is a
//! symlink. Nothing is saved unless the sign-in finished.

use crate::signin_support::*;
use crate::support::{code, sandbox, text};

use pc_onboard::sandbox::{DeviceOutcome, DeviceScript, RunningSandbox, SandboxConfig};

async fn scripted(outcome: DeviceOutcome, pending_polls: u32) -> RunningSandbox {
    sandbox(SandboxConfig {
        quota: 0,
        device: DeviceScript {
            outcome,
            pending_polls,
            ..DeviceScript::default()
        },
        ..SandboxConfig::default()
    })
    .await
}

#[tokio::test]
async fn a_declined_or_expired_sign_in_exits_1_says_why_and_saves_nothing() {
    for (outcome, says) in [
        (DeviceOutcome::Declined, "declined"),
        (DeviceOutcome::Expired, "expired"),
    ] {
        let sb = scripted(outcome, 0).await;
        let place = Place::new();
        let out = login(&sb, &place).await;
        assert_eq!(code(&out), 1, "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(says) && stderr.contains("pc-onboard login"),
            "{stderr}"
        );
        assert!(!place.cache.exists());
        assert!(leaks(&sb, &out, &[], &[]).is_empty());
    }
}

#[tokio::test]
async fn slow_down_is_honoured_with_five_more_seconds_between_polls() {
    let sb = scripted(DeviceOutcome::SlowDown, 0).await;
    let place = Place::new();
    let started = std::time::Instant::now();
    let out = login(&sb, &place).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stats = sb.state().stats();
    assert_eq!(stats.device_polls, 2, "{stats:?}");
    assert_eq!(stats.device_polls_too_soon, 0);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(6),
        "1 s, then 1 + 5 s"
    );
    assert!(place.cache.exists());
}

#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_cancels_the_sign_in_with_exit_130_and_saves_nothing() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let sb = scripted(DeviceOutcome::Approve, 100_000).await;
    let place = Place::new();
    let mut child = command(&sb, &place, &["login"], &[("PC_CLIENT_ID", "native-app")])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("enter the code") {
            break;
        }
    }
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().await.unwrap();
    let mut rest = String::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push_str(&line);
        rest.push('\n');
    }
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("cancelled"), "{rest}");
    assert!(!place.cache.exists());
}

#[cfg(unix)]
#[tokio::test]
async fn a_login_cache_that_is_a_symlink_is_refused_before_the_sign_in() {
    let sb = scripted(DeviceOutcome::Approve, 0).await;
    let place = Place::new();
    let target = place.path("elsewhere.json");
    std::fs::write(&target, "keep me").unwrap();
    std::fs::create_dir_all(place.cache.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &place.cache).unwrap();
    let out = login(&sb, &place).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symlink"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert_eq!(sb.state().stats().device_codes, 0, "no sign-in was started");
}
