#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use secrecy::ExposeSecret;

use super::*;
use crate::login::rfc3339;
use crate::partner_center::cloud::CloudEndpoints;

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn sign_in(refresh_token: &str) -> SignIn {
    let at = UNIX_EPOCH + Duration::from_secs(1_780_000_000);
    SignIn {
        version: CACHE_VERSION,
        user: "ann@contoso.example".into(),
        tenant: "tid-1".into(),
        client_id: "native-app".into(),
        cloud: "global".into(),
        authority: "https://login.microsoftonline.com".into(),
        resource: "https://api.partnercenter.microsoft.com".into(),
        mfa: Some(true),
        signed_in_at: rfc3339(at),
        refreshed_at: rfc3339(at),
        expires_at: rfc3339(at + super::super::REFRESH_TOKEN_LIFETIME),
        refresh_token: SecretString::from(refresh_token),
    }
}

#[test]
fn the_cache_is_pc_login_cache_else_xdg_config_home_else_the_home_config_dir() {
    let at = |vars: &[(&str, &str)]| LoginCache::locate_with(lookup(vars)).map(|c| c.path);
    assert_eq!(
        at(&[(ENV_LOGIN_CACHE, "/x/l.json"), ("XDG_CONFIG_HOME", "/c")]).unwrap(),
        PathBuf::from("/x/l.json")
    );
    assert_eq!(
        at(&[("XDG_CONFIG_HOME", "/c"), ("HOME", "/h")]).unwrap(),
        PathBuf::from("/c/pc-onboard/login.json")
    );
    if cfg!(all(unix, not(target_os = "macos"))) {
        assert_eq!(
            at(&[("HOME", "/h"), ("XDG_CONFIG_HOME", " ")]).unwrap(),
            PathBuf::from("/h/.config/pc-onboard/login.json")
        );
        assert!(matches!(at(&[]), Err(LoginCacheError::NoPlace)));
    }
}

#[test]
fn a_saved_sign_in_is_private_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let cache = LoginCache::at(dir.path().join("new-dir").join("login.json"));
    assert!(cache.load().unwrap().is_none());
    cache.save(&sign_in("rt-value-1")).unwrap();
    let back = cache.load().unwrap().unwrap();
    assert_eq!(back.refresh_token.expose_secret(), "rt-value-1");
    assert_eq!(back.user, "ann@contoso.example");
    assert!(back.is_for(&CloudEndpoints::global()));
    assert!(!back.is_for(&CloudEndpoints::china()));
    assert!(!format!("{back:?}").contains("rt-value-1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(cache.path()), 0o600);
        assert_eq!(mode(cache.path().parent().unwrap()), 0o700);
    }
    let names: Vec<_> = std::fs::read_dir(cache.path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["login.json"], "no temporary file left");
}

#[test]
fn a_rotated_refresh_token_replaces_the_old_one_in_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = LoginCache::at(dir.path().join("login.json"));
    cache.save(&sign_in("rt-old-value")).unwrap();
    cache
        .rotation_hook()
        .call(&SecretString::from("rt-new-value"));
    let text = std::fs::read_to_string(cache.path()).unwrap();
    assert!(text.contains("rt-new-value") && !text.contains("rt-old-value"));
    let back = cache.load().unwrap().unwrap();
    assert_ne!(back.refreshed_at, sign_in("x").refreshed_at);
    assert!(!back.has_expired(SystemTime::now()));
}

#[cfg(unix)]
#[test]
fn the_cache_is_never_read_or_written_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.json");
    std::fs::write(&target, "keep me").unwrap();
    let link = dir.path().join("login.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let cache = LoginCache::at(&link);
    let err = cache.save(&sign_in("rt-value")).unwrap_err();
    assert!(matches!(err, LoginCacheError::NotAFile { .. }), "{err}");
    assert!(err.to_string().contains("symlink"));
    assert!(cache.load().is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn logout_removes_the_cache_and_a_second_one_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = LoginCache::at(dir.path().join("login.json"));
    cache.save(&sign_in("rt-value")).unwrap();
    assert!(cache.remove().unwrap());
    assert!(!cache.remove().unwrap());
    assert!(cache.load().unwrap().is_none());
}

#[test]
fn a_cache_that_is_not_a_sign_in_says_to_sign_in_again_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = LoginCache::at(dir.path().join("login.json"));
    std::fs::write(cache.path(), r#"{"refresh_token":"rt-leak-check"}"#).unwrap();
    let err = cache.load().unwrap_err().to_string();
    assert!(
        err.contains("pc-onboard login") && !err.contains("rt-leak-check"),
        "{err}"
    );
}
