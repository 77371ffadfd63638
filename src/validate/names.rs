//! The names and e-mail addresses Partner Center refuses (its "validate
//! names and addresses" page, as of 5 February 2024;
//! `docs/partner-center.md`, "Names and e-mails"): company names that are one character,
//! special characters only, single characters separated by spaces, a legal
//! form standing alone or one character repeated; contact names of one
//! character; `@microsoft.com` addresses and addresses on the partner's own
//! domains. A domain extension in a company name (`Contoso.com`) is only
//! discouraged: a warning.
//!
//! Every check is allocation-free on a valid value: each one stops at the
//! first character that shows the value passes.

use std::sync::LazyLock;

use super::context::CheckContext;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::legal_forms::LEGAL_FORMS;
use super::problem::ProblemKind;

/// Longest legal-form key, in bytes (`privatelimited`): longer names are not
/// a legal form alone.
const LEGAL_FORM_KEY_MAX: usize = 16;

/// Top-level domains taken for a domain extension in a company name,
/// besides the two-letter country codes of the address data.
const GENERIC_TLDS: [&str; 16] = [
    "com", "net", "org", "info", "biz", "io", "ai", "app", "dev", "online", "shop", "store",
    "tech", "cloud", "site", "xyz",
];

/// What is wrong with a value: its kind, the reason (after the quoted
/// value) and the hint (what to type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) kind: ProblemKind,
    pub(crate) reason: String,
    pub(crate) hint: &'static str,
}

impl Refusal {
    fn new(kind: ProblemKind, reason: impl Into<String>, hint: &'static str) -> Self {
        Refusal {
            kind,
            reason: reason.into(),
            hint,
        }
    }
}

const COMPANY_HINT: &str = "type the customer's registered legal name, as on its official documents (Partner Center refuses placeholder names)";

/// A company name whose trimmed value is empty but whose cell held spaces
/// or tabs.
pub(crate) fn blank_company_name() -> Refusal {
    Refusal::new(
        ProblemKind::OnlySpaces,
        "holds only spaces or tabs: Partner Center refuses it",
        COMPANY_HINT,
    )
}

/// Why Partner Center would refuse `name` (trimmed, non-empty) as a company
/// name, if it would.
pub(crate) fn company_name(name: &str) -> Option<Refusal> {
    let mut chars = name.chars();
    let first = chars.next()?;
    if chars.next().is_none() {
        return Some(Refusal::new(
            ProblemKind::SingleCharacter,
            "is a single character: Partner Center refuses it",
            COMPANY_HINT,
        ));
    }
    if !name.chars().any(char::is_alphanumeric) {
        return Some(Refusal::new(
            ProblemKind::OnlySpecialCharacters,
            "has only special characters: Partner Center refuses it",
            COMPANY_HINT,
        ));
    }
    if is_legal_form(name) {
        return Some(Refusal::new(
            ProblemKind::LegalFormOnly,
            "is a legal form standing alone: Partner Center refuses it",
            "type the whole registered name with its legal form, e.g. Contoso LLC or Fabrikam GmbH",
        ));
    }
    if repeated(first, name) {
        return Some(Refusal::new(
            ProblemKind::RepeatedCharacter,
            format!("is the character {first:?} repeated: Partner Center refuses it"),
            COMPANY_HINT,
        ));
    }
    if spaced_characters(name) {
        return Some(Refusal::new(
            ProblemKind::SpacedCharacters,
            "is single characters separated by spaces: Partner Center refuses it",
            "type the name without spaces between its letters (e.g. ABC, not A B C), or the registered legal name",
        ));
    }
    None
}

/// Why Partner Center would refuse `name` (trimmed) as a contact's first or
/// last name: a single character. A single ideograph or Hangul syllable is
/// a whole name (`王`, `김`) and is kept.
pub(crate) fn contact_name(name: &str) -> Option<Refusal> {
    let mut chars = name.chars();
    let first = chars.next()?;
    if chars.next().is_some() || is_whole_syllable(first) {
        return None;
    }
    Some(Refusal::new(
        ProblemKind::SingleCharacter,
        "is a single character: Partner Center refuses initials",
        "type the contact's full name, not an initial",
    ))
}

/// Why Partner Center would refuse `email` (a valid address) as the
/// customer's e-mail: a Microsoft address, or one on the partner's own domains.
pub(crate) fn email(email: &str, context: &CheckContext) -> Option<Refusal> {
    // A short scan from the end (the domain is short): cheaper than memrchr.
    let at = email.bytes().rposition(|b| b == b'@')?;
    let domain = email.get(at + 1..)?;
    if on_domain(domain, "microsoft.com") {
        return Some(Refusal::new(
            ProblemKind::MicrosoftEmail,
            "is a Microsoft address: Partner Center refuses @microsoft.com e-mail addresses",
            "type an address of the customer's own organization",
        ));
    }
    let partner = context
        .partner_domains()
        .iter()
        .find(|d| on_domain(domain, d))?;
    Some(Refusal::new(
        ProblemKind::PartnerEmail,
        format!(
            "is on the partner's own domain {partner}: Partner Center refuses the partner's addresses for a customer"
        ),
        "type an address of the customer's own organization (partner_domains in the config file lists the partner's domains)",
    ))
}

/// A warning for a company name that carries a domain extension
/// (`Contoso.com`, `www.fabrikam.de`): discouraged, not refused.
pub(crate) fn domain_in_name(
    name: &str,
    is_country_code: impl Fn(&str) -> bool,
) -> Option<Refusal> {
    if !name.bytes().any(|b| b == b'.') {
        return None;
    }
    let token = name.split_whitespace().find(|token| {
        let token = token.trim_end_matches([',', ';', ')', '"', '\'']);
        let Some((left, tld)) = token.rsplit_once('.') else {
            return false;
        };
        let left = left.strip_prefix("www.").unwrap_or(left);
        let letters = left.chars().filter(|c| c.is_alphanumeric()).count();
        let known = GENERIC_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld))
            || (tld.len() == 2 && is_country_code(tld));
        letters >= 3 && tld.bytes().all(|b| b.is_ascii_alphabetic()) && known
    })?;
    Some(Refusal::new(
        ProblemKind::DomainInName,
        format!(
            "has a domain extension ({}): Partner Center discourages it (a warning; the row is sent)",
            token.trim_end_matches([',', ';', ')', '"', '\''])
        ),
        "use the registered legal name without the web address, e.g. Contoso, not Contoso.com",
    ))
}

/// Whether `domain` is `base` or one of its subdomains, ignoring ASCII case.
fn on_domain(domain: &str, base: &str) -> bool {
    let mut domain = domain.as_bytes();
    while let [rest @ .., b'.'] = domain {
        domain = rest;
    }
    let base = base.as_bytes();
    match domain.len().checked_sub(base.len()) {
        Some(0) => domain.eq_ignore_ascii_case(base),
        Some(start) => {
            domain.get(start - 1) == Some(&b'.')
                && domain
                    .get(start..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(base))
        }
        None => false,
    }
}

/// Whether `name` is `first` three or more times and nothing else
/// (case ignored).
fn repeated(first: char, name: &str) -> bool {
    let same = |c: char| {
        c == first
            || if c.is_ascii() && first.is_ascii() {
                c.eq_ignore_ascii_case(&first)
            } else {
                c.is_alphabetic() && c.to_lowercase().eq(first.to_lowercase())
            }
    };
    let mut count = 0usize;
    for c in name.chars() {
        if !same(c) {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// Whether `name` is two or more single characters separated by spaces.
fn spaced_characters(name: &str) -> bool {
    // The usual name: its second character is not a space.
    if name.chars().nth(1).is_some_and(|c| !c.is_whitespace()) {
        return false;
    }
    let mut tokens = 0usize;
    for token in name.split_whitespace() {
        let mut chars = token.chars();
        if chars.next().is_none() || chars.next().is_some() {
            return false;
        }
        tokens += 1;
    }
    tokens >= 2
}

/// Whether `name` is one of the [`LEGAL_FORMS`], compared by their keys
/// (letters and digits only, lower case: `c.p.a.` and `c p a` are `cpa`).
fn is_legal_form(name: &str) -> bool {
    // A legal form has at most 15 letters and a few separators.
    if name.len() > 2 * LEGAL_FORM_KEY_MAX {
        return false;
    }
    /// The keys, and per first letter (`a`–`z`) the second letters.
    static KEYS: LazyLock<(Vec<u128>, [u32; 26])> = LazyLock::new(|| {
        let keys: Vec<u128> = LEGAL_FORMS
            .iter()
            .filter_map(|f| legal_form_key(f))
            .collect();
        let mut pairs = [0u32; 26];
        for form in LEGAL_FORMS {
            let mut letters = form.bytes().filter(u8::is_ascii_lowercase);
            if let (Some(a), Some(b)) = (letters.next(), letters.next()) {
                pairs[usize::from(a - b'a')] |= 1 << (b - b'a');
            }
        }
        (keys, pairs)
    });
    let (keys, pairs) = &*KEYS;
    // Most names start with two letters no legal form starts with: no.
    let mut letters = name.bytes().filter(u8::is_ascii_alphanumeric);
    if let (Some(a), Some(b)) = (letters.next(), letters.next()) {
        let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
        let listed = a.is_ascii_lowercase()
            && b.is_ascii_lowercase()
            && pairs[usize::from(a - b'a')] & (1 << (b - b'a')) != 0;
        if name.is_ascii() && !listed {
            return false;
        }
    }
    legal_form_key(name).is_some_and(|key| keys.contains(&key))
}

/// The ASCII letters and digits of `value`, lower-cased and without
/// accents (`Ltd`, `Ltd.`, `LTD` and `Łtd` alike), packed into a number
/// (one byte each); `None` when it has letters of another script, none,
/// or more than [`LEGAL_FORM_KEY_MAX`]. No allocation.
fn legal_form_key(value: &str) -> Option<u128> {
    let mut key = 0u128;
    let mut n = 0usize;
    let mut push = |b: u8| {
        n += 1;
        key = (key << 8) | u128::from(b.to_ascii_lowercase());
    };
    if value.is_ascii() {
        for b in value.bytes().filter(u8::is_ascii_alphanumeric) {
            push(b);
        }
    } else {
        for c in value.chars() {
            if c.is_ascii_alphanumeric() {
                push(c as u8);
            } else if c.is_alphanumeric() {
                let mut other_script = false;
                decompose_canonical(c, |d| {
                    if d.is_ascii_alphanumeric() {
                        push(d as u8);
                    } else if !is_combining_mark(d) {
                        other_script = true;
                    }
                });
                if other_script {
                    return None;
                }
            }
        }
    }
    (n > 0 && n <= LEGAL_FORM_KEY_MAX).then_some(key)
}

/// A CJK ideograph or a Hangul syllable: one is a whole name.
fn is_whole_syllable(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F | 0xAC00..=0xD7A3)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn company(name: &str) -> Option<ProblemKind> {
        company_name(name).map(|r| r.kind)
    }

    #[test]
    fn company_names_partner_center_refuses_are_refused_each_with_its_kind() {
        let cases = [
            ("A", ProblemKind::SingleCharacter),
            ("&$^#", ProblemKind::OnlySpecialCharacters),
            ("- -", ProblemKind::OnlySpecialCharacters),
            ("1 2 3", ProblemKind::SpacedCharacters),
            ("A B", ProblemKind::SpacedCharacters),
            ("999", ProblemKind::RepeatedCharacter),
            ("aAa", ProblemKind::RepeatedCharacter),
            ("LLC", ProblemKind::LegalFormOnly),
            ("Inc.", ProblemKind::LegalFormOnly),
            ("L.L.C.", ProblemKind::LegalFormOnly),
            ("c p a", ProblemKind::LegalFormOnly),
            ("Pty Ltd", ProblemKind::LegalFormOnly),
            ("PRIVATE LIMITED", ProblemKind::LegalFormOnly),
            ("Sdn. Bhd.", ProblemKind::LegalFormOnly),
            ("GmbH", ProblemKind::LegalFormOnly),
            ("SÀRL", ProblemKind::LegalFormOnly),
        ];
        for (name, kind) in cases {
            assert_eq!(company(name), Some(kind), "{name}");
        }
    }

    #[test]
    fn every_legal_form_of_the_list_is_refused_alone_and_kept_in_a_name() {
        for form in LEGAL_FORMS {
            assert_eq!(company(form), Some(ProblemKind::LegalFormOnly), "{form}");
            let upper = form.to_uppercase();
            assert_eq!(company(&upper), Some(ProblemKind::LegalFormOnly), "{upper}");
            let name = format!("Contoso {form}");
            assert_eq!(company(&name), None, "{name}");
        }
    }

    #[test]
    fn real_company_names_pass() {
        for name in [
            "Contoso LLC",
            "Fabrikam GmbH",
            "AB",
            "99",
            "3M",
            "A&B",
            "X Corp",
            "株式会社テスト",
            "中国移动",
            "Ltd Holdings",
            "LLC Partners",
            "1&1",
        ] {
            assert_eq!(company_name(name), None, "{name}");
        }
    }

    #[test]
    fn contact_names_of_one_character_are_refused_except_a_whole_syllable() {
        assert_eq!(
            contact_name("A").map(|r| r.kind),
            Some(ProblemKind::SingleCharacter)
        );
        assert_eq!(
            contact_name(".").map(|r| r.kind),
            Some(ProblemKind::SingleCharacter)
        );
        for name in ["王", "김", "Al", "Ng", ""] {
            assert_eq!(contact_name(name), None, "{name}");
        }
    }

    #[test]
    fn microsoft_and_partner_addresses_are_refused() {
        let none = CheckContext::default();
        let kind = |e: &str, c: &CheckContext| email(e, c).map(|r| r.kind);
        assert_eq!(
            kind("ann@microsoft.com", &none),
            Some(ProblemKind::MicrosoftEmail)
        );
        assert_eq!(
            kind("ann@Corp.Microsoft.COM", &none),
            Some(ProblemKind::MicrosoftEmail)
        );
        assert_eq!(kind("ann@notmicrosoft.com", &none), None);
        assert_eq!(kind("ann@contoso.com", &none), None);
        let partner = CheckContext::default().with_partner_domains(["Contoso.com", "@fabrikam.de"]);
        assert_eq!(
            kind("ann@contoso.com", &partner),
            Some(ProblemKind::PartnerEmail)
        );
        assert_eq!(
            kind("ann@eu.fabrikam.de", &partner),
            Some(ProblemKind::PartnerEmail)
        );
        assert_eq!(kind("ann@mycontoso.com", &partner), None);
        let reason = email("ann@contoso.com", &partner).unwrap().reason;
        assert!(reason.contains("contoso.com"), "{reason}");
    }

    #[test]
    fn domain_extensions_in_a_company_name_are_a_warning() {
        let cc = |c: &str| matches!(c.to_ascii_uppercase().as_str(), "DE" | "KG" | "AG");
        for name in [
            "Contoso.com",
            "www.fabrikam.de",
            "Booking.com B.V.",
            "Contoso.io, Inc.",
        ] {
            let found = domain_in_name(name, cc).map(|r| r.kind);
            assert_eq!(found, Some(ProblemKind::DomainInName), "{name}");
        }
        for name in [
            "Contoso Ltd.",
            "GmbH & Co. KG",
            "Co.KG",
            "S.A.",
            "Fabrikam Inc",
            "J.P. Morgan",
        ] {
            assert_eq!(domain_in_name(name, cc), None, "{name}");
        }
        let r = domain_in_name("Contoso.com", cc).unwrap();
        assert!(r.reason.contains("(Contoso.com)"), "{}", r.reason);
    }
}
