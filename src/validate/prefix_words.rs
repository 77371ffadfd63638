//! A postal-code prefix pattern (Google's `sub_zips`) in words: the
//! prefixes it stands for, consecutive numbers as ranges (`35 or 36`,
//! `101–109, 11, 12 or 130–135`), so that no message quotes a regex.
//!
//! Understood: literals, `[…]` classes, groups `(…)` / `(?:…)` with `|`,
//! `?`, and `\d` (with any quantifier), which ends a prefix (any digits
//! follow). Anything else, or too many prefixes, is `None`.

use super::text::join_or;

/// Most prefixes expanded before giving up.
const MAX_PREFIXES: usize = 200;

/// Most items (prefixes or ranges) named in words.
const MAX_ITEMS: usize = 12;

/// The prefixes of `pattern` in words, or `None`.
pub(crate) fn prefixes_in_words(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = Parser { chars, at: 0 };
    let mut prefixes = parser.alternatives()?;
    if parser.at != parser.chars.len() || prefixes.is_empty() {
        return None;
    }
    prefixes.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    prefixes.dedup();
    let items = ranges(&prefixes);
    (items.len() <= MAX_ITEMS).then(|| join_or(&items))
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// `seq ('|' seq)*`: the union.
    fn alternatives(&mut self) -> Option<Vec<String>> {
        let mut out = self.sequence()?;
        while self.peek() == Some('|') {
            self.at += 1;
            out.extend(self.sequence()?);
            if out.len() > MAX_PREFIXES {
                return None;
            }
        }
        Some(out)
    }

    /// Items up to `|`, `)` or the end, as every string they make; a `\d`
    /// ends the prefix (what follows is not part of it).
    fn sequence(&mut self) -> Option<Vec<String>> {
        let mut strings = vec![String::new()];
        let mut ended = false;
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let options = self.atom()?;
            let optional = self.quantifier()?;
            if ended {
                continue;
            }
            let Some(mut options) = options else {
                ended = true;
                continue;
            };
            if optional {
                options.push(String::new());
            }
            strings = strings
                .iter()
                .flat_map(|s| options.iter().map(move |o| format!("{s}{o}")))
                .collect();
            if strings.len() > MAX_PREFIXES {
                return None;
            }
        }
        Some(strings)
    }

    /// One atom: its strings, or `Some(None)` for `\d` (any digit).
    fn atom(&mut self) -> Option<Option<Vec<String>>> {
        let c = self.peek()?;
        self.at += 1;
        match c {
            '[' => {
                let mut out = Vec::new();
                let start = self.at;
                let end = start + self.chars.get(start..)?.iter().position(|c| *c == ']')?;
                let body = self.chars.get(start..end)?.to_vec();
                self.at = end + 1;
                let mut i = 0;
                while let Some(&c) = body.get(i) {
                    if !(c.is_ascii_alphanumeric() || c == '-') {
                        return None;
                    }
                    match (body.get(i + 1), body.get(i + 2)) {
                        (Some('-'), Some(&last)) if c <= last => {
                            out.extend((c..=last).map(String::from));
                            i += 3;
                        }
                        _ => {
                            out.push(c.to_string());
                            i += 1;
                        }
                    }
                }
                Some(Some(out))
            }
            '(' => {
                if self.peek() == Some('?') {
                    (self.chars.get(self.at + 1) == Some(&':')).then_some(())?;
                    self.at += 2;
                }
                let inner = self.alternatives()?;
                (self.peek() == Some(')')).then_some(())?;
                self.at += 1;
                Some(Some(inner))
            }
            '\\' => {
                let next = self.peek()?;
                self.at += 1;
                (next == 'd').then_some(None)
            }
            c if c.is_ascii_alphanumeric() || c == ' ' => Some(Some(vec![c.to_string()])),
            _ => None,
        }
    }

    /// `?` (optional: `Some(true)`), `{n}` / `{n,m}` (skipped), or none.
    fn quantifier(&mut self) -> Option<bool> {
        match self.peek() {
            Some('?') => {
                self.at += 1;
                Some(true)
            }
            Some('{') => {
                let close = self.chars.get(self.at..)?.iter().position(|c| *c == '}')?;
                self.at += close + 1;
                Some(false)
            }
            _ => Some(false),
        }
    }
}

/// Sorted prefixes with runs of three or more consecutive numbers of one
/// length joined into ranges (`101–109`).
fn ranges(prefixes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(String, String, u64)> = None;
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let close = |run: &mut Option<(String, String, u64)>, out: &mut Vec<String>| {
        if let Some((first, last, _)) = run.take() {
            let (a, b) = (number(&first), number(&last));
            match (a, b) {
                (Some(a), Some(b)) if b >= a + 2 => out.push(format!("{first}–{last}")),
                _ if first == last => out.push(first),
                _ => out.extend([first, last]),
            }
        }
    };
    for p in prefixes {
        match (&mut run, number(p)) {
            (Some((first, last, n)), Some(m)) if first.len() == p.len() && m == *n + 1 => {
                *last = p.clone();
                *n = m;
            }
            (_, Some(m)) => {
                close(&mut run, &mut out);
                run = Some((p.clone(), p.clone(), m));
            }
            (_, None) => {
                close(&mut run, &mut out);
                out.push(p.clone());
            }
        }
    }
    close(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_patterns_read_as_lists_and_ranges() {
        let cases = [
            ("3[56]", "35 or 36"),
            ("G|H|J|K1A", "G, H, J or K1A"),
            ("0[4-6]|00[1-2]", "04–06, 001 or 002"),
            ("CP 22", "CP 22"),
            ("5[4-6]\\d{2}", "54–56"),
            ("0[1-8]\\d{2}", "01–08"),
            ("(?:3[6-9]|40)\\d{2}", "36–40"),
            (
                "1(?:0[1-9]|1|2|3[0-5]|4[0-4])",
                "11, 12, 101–109, 130–135 or 140–144",
            ),
            ("969([1-2]\\d|3[12])", "9691, 9692, 96931 or 96932"),
            ("B?[1-36-8]", "1–3, 6–8, B1, B2, B3, B6, B7 or B8"),
            ("26(0|1[0-5])", "260 or 2610–2615"),
        ];
        for (pattern, words) in cases {
            assert_eq!(
                prefixes_in_words(pattern).as_deref(),
                Some(words),
                "{pattern}"
            );
        }
    }

    #[test]
    fn other_syntax_is_not_put_in_words() {
        for pattern in ["3[5", "a+b", "(12", "[^5]", "x*"] {
            assert_eq!(prefixes_in_words(pattern), None, "{pattern}");
        }
    }
}
