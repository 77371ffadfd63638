//! Warnings from deep in the library (a guessed encoding) read like the
//! console's own at the default verbosity: `warning: ` and the message, no
//! timestamp; `-v` brings the full log format back.

use crate::support::*;

fn warning_lines(args: &[&str]) -> Vec<String> {
    let out = run_plain(args);
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("is not UTF-8: read as Windows-1252"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_guessed_encoding_is_a_plain_warning_and_a_log_line_only_with_v() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("kunden.csv");
    let mut bytes = b"company_name,domain,email,culture,language,first_name,last_name,\
                      address_line1,country\n"
        .to_vec();
    bytes.extend_from_slice(
        b"M\xfcller GmbH,muellergmbh,a@mueller.example,de-DE,de,Anna,M\xfcller,Hauptstr. 1,DE\n",
    );
    std::fs::write(&input, bytes).unwrap();
    let path = input.to_str().unwrap();

    let plain = warning_lines(&["validate", path]);
    assert_eq!(
        plain,
        [format!(
            "warning: {path} is not UTF-8: read as Windows-1252 (use --encoding to choose another)"
        )]
    );
    let verbose = warning_lines(&["-v", "validate", path]);
    assert_eq!(verbose.len(), 1, "{verbose:?}");
    assert!(verbose[0].contains(" WARN "), "{verbose:?}");
    assert!(warning_lines(&["-q", "validate", path]).is_empty());
}
