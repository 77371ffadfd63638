//! Control characters inside a value (NUL, ESC, DEL, C1, and tabs and line
//! breaks too: a value is sent as one line). Leading and trailing ones are
//! whitespace, trimmed when read; the ones inside are a problem naming the
//! character and its position, never sent and never silently changed.
//!
//! Line breaks inside a cell (Alt+Enter in Excel) are refused rather than
//! joined: what is sent is what the row shows. The hint says where the rest
//! of an address line goes (`address_line2`).

use super::field::{CustomerFields, Field};
use super::problem::{Problem, ProblemKind};
use super::text::quote;

/// The first control character of `value` and its position (1-based, in
/// characters), if any. Scans bytes: no allocation, and a value without
/// control characters (C0 `< 0x20`, DEL `0x7F`, C1 `U+0080..=U+009F`, encoded
/// `0xC2 0x80..=0x9F`) is passed in one pass.
#[inline]
pub(crate) fn first_control(value: &str) -> Option<(usize, char)> {
    if !has_suspect_byte(value.as_bytes()) {
        return None;
    }
    value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .map(|(i, c)| (i + 1, c))
}

/// What one pass over a row's values found: a byte that is not ASCII, a
/// byte that may start a control character.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RowScan {
    pub(crate) non_ascii: bool,
    pub(crate) suspect: bool,
}

impl RowScan {
    /// Every value of `fields`, eight bytes at a time: one pass serves the
    /// NFKC step (ASCII rows need none) and the control-character check.
    pub(crate) fn of(fields: &CustomerFields<'_>) -> Self {
        let mut scan = RowScan::default();
        for field in Field::ALL {
            let found = scan_bytes(fields.get(field).as_bytes());
            scan.non_ascii |= found.non_ascii;
            scan.suspect |= found.suspect;
        }
        scan
    }

    /// The bytes of a whole record at once (the row's values are slices of
    /// it; the delimiters between them are not kept).
    pub(crate) fn of_bytes(bytes: &[u8]) -> Self {
        scan_bytes(bytes)
    }
}

/// Whether `bytes` has a byte that is not ASCII, and one that is C0, DEL
/// or 0xC2 (the lead byte of U+0080..=U+00BF: C1 and others, which
/// [`first_control`] tells apart). A false alarm only costs the exact check.
///
/// Eight bytes at a time, two tests a word: a byte below 0x20, and a byte
/// of 0x7F or more (DEL or not ASCII; an 0xFF's carry may raise its
/// neighbour, only ever in a word that has a non-ASCII byte). Only a record
/// with such a byte, rare, is looked at byte by byte.
#[inline]
fn scan_bytes(bytes: &[u8]) -> RowScan {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut high = 0u64;
    let mut below = 0u64;
    let mut check = |x: u64| {
        high |= (x | x.wrapping_add(ONES)) & HIGH;
        below |= x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    };
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        check(u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // The tail padded with spaces, which raise nothing.
        let mut word = [b' '; 8];
        word[..rest.len()].copy_from_slice(rest);
        check(u64::from_le_bytes(word));
    }
    if high == 0 {
        return RowScan {
            non_ascii: false,
            suspect: below != 0,
        };
    }
    RowScan {
        non_ascii: bytes.iter().any(|b| *b >= 0x80),
        suspect: below != 0 || bytes.iter().any(|b| *b == 0x7F || *b == 0xC2),
    }
}

#[inline]
fn has_suspect_byte(bytes: &[u8]) -> bool {
    scan_bytes(bytes).suspect
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
#[inline]
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
    fn the_word_at_a_time_scan_finds_every_suspect_byte_wherever_it_is() {
        for len in 1..24 {
            for at in 0..len {
                for b in [0u8, 0x1B, 0x1F, 0x7F, 0xC2] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert!(has_suspect_byte(&bytes), "{len} {at} {b:#x}");
                }
            }
            let clean: Vec<u8> = (0..len).map(|i| 0x20 + (i as u8 * 7) % 0x5F).collect();
            assert!(!has_suspect_byte(&clean), "{clean:?}");
            assert!(!has_suspect_byte("Zürich ÄÖÜ 東京 ЖЖ".as_bytes()));
            assert!(scan_bytes("Zürich ÄÖÜ 東京 ЖЖ".as_bytes()).non_ascii);
            assert!(!scan_bytes(&clean).non_ascii);
        }
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
