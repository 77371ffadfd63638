//! Partner Center's country rules carry .NET regular expressions
//! (`postalCodeRegex`, `phoneNumberRegex`, ...); [`dotnet_regex`] compiles
//! them where the `regex` crate reads them the same way.

use regex::{Regex, RegexBuilder};

/// Largest compiled size of one live regex.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compile a .NET regex from Partner Center with the `regex` crate, when
/// the crate can take it with the same meaning.
///
/// - Patterns whose backslashes arrive escaped twice (`\\d`, `\\/` after
///   JSON decoding) are unescaped once.
/// - `\Z` becomes `\z` (values are trimmed, so "before a final newline" does not arise).
/// - Lookaround, atomic groups, conditionals, backreferences and character
///   class subtraction (`[a-z-[aeiou]]`) are refused: the crate has no
///   such thing or would read them differently.
pub fn dotnet_regex(pattern: &str) -> Result<Regex, String> {
    let mut candidate = pattern.trim().to_owned();
    if candidate.is_empty() {
        return Err("the pattern is empty".to_owned());
    }
    if candidate.contains(r"\\") {
        candidate = candidate.replace(r"\\", r"\");
    }
    if let Some(construct) = unsupported_construct(&candidate) {
        return Err(format!(
            "it uses {construct}, which the regex crate does not support"
        ));
    }
    candidate = candidate.replace(r"\Z", r"\z");
    RegexBuilder::new(&candidate)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string().lines().last().unwrap_or_default().to_owned())
}

/// The first .NET-only construct in `pattern`, if any.
fn unsupported_construct(pattern: &str) -> Option<&'static str> {
    const GROUPS: [(&str, &str); 6] = [
        ("(?=", "a lookahead"),
        ("(?!", "a negative lookahead"),
        ("(?<=", "a lookbehind"),
        ("(?<!", "a negative lookbehind"),
        ("(?>", "an atomic group"),
        ("(?(", "a conditional"),
    ];
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut at = 0usize;
    while let Some(c) = chars.next() {
        let rest = &pattern[at..];
        at += c.len_utf8();
        match c {
            '\\' => {
                let Some(next) = chars.next() else { break };
                at += next.len_utf8();
                if !in_class && (next.is_ascii_digit() && next != '0' || next == 'k') {
                    return Some("a backreference");
                }
            }
            '[' if !in_class => {
                in_class = true;
                // A leading `]` or `^]` is a literal.
                if chars.peek() == Some(&'^') {
                    chars.next();
                    at += 1;
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    at += 1;
                }
            }
            ']' if in_class => in_class = false,
            '-' if in_class && chars.peek() == Some(&'[') => {
                return Some("character class subtraction");
            }
            '(' if !in_class => {
                if let Some((_, what)) = GROUPS.iter().find(|(g, _)| rest.starts_with(g)) {
                    return Some(what);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn dotnet_regexes_are_converted_or_skipped() {
        // Escaped punctuation, as in the recorded payloads.
        let re = dotnet_regex(r"^(1[ \-\/\.]?)?(\d{3})$").unwrap();
        assert!(re.is_match("1/425"));
        // Backslashes escaped twice arrive as `\\d`.
        let re = dotnet_regex(r"^\\d{5}(-\\d{4})?$").unwrap();
        assert!(re.is_match("98052-8300") && !re.is_match(r"\d\d"));
        assert!(dotnet_regex(r"^\d{5}\Z").unwrap().is_match("98052"));
        for unsupported in [
            r"^(?=\d{5}$)\d+$",
            r"^(?!00)\d{5}$",
            r"(?<=A)\d",
            r"(?<!A)\d",
            r"(?>\d+)",
            r"^(\d)\1$",
            r"^[a-z-[aeiou]]+$",
            r"(?(1)a|b)",
            "",
            r"[unclosed",
        ] {
            assert!(dotnet_regex(unsupported).is_err(), "{unsupported}");
        }
        // A `-` before a class outside a class is not subtraction.
        assert!(
            dotnet_regex(r"^[A-Z]-[0-9]{4}$")
                .unwrap()
                .is_match("B-1234")
        );
        assert!(dotnet_regex(r"^[\]-]+$").is_ok());
    }
}
