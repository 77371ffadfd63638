//! Contact phone numbers: only a plausibility check, as Partner Center's own
//! per-country phone rules are not in the offline data.

use super::text::InlineStr;

/// Longest accepted phone number, in characters.
const MAX_CHARS: usize = 25;
/// Fewest digits a phone number can have.
const MIN_DIGITS: usize = 4;

/// A plausible phone number: digits, spaces and `+ ( ) - . /`, at least 4
/// digits, at most 25 characters. Kept as written (inline, no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PhoneNumber(InlineStr<MAX_CHARS>);

impl PhoneNumber {
    /// Parse a (trimmed) phone number.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("is empty".to_owned());
        }
        let allowed = s.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'(' | b')' | b'-' | b'.' | b'/')
        });
        if !allowed {
            return Err(
                "is not a phone number: use digits, spaces and + ( ) - . / only".to_owned(),
            );
        }
        // Only ASCII passed the check above, so bytes are characters.
        if s.len() > MAX_CHARS {
            return Err(format!(
                "is too long for a phone number: {} characters, at most {MAX_CHARS}",
                s.len()
            ));
        }
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        if digits < MIN_DIGITS {
            return Err(format!(
                "is not a phone number: {digits} digits, at least {MIN_DIGITS}"
            ));
        }
        InlineStr::new(s)
            .map(Self)
            .ok_or_else(|| "is too long for a phone number".to_owned())
    }

    /// The number as sent.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

crate::validate::text::text_newtype!(PhoneNumber, parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_notations() {
        for v in [
            "+14255550100",
            "(425) 555-0100",
            "+7 495 123.45.67",
            "030/1234567",
            "1234",
        ] {
            assert_eq!(PhoneNumber::parse(v).unwrap().as_str(), v);
        }
    }

    #[test]
    fn rejects_letters_and_other_symbols() {
        for v in ["425-CALL-NOW", "+1 425 555 0100 ext 3", "١٢٣٤٥", "12#34"] {
            assert!(PhoneNumber::parse(v).is_err(), "{v}");
        }
    }

    #[test]
    fn needs_four_digits_and_at_most_25_characters() {
        assert!(PhoneNumber::parse("123").unwrap_err().contains("3 digits"));
        assert!(PhoneNumber::parse("+() -").is_err());
        assert!(PhoneNumber::parse(&"1".repeat(25)).is_ok());
        assert!(
            PhoneNumber::parse(&"1".repeat(26))
                .unwrap_err()
                .contains("26 characters")
        );
        assert!(PhoneNumber::parse("").is_err());
    }
}
