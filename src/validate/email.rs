//! The billing contact's e-mail address.

use email_address::{EmailAddress, Options};

use super::text::ShortText;

/// Addresses up to this many bytes are stored inline.
const INLINE_BYTES: usize = 62;

/// A valid e-mail address (`local@domain.tld`), as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Email(ShortText<INLINE_BYTES>);

impl Email {
    /// Parse a plain address: no display name (`Ann <ann@x.com>`), no IP
    /// literal domain, and a domain with at least two labels.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if plain_ascii(s) {
            return Ok(Self(ShortText::new(s)));
        }
        // Fast path without the crate's own copy of the string: with no `<`
        // there is no display text, so these checks are exactly what the
        // options below ask for.
        let plain = !s.contains('<')
            && s.rsplit_once('@').is_some_and(|(local, domain)| {
                !domain.starts_with('[')
                    && domain.contains('.')
                    && EmailAddress::is_valid_local_part(local)
                    && EmailAddress::is_valid_domain(domain)
            });
        if plain {
            return Ok(Self(ShortText::new(s)));
        }
        let options = Options::default()
            .without_display_text()
            .without_domain_literal()
            .with_required_tld();
        match EmailAddress::parse_with_options(s, options) {
            Ok(_) => Ok(Self(ShortText::new(s))),
            Err(e) => {
                let detail = e.to_string();
                let detail = detail.trim_end_matches('.');
                let mut chars = detail.chars();
                let first = chars.next().map(|c| c.to_ascii_lowercase());
                let detail: String = first.into_iter().chain(chars).collect();
                Err(format!("is not a valid e-mail address ({detail})"))
            }
        }
    }

    /// The address as sent.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

crate::validate::text::text_newtype!(Email, parse);

/// The bytes `email_address` accepts in an atom (its `is_atext`), for ASCII.
const ATEXT: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'/' | b'=' | b'?' | b'^'..=b'`' | b'{'..=b'~');
        b += 1;
    }
    table
};

fn is_atext(b: u8) -> bool {
    ATEXT.get(usize::from(b)).copied().unwrap_or(false)
}

/// An address the full parser would accept, recognised byte by byte: ASCII,
/// a dot-atom local part of at most 64 bytes, and a domain of at least two
/// labels, each 1 to 63 atom bytes that start and end with a letter or
/// digit, at most 254 bytes in all; exactly the rules `email_address`
/// applies to ASCII text (its `is_valid_local_part`, `is_valid_domain`),
/// without its per-character Unicode checks. `false` means "ask the full
/// parser", not "invalid": quoted local parts, non-ASCII text and every
/// error go the long way, so messages do not change.
fn plain_ascii(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(at) = bytes.iter().rposition(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = bytes.split_at(at);
    let domain = domain.get(1..).unwrap_or_default();
    let label = |part: &[u8]| {
        let ends = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        part.len() <= 63 && ends(part.first()) && ends(part.last())
    };
    local.len() <= 64
        && dot_atoms(local, |_| true).is_some()
        && domain.len() <= 254
        && dot_atoms(domain, label).is_some_and(|labels| labels >= 2)
}

/// How many `.`-separated parts `text` has, if each is a non-empty run of
/// atom bytes that `ok` accepts.
fn dot_atoms(text: &[u8], ok: impl Fn(&[u8]) -> bool) -> Option<usize> {
    let mut parts = 0;
    for part in text.split(|&b| b == b'.') {
        if part.is_empty() || !part.iter().all(|&b| is_atext(b)) || !ok(part) {
            return None;
        }
        parts += 1;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_addresses() {
        for v in [
            "ap@contoso.example",
            "first.last+tag@sub.contoso.com",
            "a@b.co",
        ] {
            assert_eq!(Email::parse(v).unwrap().as_str(), v);
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for v in [
            "contoso.com",
            "@contoso.com",
            "ann@",
            "ann@localhost",
            "Ann <ann@contoso.com>",
            "ann@[127.0.0.1]",
            "ann@@contoso.com",
            "ann lee@contoso.com",
        ] {
            assert!(Email::parse(v).is_err(), "{v}");
        }
    }

    #[test]
    fn fast_path_agrees_with_the_full_parser() {
        let options = Options::default()
            .without_display_text()
            .without_domain_literal()
            .with_required_tld();
        for v in [
            "a@b.co",
            "a@b",
            "a@b.",
            "a@.b",
            "\"a b\"@c.de",
            "\"a@b\"@c.de",
            "a..b@c.de",
            "a@b..c",
            "a@-b.c",
            "a@b_c.de",
            "é@b.co",
            "a@bé.co",
            "a@[1.2.3.4]",
            "a@b.c@d.e",
        ] {
            let full = EmailAddress::parse_with_options(v, options).is_ok();
            assert_eq!(Email::parse(v).is_ok(), full, "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_accepts_only_what_the_full_parser_accepts(
            s in "[a-zA-Z0-9.@!#%'*+/=?^_`{|}~\\-\\[\\]\"<> é]{0,72}"
        ) {
            let options = Options::default()
                .without_display_text()
                .without_domain_literal()
                .with_required_tld();
            let full = EmailAddress::parse_with_options(&s, options).is_ok();
            proptest::prop_assert!(!plain_ascii(&s) || full, "{}", s);
            proptest::prop_assert_eq!(Email::parse(&s).is_ok(), full, "{}", s);
        }
    }

    #[test]
    fn the_ascii_fast_path_takes_common_addresses_and_leaves_the_rest() {
        for v in [
            "a@b.co",
            "first.last+tag@sub.contoso.com",
            "o'neil@x-y.example",
        ] {
            assert!(plain_ascii(v), "{v}");
        }
        for v in [
            "\"a b\"@c.de",
            "é@b.co",
            "a@b",
            "a@-b.co",
            "a@b-.co",
            "a..b@c.de",
            ".a@c.de",
            "a@[1.2.3.4]",
            "Ann <a@b.co>",
            &format!("{}@b.co", "a".repeat(65)),
            &format!("a@{}.co", "b".repeat(64)),
        ] {
            assert!(!plain_ascii(v), "{v}");
        }
    }

    #[test]
    fn reason_names_what_is_wrong() {
        let err = Email::parse("contoso.com").unwrap_err();
        assert!(err.starts_with("is not a valid e-mail address ("), "{err}");
        assert_eq!(
            Email::parse("x@y").unwrap_err(),
            "is not a valid e-mail address (too few parts in the domain)"
        );
    }
}
