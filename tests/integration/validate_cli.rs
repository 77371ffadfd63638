//! `pc-onboard validate` on the sample, in each CSV dialect, and the help text.

use crate::support;

use support::*;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// The sample rewritten with `;`, a UTF-8 BOM and CRLF line ends.
fn semicolon_bom_crlf(dir: &std::path::Path) -> std::path::PathBuf {
    let input = Results::read(&sample());
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(&input.header).unwrap();
    for row in &input.rows {
        w.write_record(row).unwrap();
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().unwrap());
    let path = dir.join("semicolon.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn check_results(input: &std::path::Path, results: &std::path::Path) {
    let want = Results::read(input);
    let got = Results::read(results);
    assert_eq!(got.rows.len(), 40, "one results row per input row");
    let n = want.header.len();
    assert_eq!(
        &got.header[..n],
        &want.header[..],
        "input columns first, in order"
    );
    assert_eq!(&got.header[n..], &crate::result_columns::CONTRACT);
    for (g, w) in got.rows.iter().zip(&want.rows) {
        assert_eq!(&g[..n], &w[..], "values passed through unchanged");
    }
    assert_eq!(got.count("valid"), SAMPLE_VALID_ROWS);
    assert_eq!(got.count("invalid"), 6);
    let errors = got.column("error");
    let status = got.column("status");
    for (st, err) in status.iter().zip(&errors) {
        assert_eq!(st == "invalid", !err.is_empty());
    }
    // Row 36 (index 34): the US ZIP code.
    assert!(
        errors[34].contains("postal_code \"8165\""),
        "{}",
        errors[34]
    );
    // Row 38: both the registration number and the phone.
    assert!(
        errors[36].contains("registration_number") && errors[36].contains("phone_number"),
        "{}",
        errors[36]
    );
    // Row 40: the duplicate names the first row.
    assert!(errors[38].contains("row 2"), "{}", errors[38]);
}

#[test]
fn validates_the_sample_and_explains_every_broken_row() {
    let dir = tempfile::tempdir().unwrap();
    let out_csv = dir.path().join("out.csv");
    let out = run_plain(&["validate", s(&sample()), "--results", s(&out_csv)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    check_results(&sample(), &out_csv);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 37: country \"UK\""), "{err}");
    assert!(err.contains("34 valid, 6 invalid"), "{err}");
}

#[test]
fn semicolon_bom_crlf_input_gives_the_same_results_in_its_own_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let input = semicolon_bom_crlf(dir.path());
    let out_csv = dir.path().join("out.csv");
    let out = run_plain(&["validate", s(&input), "--results", s(&out_csv)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    check_results(&input, &out_csv);
    let bytes = std::fs::read(&out_csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM kept");
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap();
    assert!(
        first_line.ends_with(b"\r") && first_line.contains(&b';'),
        "delimiter and CRLF kept"
    );
}

#[test]
fn json_prints_one_object_per_row() {
    let out = run_plain(&["validate", s(&sample()), "--json"]);
    assert_eq!(code(&out), 2);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 40);
    assert_eq!(rows[0]["row"], 2);
    assert_eq!(rows[0]["status"], "valid");
    let uk = &rows[35];
    assert_eq!(uk["status"], "invalid");
    assert_eq!(uk["problems"][0]["column"], "country");
}

#[test]
fn a_valid_file_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ok.csv");
    write_customers(&input, 3, "ok");
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[test]
fn a_misspelt_required_column_is_fatal_and_suggests_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    let original = std::fs::read_to_string(sample()).unwrap();
    std::fs::write(&input, original.replacen("company_name", "compnay_name", 1)).unwrap();
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("company_name") && err.contains("compnay_name"),
        "{err}"
    );
}

#[test]
fn help_text_is_stable() {
    for args in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["run", "--help"],
        vec!["sandbox", "--help"],
    ] {
        let out = std::process::Command::new(bin())
            .args(&args)
            .env_clear()
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let name = format!("help_{}", args.join("_").replace("--", ""));
        insta::assert_snapshot!(name, String::from_utf8_lossy(&out.stdout));
    }
}
