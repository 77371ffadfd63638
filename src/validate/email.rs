//! The billing contact's e-mail address.

use email_address::{EmailAddress, Options};

/// A valid e-mail address (`local@domain.tld`), as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parse a plain address: no display name (`Ann <ann@x.com>`), no IP
    /// literal domain, and a domain with at least two labels.
    pub fn parse(s: &str) -> Result<Self, String> {
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
            return Ok(Self(s.to_owned()));
        }
        let options = Options::default()
            .without_display_text()
            .without_domain_literal()
            .with_required_tld();
        match EmailAddress::parse_with_options(s, options) {
            Ok(_) => Ok(Self(s.to_owned())),
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
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::validate::text::text_newtype!(Email, parse);

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
