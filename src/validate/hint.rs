//! Suggestions for a `state` that names no subdivision. Every form a hint
//! names is one [`State::parse`](super::State::parse) accepts.

use super::country::CountryRules;
use super::subdivision::{SearchForm, Subdivision, Subdivisions};
use super::text::join_or;
use super::unicode::{fold, loose};

/// Subdivisions listed in full in a "not known" message when there are this few.
const LIST_SUBDIVISIONS_UP_TO: usize = 12;

/// Least Jaro-Winkler similarity (of folded forms) for a typo suggestion.
const MIN_SIMILARITY: f64 = 0.88;

/// Least share of characters in common for a suggestion when the value is
/// written in ideographs, kana or Hangul (where one character is a
/// syllable and Latin edit distances mean nothing).
const MIN_SHARED_CHARACTERS: f64 = 0.6;

/// Values longer than this (in bytes) get no suggestion.
const MAX_SEARCHED_BYTES: usize = 200;

/// What an unknown-state message suggests.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Hint {
    /// One subdivision: the form the value resembles, and its code.
    DidYouMean {
        /// The form as in the data.
        form: String,
        /// `CC-isoid`, or the code sent where there is no ISO id.
        code: String,
    },
    /// A short list: every subdivision's code.
    OneOf(Vec<String>),
    /// A long list: the first subdivision's forms, with what each is.
    Example(Vec<(&'static str, String)>),
}

impl Hint {
    /// The forms the hint names, each accepted as a `state` (checked by tests).
    #[cfg(test)]
    pub(crate) fn forms(&self) -> Vec<&str> {
        match self {
            Hint::DidYouMean { form, code } => vec![form, code],
            Hint::OneOf(codes) => codes.iter().map(String::as_str).collect(),
            Hint::Example(forms) => forms.iter().map(|(_, f)| f.as_str()).collect(),
        }
    }

    /// The hint as the end of a message, after `": "`.
    fn render(&self) -> String {
        match self {
            Hint::DidYouMean { form, code } if fold(form) == fold(code) => {
                format!("did you mean {code}?")
            }
            Hint::DidYouMean { form, code } => format!("did you mean \"{form}\" ({code})?"),
            Hint::OneOf(codes) => format!("use one of {}", codes.join(", ")),
            Hint::Example(forms) => {
                let kinds: Vec<&str> = forms.iter().map(|(k, _)| *k).collect();
                let values: Vec<&str> = forms.iter().map(|(_, v)| v.as_str()).collect();
                format!("use its {}, e.g. {}", join_or(&kinds), join_or(&values))
            }
        }
    }
}

/// The reason for an unknown state, with a suggestion or the accepted codes.
pub(crate) fn unknown_subdivision(value: &str, rules: &CountryRules) -> String {
    let mut reason = format!("is not a known {} subdivision", rules.code());
    if let Some(hint) = hint(value, rules) {
        reason.push_str(": ");
        reason.push_str(&hint.render());
    }
    reason
}

/// The suggestion for `value`: the closest form, else the list of codes when
/// short, else an example of the forms accepted.
pub(crate) fn hint(value: &str, rules: &CountryRules) -> Option<Hint> {
    let table = rules.subdivision_table();
    let subs = table.list();
    // Where Partner Center's recorded list is known, only its states.
    let listed = rules.recorded_states();
    let sendable = |i: usize| listed.is_none_or(|l| l.lists(i));
    if let Some(found) = closest(value, table, &sendable) {
        let sub = subs.get(found.subdivision)?;
        let code = table
            .prefixed_iso_id(sub)
            .unwrap_or_else(|| sub.code().to_owned());
        return Some(Hint::DidYouMean {
            form: found.form.clone(),
            code,
        });
    }
    let sendable_subs = || {
        subs.iter()
            .enumerate()
            .filter(|(i, _)| sendable(*i))
            .map(|(_, s)| s)
    };
    if sendable_subs().count() <= LIST_SUBDIVISIONS_UP_TO {
        let codes: Vec<String> = sendable_subs().map(|s| s.code().to_owned()).collect();
        return (!codes.is_empty()).then_some(Hint::OneOf(codes));
    }
    sendable_subs()
        .next()
        .map(|first| Hint::Example(example_forms(table, first)))
}

/// The kinds of form a subdivision has, each with its value, no value twice.
fn example_forms(table: &Subdivisions, sub: &Subdivision) -> Vec<(&'static str, String)> {
    let candidates = [
        ("code", Some(sub.code().to_owned())),
        ("ISO 3166-2 code", table.prefixed_iso_id(sub)),
        ("name", Some(sub.name().to_owned())),
        ("Latin name", Some(sub.latin_name().to_owned())),
    ];
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (kind, value) in candidates {
        if let Some(v) = value
            && !v.is_empty()
            && !out.iter().any(|(_, seen)| fold(seen) == fold(&v))
        {
            out.push((kind, v));
        }
    }
    out
}

/// The form `value` most likely meant: one equal to it ignoring punctuation
/// and spacing as well, else the name or key sharing the most of it by
/// containment (`West Papua Province` → `West Papua`, not `Papua`), else the
/// most similar one by Jaro-Winkler, if close; a value in ideographs, kana
/// or Hangul is compared by the characters it shares instead (`北京省` →
/// `北京市`, never a province sharing nothing). All compare folded forms,
/// so accents and width do not matter. Only subdivisions `sendable` takes.
fn closest<'t>(
    value: &str,
    table: &'t Subdivisions,
    sendable: &dyn Fn(usize) -> bool,
) -> Option<&'t SearchForm> {
    if value.len() > MAX_SEARCHED_BYTES {
        return None;
    }
    let forms = || {
        table
            .search_forms()
            .iter()
            .filter(|f| sendable(f.subdivision))
    };
    let needle_loose = loose(value);
    if let Some(exact) = forms().find(|f| !needle_loose.is_empty() && f.loose == needle_loose) {
        return Some(exact);
    }
    let needle = fold(value);
    let needle_len = needle.chars().count();
    let syllabic = needle.chars().any(is_syllabic);
    if needle_len < if syllabic { 2 } else { 3 } {
        return None;
    }
    let names = || forms().filter(|f| !f.is_code);
    let overlap = |f: &SearchForm| {
        let len = f.folded.chars().count();
        let shared = if f.folded.contains(&needle) {
            needle_len
        } else if len >= 3 && needle.contains(&f.folded) {
            len
        } else {
            return 0.0;
        };
        shared as f64 / len.max(needle_len) as f64
    };
    best(names().map(|f| (overlap(f), f)), f64::MIN_POSITIVE).or_else(|| {
        if syllabic {
            let shared = names().map(|f| (shared_characters(&needle, &f.folded), f));
            return best(shared, MIN_SHARED_CHARACTERS);
        }
        let similar = names().map(|f| (strsim::jaro_winkler(&needle, &f.folded), f));
        best(similar, MIN_SIMILARITY)
    })
}

/// An ideograph, a kana or a Hangul syllable: one character is a syllable.
fn is_syllabic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// The characters `a` and `b` have in common (each counted once per
/// occurrence), over the longer one's length.
fn shared_characters(a: &str, b: &str) -> f64 {
    let mut rest: Vec<char> = b.chars().collect();
    let longest = rest.len().max(a.chars().count());
    let mut shared = 0usize;
    for c in a.chars() {
        if let Some(i) = rest.iter().position(|r| *r == c) {
            rest.swap_remove(i);
            shared += 1;
        }
    }
    if longest == 0 {
        0.0
    } else {
        shared as f64 / longest as f64
    }
}

/// The highest-scoring item at or above `min`; the first among equals.
fn best<'t>(
    scored: impl Iterator<Item = (f64, &'t SearchForm)>,
    min: f64,
) -> Option<&'t SearchForm> {
    scored
        .filter(|(score, _)| *score >= min)
        .fold(
            None,
            |acc: Option<(f64, &SearchForm)>, (score, f)| match acc {
                Some((top, _)) if top >= score => acc,
                _ => Some((score, f)),
            },
        )
        .map(|(_, f)| f)
}
