//! `pc-onboard login` (the device authorization grant, kept in the login
//! cache), `login --status` and `logout`.

use std::io::Write;
use std::time::SystemTime;

use anyhow::Context;
use serde_json::{Map, Value};

use super::ExitStatus;
use crate::logging::{Console, Level};
use crate::login::{CACHE_VERSION, LoginCache, REFRESH_TOKEN_LIFETIME, SignIn, rfc3339};
use crate::partner_center::auth::device::{DeviceCode, DeviceFlow, SignedIn, wait_for_sign_in};
use crate::partner_center::auth::{
    ENV_CLIENT_ID, ENV_LOGIN_CLIENT_ID, ENV_TENANT_ID, MFA_ADVICE, ORGANIZATIONS_TENANT,
};
use crate::partner_center::client::DEFAULT_TIMEOUT;
use crate::partner_center::error::human_duration;
use crate::settings::LoginSettings;

/// `pc-onboard login [--status]`.
pub(super) fn login(settings: &LoginSettings) -> anyhow::Result<ExitStatus> {
    let cache = LoginCache::locate()?;
    if settings.status() {
        let stdout = std::io::stdout();
        return status(&cache, &mut stdout.lock(), SystemTime::now());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(sign_in(settings, &cache))
}

/// `pc-onboard logout`: remove the login cache.
pub(super) fn logout() -> anyhow::Result<ExitStatus> {
    let cache = LoginCache::locate()?;
    let path = cache.path().display().to_string();
    let message = if cache.remove()? {
        format!("signed out: {path} removed")
    } else {
        format!("not signed in: there is no login cache at {path}")
    };
    Console::get().line(Level::Info, &message);
    Ok(ExitStatus::Success)
}

/// The application and tenant to sign in through: `PC_LOGIN_CLIENT_ID`,
/// else `PC_CLIENT_ID`; `PC_TENANT_ID`, else `organizations`.
fn who(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<(String, String)> {
    let get = |name: &str| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let client_id = get(ENV_LOGIN_CLIENT_ID).or_else(|| get(ENV_CLIENT_ID)).context(
        "pc-onboard login needs the application to sign in through: set PC_LOGIN_CLIENT_ID (the App+User app of Partner Center's App management, a public client) or PC_CLIENT_ID",
    )?;
    let tenant = get(ENV_TENANT_ID).unwrap_or_else(|| ORGANIZATIONS_TENANT.to_owned());
    Ok((client_id, tenant))
}

async fn sign_in(settings: &LoginSettings, cache: &LoginCache) -> anyhow::Result<ExitStatus> {
    cache.check_path()?;
    let endpoints = settings.endpoints();
    let (client_id, tenant) = who(|name| std::env::var(name).ok())?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")?;
    let flow = DeviceFlow {
        http,
        endpoints: endpoints.clone(),
        tenant,
        client_id,
        timeout: DEFAULT_TIMEOUT,
    };
    let code = flow
        .start()
        .await
        .with_context(|| format!("cannot start the sign-in at {}", endpoints.authority))?;
    // Listening before the code is shown: a Ctrl-C right after it cancels.
    let interrupted = interrupts().context("cannot listen for Ctrl-C")?;
    ask_user(&code);
    let signed_in = tokio::select! {
        result = wait_for_sign_in(&code, || flow.poll(&code)) => result?,
        () = interrupted => {
            Console::get().line(Level::Info, "sign-in cancelled: nothing was saved");
            return Ok(ExitStatus::Interrupted);
        }
    };
    let record = record(&flow, settings, &signed_in, SystemTime::now());
    cache.save(&record)?;
    tell_signed_in(&record, cache);
    Ok(ExitStatus::Success)
}

/// Ctrl-C or SIGTERM, listened for from now on.
#[cfg(unix)]
fn interrupts() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Ctrl-C.
#[cfg(not(unix))]
fn interrupts() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// The URL and the code, on stderr even with `-q` (the sign-in cannot
/// happen without them).
fn ask_user(code: &DeviceCode) {
    let message = format!(
        "To sign in, open {} and enter the code {} (it expires in {}; Ctrl-C cancels). Sign in with multi-factor authentication: Partner Center refuses App+User calls without it.",
        code.verification_uri,
        code.user_code,
        human_duration(code.expires_in)
    );
    let mut fields = Map::new();
    fields.insert(
        "verification_uri".into(),
        Value::from(code.verification_uri.clone()),
    );
    fields.insert("user_code".into(), Value::from(code.user_code.clone()));
    fields.insert("expires_in".into(), Value::from(code.expires_in.as_secs()));
    Console::get().always(Level::Info, &message, fields);
}

/// What the cache keeps of a finished sign-in.
fn record(
    flow: &DeviceFlow,
    settings: &LoginSettings,
    signed_in: &SignedIn,
    now: SystemTime,
) -> SignIn {
    let claims = signed_in.claims.as_ref();
    SignIn {
        version: CACHE_VERSION,
        user: claims.and_then(|c| c.user()).unwrap_or_default().to_owned(),
        tenant: claims
            .and_then(|c| c.tid.clone())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| flow.tenant.clone()),
        client_id: flow.client_id.clone(),
        cloud: settings.cloud().name().to_owned(),
        authority: flow.endpoints.authority.clone(),
        resource: flow.endpoints.resource.clone(),
        mfa: claims.map(|c| c.has_mfa()),
        signed_in_at: rfc3339(now),
        refreshed_at: rfc3339(now),
        expires_at: rfc3339(now + REFRESH_TOKEN_LIFETIME),
        refresh_token: signed_in.refresh_token.clone(),
    }
}

fn tell_signed_in(record: &SignIn, cache: &LoginCache) {
    let console = Console::get();
    let mfa = match record.mfa {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    console.line(
        Level::Info,
        &format!(
            "signed in as {} (tenant {}, {} cloud, MFA: {mfa}); kept in {}",
            shown(&record.user),
            record.tenant,
            record.cloud,
            cache.path().display()
        ),
    );
    match record.mfa {
        Some(false) => console.warn(&format!(
            "this sign-in carries no multi-factor authentication claim: {MFA_ADVICE}"
        )),
        None => console.warn("the access token is not a JWT: whether it carries MFA cannot be checked (Partner Center refuses App+User calls without it)"),
        Some(true) => {}
    }
}

fn shown(user: &str) -> &str {
    if user.is_empty() {
        "(user not named by the token)"
    } else {
        user
    }
}

/// `login --status`: who is signed in (exit 0), or that nobody is (exit 1).
fn status(cache: &LoginCache, out: &mut dyn Write, now: SystemTime) -> anyhow::Result<ExitStatus> {
    let path = cache.path().display();
    let Some(s) = cache.load()? else {
        writeln!(
            out,
            "not signed in: there is no login cache at {path} (run `pc-onboard login`)"
        )?;
        return Ok(ExitStatus::NotSignedIn);
    };
    let mfa = match s.mfa {
        Some(true) => "yes".to_owned(),
        Some(false) => format!("no: {MFA_ADVICE}"),
        None => "unknown (the token is not a JWT)".to_owned(),
    };
    let expired = s.has_expired(now);
    let state = if expired {
        "signed in, expired"
    } else {
        "signed in"
    };
    writeln!(out, "{state}: {}", shown(&s.user))?;
    writeln!(out, "tenant:    {}", s.tenant)?;
    writeln!(out, "cloud:     {} ({})", s.cloud, s.authority)?;
    writeln!(out, "client:    {}", s.client_id)?;
    writeln!(
        out,
        "since:     {} (refresh token renewed {})",
        s.signed_in_at, s.refreshed_at
    )?;
    writeln!(
        out,
        "expires:   {} if unused (a tenant policy may end it sooner)",
        s.expires_at
    )?;
    writeln!(out, "MFA:       {mfa}")?;
    writeln!(out, "cache:     {path}")?;
    if expired {
        writeln!(out, "the refresh token has expired: run `pc-onboard login`")?;
        return Ok(ExitStatus::NotSignedIn);
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use secrecy::SecretString;
    use std::time::Duration;

    #[test]
    fn login_signs_in_through_the_login_client_else_the_client_and_organizations() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let both = vars(&[(ENV_LOGIN_CLIENT_ID, "native"), (ENV_CLIENT_ID, "web")]);
        assert_eq!(
            who(both).unwrap(),
            ("native".into(), "organizations".into())
        );
        let one = vars(&[
            (ENV_CLIENT_ID, "web"),
            (ENV_TENANT_ID, "contoso.onmicrosoft.com"),
        ]);
        assert_eq!(
            who(one).unwrap(),
            ("web".into(), "contoso.onmicrosoft.com".into())
        );
        let err = who(vars(&[])).unwrap_err().to_string();
        assert!(err.contains("PC_LOGIN_CLIENT_ID"), "{err}");
    }

    #[test]
    fn status_names_the_user_and_exits_1_when_nobody_is_signed_in() {
        let dir = tempfile::tempdir().unwrap();
        let cache = LoginCache::at(dir.path().join("login.json"));
        let now = SystemTime::now();
        let mut out = Vec::new();
        assert_eq!(
            status(&cache, &mut out, now).unwrap(),
            ExitStatus::NotSignedIn
        );
        assert!(String::from_utf8(out).unwrap().starts_with("not signed in"));
        let record = SignIn {
            version: CACHE_VERSION,
            user: "ann@contoso.example".into(),
            tenant: "tid-1".into(),
            client_id: "native".into(),
            cloud: "global".into(),
            authority: "https://login.microsoftonline.com".into(),
            resource: "https://api.partnercenter.microsoft.com".into(),
            mfa: Some(true),
            signed_in_at: rfc3339(now),
            refreshed_at: rfc3339(now),
            expires_at: rfc3339(now + REFRESH_TOKEN_LIFETIME),
            refresh_token: SecretString::from("rt-status-secret"),
        };
        cache.save(&record).unwrap();
        let mut out = Vec::new();
        assert_eq!(status(&cache, &mut out, now).unwrap(), ExitStatus::Success);
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("signed in: ann@contoso.example"), "{text}");
        assert!(text.contains("MFA:       yes") && !text.contains("rt-status-secret"));
        let later = now + REFRESH_TOKEN_LIFETIME + Duration::from_secs(1);
        let mut out = Vec::new();
        assert_eq!(
            status(&cache, &mut out, later).unwrap(),
            ExitStatus::NotSignedIn
        );
        assert!(String::from_utf8(out).unwrap().contains("expired"));
    }
}
