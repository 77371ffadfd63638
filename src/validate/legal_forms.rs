//! Microsoft's list of legal forms (its "validate names and addresses"
//! page; `docs/partner-center.md`, "Names and e-mails"): the abbreviations a
//! company name may carry, and that Partner Center refuses standing alone.
//!
//! One table, read two ways: the name rules refuse a company name that is
//! a legal form alone (`names`, comparing letters and digits only), and
//! [`same_company`](super::same_company) leaves the forms out when it
//! compares two names (word by word, each word without its punctuation).

/// The legal forms as the page writes them. Case, dots and spaces do not
/// count for either reader (`LLC`, `L.L.C.` and `llc` are one form), so a
/// spelling listed twice (`c p a`, `c.p.a.`) only makes sure both readers
/// find it: `c p a` is three words for [`same_company`](super::same_company).
pub(super) const LEGAL_FORMS: [&str; 27] = [
    "c p a",
    "c.p.a.",
    "l.l.p.",
    "l.l.c.",
    "llc",
    "llp",
    "pty",
    "pty ltd",
    "pte ltd",
    "private limited",
    "pvt",
    "pvt ltd",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "gmbh",
    "plc",
    "wll",
    "lda",
    "sarl",
    "kft",
    "zrt",
    "ooo",
    "sdn bhd",
];

#[cfg(test)]
mod tests {
    use super::super::names::company_name;
    use super::super::{ProblemKind, same_company};
    use super::*;

    #[test]
    fn one_table_serves_the_name_rules_and_the_company_comparison() {
        for form in LEGAL_FORMS {
            let alone = company_name(form).map(|refusal| refusal.kind);
            assert_eq!(alone, Some(ProblemKind::LegalFormOnly), "{form}");
            let upper = form.to_uppercase();
            assert!(
                same_company(&format!("Contoso {upper}"), "contoso"),
                "{form}"
            );
        }
    }
}
