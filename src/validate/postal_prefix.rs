//! The postal-code prefixes of one subdivision (Google's `sub_zips`): a regex
//! that the start of the subdivision's postal codes matches (`3[56]` for
//! Alabama, `G|H|J|K1A` for Quebec).

use std::sync::OnceLock;

use regex::Regex;

use super::text::join_or;

/// Prefixes listed one by one in a message up to this many; past it (or for
/// patterns beyond literals and `[…]` classes) the regex is quoted.
const LIST_PREFIXES_UP_TO: usize = 10;

/// A subdivision's postal-code prefix pattern, compiled on first use.
#[derive(Debug, Clone)]
pub struct PostalPrefix {
    pattern: String,
    regex: OnceLock<Option<Regex>>,
}

impl PartialEq for PostalPrefix {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for PostalPrefix {}

impl PostalPrefix {
    pub(crate) fn new(pattern: &str) -> Self {
        Self {
            pattern: pattern.to_owned(),
            regex: OnceLock::new(),
        }
    }

    /// The pattern as in the data (not anchored).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The compiled pattern anchored at the start, `^(?:<pattern>)`; `None`
    /// if it does not compile (a test checks that every one does).
    pub fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&format!("^(?:{})", self.pattern)).ok())
            .as_ref()
    }

    /// Whether the (upper-cased) postal code starts with one of the prefixes.
    /// A pattern that does not compile refuses nothing.
    pub fn matches(&self, postal_code: &str) -> bool {
        self.regex().is_none_or(|re| re.is_match(postal_code))
    }

    /// The prefixes for a message: `35 or 36`, or where the pattern is not a
    /// short list of literals, `a match of ^(?:5[4-6]\d{2})`.
    pub fn describe(&self) -> String {
        match expand(&self.pattern) {
            Some(list) => join_or(&list),
            None => format!("a match of ^(?:{})", self.pattern),
        }
    }
}

/// Every string a pattern of `|`-separated literals and `[…]` classes
/// matches, or `None` for other syntax or more than [`LIST_PREFIXES_UP_TO`].
fn expand(pattern: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for alternative in pattern.split('|') {
        let mut strings = vec![String::new()];
        let mut chars = alternative.chars();
        while let Some(c) = chars.next() {
            let options = match c {
                '[' => class(&mut chars)?,
                c if c.is_ascii_alphanumeric() || c == ' ' => vec![c],
                _ => return None,
            };
            if strings.len() * options.len() > LIST_PREFIXES_UP_TO {
                return None;
            }
            strings = strings
                .iter()
                .flat_map(|s| options.iter().map(move |o| format!("{s}{o}")))
                .collect();
        }
        if alternative.is_empty() {
            return None;
        }
        out.extend(strings);
    }
    (out.len() <= LIST_PREFIXES_UP_TO).then_some(out)
}

/// The characters of a `[…]` class (after its `[`), ranges expanded.
fn class(chars: &mut std::str::Chars<'_>) -> Option<Vec<char>> {
    let mut body = Vec::new();
    for c in chars.by_ref() {
        if c == ']' {
            break;
        }
        if !(c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        body.push(c);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        match (body.get(i + 1), body.get(i + 2)) {
            (Some('-'), Some(&end)) if c <= end => {
                out.extend(c..=end);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_the_start_of_postal_codes() {
        let al = PostalPrefix::new("3[56]");
        assert!(al.matches("35004") && al.matches("36925"));
        assert!(!al.matches("95014") && !al.matches("03500"));
        let qc = PostalPrefix::new("G|H|J|K1A");
        assert!(qc.matches("H2X 1Y4") && qc.matches("K1A 0B1"));
        assert!(!qc.matches("K2A 0B1"));
    }

    #[test]
    fn broken_patterns_refuse_nothing() {
        let p = PostalPrefix::new("3[5");
        assert!(p.regex().is_none());
        assert!(p.matches("12345"));
    }

    #[test]
    fn simple_patterns_are_listed_one_by_one() {
        assert_eq!(PostalPrefix::new("3[56]").describe(), "35 or 36");
        assert_eq!(PostalPrefix::new("G|H|J|K1A").describe(), "G, H, J or K1A");
        assert_eq!(
            PostalPrefix::new("0[4-6]|00[1-2]").describe(),
            "04, 05, 06, 001 or 002"
        );
        assert_eq!(PostalPrefix::new("CP 22").describe(), "CP 22");
    }

    #[test]
    fn other_patterns_are_quoted_as_regexes() {
        assert_eq!(
            PostalPrefix::new("5[4-6]\\d{2}").describe(),
            "a match of ^(?:5[4-6]\\d{2})"
        );
        assert_eq!(
            PostalPrefix::new("1[0-9]|2[0-9]").describe(),
            "a match of ^(?:1[0-9]|2[0-9])"
        );
        assert!(
            PostalPrefix::new("T?[45]")
                .describe()
                .starts_with("a match of")
        );
    }
}
