//! The programs some tests run besides `pc-onboard`: bash, GNU time
//! (`/usr/bin/time`), zsh, fish. A test whose program is missing never
//! passes silently:
//!
//! - bash and GNU time are required (CI has them; the README says so): a
//!   test that needs one fails, naming it, unless `PC_TEST_SKIP_TOOLS`
//!   lists it (comma-separated names, or `all`);
//! - zsh and fish are optional (the completion scripts for them are parsed
//!   where they are installed).
//!
//! A skipped test prints one `SKIPPED` line straight to the terminal's
//! stderr, which the test harness does not capture, so `cargo test` shows
//! it even when the test passes.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Tools whose tests are skipped, visibly, when they are not installed.
const OPTIONAL: [&str; 2] = ["zsh", "fish"];

/// The variable that lets tests of missing required tools be skipped.
const SKIP_ENV: &str = "PC_TEST_SKIP_TOOLS";

static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// Whether `tool` (a name looked up on `PATH`, or an absolute path) is
/// there. When it is not: a required tool fails the test unless
/// `PC_TEST_SKIP_TOOLS` allows it; otherwise the skip is printed and this is
/// false, and the test returns. `what` says what the test could not check.
pub(crate) fn available(tool: &str, what: &str) -> bool {
    if installed(tool) {
        return true;
    }
    let allowed = std::env::var(SKIP_ENV).unwrap_or_default();
    let decision = skip_decision(tool, &allowed);
    let test = std::thread::current().name().unwrap_or("?").to_owned();
    match decision {
        Err(why) => panic!("{test}: {why}"),
        Ok(reason) => {
            let n = SKIPPED.fetch_add(1, Ordering::Relaxed) + 1;
            let line = format!(
                "\nSKIPPED ({n} in this run): {test}: {tool} is not installed ({reason}): {what}\n"
            );
            // Not eprintln!: the harness would capture it.
            let _ = std::io::stderr().write_all(line.as_bytes());
            false
        }
    }
}

/// Why a missing `tool` may be skipped, given `PC_TEST_SKIP_TOOLS`'s value;
/// or why its test fails.
fn skip_decision(tool: &str, allowed: &str) -> Result<&'static str, String> {
    let name = Path::new(tool)
        .file_name()
        .map_or(tool.into(), |n| n.to_string_lossy());
    if OPTIONAL.contains(&name.as_ref()) {
        return Ok("optional");
    }
    let listed = allowed
        .split(',')
        .map(str::trim)
        .any(|a| a == "all" || a == name || a == tool);
    if listed {
        return Ok("PC_TEST_SKIP_TOOLS allows it");
    }
    Err(format!(
        "{tool} is not installed and this test needs it: install it, or set {SKIP_ENV}={name} to skip the tests that need it"
    ))
}

/// `tool` exists: an absolute path as a file, a name as a file in a `PATH`
/// directory.
fn installed(tool: &str) -> bool {
    let tool = Path::new(tool);
    if tool.is_absolute() {
        return tool.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

#[test]
fn a_missing_required_tool_fails_its_test_unless_it_is_allowed_to_be_skipped() {
    let fails = skip_decision("/usr/bin/time", "").unwrap_err();
    assert!(fails.contains("PC_TEST_SKIP_TOOLS=time"), "{fails}");
    assert!(skip_decision("bash", "zsh, time").is_err());
    assert_eq!(
        skip_decision("bash", "time, bash"),
        Ok("PC_TEST_SKIP_TOOLS allows it")
    );
    assert!(skip_decision("/usr/bin/time", "all").is_ok());
    assert_eq!(skip_decision("zsh", ""), Ok("optional"));
}

#[test]
fn tools_are_found_on_the_path_or_by_absolute_path() {
    assert!(installed(env!("CARGO_BIN_EXE_pc-onboard")));
    assert!(!installed("/nonexistent/pc-onboard-no-such-tool"));
    assert!(!installed("pc-onboard-no-such-tool"));
}
