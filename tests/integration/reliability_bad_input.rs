//! Bad input corpus (docs/reliability.md, section 4): every file in `tests/data/bad/` (and
//! a few generated here, like a 10 MB field) through `validate` and `run`.
//! Each must give a clear error (exit 1, `error: ...`, no results file) or
//! per-row `invalid` results (exit 2, one results row per input row); never
//! a panic, never exit 0, never a results file that looks complete when the
//! run failed, and never a create call for a row that is not valid.

use crate::support;

use std::path::{Path, PathBuf};

use support::*;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")
}

/// Files made here rather than committed.
fn generated(dir: &Path) -> Vec<PathBuf> {
    let header = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country\n";
    let row = |i: usize, company: &str| {
        format!(
            "{i},{company},gencust{i},ap{i}@example.com,en-US,en,Ann,Lee,+1 425 555 0100,1 Main St,Redmond,WA,98052,US\n"
        )
    };
    let mut files = Vec::new();
    // A single 10 MB field (quoted, with commas and newlines inside).
    let huge = format!("\"{}\"", "x,\n".repeat(10 * 1024 * 1024 / 3));
    let path = dir.join("huge_field_10mb.csv");
    std::fs::write(
        &path,
        format!("{header}{}{}", row(1, "Fine Inc"), row(2, &huge)),
    )
    .unwrap();
    files.push(path);
    // A 10 MB line with no line break at all (no header row either).
    let path = dir.join("one_10mb_line.csv");
    std::fs::write(&path, "a".repeat(10 * 1024 * 1024)).unwrap();
    files.push(path);
    // 100,000 columns in the header.
    let path = dir.join("wide_100k_columns.csv");
    let wide: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    std::fs::write(
        &path,
        format!("{}\n{}\n", wide.join(","), "1,".repeat(99_999)),
    )
    .unwrap();
    files.push(path);
    // Truncated mid-row (a copy cut off in transfer).
    let path = dir.join("truncated_mid_row.csv");
    let full = format!("{header}{}{}", row(1, "One Inc"), row(2, "Two Inc"));
    std::fs::write(&path, &full[..full.len() - 30]).unwrap();
    files.push(path);
    files
}

/// A results file whose cells may hold the input's invalid UTF-8 (they are
/// copied byte for byte), read lossily.
fn read_lossy(path: &Path) -> Results {
    let bytes = std::fs::read(path).expect("results file");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = [b';', b'\t', b'|']
        .into_iter()
        .find(|d| first_line.contains(d) && !first_line.contains(&b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(body);
    let lossy = |r: &csv::ByteRecord| -> Vec<String> {
        r.iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    };
    let header = lossy(reader.byte_headers().expect("header"));
    let rows = reader
        .byte_records()
        .map(|r| lossy(&r.expect("row")))
        .collect();
    Results { header, rows }
}

struct Outcome {
    name: String,
    validate: i32,
    run: i32,
    message: String,
}

fn first_error_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .find(|l| l.starts_with("error:"))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .chars()
        .take(140)
        .collect()
}

/// The checks common to `validate` and `run` on one broken file.
fn check_outcome(
    name: &str,
    what: &str,
    out: &std::process::Output,
    results: &Path,
) -> Result<(), String> {
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        return Err(format!("{name}: {what} panicked:\n{err}"));
    }
    let c = code(out);
    if c != 1 && c != 2 {
        return Err(format!(
            "{name}: {what} must exit 1 or 2, not {c}: {}",
            first_error_line(&out.stderr)
        ));
    }
    if c == 1 {
        if !err.lines().any(|l| l.starts_with("error: ")) {
            return Err(format!("{name}: {what}: no clear error\n{err}"));
        }
        if results.exists() {
            return Err(format!(
                "{name}: {what} failed (exit 1) but left a results file: {}",
                String::from_utf8_lossy(&std::fs::read(results).unwrap_or_default())
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
    } else {
        let r = read_lossy(results);
        if r.rows.is_empty() {
            return Err(format!("{name}: {what}: exit 2 with no rows"));
        }
        let statuses = r.column("status");
        if !statuses
            .iter()
            .any(|s| matches!(s.as_str(), "invalid" | "rejected" | "failed"))
        {
            return Err(format!(
                "{name}: {what}: exit 2 names no row that did not go through: {statuses:?}"
            ));
        }
        let error = r.col("error");
        let status = r.col("status");
        if r.rows
            .iter()
            .any(|row| row[status] == "invalid" && row[error].is_empty())
        {
            return Err(format!("{name}: {what}: an invalid row does not say why"));
        }
    }
    Ok(())
}

/// A run that ended with invalid rows (exit 2) against `validate`'s verdict
/// on the same file: every create sent became a `created` row, and both
/// call the same rows invalid. What the user sees, in one line.
fn run_agrees_with_validate(
    name: &str,
    sent: u64,
    validated: &Path,
    ran: &Path,
    violations: &mut Vec<String>,
) -> String {
    let r = read_lossy(ran);
    if sent as usize != r.count("created") {
        violations.push(format!(
            "{name}: run sent {sent} create calls for {} created rows: a row passed validation that the API refused (statuses {:?})",
            r.count("created"),
            r.column("status")
        ));
    }
    // validate and run agree row by row on what is invalid.
    let v = if validated.exists() {
        read_lossy(validated)
    } else {
        Results {
            header: vec![],
            rows: vec![],
        }
    };
    let invalid_v: Vec<bool> = v.column("status").iter().map(|s| s == "invalid").collect();
    let invalid_r: Vec<bool> = r.column("status").iter().map(|s| s == "invalid").collect();
    if invalid_v != invalid_r {
        violations.push(format!("{name}: validate and run disagree on invalid rows"));
    }
    format!(
        "{} rows: {} invalid, {} created",
        r.rows.len(),
        r.count("invalid"),
        r.count("created")
    )
}

/// The outcomes as a Markdown table (docs/reliability.md quotes it).
fn print_outcomes(outcomes: &[Outcome]) {
    eprintln!("| file | validate | run | what the user sees |");
    eprintln!("|---|---|---|---|");
    for o in outcomes {
        eprintln!(
            "| `{}` | {} | {} | {} |",
            o.name,
            o.validate,
            o.run,
            o.message.replace('|', "\\|")
        );
    }
}

/// Violations known and reported, not yet fixed (see docs/reliability.md).
/// Each entry is a prefix of the violation's text.
const KNOWN: &[&str] = &[];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_broken_file_gives_a_clear_error_or_invalid_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "at least 15 kinds of broken files");
    files.extend(generated(dir.path()));

    let mut outcomes = Vec::new();
    let mut violations: Vec<String> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let validated = dir.path().join(format!("validate-{i}.csv"));
        let out = run_plain(&[
            "validate",
            file.to_str().unwrap(),
            "--results",
            validated.to_str().unwrap(),
        ]);
        violations.extend(check_outcome(&name, "validate", &out, &validated).err());
        let validate_code = code(&out);
        let mut message = first_error_line(&out.stderr);

        // A fresh sandbox per file: no domain is taken before.
        let sb = sandbox(quiet()).await;
        let before = sb.state().stats().calls_to("POST /v1/customers");
        let ran = dir.path().join(format!("run-{i}.csv"));
        let out = run_against(&sb, &run_args(file, &ran, &["--rate", "60000"])).await;
        violations.extend(check_outcome(&name, "run", &out, &ran).err());
        let sent = sb.state().stats().calls_to("POST /v1/customers") - before;
        if code(&out) == 2 && ran.exists() {
            message = run_agrees_with_validate(&name, sent, &validated, &ran, &mut violations);
        } else if sent != 0 {
            violations.push(format!(
                "{name}: run exited {} but sent {sent} create calls",
                code(&out)
            ));
        }
        outcomes.push(Outcome {
            name,
            validate: validate_code,
            run: code(&out),
            message,
        });
    }
    print_outcomes(&outcomes);
    let unknown: Vec<&String> = violations
        .iter()
        .filter(|v| !KNOWN.iter().any(|k| v.starts_with(k)))
        .collect();
    for v in &violations {
        eprintln!(
            "violation{}: {v}",
            if unknown.contains(&v) { "" } else { " (known)" }
        );
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
}
