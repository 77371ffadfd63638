//! Culture (`en-US`) and language (`en`) of the billing profile.

use std::fmt;
use std::str::FromStr;

use super::codes::{is_iso_639_1, is_iso_3166_alpha2};

/// A culture: ISO 639-1 language, optional ISO 15924 script, ISO 3166-1
/// alpha-2 region (`en-US`, `zh-Hans-CN`), normalized to the usual casing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Culture(String);

impl Culture {
    /// Parse `ll-RR` or `ll-Script-RR`, ignoring case (`EN-US` → `en-US`).
    pub fn parse(s: &str) -> Result<Self, String> {
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
        if let Some(sc) = script {
            if sc.len() != 4 || !sc.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(format!("{SHAPE}: {sc:?} is not a four-letter script"));
            }
        }
        if !is_iso_3166_alpha2(region) {
            return Err(format!(
                "{SHAPE}: {region:?} is not an ISO 3166-1 alpha-2 region"
            ));
        }
        // Only ASCII letters remain: change case byte by byte.
        let mut out = String::with_capacity(s.len());
        out.extend(language.chars().map(|c| c.to_ascii_lowercase()));
        if let Some(sc) = script {
            out.push('-');
            out.extend(sc.chars().enumerate().map(|(i, c)| {
                if i == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            }));
        }
        out.push('-');
        out.extend(region.chars().map(|c| c.to_ascii_uppercase()));
        Ok(Self(out))
    }

    /// The normalized culture, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language part (`en`).
    pub fn language(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

impl fmt::Display for Culture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Culture {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// An ISO 639-1 two-letter language code, lower case (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Parse two letters naming an ISO 639-1 language, ignoring case (`En` → `en`).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err("is not an ISO 639-1 language code (two letters, e.g. en)".to_owned());
        }
        if !is_iso_639_1(s) {
            return Err("is not an ISO 639-1 language code".to_owned());
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    /// The lower-case code, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for LanguageCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

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
