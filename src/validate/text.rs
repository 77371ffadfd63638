//! Small text helpers shared by the validators.

use std::fmt::{self, Write};

/// Longest value (in characters) quoted in full in a message.
const QUOTE_MAX_CHARS: usize = 60;

/// The value in double quotes for a message, control characters escaped and
/// cut after [`QUOTE_MAX_CHARS`] characters (`…` marks the cut), so a huge or
/// multi-line cell cannot flood the results file.
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(QUOTE_MAX_CHARS * 4) + 2);
    out.push('"');
    for (i, c) in value.chars().enumerate() {
        if i == QUOTE_MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_default());
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where `value` is digits only and fits `fits` with one or two zeros in
/// front (Excel turns `02134` into the number 2134), what to say: `; with
/// if it began with 0, Excel dropped it …: type 02134`. `None` otherwise.
pub(crate) fn dropped_zeros(value: &str, fits: impl Fn(&str) -> bool) -> Option<String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ["0", "00"].into_iter().find_map(|zeros| {
        let padded = format!("{zeros}{value}");
        fits(&padded).then(|| {
            let dropped = if zeros.len() == 1 { "it" } else { "them" };
            format!(
                "; if it began with {zeros}, Excel dropped {dropped} (it drops the leading zeros of numbers): format the column as Text and type {padded}"
            )
        })
    })
}

/// `Some(count)` when `value` has more than `max` characters.
pub(crate) fn too_long(value: &str, max: usize) -> Option<usize> {
    // Bytes bound characters from above: skip the count for short values.
    if value.len() <= max {
        return None;
    }
    let n = value.chars().count();
    (n > max).then_some(n)
}

/// `a, b or c` (`a` alone, `a or b` for two).
pub(crate) fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
        Some((last, _)) => last.as_ref().to_owned(),
        None => String::new(),
    }
}

/// A short string stored inline (no heap allocation), for normalized codes
/// of bounded length such as cultures and domains.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct InlineStr<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> InlineStr<N> {
    /// `s` stored inline, or `None` when it is longer than `N` bytes.
    pub(crate) fn new(s: &str) -> Option<Self> {
        let len = u8::try_from(s.len()).ok()?;
        let mut bytes = [0u8; N];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(Self { len, bytes })
    }

    /// The stored string.
    pub(crate) fn as_str(&self) -> &str {
        // Built from a `&str`, so always valid UTF-8 of a valid length.
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// Upper-case the ASCII letters in place (UTF-8 stays valid: only ASCII
    /// bytes change).
    fn make_ascii_uppercase(&mut self) {
        if let Some(bytes) = self.bytes.get_mut(..usize::from(self.len)) {
            bytes.make_ascii_uppercase();
        }
    }
}

impl<const N: usize> fmt::Debug for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Text kept inline when it fits in `N` bytes (a typical value: no heap
/// allocation per row), else on the heap, for validated values of no fixed
/// bound such as e-mail addresses and postal codes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum ShortText<const N: usize> {
    /// Up to `N` bytes.
    Inline(InlineStr<N>),
    /// Longer.
    Heap(Box<str>),
}

impl<const N: usize> ShortText<N> {
    /// `s`, inline if it fits.
    pub(crate) fn new(s: &str) -> Self {
        InlineStr::new(s).map_or_else(|| Self::Heap(s.into()), Self::Inline)
    }

    /// `s` with its ASCII letters upper-cased (others unchanged).
    pub(crate) fn ascii_uppercase(s: &str) -> Self {
        let mut text = Self::new(s);
        match &mut text {
            Self::Inline(inline) => inline.make_ascii_uppercase(),
            Self::Heap(heap) => heap.make_ascii_uppercase(),
        }
        text
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Inline(inline) => inline.as_str(),
            Self::Heap(heap) => heap,
        }
    }
}

impl<const N: usize> fmt::Debug for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// `Display` (the text as sent, from `as_str()`) for a validated newtype, and
/// with `parse`, `FromStr` through its `parse(&str) -> Result<Self, String>`.
macro_rules! text_newtype {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    ($t:ty, parse) => {
        $crate::validate::text::text_newtype!($t);

        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }
    };
}
pub(crate) use text_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_strings_hold_up_to_their_capacity() {
        let s = InlineStr::<5>::new("héllo").is_none();
        assert!(s, "6 bytes do not fit in 5");
        let s = InlineStr::<6>::new("héllo").unwrap();
        assert_eq!(s.as_str(), "héllo");
        assert_eq!(format!("{s:?}"), "\"héllo\"");
        assert_eq!(InlineStr::<3>::new("").unwrap().as_str(), "");
        assert_eq!(InlineStr::<3>::new("ab"), InlineStr::<3>::new("ab"));
    }

    #[test]
    fn short_text_is_inline_up_to_its_capacity_and_on_the_heap_beyond() {
        let short = ShortText::<5>::new("héll");
        assert!(matches!(short, ShortText::Inline(_)));
        let long = ShortText::<5>::new("héllo");
        assert!(matches!(long, ShortText::Heap(_)));
        assert_eq!(long.as_str(), "héllo");
        assert_eq!(format!("{long:?}"), "\"héllo\"");
        assert_eq!(ShortText::<4>::ascii_uppercase("ec1é").as_str(), "EC1é");
        assert_eq!(
            ShortText::<9>::ascii_uppercase("ec1y 8sy").as_str(),
            "EC1Y 8SY"
        );
    }

    #[test]
    fn quote_wraps_in_double_quotes_and_keeps_unicode() {
        assert_eq!(quote("Москва"), "\"Москва\"");
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn quote_escapes_quotes_and_control_characters() {
        assert_eq!(quote("a\"b\nc"), "\"a\\\"b\\nc\"");
    }

    #[test]
    fn quote_cuts_long_values() {
        let q = quote(&"x".repeat(1000));
        assert_eq!(q.chars().count(), QUOTE_MAX_CHARS + 3);
        assert!(q.ends_with("…\""));
    }

    #[test]
    fn join_or_puts_or_before_the_last_item() {
        assert_eq!(join_or(&["35", "36", "37"]), "35, 36 or 37");
        assert_eq!(join_or(&["35", "36"]), "35 or 36");
        assert_eq!(join_or(&["35"]), "35");
        assert_eq!(join_or::<&str>(&[]), "");
    }

    #[test]
    fn dropped_zeros_are_named_when_a_zero_in_front_fits() {
        let five = |v: &str| v.len() == 5;
        let said = dropped_zeros("2134", five).unwrap();
        assert!(
            said.starts_with("; if it began with 0, Excel dropped it"),
            "{said}"
        );
        assert!(said.ends_with("type 02134"), "{said}");
        assert!(
            dropped_zeros("800", five)
                .unwrap()
                .contains("began with 00, Excel dropped them")
        );
        assert_eq!(dropped_zeros("21345", |v: &str| v.len() == 8), None);
        assert_eq!(dropped_zeros("A134", five), None);
        assert_eq!(dropped_zeros("", five), None);
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        assert_eq!(too_long(&"é".repeat(50), 50), None);
        assert_eq!(too_long(&"é".repeat(51), 50), Some(51));
        assert_eq!(too_long("abc", 2), Some(3));
    }
}
