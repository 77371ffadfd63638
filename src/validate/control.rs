//! Control characters inside a value (NUL, ESC, DEL, C1, and tabs and line
//! breaks too: a value is sent as one line). Leading and trailing ones are
//! whitespace, trimmed when read; the ones inside are a problem naming the
//! character and its position, never sent and never silently changed.
//!
//! Line breaks inside a cell (Alt+Enter in Excel) are refused rather than
//! joined: what is sent is what the row shows. The hint says where the rest
//! of an address line goes (`address_line2`).

use super::field::Field;
use super::problem::{Problem, ProblemKind};
use super::text::quote;

/// The first control character of `value` and its position (1-based, in
/// characters), if any. Scans bytes: no allocation, and a value without
/// control characters (C0 `< 0x20`, DEL `0x7F`, C1 `U+0080..=U+009F`, encoded
/// `0xC2 0x80..=0x9F`) is passed in one pass.
pub(crate) fn first_control(value: &str) -> Option<(usize, char)> {
    let bytes = value.as_bytes();
    let suspect = bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20 || b == 0x7F || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| *n < 0xA0))
    });
    if !suspect {
        return None;
    }
    value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .map(|(i, c)| (i + 1, c))
}

/// `ESC (U+001B)`, `a line break (U+000A)`.
fn describe(c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\u{1b}' => "ESC",
        '\u{7f}' => "DEL",
        '\t' => "a tab",
        '\n' | '\r' | '\u{85}' => "a line break",
        '\u{8}' => "a backspace",
        _ => "a control character",
    };
    format!("{name} (U+{:04X})", u32::from(c))
}

/// The problem of a control character in `field`'s value `typed`, if any.
pub(crate) fn control_problem(field: Field, typed: &str) -> Option<Problem> {
    let (position, c) = first_control(typed)?;
    let message = format!(
        "{field} {} has {} at character {position}: control characters are not sent",
        quote(typed),
        describe(c)
    );
    let hint = match (c, field) {
        ('\n' | '\r' | '\u{85}', Field::AddressLine1 | Field::AddressLine2) => {
            "one line per cell: put what follows the line break in the next address line (Alt+Enter makes a line break in an Excel cell)"
        }
        ('\n' | '\r' | '\u{85}', _) => {
            "type the value on one line (Alt+Enter makes a line break in an Excel cell; =CLEAN(cell) removes it)"
        }
        ('\t', _) => "replace the tab with a space",
        _ => {
            "retype the value: the character is invisible in Excel (=CLEAN(cell) removes it); it often comes from a copy from another program"
        }
    };
    Some(Problem::new(field, ProblemKind::ControlCharacter, message).with_hint(hint))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_with_their_position_in_characters() {
        assert_eq!(first_control("Contoso"), None);
        assert_eq!(
            first_control("Zürich ÄÖÜ\u{a0}東京"),
            None,
            "NBSP is not a control"
        );
        assert_eq!(first_control("Con\0toso"), Some((4, '\0')));
        assert_eq!(first_control("Ü\u{1b}[31m"), Some((2, '\u{1b}')));
        assert_eq!(first_control("a\u{7f}"), Some((2, '\u{7f}')));
        assert_eq!(first_control("東京\u{85}x"), Some((3, '\u{85}')));
        assert_eq!(first_control("a\u{9f}"), Some((2, '\u{9f}')));
        assert_eq!(first_control("1 Main St\nSuite 4"), Some((10, '\n')));
    }

    #[test]
    fn the_problem_names_the_field_the_character_and_its_position() {
        let p = control_problem(Field::CompanyName, "Contoso\u{1b}").unwrap();
        assert_eq!(p.kind, ProblemKind::ControlCharacter);
        assert_eq!(
            p.message,
            "company_name \"Contoso\\u{1b}\" has ESC (U+001B) at character 8: control characters are not sent"
        );
        let line = control_problem(Field::AddressLine1, "1 Main St\nSuite 4").unwrap();
        assert!(
            line.message
                .contains("a line break (U+000A) at character 10"),
            "{}",
            line.message
        );
        assert!(line.hint.unwrap().contains("next address line"));
        assert!(control_problem(Field::City, "Köln").is_none());
    }
}
