//! The character encoding of a CSV input: taken from a byte order mark or
//! `--encoding`, else UTF-8 when the whole file is valid UTF-8, else guessed
//! as Windows-1252 (Excel's "CSV (Comma delimited)" on a Western Windows);
//! and the reader that transcodes it to UTF-8 as it streams.

use std::fmt;
use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::str::FromStr;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// How much is read at a time when checking a whole file for UTF-8.
const CHUNK_BYTES: usize = 64 * 1024;

/// A character encoding an input file is read in (any WHATWG encoding
/// label: `utf-8`, `windows-1252`, `latin1`, `utf-16le`, `shift_jis` ...).
/// Rows are always handed out as UTF-8.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextEncoding(&'static Encoding);

impl TextEncoding {
    /// UTF-8, the default and what every result is written in.
    pub(crate) const UTF_8: TextEncoding = TextEncoding(UTF_8);
    /// Windows-1252 (also the meaning of the labels `latin1` and
    /// `iso-8859-1`): Excel's "CSV (Comma delimited)" on a Western Windows.
    pub const WINDOWS_1252: TextEncoding = TextEncoding(WINDOWS_1252);
    /// UTF-16 little endian: Excel's "Unicode Text" (with a BOM).
    #[cfg(test)]
    pub(crate) const UTF_16LE: TextEncoding = TextEncoding(UTF_16LE);
    /// UTF-16 big endian.
    #[cfg(test)]
    pub(crate) const UTF_16BE: TextEncoding = TextEncoding(UTF_16BE);

    /// The encoding's canonical name (`UTF-8`, `windows-1252`, `UTF-16LE`).
    pub(crate) fn name(self) -> &'static str {
        self.0.name()
    }

    /// Whether this is UTF-8, read without transcoding.
    pub(crate) fn is_utf8(self) -> bool {
        self.0 == UTF_8
    }

    /// Whether this is UTF-16 (either byte order), whose text holds NUL bytes.
    pub(crate) fn is_utf16(self) -> bool {
        self.0 == UTF_16LE || self.0 == UTF_16BE
    }
}

impl Default for TextEncoding {
    fn default() -> Self {
        TextEncoding::UTF_8
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TextEncoding({})", self.name())
    }
}

/// An `--encoding` value that names no encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding `{label}`: expected an encoding label such as utf-8, windows-1252, \
     utf-16le, utf-16be or iso-8859-15"
)]
pub struct UnknownEncoding {
    /// The label given.
    pub(crate) label: String,
}

impl FromStr for TextEncoding {
    type Err = UnknownEncoding;

    /// Any WHATWG label, ignoring case and surrounding spaces (`latin1` is
    /// Windows-1252, `utf-16` is UTF-16LE). Labels of the "replacement"
    /// encoding (`iso-2022-kr` ...) are refused: they decode to nothing.
    fn from_str(label: &str) -> Result<Self, Self::Err> {
        Encoding::for_label_no_replacement(label.trim().as_bytes())
            .map(TextEncoding)
            .ok_or_else(|| UnknownEncoding {
                label: label.to_owned(),
            })
    }
}

/// The encoding a file is read in, and how it was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detected {
    pub(crate) encoding: TextEncoding,
    /// Read as Windows-1252 because it is not UTF-8, with no BOM and no
    /// `--encoding` to say otherwise.
    pub(crate) guessed: bool,
    /// Read as UTF-8 although some bytes are not UTF-8 (far fewer than the
    /// UTF-8 characters): where they are. Their rows are invalid.
    pub(crate) bad_bytes: Option<BadBytes>,
}

/// The bytes that are not UTF-8 in a file that otherwise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadBytes {
    /// Invalid sequences in the file (or the sample read).
    pub(crate) count: u64,
    /// The 1-based line of the first one.
    pub(crate) line: u64,
    /// Its first byte.
    pub(crate) byte: u8,
}

impl Detected {
    fn known(encoding: TextEncoding) -> Self {
        Detected {
            encoding,
            guessed: false,
            bad_bytes: None,
        }
    }

    /// Log how the encoding was decided when the user should know: a guess
    /// of Windows-1252, or UTF-8 read with bad bytes.
    pub(crate) fn warn(&self, path: &std::path::Path) {
        if self.guessed {
            tracing::warn!(
                "{} is not UTF-8: read as Windows-1252 (use --encoding to choose another)",
                path.display()
            );
        }
        if let Some(bad) = self.bad_bytes {
            tracing::warn!(
                "{} is UTF-8 but for {} invalid byte sequence(s), the first at line {} (byte 0x{:02X}): \
                 every other row is read as UTF-8, the rows holding them are invalid; fix them in the \
                 source and export again as \"CSV UTF-8\" (or use --encoding windows-1252 if the \
                 whole file is Windows-1252)",
                path.display(),
                bad.count,
                bad.line,
                bad.byte
            );
        }
    }
}

/// Decide the encoding of a file that starts with `sample` and continues in
/// `rest` (read on from the end of `sample`, and left there again).
///
/// A byte order mark wins; then `chosen` (`--encoding`); then UTF-8 when the
/// whole file is valid UTF-8, or when its UTF-8 characters outnumber its
/// invalid sequences (a UTF-8 export with a few bad bytes: those rows are
/// invalid, the rest is read as it is, never garbled); else Windows-1252.
/// The whole-file check reads the file once more in constant memory; a
/// pipe or other non-regular file cannot be read twice, so there only
/// `sample` is checked.
pub(crate) fn detect(
    sample: &[u8],
    rest: &mut File,
    chosen: Option<TextEncoding>,
) -> io::Result<Detected> {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return Ok(Detected::known(TextEncoding(encoding)));
    }
    if let Some(encoding) = chosen {
        return Ok(Detected::known(encoding));
    }
    let regular = rest.metadata().map(|m| m.is_file()).unwrap_or(false);
    let scan = if regular {
        let scan = Utf8Scan::of(Cursor::new(sample).chain(&mut *rest), false)?;
        rest.seek(SeekFrom::Start(sample.len() as u64))?;
        scan
    } else {
        Utf8Scan::of(sample, true)?
    };
    Ok(match scan.first_invalid {
        None => Detected::known(TextEncoding::UTF_8),
        Some((line, byte)) if scan.multibyte > scan.invalid => Detected {
            bad_bytes: Some(BadBytes {
                count: scan.invalid,
                line,
                byte,
            }),
            ..Detected::known(TextEncoding::UTF_8)
        },
        Some(_) => Detected {
            encoding: TextEncoding::WINDOWS_1252,
            guessed: true,
            bad_bytes: None,
        },
    })
}

/// What a read through a text says about it as UTF-8.
#[derive(Debug, Default, PartialEq, Eq)]
struct Utf8Scan {
    /// Valid characters of more than one byte.
    multibyte: u64,
    /// Invalid byte sequences.
    invalid: u64,
    /// The line (1-based) and first byte of the first invalid sequence.
    first_invalid: Option<(u64, u8)>,
}

impl Utf8Scan {
    /// Scan everything `reader` yields, in chunks (constant memory).
    /// `cut_end`: the text may end in the middle of a character (a sample).
    fn of(mut reader: impl Read, cut_end: bool) -> io::Result<Utf8Scan> {
        let mut scan = Utf8Scan::default();
        let mut buffer = vec![0u8; CHUNK_BYTES];
        // Bytes of a character cut by the last chunk's end, moved to the front.
        let mut carried = 0;
        // Lines before the current chunk (counted until the first invalid byte).
        let mut lines = 1;
        loop {
            let read = match reader.read(&mut buffer[carried..]) {
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if read == 0 {
                if carried > 0 && !cut_end {
                    scan.invalid_at(&buffer[..carried], 0, lines);
                }
                return Ok(scan);
            }
            let filled = carried + read;
            carried = scan.chunk(&buffer[..filled], &mut lines);
            buffer.copy_within(filled - carried..filled, 0);
        }
    }

    /// Scan one chunk; returns how many bytes at its end are the start of
    /// a character cut by the chunk's end (to be scanned with the next one).
    fn chunk(&mut self, chunk: &[u8], lines: &mut u64) -> usize {
        let mut at = 0;
        loop {
            let rest = &chunk[at..];
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    self.count(rest, lines);
                    return 0;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    self.count(&rest[..valid], lines);
                    let Some(bad) = error.error_len() else {
                        return rest.len() - valid;
                    };
                    self.invalid_at(rest, valid, *lines);
                    at += valid + bad;
                }
            }
        }
    }

    /// Count the multi-byte characters and (until the first invalid
    /// sequence) the line breaks of valid UTF-8 `text`.
    fn count(&mut self, text: &[u8], lines: &mut u64) {
        if !text.is_ascii() {
            self.multibyte += count_bytes(text, |b| b >= 0xC0);
        }
        if self.first_invalid.is_none() {
            *lines += count_bytes(text, |b| b == b'\n');
        }
    }

    fn invalid_at(&mut self, text: &[u8], at: usize, line: u64) {
        self.invalid += 1;
        if self.first_invalid.is_none() {
            self.first_invalid = Some((line, text.get(at).copied().unwrap_or_default()));
        }
    }
}

/// How many bytes of `text` match: summed in blocks of 255 into a byte
/// counter, which the compiler turns into vector instructions (a plain
/// filter-and-count took about 5 instructions per byte of the file).
fn count_bytes(text: &[u8], matches: impl Fn(u8) -> bool) -> u64 {
    text.chunks(255)
        .map(|block| {
            let n = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(matches(b))));
            u64::from(n)
        })
        .sum()
}

/// The text of `sample` followed by `rest`, as UTF-8: the bytes themselves
/// for UTF-8 (invalid sequences stay, to be reported per value), else
/// transcoded as they stream (the BOM removed, malformed sequences replaced
/// by U+FFFD). Line breaks stay line breaks, so line numbers hold.
pub(crate) fn utf8_text(
    encoding: TextEncoding,
    sample: Vec<u8>,
    rest: File,
) -> Box<dyn Read + Send> {
    let raw = Cursor::new(sample).chain(rest);
    if encoding.is_utf8() {
        return Box::new(raw);
    }
    // An explicit encoding: no BOM sniffing (`detect` did it); the decoder
    // removes this encoding's own BOM.
    Box::new(
        DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding.0))
            .build(raw),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use std::io::Write;

    use super::*;

    fn temp_file(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        let handle = File::open(file.path()).unwrap();
        (file, handle)
    }

    /// `detect` as `CsvSource::open` calls it: the first `sample_len` bytes
    /// already read; the file must be left just after them.
    fn detect_in(bytes: &[u8], sample_len: usize, chosen: Option<TextEncoding>) -> Detected {
        let (_guard, mut file) = temp_file(bytes);
        let sample_len = sample_len.min(bytes.len());
        file.seek(SeekFrom::Start(sample_len as u64)).unwrap();
        let detected = detect(&bytes[..sample_len], &mut file, chosen).unwrap();
        assert_eq!(file.stream_position().unwrap(), sample_len as u64);
        detected
    }

    #[test]
    fn labels_name_encodings_ignoring_case() {
        let parse = |label: &str| label.parse::<TextEncoding>().unwrap();
        assert_eq!(parse("utf-8"), TextEncoding::UTF_8);
        assert_eq!(parse(" Windows-1252 "), TextEncoding::WINDOWS_1252);
        assert_eq!(parse("latin1"), TextEncoding::WINDOWS_1252);
        assert_eq!(parse("UTF-16"), TextEncoding::UTF_16LE);
        assert_eq!(parse("utf-16be"), TextEncoding::UTF_16BE);
        assert_eq!(parse("iso-8859-15").name(), "ISO-8859-15");
    }

    #[test]
    fn unknown_and_replacement_labels_are_refused_with_examples() {
        for label in ["klingon", "iso-2022-kr", ""] {
            let error = label.parse::<TextEncoding>().unwrap_err();
            assert_eq!(error.label, label);
            let message = error.to_string();
            assert!(message.contains("windows-1252"), "{message}");
        }
    }

    #[test]
    fn valid_utf8_is_utf8_and_not_guessed() {
        let detected = detect_in("name\nZoë,Straße\n".as_bytes(), 4, None);
        assert_eq!(detected.encoding, TextEncoding::UTF_8);
        assert!(!detected.guessed);
    }

    #[test]
    fn invalid_utf8_is_guessed_as_windows_1252() {
        let detected = detect_in(b"name\nZo\xEB\n", 64, None);
        assert_eq!(detected.encoding, TextEncoding::WINDOWS_1252);
        assert!(detected.guessed);
    }

    #[test]
    fn an_invalid_byte_past_the_sample_decides_for_windows_1252() {
        let mut bytes = "a,b\n".repeat(50_000).into_bytes();
        bytes.extend_from_slice(b"Caf\xE9,x\n");
        let detected = detect_in(&bytes, 64 * 1024, None);
        assert_eq!(detected.encoding, TextEncoding::WINDOWS_1252);
    }

    #[test]
    fn a_character_cut_by_a_chunk_boundary_is_still_utf8() {
        // `é` (C3 A9) straddles the sample's end and every chunk's end.
        for at in [CHUNK_BYTES - 1, 2 * CHUNK_BYTES - 1] {
            let mut bytes = vec![b'a'; at];
            bytes.extend_from_slice("é€\n".as_bytes());
            bytes.extend(std::iter::repeat_n(b'b', 1000));
            assert_eq!(
                detect_in(&bytes, CHUNK_BYTES, None).encoding,
                TextEncoding::UTF_8
            );
            // Cut off after the first byte of `é`: not UTF-8.
            assert_eq!(
                detect_in(&bytes[..=at], CHUNK_BYTES, None).encoding,
                TextEncoding::WINDOWS_1252
            );
        }
    }

    #[test]
    fn a_sample_may_end_inside_a_character_but_a_file_may_not() {
        let valid = |bytes: &[u8], cut| Utf8Scan::of(bytes, cut).unwrap().invalid == 0;
        assert!(valid(b"caf\xC3", true));
        assert!(!valid(b"caf\xC3", false));
        assert!(!valid(b"caf\xE9 au lait", true));
    }

    #[test]
    fn bytes_are_counted_across_blocks_as_one_by_one() {
        let text: Vec<u8> = (0..2_000u32).map(|i| (i * 7 % 256) as u8).collect();
        for (len, pred) in [
            (0, 0xC0u8),
            (255, 0xC0),
            (256, 0xC0),
            (2_000, 0xC0),
            (2_000, 0x01),
        ] {
            let part = &text[..len];
            let one_by_one = part.iter().filter(|&&b| b >= pred).count() as u64;
            assert_eq!(count_bytes(part, |b| b >= pred), one_by_one, "{len}");
        }
        let newlines = vec![b'\n'; 1_000];
        assert_eq!(count_bytes(&newlines, |b| b == b'\n'), 1_000);
    }

    #[test]
    fn a_utf8_file_with_a_few_bad_bytes_is_utf8_and_they_are_located() {
        let mut bytes = "name\n".to_owned().into_bytes();
        for _ in 0..50_000 {
            bytes.extend_from_slice("Müller\n".as_bytes());
        }
        bytes.extend_from_slice(b"M\xFCller\n");
        let detected = detect_in(&bytes, 64 * 1024, None);
        assert_eq!(detected.encoding, TextEncoding::UTF_8);
        assert!(!detected.guessed);
        let bad = detected.bad_bytes.unwrap();
        assert_eq!((bad.count, bad.line, bad.byte), (1, 50_002, 0xFC));
    }

    #[test]
    fn more_bad_bytes_than_utf8_characters_is_windows_1252() {
        let detected = detect_in(b"name\nZo\xEB \xE9t\xE9 Z\xC3\xBCrich\n", 64, None);
        assert_eq!(detected.encoding, TextEncoding::WINDOWS_1252);
        assert!(detected.guessed);
        assert_eq!(detected.bad_bytes, None);
    }

    #[test]
    fn a_byte_order_mark_wins_over_the_option() {
        for (bom, encoding) in [
            (&b"\xFF\xFEa\0"[..], TextEncoding::UTF_16LE),
            (b"\xFE\xFF\0a", TextEncoding::UTF_16BE),
            (b"\xEF\xBB\xBFa", TextEncoding::UTF_8),
        ] {
            let detected = detect_in(bom, 64, Some(TextEncoding::WINDOWS_1252));
            assert_eq!(detected.encoding, encoding);
            assert!(!detected.guessed);
        }
    }

    #[test]
    fn the_option_wins_over_the_guess() {
        let detected = detect_in(b"Zo\xEB", 64, Some(TextEncoding::UTF_8));
        assert_eq!(detected, Detected::known(TextEncoding::UTF_8));
    }

    #[test]
    fn text_is_transcoded_to_utf8_without_the_bom() {
        let cases: [(TextEncoding, Vec<u8>); 3] = [
            (TextEncoding::WINDOWS_1252, b"\xE9\xDF\x80\r\n".to_vec()),
            (
                TextEncoding::UTF_16LE,
                b"\xFF\xFE\xE9\0\xDF\0\xAC\x20\r\0\n\0".to_vec(),
            ),
            (
                TextEncoding::UTF_16BE,
                b"\xFE\xFF\0\xE9\0\xDF\x20\xAC\0\r\0\n".to_vec(),
            ),
        ];
        for (encoding, bytes) in cases {
            let (_guard, mut file) = temp_file(&bytes);
            file.seek(SeekFrom::Start(3)).unwrap();
            let mut text = String::new();
            utf8_text(encoding, bytes[..3].to_vec(), file)
                .read_to_string(&mut text)
                .unwrap();
            assert_eq!(text, "éß€\r\n", "{encoding}");
        }
    }

    #[test]
    fn utf8_passes_through_byte_for_byte() {
        let bytes = b"ok \xFF\n".to_vec();
        let (_guard, mut file) = temp_file(&bytes);
        file.seek(SeekFrom::Start(2)).unwrap();
        let mut out = Vec::new();
        utf8_text(TextEncoding::UTF_8, bytes[..2].to_vec(), file)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, bytes);
    }
}
