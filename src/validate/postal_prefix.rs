//! The postal-code prefixes of one subdivision (Google's `sub_zips`): a regex
//! that the start of the subdivision's postal codes matches (`3[56]` for
//! Alabama, `G|H|J|K1A` for Quebec).

use std::sync::OnceLock;

use regex::Regex;

use super::prefix_words::prefixes_in_words;

/// A subdivision's postal-code prefix pattern, compiled on first use.
#[derive(Debug, Clone)]
pub(crate) struct PostalPrefix {
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

    /// The compiled pattern anchored at the start, `^(?:<pattern>)`; `None`
    /// if it does not compile (a test checks that every one does).
    pub(crate) fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&format!("^(?:{})", self.pattern)).ok())
            .as_ref()
    }

    /// Whether the (upper-cased) postal code starts with one of the prefixes.
    /// A pattern that does not compile refuses nothing.
    pub(crate) fn matches(&self, postal_code: &str) -> bool {
        self.regex().is_none_or(|re| re.is_match(postal_code))
    }

    /// The prefixes for a message, in words: `35 or 36`, `01–08`; where
    /// the pattern cannot be put in words, a sentence saying so (never the
    /// regex).
    pub(crate) fn describe(&self) -> String {
        prefixes_in_words(&self.pattern)
            .unwrap_or_else(|| "the prefixes Google's address data lists for it".to_owned())
    }
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
    fn prefixes_are_described_in_words_never_as_a_regex() {
        assert_eq!(PostalPrefix::new("3[56]").describe(), "35 or 36");
        assert_eq!(PostalPrefix::new("5[4-6]\\d{2}").describe(), "54–56");
        let odd = PostalPrefix::new("a+").describe();
        assert_eq!(odd, "the prefixes Google's address data lists for it");
    }
}
