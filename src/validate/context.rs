//! [`CheckContext`]: what the row check knows beyond the row itself.

/// What the row check needs to know beyond the row: the partner's own
/// e-mail domains (an address there is refused as a customer's e-mail).
///
/// Built once per run: from the config file's `partner_domains`, and from
/// anything else that knows them (the signed-in token), each source one
/// `CheckContext::add_partner_domains` call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckContext {
    partner_domains: Vec<String>,
}

/// The context with nothing in it.
static NONE: CheckContext = CheckContext {
    partner_domains: Vec::new(),
};

impl CheckContext {
    /// No partner domains: the rules that need none.
    pub fn none() -> &'static CheckContext {
        &NONE
    }

    /// Add the partner's own domains: lower-cased, without a leading `@`
    /// or a trailing `.`; empty ones and repeats are skipped.
    pub(crate) fn add_partner_domains<I, S>(&mut self, domains: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for domain in domains {
            let domain = domain
                .as_ref()
                .trim()
                .trim_start_matches('@')
                .trim_end_matches('.')
                .to_lowercase();
            if !domain.is_empty() && !self.partner_domains.contains(&domain) {
                self.partner_domains.push(domain);
            }
        }
    }

    /// Builder form of [`CheckContext::add_partner_domains`].
    #[must_use]
    pub(crate) fn with_partner_domains<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.add_partner_domains(domains);
        self
    }

    /// The partner's own domains, lower case, in the order added.
    pub(crate) fn partner_domains(&self) -> &[String] {
        &self.partner_domains
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_domains_are_normalised_and_kept_once() {
        let mut c =
            CheckContext::default().with_partner_domains(["Contoso.COM", " @fabrikam.de. ", ""]);
        c.add_partner_domains(vec!["contoso.com".to_owned()]);
        assert_eq!(c.partner_domains(), ["contoso.com", "fabrikam.de"]);
        assert!(CheckContext::none().partner_domains().is_empty());
    }
}
