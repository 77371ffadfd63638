//! The repository's shell scripts, their pieces run on stand-in commands
//! (the scripts themselves build and time the release binary: too slow
//! for `cargo test`).

use std::path::Path;
use std::process::Command;

/// Run `measure LABEL sh -c SCRIPT` from `benches/validate.sh` in bash.
fn measure(stand_in: &str) -> std::process::Output {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/validate.sh");
    let body = r#"
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source <(sed -n '/^measure() {/,/^}/p' "$0")
declare -F measure > /dev/null || { echo "no measure function" >&2; exit 9; }
measure "stand-in" sh -c "$1"
"#;
    Command::new("bash")
        .args(["--norc", "--noprofile", "-c", body])
        .arg(&bench)
        .arg(stand_in)
        .output()
        .expect("run bash")
}

/// bash, GNU time and bc, which `measure` runs (`tools`: a missing one
/// fails the test unless `PC_TEST_SKIP_TOOLS` names it).
fn have_gnu_time() -> bool {
    let what = "benches/validate.sh's measure function was not run";
    ["bash", "/usr/bin/time", "bc"]
        .iter()
        .all(|tool| crate::tools::available(tool, what))
}

#[test]
fn bench_validate_reports_a_run_that_exits_2_for_invalid_rows() {
    if !have_gnu_time() {
        return;
    }
    let out = measure("echo 'invalid rows' >&2; exit 2");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("stand-in"), "{stdout}");
    assert!(
        stdout.contains(" s ") && stdout.contains(" MiB"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("exit 2"), "{stdout}");
}

#[test]
fn bench_validate_stops_on_a_run_that_fails() {
    if !have_gnu_time() {
        return;
    }
    let out = measure("echo 'cannot read input' >&2; exit 1");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stand-in: exit 1"), "{stderr}");
    assert!(stderr.contains("cannot read input"), "{stderr}");
}
