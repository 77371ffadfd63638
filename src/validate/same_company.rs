//! Whether two company names name the same company, as a person reading
//! them would say: compared without case, accents, punctuation, spacing
//! and legal forms (`Relecloud, Inc.` is `RELECLOUD`; `Relecloud
//! Analytics` is not).
//! Used when a customer found by domain is reported `exists`.

use std::sync::LazyLock;

use super::legal_forms::LEGAL_FORMS;
use super::unicode::fold;

/// The [`LEGAL_FORMS`] as words, after the normalisation of [`words`]
/// (`c.p.a.` is `cpa`, `pty ltd` two words), longest first: `Pty Ltd` is
/// one form, not `Pty` then `Ltd`.
static FORM_WORDS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    let mut forms: Vec<Vec<String>> = LEGAL_FORMS.iter().map(|form| words(form)).collect();
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms
});

/// The name's words: [`fold`]ed (lower-case, accents and width left out),
/// each whitespace-separated word without its punctuation (`L.L.C.` is
/// `llc`, `Relecloud,` is `relecloud`, `Café` is `cafe`), empty words
/// dropped.
fn words(name: &str) -> Vec<String> {
    fold(name)
        .split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// The name's words without legal forms, joined without spaces: the key
/// two names are compared by. A name that is nothing but legal forms keeps
/// them.
fn key(name: &str) -> String {
    let words = words(name);
    let mut kept: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let form = FORM_WORDS.iter().find(|form| {
            words.len() - i >= form.len() && form.iter().zip(&words[i..]).all(|(f, w)| f == w)
        });
        match form {
            Some(form) => i += form.len(),
            None => {
                kept.push(&words[i]);
                i += 1;
            }
        }
    }
    if kept.is_empty() {
        return words.concat();
    }
    kept.concat()
}

/// Whether `a` and `b` name the same company: equal once case,
/// punctuation, spacing and legal forms are left out.
pub(crate) fn same_company(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_punctuation_spacing_and_legal_forms_do_not_count() {
        for (a, b) in [
            ("Relecloud Inc.", "RELECLOUD"),
            ("Relecloud, Inc.", "relecloud incorporated"),
            ("Contoso Pty Ltd", "Contoso"),
            ("Fabrikam GmbH", "fabrikam"),
            ("Tailspin L.L.C.", "Tailspin LLC"),
            ("Wide World Importers", "WideWorld Importers"),
            ("OOO Romashka", "Romashka"),
            ("Smith & Sons C P A", "Smith Sons, CPA"),
            ("Müller AG", "müller ag"),
            ("LLC", "L.L.C."),
            // Accents and width, often lost on the way through a CSV export.
            ("Café Ltd", "Cafe Limited"),
            ("Société Générale SARL", "SOCIETE GENERALE"),
            ("Ｃｏｎｔｏｓｏ", "Contoso"),
        ] {
            assert!(same_company(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn another_name_is_another_company() {
        for (a, b) in [
            ("Relecloud Inc.", "Relecloud Analytics"),
            ("Contoso", "Contoso Pharma"),
            ("Northwind Traders", "Northwind"),
            ("LLC", "Inc"),
        ] {
            assert!(!same_company(a, b), "{a} / {b}");
        }
    }
}
