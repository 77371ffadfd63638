//! Fuzzing (docs/reliability.md, section 5): proptest generates files of valid rows and
//! mutated ones (emptied, overlong, odd characters, CSV-hostile text,
//! padding, casing) and runs each through `validate` and then `run` against
//! a fresh sandbox. Nothing panics; `validate` and `run` agree on every
//! row; the rows `validate` calls invalid never reach the API and the valid
//! ones always do (and the sandbox, which runs the same checks, accepts them).
//!
//! `cargo test` runs 24 cases; `scripts/reliability.sh` runs 1,000
//! (`PC_FUZZ_CASES=N` sets the number).

use crate::support;

use std::collections::HashSet;
use std::path::Path;

use pc_onboard::sandbox::SandboxConfig;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::*;

const COLUMNS: [&str; 16] = [
    "external_id",
    "company_name",
    "domain",
    "email",
    "culture",
    "language",
    "first_name",
    "last_name",
    "phone_number",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "registration_number",
];

/// Valid rows in a few countries: (culture, language, city, state, postal, country, registration).
const TEMPLATES: &[[&str; 7]] = &[
    ["en-US", "en", "Redmond", "WA", "98052", "US", ""],
    ["en-GB", "en", "London", "", "EC1Y 8SY", "GB", ""],
    ["de-DE", "de", "Berlin", "", "10117", "DE", ""],
    ["ja-JP", "ja", "Shibuya-ku", "13", "150-0002", "JP", ""],
    [
        "ru-RU",
        "ru",
        "Москва",
        "Москва",
        "125009",
        "RU",
        "7707083893",
    ],
    [
        "pt-BR",
        "pt",
        "Sao Paulo",
        "SP",
        "01310-100",
        "BR",
        "11.222.333/0001-81",
    ],
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Leave the row as generated.
    None,
    /// Empty a column.
    Clear(usize),
    /// Put arbitrary text in a column.
    Set(usize, String),
    /// Spaces around every value (trimmed: still valid).
    Pad,
    /// Upper-case the domain (case-insensitive: still valid).
    UpperDomain,
    /// `UK` for the country (invalid: suggests `GB`).
    Uk,
    /// A 51-character first name (invalid: 1-50).
    LongFirstName,
}

/// Required in every country: emptying them makes the row invalid.
const REQUIRED: [usize; 9] = [1, 2, 3, 4, 5, 6, 7, 9, 14];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => Just(Mutation::None),
        2 => (0usize..COLUMNS.len()).prop_map(Mutation::Clear),
        3 => (
            0usize..COLUMNS.len(),
            prop_oneof![
                "\\PC{0,40}",
                "[a-zA-Z0-9 ,;\"'\\n\\r\\t-]{0,30}",
                "[A-Z]{2}",
                "[a-z0-9]{1,40}",
                "[a-z]{2}-[A-Z]{2}",
            ]
        )
            .prop_map(|(c, v)| Mutation::Set(c, v)),
        1 => Just(Mutation::Pad),
        1 => Just(Mutation::UpperDomain),
        1 => Just(Mutation::Uk),
        1 => Just(Mutation::LongFirstName),
    ]
}

fn rows() -> impl Strategy<Value = Vec<(usize, Mutation)>> {
    prop::collection::vec((0..TEMPLATES.len(), mutation()), 1..12)
}

/// The row's cells, and whether the mutation must make it invalid.
fn build(i: usize, template: usize, m: &Mutation) -> (Vec<String>, bool) {
    let [culture, language, city, state, postal, country, reg] = TEMPLATES[template];
    let mut cells: Vec<String> = vec![
        format!("FZ-{i}"),
        format!("Fuzz {i}, \"Quoted\" Ltd"),
        format!("fuzzcust{i}"),
        format!("billing{i}@fuzz{i}.example"),
        culture.into(),
        language.into(),
        "Ann".into(),
        "Lee".into(),
        "+1 425 555 0100".into(),
        format!("{} Main Street", i + 1),
        String::new(),
        city.into(),
        state.into(),
        postal.into(),
        country.into(),
        reg.into(),
    ];
    let must_be_invalid = match m {
        Mutation::None => false,
        Mutation::Clear(c) => {
            cells[*c].clear();
            REQUIRED.contains(c)
        }
        Mutation::Set(c, v) => {
            cells[*c] = v.clone();
            false
        }
        Mutation::Pad => {
            for cell in cells.iter_mut().filter(|c| !c.is_empty()) {
                *cell = format!("  {cell} ");
            }
            false
        }
        Mutation::UpperDomain => {
            cells[2] = cells[2].to_uppercase();
            false
        }
        Mutation::Uk => {
            cells[14] = "UK".into();
            true
        }
        Mutation::LongFirstName => {
            cells[6] = "A".repeat(51);
            true
        }
    };
    (cells, must_be_invalid)
}

/// Write the case's rows to `input`: which must be invalid, and the cells.
fn write_case(spec: &[(usize, Mutation)], input: &Path) -> (Vec<bool>, Vec<Vec<String>>) {
    let mut writer = csv::Writer::from_path(input).unwrap();
    writer.write_record(COLUMNS).unwrap();
    let mut must_be_invalid = Vec::new();
    let mut sent_rows = Vec::new();
    for (i, (template, m)) in spec.iter().enumerate() {
        let (cells, bad) = build(i, *template, m);
        writer.write_record(&cells).unwrap();
        must_be_invalid.push(bad);
        sent_rows.push(cells);
    }
    writer.flush().unwrap();
    (must_be_invalid, sent_rows)
}

/// Write the case to `input` and validate it into `validated`: no panic,
/// every row that must be invalid is. The results, and which rows are valid.
fn validate_case(
    case: usize,
    spec: &[(usize, Mutation)],
    input: &Path,
    validated: &Path,
) -> Result<(Results, Vec<bool>), TestCaseError> {
    let (must_be_invalid, sent_rows) = write_case(spec, input);
    let out = run_plain(&[
        "validate",
        input.to_str().unwrap(),
        "--results",
        validated.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    prop_assert!(
        !err.contains("panicked"),
        "case {case}: validate panicked: {err}"
    );
    prop_assert!(
        code(&out) == 0 || code(&out) == 2,
        "case {case}: validate exit {}: {err}",
        code(&out)
    );
    let v = Results::read(validated);
    prop_assert_eq!(v.rows.len(), spec.len());
    let valid: Vec<bool> = v.column("status").iter().map(|s| s == "valid").collect();
    for (i, bad) in must_be_invalid.iter().enumerate() {
        prop_assert!(
            !(*bad && valid[i]),
            "case {case}: row {i} ({:?}) must be invalid: {:?}",
            spec[i].1,
            sent_rows[i]
        );
    }
    Ok((v, valid))
}

async fn one_case(case: usize, spec: &[(usize, Mutation)]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let (v, valid) = validate_case(case, spec, &input, &dir.path().join("validated.csv"))?;

    let sb = sandbox(SandboxConfig {
        quota: 0,
        ..SandboxConfig::default()
    })
    .await;
    let results = dir.path().join("results.csv");
    let out = run_against(&sb, &run_args(&input, &results, &["--rate", "60000"])).await;
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    prop_assert!(
        !err.contains("panicked"),
        "case {case}: run panicked: {err}"
    );
    prop_assert_eq!(
        code(&out) == 0,
        valid.iter().all(|v| *v),
        "case {}: {}",
        case,
        err
    );
    let r = Results::read(&results);
    prop_assert_eq!(r.rows.len(), spec.len());
    let statuses = r.column("status");
    for (i, status) in statuses.iter().enumerate() {
        let expected = if valid[i] { "created" } else { "invalid" };
        prop_assert_eq!(
            status.as_str(),
            expected,
            "case {}: row {} {:?}: validate said {}, run said {} ({})",
            case,
            i,
            &spec[i].1,
            v.column("status")[i],
            status,
            r.column("error")[i]
        );
    }
    let stats = sb.state().stats();
    let n_valid = valid.iter().filter(|v| **v).count();
    prop_assert_eq!(
        stats.calls_to("POST /v1/customers") as usize,
        n_valid,
        "case {}: one create call per valid row, none for invalid ones",
        case
    );
    prop_assert_eq!(
        stats.validation_errors,
        0,
        "the sandbox agreed with validate"
    );
    let created: HashSet<String> = r
        .rows
        .iter()
        .filter(|row| row[r.col("status")] == "created")
        .map(|row| row[r.col("external_id")].trim().to_owned())
        .collect();
    let expected: HashSet<String> = (0..spec.len())
        .filter(|i| valid[*i])
        .map(|i| v.column("external_id")[i].trim().to_owned())
        .collect();
    prop_assert_eq!(created, expected);
    Ok(())
}

fn fuzz(default_cases: u32) {
    let cases = std::env::var("PC_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&rows(), |spec| {
        let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        runtime.block_on(one_case(n, &spec))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("fuzz: {cases} generated files through validate and run: no panic, every row agreed");
}

#[test]
fn generated_rows_through_validate_and_run() {
    fuzz(24);
}

#[test]
#[ignore = "slow: scripts/reliability.sh"]
fn many_generated_files_through_validate_and_run() {
    fuzz(1000);
}
