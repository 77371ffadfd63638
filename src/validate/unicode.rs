//! Unicode handling of input values: NFKC for what is validated and sent, and
//! the folded keys under which names are compared (case, accents and
//! character width ignored).

use std::borrow::Cow;
use std::cell::RefCell;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::field::{CustomerFields, Field};

/// Short ASCII values are folded on the stack up to this many bytes.
const STACK_FOLD_BYTES: usize = 64;

/// `value` in Unicode normalization form KC: full-width and other
/// compatibility characters become their plain forms (`１５４` → `154`,
/// `Ｔｏｋｙｏ` → `Tokyo`, half-width `ｶ` → `カ`). ASCII and text already in
/// NFKC (the common case) are borrowed, not copied.
pub(crate) fn nfkc(value: &str) -> Cow<'_, str> {
    if value.is_ascii() || is_nfkc_quick(value.chars()) == IsNormalized::Yes {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.nfkc().collect())
    }
}

/// Append the comparison key of `value` to `out`: compatibility-decomposed
/// (NFKD, so width and composed forms do not matter), combining marks dropped
/// (`é` → `e`, `й` → `и`) and lower-cased.
pub(crate) fn fold_into(value: &str, out: &mut String) {
    if value.is_ascii() {
        out.extend(value.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    for c in value.nfkd().filter(|c| !is_combining_mark(*c)) {
        // Lower-casing can add a mark (`İ` → `i̇`): drop it too.
        for l in c.to_lowercase().filter(|l| !is_combining_mark(*l)) {
            match base_letters(l) {
                Some(base) => out.push_str(base),
                None => out.push(l),
            }
        }
    }
}

/// The plain letters of a lower-case Latin letter whose mark is part of it
/// (no decomposition to drop it from): `ı` (so Turkish `KIRKLARELİ` folds
/// like `Kırklareli`), `đ`, `ł`, `ø`, `ß`…
fn base_letters(c: char) -> Option<&'static str> {
    Some(match c {
        'ı' => "i",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'ø' => "o",
        'ħ' => "h",
        'ŧ' => "t",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => return None,
    })
}

/// The comparison key of `value` (see [`fold_into`]).
pub(crate) fn fold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    fold_into(value, &mut out);
    out
}

/// The key of `value` for loose comparisons in hints: [`fold`]ed, letters and
/// digits only (`Co Dublin` and `Co. Dublin` share one).
pub(crate) fn loose(value: &str) -> String {
    let mut folded = fold(value);
    folded.retain(char::is_alphanumeric);
    folded
}

/// `f` applied to the [`fold`]ed key of `value`, without a heap allocation:
/// short ASCII values are folded on the stack, others into a per-thread buffer.
pub(crate) fn with_folded<R>(value: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut stack = [0u8; STACK_FOLD_BYTES];
    if value.is_ascii()
        && let Some(bytes) = stack.get_mut(..value.len())
    {
        bytes.copy_from_slice(value.as_bytes());
        bytes.make_ascii_lowercase();
        return f(std::str::from_utf8(bytes).unwrap_or_default());
    }
    thread_local! {
        static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    }
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            fold_into(value, &mut buffer);
            f(&buffer)
        }
        // Only when `f` itself folds: take a fresh string.
        Err(_) => f(&fold(value)),
    })
}

/// A row's values in NFKC, owning only the values that normalization changed
/// (none, and no allocation, for an ASCII row).
pub(crate) struct NfkcRow {
    changed: Vec<(Field, String)>,
}

impl NfkcRow {
    /// The NFKC forms of `fields`' values that differ from the values as typed.
    #[cfg(test)]
    pub(crate) fn of(fields: &CustomerFields<'_>) -> Self {
        Self::of_scanned(
            fields,
            !Field::ALL.iter().all(|f| fields.get(*f).is_ascii()),
        )
    }

    /// The NFKC forms of `fields`' values that differ from the values as
    /// typed, when the caller knows whether any value of the row is not
    /// ASCII (a row almost never has one: nothing to do; the row check's
    /// one scan of the bytes, `RowScan`, tells).
    pub(crate) fn of_scanned(fields: &CustomerFields<'_>, non_ascii: bool) -> Self {
        let mut changed = Vec::new();
        if !non_ascii {
            return Self { changed };
        }
        for field in Field::ALL {
            let value = fields.get(field);
            if !value.is_ascii()
                && let Cow::Owned(s) = nfkc(value)
            {
                changed.push((field, s));
            }
        }
        Self { changed }
    }

    /// `typed` with every changed value replaced by its NFKC form (trimmed:
    /// normalization can turn an ideographic space into a plain one).
    pub(crate) fn apply<'a>(&'a self, typed: &CustomerFields<'a>) -> CustomerFields<'a> {
        let mut out = *typed;
        for (field, value) in &self.changed {
            out.set(*field, value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfkc_borrows_ascii_and_normalized_text() {
        assert!(matches!(nfkc("154-0023"), Cow::Borrowed(_)));
        assert!(matches!(nfkc("東京都 Québec"), Cow::Borrowed(_)));
    }

    #[test]
    fn nfkc_turns_full_width_and_compatibility_forms_into_plain_ones() {
        assert_eq!(nfkc("１５４-００２３"), "154-0023");
        assert_eq!(nfkc("Ｔｏｋｙｏ"), "Tokyo");
        assert_eq!(nfkc("ｶﾌﾞｼｷｶﾞｲｼｬ"), "カブシキガイシャ");
        assert_eq!(nfkc("Ｃｏｎｔｏｓｏ\u{3000}Ｌｔｄ"), "Contoso Ltd");
        assert_eq!(nfkc("Que\u{301}bec"), "Québec");
    }

    #[test]
    fn folding_ignores_case_accents_and_width() {
        for v in [
            "Québec",
            "QUEBEC",
            "quebec",
            "Ｑｕｅｂｅｃ",
            "Que\u{301}bec",
        ] {
            assert_eq!(fold(v), "quebec", "{v}");
        }
        assert_eq!(fold("Île-du-Prince-Édouard"), "ile-du-prince-edouard");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("KIRKLARELİ"), fold("Kırklareli"));
        assert_eq!(fold("Đồng Nai"), "dong nai");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("STRASSE"), fold("Straße"));
        assert_eq!(fold("Москва"), "москва");
        assert_eq!(fold("東京都"), "東京都");
    }

    #[test]
    fn loose_keys_keep_only_letters_and_digits() {
        assert_eq!(loose("Co. Dublin"), loose("co dublin"));
        assert_eq!(loose("Ras Al-Khaimah"), "rasalkhaimah");
    }

    #[test]
    fn with_folded_gives_the_folded_key_for_short_long_and_non_ascii_values() {
        assert_eq!(with_folded("WA", str::to_owned), "wa");
        let long = "A".repeat(STACK_FOLD_BYTES + 1);
        assert_eq!(with_folded(&long, str::to_owned), "a".repeat(long.len()));
        assert_eq!(with_folded("Ａｌａｖａ", str::to_owned), "alava");
        let nested = with_folded("Été", |outer| {
            format!("{outer}/{}", with_folded("Ñandú", str::to_owned))
        });
        assert_eq!(nested, "ete/nandu");
    }

    #[test]
    fn nfkc_rows_replace_only_changed_values_and_trim_them() {
        let typed = CustomerFields::new()
            .with(Field::PostalCode, "１５４-００２３")
            .with(Field::City, "Shibuya")
            .with(Field::CompanyName, "Ｃｏｎｔｏｓｏ\u{3000}");
        let nfkc = NfkcRow::of(&typed);
        let fields = nfkc.apply(&typed);
        assert_eq!(fields.get(Field::PostalCode), "154-0023");
        assert_eq!(fields.get(Field::City), "Shibuya");
        assert_eq!(typed.get(Field::CompanyName), "Ｃｏｎｔｏｓｏ");
        assert_eq!(fields.get(Field::CompanyName), "Contoso");
    }
}
