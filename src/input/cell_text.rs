//! Workbook cells as the text Excel shows.
//!
//! Text cells are taken as they are (a cell formatted as Text keeps its
//! leading zeros). Numbers follow the cell's number format where it is a
//! plain digit pattern (`0`, `00000`, `00000-0000`, `0.00`, `#,##0`, `0%`),
//! so a postal code formatted `00000` keeps its leading zero; any other
//! format reads like Excel's General format, but never in exponent form:
//! up to 15 significant digits (Excel's precision), no trailing `.0`. Dates
//! become ISO text (`2024-03-01`), errors their Excel text (`#N/A`).

use calamine::{Data, ExcelDateTime};

use super::row::{CellIssueKind, DateCell};

/// Excel shows at most this many significant digits.
const SIGNIFICANT_DIGITS: usize = 15;

/// Write the text of `data` (number format `format`, if any) to `out`, and
/// say whether the cell is something other than typed text or a number.
pub(crate) fn cell_text(
    data: &Data,
    format: Option<&str>,
    out: &mut String,
) -> Option<CellIssueKind> {
    match data {
        Data::Empty => None,
        Data::String(text) => {
            out.push_str(text);
            None
        }
        Data::Int(n) => {
            match format.and_then(|f| pattern_number(*n as f64, f)) {
                Some(text) => out.push_str(&text),
                None => out.push_str(&n.to_string()),
            }
            None
        }
        Data::Float(value) => {
            out.push_str(&format_number(*value, format));
            None
        }
        Data::Bool(value) => {
            out.push_str(if *value { "TRUE" } else { "FALSE" });
            None
        }
        Data::DateTime(datetime) => {
            let text = date_text(datetime);
            out.push_str(&text);
            Some(CellIssueKind::Date(DateCell {
                text,
                serial: Some(datetime.as_f64()),
                format: format.map(str::to_owned),
            }))
        }
        Data::DateTimeIso(text) | Data::DurationIso(text) => {
            let text = text.strip_suffix("T00:00:00").unwrap_or(text);
            out.push_str(text);
            Some(CellIssueKind::Date(DateCell {
                text: text.to_owned(),
                serial: None,
                format: format.map(str::to_owned),
            }))
        }
        Data::Error(error) => {
            let text = error.to_string();
            out.push_str(&text);
            Some(CellIssueKind::Error(text))
        }
    }
}

/// A number as Excel shows it with number format `format`.
pub(crate) fn format_number(value: f64, format: Option<&str>) -> String {
    format
        .and_then(|f| pattern_number(value, f))
        .unwrap_or_else(|| general_number(value))
}

/// Excel's General format without the exponent form: rounded to 15
/// significant digits, then the shortest text that reads back the same.
pub(crate) fn general_number(value: f64) -> String {
    if !value.is_finite() {
        return "#NUM!".to_owned();
    }
    let rounded: f64 = format!("{value:.prec$e}", prec = SIGNIFICANT_DIGITS - 1)
        .parse()
        .unwrap_or(value);
    if rounded == 0.0 {
        return "0".to_owned();
    }
    // `Display` for f64 never uses an exponent and drops a zero fraction.
    rounded.to_string()
}

/// One piece of a number format section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `0`: a digit, zero if none.
    Zero,
    /// `#`: a digit, nothing if none.
    Hash,
    /// `.`
    Point,
    /// `,` between digit placeholders: thousands separators.
    Comma,
    /// `%`: the value times 100.
    Percent,
    /// Text shown as is (`-`, a space, `\x`, `"..."`).
    Literal(char),
}

/// The value formatted with `format` when that is a plain digit pattern;
/// `None` for General, Text (`@`) and everything this does not model
/// (colours, conditions, scientific, fractions, text sections).
fn pattern_number(value: f64, format: &str) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let mut sections = format.split(';');
    let positive = sections.next()?;
    // A second section is the format of negative numbers: not modelled.
    if value < 0.0 && sections.next().is_some() {
        return None;
    }
    let tokens = tokenize(positive)?;
    let point = tokens.iter().position(|t| *t == Token::Point);
    let (int_tokens, frac_tokens) = match point {
        Some(at) => (&tokens[..at], &tokens[at + 1..]),
        None => (&tokens[..], &[][..]),
    };
    if !frac_tokens
        .iter()
        .all(|t| matches!(t, Token::Zero | Token::Hash | Token::Percent))
        || !int_tokens
            .iter()
            .any(|t| matches!(t, Token::Zero | Token::Hash))
    {
        return None;
    }
    let grouping = int_tokens.contains(&Token::Comma);
    let literals = int_tokens.iter().any(|t| matches!(t, Token::Literal(_)));
    if grouping && literals {
        return None;
    }
    let percent = tokens.contains(&Token::Percent);
    let frac_len = frac_tokens
        .iter()
        .filter(|t| matches!(t, Token::Zero | Token::Hash))
        .count();
    let frac_min = frac_tokens.iter().filter(|t| **t == Token::Zero).count();
    if frac_len > 10 {
        return None;
    }

    let scaled_value = if percent { value * 100.0 } else { value };
    let (int_digits, frac_digits) = round_decimal(scaled_value.abs(), frac_len)?;
    let mut frac = frac_digits.to_owned();
    while frac.len() > frac_min && frac.ends_with('0') {
        frac.pop();
    }
    let int_digits = int_digits.trim_start_matches('0');
    let mut int_text = fill_placeholders(int_digits, int_tokens);
    if grouping {
        int_text = group_thousands(&int_text);
    }

    let mut text = String::new();
    let nonzero = int_digits.bytes().chain(frac.bytes()).any(|b| b != b'0');
    if value < 0.0 && nonzero {
        text.push('-');
    }
    text.push_str(&int_text);
    if !frac.is_empty() {
        text.push('.');
        text.push_str(&frac);
    }
    if percent {
        text.push('%');
    }
    Some(text)
}

/// `magnitude` (not negative) rounded half up to `frac_len` decimals, on its
/// 15-significant-digit decimal form (as Excel rounds): integer and fraction
/// digits. `None` past 1e21 (nothing to show a pattern for).
fn round_decimal(magnitude: f64, frac_len: usize) -> Option<(String, String)> {
    if magnitude >= 1e21 {
        return None;
    }
    let scientific = format!("{magnitude:.prec$e}", prec = SIGNIFICANT_DIGITS - 1);
    let (mantissa, exponent) = scientific.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let mantissa: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    // digits × 10^(point - digits.len()): `point` digits before the decimal point.
    let mut digits = mantissa;
    let mut point = exponent + 1;
    if point <= 0 {
        let pad = usize::try_from(1 - point).ok()?;
        let mut padded = vec![b'0'; pad];
        padded.extend_from_slice(&digits);
        digits = padded;
        point = 1;
    }
    let point = usize::try_from(point).ok()?;
    if digits.len() < point + frac_len {
        digits.resize(point + frac_len, b'0');
    }
    let round_up = digits.get(point + frac_len).is_some_and(|d| *d >= b'5');
    digits.truncate(point + frac_len);
    if round_up {
        let mut at = digits.len();
        loop {
            if at == 0 {
                digits.insert(0, b'1');
                break;
            }
            at -= 1;
            if digits[at] == b'9' {
                digits[at] = b'0';
            } else {
                digits[at] += 1;
                break;
            }
        }
    }
    let split = digits.len() - frac_len;
    let text = String::from_utf8(digits).ok()?;
    let (int_digits, frac_digits) = text.split_at(split);
    Some((int_digits.to_owned(), frac_digits.to_owned()))
}

/// Split one format section into tokens; `None` for what is not modelled.
fn tokenize(section: &str) -> Option<Vec<Token>> {
    if section.eq_ignore_ascii_case("general") || section.trim().is_empty() {
        return None;
    }
    let mut tokens = Vec::new();
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0' => tokens.push(Token::Zero),
            '#' => tokens.push(Token::Hash),
            '.' => {
                if tokens.contains(&Token::Point) {
                    return None;
                }
                tokens.push(Token::Point);
            }
            ',' => tokens.push(Token::Comma),
            '%' => tokens.push(Token::Percent),
            '\\' => tokens.push(Token::Literal(chars.next()?)),
            '"' => {
                for quoted in chars.by_ref() {
                    if quoted == '"' {
                        break;
                    }
                    tokens.push(Token::Literal(quoted));
                }
            }
            '-' | ' ' | '(' | ')' | '/' | '+' => tokens.push(Token::Literal(c)),
            _ => return None,
        }
    }
    // A comma after the last digit placeholder scales by 1000: not modelled.
    let last_placeholder = tokens
        .iter()
        .rposition(|t| matches!(t, Token::Zero | Token::Hash | Token::Point));
    let last_comma = tokens.iter().rposition(|t| *t == Token::Comma);
    if let (Some(comma), Some(placeholder)) = (last_comma, last_placeholder)
        && comma > placeholder
    {
        return None;
    }
    Some(tokens)
}

/// Put `digits` into the integer placeholders from the right; the leftmost
/// placeholder takes any digits left over. Literals stay where they are.
fn fill_placeholders(digits: &str, tokens: &[Token]) -> String {
    let leftmost = tokens
        .iter()
        .position(|t| matches!(t, Token::Zero | Token::Hash));
    let mut remaining = digits.chars().rev();
    let mut reversed = Vec::new();
    for (i, token) in tokens.iter().enumerate().rev() {
        match token {
            Token::Zero => reversed.push(remaining.next().unwrap_or('0')),
            Token::Hash => reversed.extend(remaining.next()),
            Token::Literal(c) => reversed.push(*c),
            Token::Comma | Token::Percent | Token::Point => {}
        }
        if Some(i) == leftmost {
            reversed.extend(remaining.by_ref());
        }
    }
    reversed.into_iter().rev().collect()
}

/// `1234567` → `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2024-03-01`, `2024-03-01 14:30:00`, `14:30:00` (a time only) or
/// `36:00:00` (a duration).
fn date_text(datetime: &ExcelDateTime) -> String {
    let value = datetime.as_f64();
    if datetime.is_duration() {
        let seconds = (value * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let seconds = seconds.abs();
        return format!(
            "{sign}{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, milli) = datetime.to_ymd_hms_milli();
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = format!("{hour:02}:{minute:02}:{second:02}");
    let has_time = (hour, minute, second, milli) != (0, 0, 0, 0);
    match ((0.0..1.0).contains(&value), has_time) {
        (true, _) => time,
        (false, false) => date,
        (false, true) => format!("{date} {time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn shown(data: Data, format: Option<&str>) -> (String, Option<CellIssueKind>) {
        let mut out = String::new();
        let issue = cell_text(&data, format, &mut out);
        (out, issue)
    }

    #[test]
    fn general_numbers_have_no_exponent_and_no_trailing_zero() {
        assert_eq!(general_number(1234567890.0), "1234567890");
        assert_eq!(general_number(1.2e9), "1200000000");
        assert_eq!(general_number(7707083893.0), "7707083893");
        assert_eq!(general_number(123456789012345.0), "123456789012345");
        assert_eq!(general_number(98052.0), "98052");
        assert_eq!(general_number(1.5), "1.5");
        assert_eq!(general_number(0.1 + 0.2), "0.3");
        assert_eq!(general_number(0.000001), "0.000001");
        assert_eq!(general_number(-42.0), "-42");
        assert_eq!(general_number(-0.0), "0");
    }

    #[test]
    fn zero_padded_formats_keep_leading_zeros() {
        assert_eq!(format_number(1234.0, Some("00000")), "01234");
        assert_eq!(format_number(2345.0, Some("0000")), "2345");
        assert_eq!(format_number(123456.0, Some("00000")), "123456");
        assert_eq!(
            format_number(12345678.0, Some("00000\\-0000")),
            "01234-5678"
        );
        assert_eq!(
            format_number(12345678.0, Some("000-00-0000")),
            "012-34-5678"
        );
        assert_eq!(format_number(7.0, Some("\"ID-\"000")), "ID-007");
    }

    #[test]
    fn decimal_grouping_and_percent_formats() {
        assert_eq!(format_number(2.5, Some("0")), "3", "half away from zero");
        assert_eq!(format_number(1.005, Some("0.00")), "1.01");
        assert_eq!(format_number(3.0, Some("0.00")), "3.00");
        assert_eq!(format_number(3.1, Some("0.0#")), "3.1");
        assert_eq!(format_number(1234567.0, Some("#,##0")), "1,234,567");
        assert_eq!(format_number(-1234.5, Some("#,##0.00")), "-1,234.50");
        assert_eq!(format_number(0.0, Some("#,##0")), "0");
        assert_eq!(format_number(0.25, Some("0%")), "25%");
        assert_eq!(format_number(0.4, Some("#")), "");
    }

    #[test]
    fn formats_that_are_not_digit_patterns_read_as_general() {
        for format in [
            "General", "@", "0.00E+00", "[Red]0", "# ?/?", "0,", "$#,##0",
        ] {
            assert_eq!(format_number(1234.5, Some(format)), "1234.5", "{format}");
        }
        assert_eq!(format_number(-5.0, Some("0;(0)")), "-5");
        assert_eq!(format_number(1.2e9, None), "1200000000");
    }

    #[test]
    fn text_booleans_and_integers() {
        assert_eq!(
            shown(Data::String("01234".into()), Some("@")),
            ("01234".into(), None)
        );
        assert_eq!(shown(Data::Bool(true), None), ("TRUE".into(), None));
        assert_eq!(shown(Data::Int(42), None), ("42".into(), None));
        assert_eq!(shown(Data::Int(42), Some("00000")), ("00042".into(), None));
        assert_eq!(shown(Data::Empty, None), (String::new(), None));
    }

    #[test]
    fn dates_become_iso_text_and_are_flagged() {
        let date = ExcelDateTime::new(45352.0, ExcelDateTimeType::DateTime, false);
        let (text, issue) = shown(Data::DateTime(date), Some("dd/mm/yyyy"));
        assert_eq!(text, "2024-03-01");
        let cell = DateCell {
            text: "2024-03-01".into(),
            serial: Some(45352.0),
            format: Some("dd/mm/yyyy".into()),
        };
        assert_eq!(issue, Some(CellIssueKind::Date(cell)));
        let with_time = ExcelDateTime::new(45352.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            shown(Data::DateTime(with_time), None).0,
            "2024-03-01 12:00:00"
        );
        let time = ExcelDateTime::new(0.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(shown(Data::DateTime(time), None).0, "18:00:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(shown(Data::DateTime(duration), None).0, "36:00:00");
        let iso = shown(Data::DateTimeIso("2024-03-01T00:00:00".into()), None);
        assert_eq!(iso.0, "2024-03-01");
    }

    #[test]
    fn errors_keep_their_excel_text_and_are_flagged() {
        let (text, issue) = shown(Data::Error(CellErrorType::NA), None);
        assert_eq!(text, "#N/A");
        assert_eq!(issue, Some(CellIssueKind::Error("#N/A".into())));
    }
}
