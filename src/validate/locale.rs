//! Culture (`en-US`) and language (`en`) of the billing profile.

use super::codes::{is_iso_639_1, is_iso_3166_alpha2};
use super::text::InlineStr;

/// Longest culture: `ll-Ssss-RR`.
const MAX_CULTURE: usize = 10;

/// A culture: ISO 639-1 language, optional ISO 15924 script, ISO 3166-1
/// alpha-2 region (`en-US`, `zh-Hans-CN`), normalized to the usual casing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Culture(InlineStr<MAX_CULTURE>);

impl Culture {
    /// Parse `ll-RR` or `ll-Script-RR`, ignoring case (`EN-US` → `en-US`).
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        const SHAPE: &str = "is not a culture like en-US (language-REGION)";
        let mut parts = s.split('-');
        let (language, script, region) =
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(l), Some(r), None, None) => (l, None, r),
                (Some(l), Some(sc), Some(r), None) => (l, Some(sc), r),
                _ => return Err(SHAPE.to_owned()),
            };
        if language.len() != 2 || !is_iso_639_1(language) {
            return Err(format!(
                "{SHAPE}: {language:?} is not an ISO 639-1 language"
            ));
        }
        if let Some(sc) = script
            && (sc.len() != 4 || !sc.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(format!("{SHAPE}: {sc:?} is not a four-letter script"));
        }
        if !is_iso_3166_alpha2(region) {
            return Err(format!(
                "{SHAPE}: {region:?} is not an ISO 3166-1 alpha-2 region"
            ));
        }
        // Only ASCII letters remain: change case byte by byte, on the stack.
        let script = script.map(|sc| {
            let (first, rest) = sc.split_at(1);
            std::iter::once(b'-')
                .chain(first.bytes().map(|b| b.to_ascii_uppercase()))
                .chain(rest.bytes().map(|b| b.to_ascii_lowercase()))
        });
        let bytes = language
            .bytes()
            .map(|b| b.to_ascii_lowercase())
            .chain(script.into_iter().flatten())
            .chain(std::iter::once(b'-'))
            .chain(region.bytes().map(|b| b.to_ascii_uppercase()));
        let mut buf = [0u8; MAX_CULTURE];
        let mut len = 0;
        for (slot, b) in buf.iter_mut().zip(bytes) {
            *slot = b;
            len += 1;
        }
        let normalized =
            std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default();
        InlineStr::new(normalized)
            .map(Self)
            .ok_or_else(|| SHAPE.to_owned())
    }

    /// The normalized culture, as sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The language part (`en`).
    #[cfg(test)]
    pub(crate) fn language(&self) -> &str {
        self.as_str().split('-').next().unwrap_or_default()
    }
}

/// An ISO 639-1 two-letter language code, lower case (`en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LanguageCode(InlineStr<2>);

impl LanguageCode {
    /// Parse two letters naming an ISO 639-1 language, ignoring case (`En` → `en`).
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err("is not an ISO 639-1 language code (two letters, e.g. en)".to_owned());
        }
        if !is_iso_639_1(s) {
            return Err("is not an ISO 639-1 language code".to_owned());
        }
        let lower = [
            s.as_bytes()[0].to_ascii_lowercase(),
            s.as_bytes()[1].to_ascii_lowercase(),
        ];
        let lower = std::str::from_utf8(&lower).unwrap_or_default();
        InlineStr::new(lower)
            .map(Self)
            .ok_or_else(|| "is too long".to_owned())
    }

    /// The lower-case code, as sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

crate::validate::text::text_newtype!(Culture, parse);

crate::validate::text::text_newtype!(LanguageCode, parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cultures_are_normalized_from_any_case() {
        for (input, sent) in [
            ("en-US", "en-US"),
            ("EN-US", "en-US"),
            ("nl-nl", "nl-NL"),
            ("zh-hans-cn", "zh-Hans-CN"),
            ("SR-LATN-RS", "sr-Latn-RS"),
        ] {
            assert_eq!(Culture::parse(input).unwrap().as_str(), sent, "{input}");
        }
        assert_eq!(Culture::parse("fr-CA").unwrap().language(), "fr");
    }

    #[test]
    fn cultures_need_a_known_language_and_region() {
        for v in [
            "en",
            "en_US",
            "english-US",
            "xx-US",
            "en-XX",
            "en-USA",
            "en-Hans1-US",
            "en-US-x",
            "-US",
            "en-",
            "",
        ] {
            assert!(Culture::parse(v).is_err(), "{v}");
        }
        let err = Culture::parse("en-XX").unwrap_err();
        assert!(err.contains("\"XX\""), "{err}");
    }

    #[test]
    fn languages_are_iso_639_1_codes_sent_lower_case() {
        assert_eq!(LanguageCode::parse("En").unwrap().as_str(), "en");
        assert_eq!(LanguageCode::parse("nl").unwrap().to_string(), "nl");
        for v in ["eng", "e", "xx", "e1", "", "日本"] {
            assert!(LanguageCode::parse(v).is_err(), "{v}");
        }
    }
}
