//! Short forms of subdivision names, derived from the data: a name without
//! the word or character that says what kind of subdivision it is, so that
//! `Beijing` names `Beijing Shi`, `北京` names `北京市` and `大阪` names `大阪府`.
//!
//! - A Latin name (`sub_lnames`) whose last word ends with a word that ends
//!   the last words of at least [`MIN_SHARED_WORD`] of the country's Latin
//!   names (`Shi`, `Sheng`, `Province`, `Governorate`, `County`; `Zizhiqu`
//!   of `Xinjiang Weiwuerzizhiqu`) gives the name without that word.
//! - A name or key of at least three Han characters gives the name without
//!   its last character (`省`, `市`, `府`, `県`, `都`).
//!
//! A short form is kept only when it is unambiguous: no other subdivision
//! has it (as a form or a short form), and no other name of the country
//! starts with it (`West` from `West Java` is not a form: `West
//! Kalimantan`; `新竹` names two subdivisions).

use std::collections::HashMap;

use super::subdivision::Subdivision;
use super::unicode::fold;

/// Latin names that must end with a word for it to be a kind of subdivision.
const MIN_SHARED_WORD: usize = 3;

/// Letters a kind word needs to count at the end of a longer word.
const MIN_KIND_SUFFIX: usize = 4;

/// Every short form with the position of its subdivision.
pub(crate) fn short_forms(list: &[Subdivision]) -> Vec<(String, usize)> {
    let mut candidates: Vec<(String, usize)> = Vec::new();
    let last_words: Vec<String> = list
        .iter()
        .filter_map(|sub| sub.latin_name().rsplit_once(' ').map(|(_, w)| fold(w)))
        .collect();
    // A kind word is at least MIN_SHARED_WORD last words (`Sheng`), or,
    // from MIN_KIND_SUFFIX letters on, ends them: `Zizhiqu` of `Xizang
    // Zizhiqu` and `Xinjiang Weiwuerzizhiqu` (not `Et` of `Roi Et`).
    let suffix = |word: &str, kind: &str| {
        word == kind || (kind.chars().count() >= MIN_KIND_SUFFIX && word.ends_with(kind))
    };
    let mut shared: HashMap<&str, usize> = HashMap::new();
    for kind in &last_words {
        let n = last_words.iter().filter(|w| suffix(w, kind)).count();
        shared.insert(kind, n);
    }
    let is_kind = |word: &str| {
        let word = fold(word);
        shared
            .iter()
            .any(|(kind, n)| *n >= MIN_SHARED_WORD && suffix(&word, kind))
    };
    for (i, sub) in list.iter().enumerate() {
        if let Some((head, word)) = sub.latin_name().rsplit_once(' ')
            && is_kind(word)
        {
            candidates.push((head.trim().to_owned(), i));
        }
        for name in [sub.key(), sub.name()] {
            let chars: Vec<char> = name.chars().collect();
            if chars.len() >= 3 && chars.iter().all(|c| is_han(*c)) {
                candidates.push((chars[..chars.len() - 1].iter().collect(), i));
            }
        }
    }
    let names: Vec<(String, usize)> = list
        .iter()
        .enumerate()
        .flat_map(|(i, sub)| sub.forms().map(move |f| (fold(f), i)))
        .collect();
    let keys: Vec<(String, usize)> = candidates.iter().map(|(f, i)| (fold(f), *i)).collect();
    let mut out: Vec<(String, usize)> = Vec::new();
    for ((form, i), (key, _)) in candidates.iter().zip(&keys) {
        let clash = key.chars().count() < 2
            || keys.iter().any(|(k, j)| j != i && k == key)
            || names
                .iter()
                .any(|(n, j)| j != i && n.starts_with(key.as_str()));
        if !clash && !out.iter().any(|(f, j)| j == i && fold(f) == *key) {
            out.push((form.clone(), *i));
        }
    }
    out
}

/// A CJK unified ideograph (Han character).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use crate::validate::CountryRules;

    fn code(country: &str, value: &str) -> Option<String> {
        let rules = CountryRules::get(country).unwrap();
        rules.find_subdivision(value).map(|s| s.code().to_owned())
    }

    #[test]
    fn names_without_their_kind_name_the_subdivision() {
        let cases = [
            ("CN", "北京", "BJ"),
            ("CN", "Beijing", "BJ"),
            ("CN", "Anhui", "AH"),
            ("CN", "黑龙江", "HL"),
            ("JP", "大阪", "27"),
            ("JP", "東京", "13"),
            ("JP", "京都", "26"),
            ("VN", "An Giang", "44"),
            ("EG", "Cairo", "C"),
            // `Zizhiqu` (autonomous region) ends five names' last words:
            // `Xinjiang Weiwuerzizhiqu`, `Guangxi Zhuangzuzizhiqu`, …
            ("CN", "Xinjiang", "XJ"),
            ("CN", "Guangxi", "GX"),
            ("CN", "Ningxia", "NX"),
            ("CN", "Xizang", "XZ"),
            ("CN", "Neimenggu", "NM"),
        ];
        for (country, value, sent) in cases {
            assert_eq!(
                code(country, value).as_deref(),
                Some(sent),
                "{country} {value}"
            );
        }
    }

    #[test]
    fn ambiguous_short_forms_are_not_forms() {
        assert_eq!(code("ID", "West"), None, "West Java, West Kalimantan…");
        assert_eq!(code("ID", "Central"), None);
        assert_eq!(code("TW", "Hsinchu"), None, "Hsinchu City and County");
        assert_eq!(code("US", "North"), None);
        assert_eq!(code("US", "New"), None);
    }
}
