//! Headers it almost knows: a column whose header looks
//! like a field the file has no column for gets one warning naming the
//! rename and the config file's `[columns]` line, in `validate` and `run`;
//! a plainly unrelated column gets none; a missing required column names
//! its look-alike; the printed line, pasted into a config file, works.

use std::path::Path;

use crate::support::*;

/// A US customer whose state and postal code sit under other tools'
/// headers, and German headers for city; `account_manager` is unrelated.
const INPUT: &str = "\
company_name,domain,email,culture,language,first_name,last_name,address_line1,Ort,State/Province,Zip/Postal Code,country,account_manager
Contoso,lookalike1,ap@contoso.example,en-US,en,Ann,Lee,1 Main St,Boston,MA,02134,US,J. Park
Fabrikam,lookalike2,ap@fabrikam.example,en-US,en,Bo,Li,2 Main St,Boston,MA,02135,US,J. Park
";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn validate_warns_once_per_look_alike_column_with_the_line_to_paste() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, INPUT).unwrap();
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    let err = stderr(&out);
    for (header, field) in [
        ("Ort", "city"),
        ("State/Province", "state"),
        ("Zip/Postal Code", "postal_code"),
    ] {
        let warning = format!(
            "warning: column `{header}` looks like `{field}` but is not read as it: rename the \
             header to `{field}`, or map it under [columns] in the config file (--config): \
             {field} = \"{header}\""
        );
        assert_eq!(err.matches(&warning).count(), 1, "{header}\n{err}");
    }
    assert_eq!(err.matches("warning: column").count(), 3, "{err}");
    assert!(!err.contains("account_manager"), "{err}");
    // The rows' problems are still listed: the columns were not read.
    assert!(err.contains("state is required in US"), "{err}");
}

#[test]
fn the_printed_lines_in_a_config_file_map_the_columns_and_silence_the_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, INPUT).unwrap();
    let config = dir.path().join("pc-onboard.toml");
    let lines = "[columns]\ncity = \"Ort\"\nstate = \"State/Province\"\npostal_code = \"Zip/Postal Code\"\n";
    std::fs::write(&config, lines).unwrap();
    let out = run_plain(&["validate", s(&input), "--config", s(&config)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!stderr(&out).contains("warning"), "{}", text(&out));
}

#[test]
fn json_logs_carry_one_event_per_look_alike_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, INPUT).unwrap();
    let out = run_plain(&["validate", s(&input), "--log-format", "json"]);
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &serde_json::Value| e["event"] == "lookalike_column")
        .collect();
    let columns: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["column"].as_str().unwrap(),
                e["looks_like"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("Ort", "city"),
            ("State/Province", "state"),
            ("Zip/Postal Code", "postal_code")
        ]
    );
    assert_eq!(events[2]["level"], "WARN");
    assert_eq!(events[2]["config"], "postal_code = \"Zip/Postal Code\"");
}

#[tokio::test]
async fn run_warns_too_and_quiet_keeps_it_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, INPUT).unwrap();
    let sb = sandbox(quiet()).await;
    let results = dir.path().join("out.csv");
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("warning: column `Zip/Postal Code` looks like `postal_code`")
            .count(),
        1,
        "{err}"
    );
    let quiet = dir.path().join("quiet.csv");
    let out = run_against(&sb, &run_args(&input, &quiet, &["-q"])).await;
    assert!(!stderr(&out).contains("looks like"), "{}", text(&out));
}

#[test]
fn a_missing_required_column_names_its_look_alike_and_the_line_to_paste() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let french = INPUT.replacen(",country,", ",Pays,", 1);
    std::fs::write(&input, french).unwrap();
    let out = run_plain(&["validate", s(&input)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "`country` (did you mean `Pays`? rename it, or map it under [columns] in the config \
             file: country = \"Pays\";"
        ),
        "{err}"
    );
}
