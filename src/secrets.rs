//! Every secret the process holds, and the one scrubber that takes them out
//! of every text that leaves the process.
//!
//! The token sources `register` the client secret, the refresh tokens
//! (the one given and every rotated one) and each access token as they get
//! them; the client registers each initial admin password it reads; the
//! sign-in registers its device code and tokens. `scrub` replaces every
//! registered secret, and the forms a server may quote it in (URL-encoded
//! as in a posted form, JSON-escaped), with `[REDACTED]`.
//!
//! Applied at the exits: error texts built from answers
//! (`partner_center::error`, the token errors), the console and the log
//! writer (`logging`, so the `-vv` trace too), the results' columns and
//! the summary file. Whatever a server echoes back (an error body quoting
//! the `Authorization` header, a token authority echoing the posted form),
//! nothing registered gets out.
//!
//! Matching uses one Aho-Corasick automaton over every secret, rebuilt
//! when enough new ones are waiting (the waiting ones are matched one by
//! one), so registering a password per created customer stays cheap.
//! This module imports no other module of the crate.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{LazyLock, PoisonError, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

/// What a scrubbed secret reads as.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Shorter values are not registered: they would mask ordinary words.
pub(crate) const MIN_SECRET_LEN: usize = 4;

/// Waiting secrets matched one by one before the automaton is rebuilt: at
/// least this many...
const MIN_PENDING: usize = 32;
/// ...or one in this many of those in the automaton (so rebuilds grow
/// apart as secrets accumulate, and a scrub matches few one by one).
const PENDING_SHARE: usize = 16;

#[derive(Default)]
struct Registry {
    /// Every needle registered (each secret and its variants).
    known: HashSet<String>,
    /// The automaton over `built`.
    automaton: Option<AhoCorasick>,
    built: Vec<String>,
    /// Needles not in the automaton yet.
    pending: Vec<String>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| RwLock::new(Registry::default()));

/// Remember `secret` (and the forms it may be quoted in), so that
/// [`scrub`] removes it from now on. Blank and very short values are
/// ignored; registering twice is harmless.
pub(crate) fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    for needle in variants(secret) {
        if registry.known.insert(needle.clone()) {
            registry.pending.push(needle);
        }
    }
    // Longest first, so a secret that starts another is not cut out of it.
    registry.pending.sort_by_key(|n| std::cmp::Reverse(n.len()));
    if registry.pending.len() > MIN_PENDING.max(registry.built.len() / PENDING_SHARE) {
        registry.rebuild();
    }
}

/// How many secrets (with their variants) are registered.
#[cfg(test)]
pub(crate) fn registered() -> usize {
    REGISTRY
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .known
        .len()
}

/// `text` with every registered secret replaced by `[REDACTED]`.
pub(crate) fn scrub(text: &str) -> Cow<'_, str> {
    let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    if registry.known.is_empty() || text.len() < MIN_SECRET_LEN {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    if let Some(automaton) = &registry.automaton
        && automaton.is_match(out.as_ref())
    {
        let mut replaced = String::with_capacity(out.len());
        automaton.replace_all_with(out.as_ref(), &mut replaced, |_, _, dst| {
            dst.push_str(REDACTED);
            true
        });
        out = Cow::Owned(replaced);
    }
    for needle in &registry.pending {
        if out.contains(needle.as_str()) {
            out = Cow::Owned(out.replace(needle.as_str(), REDACTED));
        }
    }
    out
}

/// `scrub` into an owned string.
pub(crate) fn scrubbed(text: &str) -> String {
    scrub(text).into_owned()
}

impl Registry {
    fn rebuild(&mut self) {
        self.built.append(&mut self.pending);
        // Longer secrets first among matches at the same place, so a
        // secret that starts another is not cut out of it.
        self.automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&self.built)
            .ok();
        if self.automaton.is_none() {
            // Cannot happen with plain strings; match one by one then.
            self.pending.append(&mut self.built);
        }
    }
}

/// The secret, and how it reads URL-encoded (a posted form echoed back)
/// and JSON-escaped (a form or header quoted in a JSON error body).
fn variants(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_owned()];
    let mut push = |v: String| {
        if v.len() >= MIN_SECRET_LEN && !out.contains(&v) {
            out.push(v);
        }
    };
    push(form_encoded(secret));
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    push(json.replace('/', "\\/"));
    push(json);
    out
}

/// `application/x-www-form-urlencoded`, as a form posts it.
fn form_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn a_registered_secret_is_scrubbed_wherever_it_appears() {
        register("unit-secret-alpha-0001");
        let text =
            "Authorization: Bearer unit-secret-alpha-0001 (and again: unit-secret-alpha-0001)";
        assert_eq!(
            scrub(text),
            "Authorization: Bearer [REDACTED] (and again: [REDACTED])"
        );
        assert!(matches!(scrub("nothing secret here"), Cow::Borrowed(_)));
    }

    #[test]
    fn url_encoded_and_json_escaped_forms_are_scrubbed_too() {
        register("unit~secret/beta+\"0002\"");
        let form = "grant_type=refresh_token&refresh_token=unit%7Esecret%2Fbeta%2B%220002%22&x=1";
        assert_eq!(
            scrub(form),
            "grant_type=refresh_token&refresh_token=[REDACTED]&x=1"
        );
        let json = r#"{"echo":"unit~secret/beta+\"0002\""}"#;
        assert_eq!(scrub(json), r#"{"echo":"[REDACTED]"}"#);
        let slashes = r#"{"echo":"unit~secret\/beta+\"0002\""}"#;
        assert_eq!(scrub(slashes), r#"{"echo":"[REDACTED]"}"#);
    }

    #[test]
    fn short_values_are_not_registered() {
        let before = registered();
        register("ab");
        register("   ");
        assert_eq!(registered(), before);
        assert_eq!(scrub("ab"), "ab");
    }

    #[test]
    fn thousands_of_secrets_are_all_scrubbed() {
        let secrets: Vec<String> = (0..2_000)
            .map(|n| format!("unit-password-{n:05}-Zq!"))
            .collect();
        let started = std::time::Instant::now();
        for s in &secrets {
            register(s);
        }
        eprintln!("2,000 secrets registered: {:?}", started.elapsed());
        for s in secrets.iter().step_by(97).chain(secrets.last()) {
            let text = format!("password {s} echoed");
            assert_eq!(scrub(&text), "password [REDACTED] echoed", "{s}");
        }
        let started = std::time::Instant::now();
        for _ in 0..1_000 {
            let _ = scrub("a trace line of ordinary length, with nothing secret in it at all");
        }
        eprintln!(
            "1,000 scrubs against 2,000 secrets: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_longer_secret_that_starts_with_a_shorter_one_is_scrubbed_whole() {
        register("unit-gamma-0003");
        register("unit-gamma-0003-and-more");
        assert_eq!(scrub("x unit-gamma-0003-and-more y"), "x [REDACTED] y");
    }
}
