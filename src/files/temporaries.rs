//! Temporary files a killed run left behind. A file that is replaced as a
//! whole (the results workbook, a `--force`d credentials file) is written
//! to a hidden file beside it, `.<name>.<pid>.tmp` or
//! `.<name>.<pid>.<n>.tmp`, then renamed over it; a run killed (SIGKILL)
//! in between leaves that file. The next run with the same file removes
//! them: only names of exactly that pattern, only regular files, and only
//! when the process whose pid is in the name has ended.

use std::path::Path;

/// Remove the temporary files of `path` left by processes that have ended;
/// returns how many were removed. Best effort: what cannot be read or
/// removed is left.
pub(crate) fn remove_stale(path: &Path) -> usize {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return 0;
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let prefix = format!(".{name}.");
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(pid_of)
        else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && has_ended(pid) && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!(
                file = %entry.path().display(),
                pid,
                "removed the temporary file of a run that was killed"
            );
            removed += 1;
        }
    }
    removed
}

/// The pid in `<pid>` or `<pid>.<n>` (digits only).
fn pid_of(middle: &str) -> Option<u32> {
    let (pid, n) = middle.split_once('.').unwrap_or((middle, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Whether the process `pid` has ended: known only where `/proc` lists the
/// processes (Linux); elsewhere nothing is taken to have ended.
fn has_ended(pid: u32) -> bool {
    if pid == std::process::id() || !Path::new("/proc/self").exists() {
        return false;
    }
    !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn only_the_pattern_with_a_pid_is_recognised() {
        assert_eq!(pid_of("123"), Some(123));
        assert_eq!(pid_of("123.4"), Some(123));
        for other in ["", "x", "12x", "123.", ".4", "1.2.3", "-1"] {
            assert_eq!(pid_of(other), None, "{other}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_of_ended_processes_are_removed_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        let stale = [
            format!(".out.xlsx.{dead}.tmp"),
            format!(".out.xlsx.{dead}.3.tmp"),
        ];
        let kept = [
            format!(".out.xlsx.{me}.tmp"),
            ".out.xlsx.1.tmp.bak".to_owned(),
            format!(".other.xlsx.{dead}.tmp"),
            format!("out.xlsx.{dead}.tmp"),
        ];
        for name in stale.iter().chain(&kept) {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join(format!(".out.xlsx.{dead}.9.tmp"))).unwrap();
        assert_eq!(remove_stale(&dir.path().join("out.xlsx")), 2);
        for name in &stale {
            assert!(!dir.path().join(name).exists(), "{name}");
        }
        for name in &kept {
            assert!(dir.path().join(name).exists(), "{name}");
        }
        assert!(dir.path().join(format!(".out.xlsx.{dead}.9.tmp")).is_dir());
    }
}
