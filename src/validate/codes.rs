//! Two-letter ISO code tables (ISO 639-1 languages, ISO 3166-1 alpha-2
//! regions), built once from `isolang` and `isocountry` so that a look-up is
//! an array index instead of a long string match per row.

use std::sync::OnceLock;

/// `26 * first + second` for two ASCII letters (any case).
fn slot(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            let a = usize::from(a.to_ascii_lowercase() - b'a');
            let b = usize::from(b.to_ascii_lowercase() - b'a');
            Some(a * 26 + b)
        }
        _ => None,
    }
}

/// A table of all 676 two-letter codes for which `known` holds.
fn build(known: impl Fn(&str) -> bool) -> Vec<bool> {
    let mut table = vec![false; 26 * 26];
    for a in b'a'..=b'z' {
        for b in b'a'..=b'z' {
            let code = [a, b];
            let code = std::str::from_utf8(&code).unwrap_or_default();
            if let Some(i) = slot(code) {
                table[i] = known(code);
            }
        }
    }
    table
}

fn lookup(table: &[bool], code: &str) -> bool {
    slot(code)
        .and_then(|i| table.get(i))
        .copied()
        .unwrap_or(false)
}

/// Whether `code` is an ISO 639-1 language code (ASCII case ignored).
pub(crate) fn is_iso_639_1(code: &str) -> bool {
    static TABLE: OnceLock<Vec<bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| build(|c| isolang::Language::from_639_1(c).is_some()));
    lookup(table, code)
}

/// Whether `code` is an ISO 3166-1 alpha-2 code (ASCII case ignored).
pub(crate) fn is_iso_3166_alpha2(code: &str) -> bool {
    static TABLE: OnceLock<Vec<bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        build(|c| isocountry::CountryCode::for_alpha2(&c.to_ascii_uppercase()).is_ok())
    });
    lookup(table, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_match_isolang_in_any_case() {
        for c in ["en", "EN", "nl", "Ru", "zh"] {
            assert!(is_iso_639_1(c), "{c}");
        }
        for c in ["xx", "eng", "e", "", "e1", "ée"] {
            assert!(!is_iso_639_1(c), "{c}");
        }
    }

    #[test]
    fn regions_match_isocountry_in_any_case() {
        for c in ["US", "gb", "Nl", "RU"] {
            assert!(is_iso_3166_alpha2(c), "{c}");
        }
        for c in ["UK", "XX", "ZZ", "USA", "", "U1"] {
            assert!(!is_iso_3166_alpha2(c), "{c}");
        }
    }
}
