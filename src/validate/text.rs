//! Small text helpers shared by the validators.

use std::fmt::Write;

/// Longest value (in characters) quoted in full in a message.
const QUOTE_MAX_CHARS: usize = 60;

/// The value in double quotes for a message, control characters escaped and
/// cut after [`QUOTE_MAX_CHARS`] characters (`…` marks the cut), so a huge or
/// multi-line cell cannot flood the results file.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(QUOTE_MAX_CHARS * 4) + 2);
    out.push('"');
    for (i, c) in value.chars().enumerate() {
        if i == QUOTE_MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_default());
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Some(count)` when `value` has more than `max` characters.
pub(crate) fn too_long(value: &str, max: usize) -> Option<usize> {
    // Bytes bound characters from above: skip the count for short values.
    if value.len() <= max {
        return None;
    }
    let n = value.chars().count();
    (n > max).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_wraps_in_double_quotes_and_keeps_unicode() {
        assert_eq!(quote("Москва"), "\"Москва\"");
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn quote_escapes_quotes_and_control_characters() {
        assert_eq!(quote("a\"b\nc"), "\"a\\\"b\\nc\"");
    }

    #[test]
    fn quote_cuts_long_values() {
        let q = quote(&"x".repeat(1000));
        assert_eq!(q.chars().count(), QUOTE_MAX_CHARS + 3);
        assert!(q.ends_with("…\""));
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        assert_eq!(too_long(&"é".repeat(50), 50), None);
        assert_eq!(too_long(&"é".repeat(51), 50), Some(51));
        assert_eq!(too_long("abc", 2), Some(3));
    }
}
