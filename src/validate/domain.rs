//! The customer's initial `*.onmicrosoft.com` domain.

use super::text::InlineStr;

/// The suffix every initial domain has.
const SUFFIX: &str = ".onmicrosoft.com";
/// Longest prefix Partner Center accepts.
const MAX_PREFIX: usize = 27;

/// Longest full domain: the longest prefix and the suffix.
pub(crate) const MAX_DOMAIN: usize = MAX_PREFIX + SUFFIX.len();

/// A valid initial domain, stored in full and lower case
/// (`contoso.onmicrosoft.com`), inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(InlineStr<MAX_DOMAIN>);

impl Domain {
    /// Parse `contoso` or `contoso.onmicrosoft.com`, ignoring case. The prefix
    /// is 1 to 27 ASCII letters and digits.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        let prefix = valid_prefix(s)?;
        let mut buf = [0u8; MAX_DOMAIN];
        let full = full_lower_case(prefix, &mut buf);
        InlineStr::new(full)
            .map(Self)
            .ok_or_else(|| "is too long".to_owned())
    }

    /// The full lower-case domain, as sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The lower-case prefix (`contoso`).
    #[cfg(test)]
    pub(crate) fn prefix(&self) -> &str {
        let full = self.as_str();
        full.strip_suffix(SUFFIX).unwrap_or(full)
    }
}

/// `<prefix>.onmicrosoft.com` in lower case, written into `buf`, for a prefix
/// that passed [`valid_prefix`] (ASCII, at most [`MAX_PREFIX`] bytes).
pub(crate) fn full_lower_case<'b>(prefix: &str, buf: &'b mut [u8; MAX_DOMAIN]) -> &'b str {
    let n = prefix.len().min(MAX_PREFIX);
    let (head, tail) = buf.split_at_mut(n);
    for (d, s) in head.iter_mut().zip(prefix.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    if let Some(tail) = tail.get_mut(..SUFFIX.len()) {
        tail.copy_from_slice(SUFFIX.as_bytes());
    }
    let full = buf.get(..n + SUFFIX.len()).unwrap_or_default();
    std::str::from_utf8(full).unwrap_or_default()
}

/// The prefix of `s` (in its original case) if `s` is a valid domain, without
/// allocating on success; the reason otherwise.
pub(crate) fn valid_prefix(s: &str) -> Result<&str, String> {
    let prefix = match s.find('.') {
        None => s,
        Some(dot) => {
            let (prefix, rest) = s.split_at(dot);
            if !rest.eq_ignore_ascii_case(SUFFIX) {
                return Err(format!(
                    "is not an initial domain: give the prefix (contoso) or the full prefix{SUFFIX} name"
                ));
            }
            prefix
        }
    };
    if prefix.is_empty() {
        return Err("has an empty prefix".to_owned());
    }
    if !prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("may only contain letters a-z and digits before .onmicrosoft.com".to_owned());
    }
    if prefix.len() > MAX_PREFIX {
        return Err(format!(
            "has a prefix of {} characters, at most {MAX_PREFIX} are allowed",
            prefix.len()
        ));
    }
    Ok(prefix)
}

crate::validate::text::text_newtype!(Domain, parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_prefix_and_stores_the_full_lower_case_domain() {
        let d = Domain::parse("Contoso2").unwrap();
        assert_eq!(d.as_str(), "contoso2.onmicrosoft.com");
        assert_eq!(d.prefix(), "contoso2");
        assert_eq!(d.to_string(), "contoso2.onmicrosoft.com");
    }

    #[test]
    fn accepts_the_full_domain_ignoring_case() {
        let d = Domain::parse("CONTOSO.OnMicrosoft.COM").unwrap();
        assert_eq!(d.as_str(), "contoso.onmicrosoft.com");
        assert_eq!(d, "contoso".parse().unwrap());
    }

    #[test]
    fn accepts_prefixes_of_one_to_27_characters() {
        assert!(Domain::parse("a").is_ok());
        assert!(Domain::parse(&"a".repeat(27)).is_ok());
        let err = Domain::parse(&"a".repeat(28)).unwrap_err();
        assert!(err.contains("28 characters"), "{err}");
    }

    #[test]
    fn rejects_other_domains_and_characters() {
        for v in [
            "contoso.com",
            "xyz.ccsctp.net",
            "con-toso",
            "con toso",
            "contoso.onmicrosoft.com.evil",
            "a.b.onmicrosoft.com",
            ".onmicrosoft.com",
            "",
            "cöntoso",
            "contoso.",
        ] {
            assert!(Domain::parse(v).is_err(), "{v}");
        }
    }

    #[test]
    fn valid_prefix_keeps_the_original_case() {
        assert_eq!(valid_prefix("Contoso.onmicrosoft.com"), Ok("Contoso"));
    }
}
