//! The billing contact's e-mail address.

use std::fmt;
use std::str::FromStr;

use email_address::{EmailAddress, Options};

/// A valid e-mail address (`local@domain.tld`), as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parse a plain address: no display name (`Ann <ann@x.com>`), no IP
    /// literal domain, and a domain with at least two labels.
    pub fn parse(s: &str) -> Result<Self, String> {
        let options = Options::default()
            .without_display_text()
            .without_domain_literal()
            .with_required_tld();
        match EmailAddress::parse_with_options(s, options) {
            Ok(_) => Ok(Self(s.to_owned())),
            Err(e) => {
                let detail = e.to_string();
                let detail = detail.trim_end_matches('.');
                Err(format!("is not a valid e-mail address ({detail})"))
            }
        }
    }

    /// The address as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
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
    fn reason_names_what_is_wrong() {
        let err = Email::parse("contoso.com").unwrap_err();
        assert!(err.starts_with("is not a valid e-mail address ("), "{err}");
    }
}
