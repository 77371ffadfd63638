//! Partner Center's country rules carry .NET regular expressions
//! (`postalCodeRegex`, `phoneNumberRegex`, ...); [`DotnetRegex`] compiles
//! them with `fancy-regex`, which has the .NET constructs the `regex` crate
//! lacks (lookaround, backreferences, atomic groups) and hands the rest of
//! a pattern to the `regex` crate's engines.
//!
//! A pattern is taken as the JSON decoder gives it: `^\d{5}$` arrives as
//! `"^\\d{5}$"` on the wire and is compiled as `^\d{5}$`; a `\\` in the
//! decoded pattern is an escaped backslash and stays one.

/// Largest compiled size of the parts fancy-regex hands to the regex crate.
const DELEGATE_SIZE_LIMIT: usize = 1 << 20;

/// Most backtracking steps one match may take. The values matched are
/// short (a phone number, a postal code), so a pattern that needs more is
/// backtracking catastrophically: the match is given up, not waited for.
pub(crate) const BACKTRACK_LIMIT: usize = 100_000;

/// Why a .NET regex cannot be used, or a match could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DotnetRegexError {
    /// The pattern is empty or blank.
    #[error("the pattern is empty")]
    Empty,
    /// The pattern uses a .NET construct fancy-regex has no equivalent for.
    #[error("it uses {0}, which fancy-regex does not support")]
    Unsupported(&'static str),
    /// fancy-regex refused the pattern.
    #[error("it does not compile: {0}")]
    Invalid(String),
    /// Matching gave up after `BACKTRACK_LIMIT` backtracking steps.
    #[error(
        "matching took more than {BACKTRACK_LIMIT} backtracking steps (catastrophic backtracking)"
    )]
    BacktrackLimit,
    /// Matching failed for another reason (the backtracking stack overflowed).
    #[error("matching failed: {0}")]
    Match(String),
}

/// A compiled .NET regex.
#[derive(Debug, Clone)]
pub struct DotnetRegex {
    pattern: String,
    regex: fancy_regex::Regex,
}

impl DotnetRegex {
    /// Compile `pattern`, as decoded from JSON.
    ///
    /// .NET conditionals (`(?(1)a|b)`, `(?(?=x)a|b)`) and character class
    /// subtraction (`[a-z-[aeiou]]`) are refused: fancy-regex has no such
    /// thing or reads them differently. Inside a character class, .NET
    /// takes `[`, `&&`, `--` and `~~` literally; they are escaped so that
    /// fancy-regex does too (no nested classes, no set operations).
    pub fn new(pattern: &str) -> Result<Self, DotnetRegexError> {
        if pattern.trim().is_empty() {
            return Err(DotnetRegexError::Empty);
        }
        let translated = translate(pattern)?;
        let regex = fancy_regex::RegexBuilder::new(&translated)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_size_limit(DELEGATE_SIZE_LIMIT)
            .build()
            .map_err(|e| DotnetRegexError::Invalid(last_line(&e.to_string())))?;
        Ok(DotnetRegex {
            pattern: pattern.to_owned(),
            regex,
        })
    }

    /// The pattern as given.
    pub(crate) fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether `text` matches; an error when that could not be decided
    /// ([`DotnetRegexError::BacktrackLimit`]).
    pub fn is_match(&self, text: &str) -> Result<bool, DotnetRegexError> {
        self.regex.is_match(text).map_err(|e| match e {
            fancy_regex::Error::RuntimeError(fancy_regex::RuntimeError::BacktrackLimitExceeded) => {
                DotnetRegexError::BacktrackLimit
            }
            other => DotnetRegexError::Match(last_line(&other.to_string())),
        })
    }
}

/// The pattern with the literals .NET reads inside a class escaped, or the
/// first construct fancy-regex cannot take.
fn translate(pattern: &str) -> Result<String, DotnetRegexError> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => {
                // An escape and what it escapes are copied as they are.
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                // A leading `^`, then a leading `]`, are part of the class.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => in_class = false,
            '[' => {
                // A literal `[` inside a class in .NET.
                out.pop();
                out.push_str(r"\[");
            }
            '-' if in_class && chars.peek() == Some(&'[') => {
                return Err(DotnetRegexError::Unsupported("character class subtraction"));
            }
            '&' | '-' | '~' if in_class && chars.peek() == Some(&c) => {
                // `&&`, `--`, `~~`: literals in .NET, set operations in fancy-regex.
                out.push('\\');
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.next() {
                    Some('(') => return Err(DotnetRegexError::Unsupported("a .NET conditional")),
                    Some(open @ ('<' | '\'')) if is_balancing_group(&mut ahead, open) => {
                        return Err(DotnetRegexError::Unsupported("a .NET balancing group"));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Whether the group name after `(?<` or `(?'` is `name-other` (a .NET
/// balancing group), not a lookbehind or a plain name.
fn is_balancing_group(mut name: impl Iterator<Item = char>, open: char) -> bool {
    let close = if open == '<' { '>' } else { '\'' };
    let mut first = true;
    for c in name.by_ref() {
        if first && matches!(c, '=' | '!') {
            return false;
        }
        first = false;
        if c == close {
            return false;
        }
        if c == '-' {
            return true;
        }
    }
    false
}

/// The last line of an error text (fancy-regex and the regex crate put the
/// pattern with a caret above the reason).
fn last_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        DotnetRegex::new(pattern).unwrap().is_match(text).unwrap()
    }

    #[test]
    fn the_recorded_us_phone_regex_compiles_with_its_literal_spaces() {
        // 05c, as the JSON decoder gives it.
        let us = r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$";
        for ok in [
            "425 555 0100",
            "1 425 555 0100",
            "(425) 555-0100",
            "1/425.555.0100",
        ] {
            assert!(matches(us, ok), "{ok}");
        }
        for bad in ["+1 425 555 0100", "425 555 010", "425_555_0100"] {
            assert!(!matches(us, bad), "{bad}");
        }
        assert_eq!(DotnetRegex::new(us).unwrap().as_str(), us);
    }

    #[test]
    fn lookaround_backreferences_and_atomic_groups_compile() {
        assert!(matches(r"^(?!00000)\d{5}$", "98052"));
        assert!(!matches(r"^(?!00000)\d{5}$", "00000"));
        assert!(matches(r"^(?=\d{5}$)\d+$", "98052"));
        assert!(matches(r"(?<=DE)\d{9}$", "DE123456789"));
        assert!(!matches(r"^(?<!x)y$", "xy"));
        assert!(matches(r"^(\d)\1$", "44") && !matches(r"^(\d)\1$", "45"));
        assert!(matches(r"^(?<d>\d)\k<d>$", "77"));
        assert!(matches(r"^(?<a_b>\d)-\k<a_b>$", "7-7"));
        assert!(matches(r"^(?>\d+)-$", "123-"));
        assert!(matches(r"^\d{5}\Z", "98052"));
    }

    #[test]
    fn escaped_backslashes_are_not_rewritten() {
        // JSON "^\\\\d$" decodes to `^\\d$`: a backslash, then `d`.
        assert!(matches(r"^\\d$", r"\d"));
        assert!(!matches(r"^\\d$", "7"));
        assert!(matches(r"^a\\Z$", r"a\Z"));
    }

    #[test]
    fn class_literals_that_fancy_regex_would_read_as_operators_are_escaped() {
        assert!(matches(r"^[[]$", "["));
        assert!(matches(r"^[a&&b]+$", "a&&b"));
        assert!(matches(r"^[+--]+$", "+,-"));
        assert!(matches(r"^[~~x]+$", "~x"));
        assert!(matches(r"^[\]-]+$", "]-]"));
        // A `-` before a class outside a class is not subtraction.
        assert!(matches(r"^[A-Z]-[0-9]{4}$", "B-1234"));
        assert!(matches(r"^[]a]+$", "]a"));
    }

    #[test]
    fn conditionals_and_class_subtraction_are_refused_with_the_reason() {
        for (pattern, reason) in [
            (r"^[a-z-[aeiou]]+$", "character class subtraction"),
            (r"(a)?(?(1)b|c)", "a .NET conditional"),
            (r"(?(?=x)xy|z)", "a .NET conditional"),
            (r"(?<a>x)(?<b-a>y)", "a .NET balancing group"),
            (r"(?'open'x)(?'close-open'y)", "a .NET balancing group"),
        ] {
            let err = DotnetRegex::new(pattern).unwrap_err();
            assert_eq!(err, DotnetRegexError::Unsupported(reason), "{pattern}");
            assert!(err.to_string().contains(reason));
        }
        // Escaped, they are literals.
        assert!(matches(r"^\(\?\(x$", "(?(x"));
        assert!(matches(r"^[a\-\[]+$", "a-["));
    }

    #[test]
    fn empty_and_broken_patterns_are_refused() {
        assert_eq!(DotnetRegex::new("  ").unwrap_err(), DotnetRegexError::Empty);
        for broken in [r"[unclosed", r"(open", r"*a", r"\"] {
            let err = DotnetRegex::new(broken).unwrap_err();
            assert!(
                matches!(err, DotnetRegexError::Invalid(_)),
                "{broken}: {err:?}"
            );
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn catastrophic_backtracking_gives_up_instead_of_hanging() {
        let re = DotnetRegex::new(r"^((?=a)a+)+b$").unwrap();
        let text = "a".repeat(40);
        assert_eq!(re.is_match(&text), Err(DotnetRegexError::BacktrackLimit));
        assert_eq!(re.is_match("aaab"), Ok(true));
    }
}
