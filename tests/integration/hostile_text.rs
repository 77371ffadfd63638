//! Text a server answers is shown and kept as text: control characters in
//! an error answer (a terminal escape, a bell, a NUL) reach neither the
//! operator's terminal nor the results file, which stays a valid input.

use std::time::Duration;

use crate::hostile::{answer, hostile, is_create, run_at};
use crate::support::{Results, code, run_args, run_plain, text, write_customers};

const GUARD: Duration = Duration::from_secs(120);

/// Bytes a terminal or a CSV reader acts on: every C0 control but the
/// line break, and DEL.
fn controls(bytes: &[u8]) -> Vec<u8> {
    let acted_on = |b: &&u8| (**b < 0x20 && **b != b'\n') || **b == 0x7f;
    bytes.iter().filter(acted_on).copied().collect()
}

#[tokio::test]
async fn control_characters_in_an_error_answer_reach_neither_terminal_nor_results() {
    let (base, _mock) = hostile(|seen| {
        if is_create(seen) {
            let body = r#"{"code":"6\u001b[2J","description":"bad \u001b]0;PWNED\u0007\u001b[31mred\u0000nul\u007f"}"#;
            answer(400, &[], body)
        } else {
            answer(404, &[], r#"{"code":"404","description":"not found"}"#)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "ctrl");
    let results = dir.path().join("r.csv");
    let out = run_at(&base, &run_args(&input, &results, &[]), GUARD).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert_eq!(controls(&out.stderr), b"", "{}", text(&out));
    assert_eq!(controls(&std::fs::read(&results).unwrap()), b"");
    let written = Results::read(&results);
    assert_eq!(written.column("status"), ["rejected", "rejected"]);
    let error = &written.column("error")[0];
    assert!(error.contains("PWNED") && error.contains("red"), "{error}");
    // The results file is a valid input for the re-run it prints.
    let again = run_plain(&["validate".as_ref(), results.as_os_str()]);
    assert_eq!(code(&again), 0, "{}", text(&again));
}
