//! The files a command reads and writes must be different files: results
//! written over the input (through a hard link, a symlink or the same path
//! spelt twice) truncate the input before it is read, and passwords written
//! into the results file end up wherever the results go.
//!
//! [`refuse_same_files`] compares the files before anything is opened for
//! writing. An existing file is known by its device and inode (after
//! following symlinks), so a hard link or a symlink is the same file. A path
//! that does not exist yet is known by where it would be created: the
//! symlinks at its end followed, its directory made canonical; so `out.csv`
//! and `./out.csv`, or a dangling symlink and its target, are the same file.
//! Devices and pipes (`/dev/null`, `/dev/stdout`) are not compared: writing
//! to them destroys nothing.

use std::path::{Component, Path, PathBuf};

/// Two of the files named on the command line are one file.
#[derive(Debug, thiserror::Error)]
#[error(
    "{first_role} {} and {second_role} {} are the same file{how}: \
     writing {second_role} would destroy {first_role}; {}",
    .first.display(), .second.display(), change(.second_role)
)]
pub(crate) struct SameFileError {
    /// What the first file is (`the input`, `--results`, ...).
    pub(crate) first_role: String,
    /// The first file, as given.
    pub(crate) first: PathBuf,
    /// What the second file is.
    pub(crate) second_role: String,
    /// The second file, as given.
    pub(crate) second: PathBuf,
    /// ` (a hard link)`, ` (a symlink)`, or empty: how they are one file.
    pub(crate) how: &'static str,
}

/// What to change: the file named by `role`, or `--results` when `role`
/// is a file named after the results (its journal, problems file, lock).
fn change(role: &str) -> String {
    if role.starts_with("--") || role == "the input" {
        format!("choose another {role} file")
    } else {
        format!("choose another --results file ({role} is named after it)")
    }
}

/// Where a path leads: an existing file, or where a new one would be created.
#[derive(Debug, PartialEq, Eq)]
enum FileKey {
    /// An existing file: its device and inode.
    Existing(u64, u64),
    /// A file not created yet: its absolute, canonical-directory path.
    New(PathBuf),
}

/// Refuse when two of `files` (`(role, path)`, the file read first, then the
/// others in the order the user should change them; `None`: not given) are
/// the same file. The error names the later one as the one to change. Paths
/// that cannot be examined (no permission) are left to fail where they are
/// opened.
pub(crate) fn refuse_same_files(files: &[(&str, Option<&Path>)]) -> Result<(), SameFileError> {
    let files: Vec<(&str, &Path)> = files
        .iter()
        .filter_map(|(role, path)| path.map(|p| (*role, p)))
        .collect();
    let keys: Vec<Option<FileKey>> = files.iter().map(|(_, path)| file_key(path)).collect();
    for (j, (second_role, second)) in files.iter().enumerate() {
        for (i, (first_role, first)) in files.iter().enumerate().take(j) {
            let (Some(a), Some(b)) = (&keys[i], &keys[j]) else {
                continue;
            };
            if a == b {
                return Err(SameFileError {
                    first_role: first_role.to_string(),
                    first: first.to_path_buf(),
                    second_role: second_role.to_string(),
                    second: second.to_path_buf(),
                    how: how_same(first, second),
                });
            }
        }
    }
    Ok(())
}

/// Whether `a` and `b` are one file, by the rule of [`refuse_same_files`]:
/// an existing file by its device and inode, a name not created yet by its
/// canonical directory and name; devices and pipes are never the same file.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (file_key(a), file_key(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// ` (a symlink)` when either path is a symlink, ` (a hard link)` when two
/// existing names lead to one inode, else nothing (one name spelt twice).
fn how_same(first: &Path, second: &Path) -> &'static str {
    let is_link = |p: &Path| p.symlink_metadata().is_ok_and(|m| m.is_symlink());
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    if is_link(first) || is_link(second) {
        " (a symlink)"
    } else if canonical(first).is_some() && canonical(first) != canonical(second) {
        " (a hard link)"
    } else {
        ""
    }
}

fn file_key(path: &Path) -> Option<FileKey> {
    match std::fs::metadata(path) {
        // A device or a pipe (`/dev/null`, `/dev/stdout`) is not truncated
        // by writing to it: the input from a terminal, the results to it.
        Ok(meta) if !meta.is_file() => None,
        Ok(meta) => Some(existing_key(path, &meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new_file_key(path).map(FileKey::New),
        Err(_) => None,
    }
}

#[cfg(unix)]
fn existing_key(_path: &Path, meta: &std::fs::Metadata) -> FileKey {
    use std::os::unix::fs::MetadataExt;
    FileKey::Existing(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn existing_key(path: &Path, _meta: &std::fs::Metadata) -> FileKey {
    match std::fs::canonicalize(path) {
        Ok(canonical) => FileKey::New(canonical),
        Err(_) => FileKey::New(lexical_absolute(path)),
    }
}

/// Where a file not created yet would be created: symlinks at the end of
/// the path followed (a dangling one names its target), the directory made
/// canonical when it exists.
fn new_file_key(path: &Path) -> Option<PathBuf> {
    let mut path = lexical_absolute(path);
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                let base = path.parent().unwrap_or(Path::new("/"));
                path = lexical_absolute(&base.join(target));
            }
            Err(_) => break,
        }
    }
    let name = path.file_name()?.to_owned();
    let dir = path.parent()?;
    Some(match std::fs::canonicalize(dir) {
        Ok(dir) => dir.join(name),
        Err(_) => path,
    })
}

/// `path` made absolute against the current directory, `.` and `..`
/// removed by their names (the directory is made canonical separately).
fn lexical_absolute(path: &Path) -> PathBuf {
    let joined = match std::env::current_dir() {
        Ok(cwd) => cwd.join(path),
        Err(_) => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn pair<'a>(a: &'a Path, b: &'a Path) -> Result<(), SameFileError> {
        refuse_same_files(&[("the input", Some(a)), ("--results", Some(b))])
    }

    #[test]
    fn different_files_pass() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "a\n").unwrap();
        pair(&input, &dir.path().join("out.csv")).unwrap();
        std::fs::write(dir.path().join("out.csv"), "a\n").unwrap();
        pair(&input, &dir.path().join("out.csv")).unwrap();
    }

    #[test]
    fn a_hard_link_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let results = dir.path().join("results.csv");
        std::fs::write(&input, "a\n").unwrap();
        std::fs::hard_link(&input, &results).unwrap();
        let err = pair(&input, &results).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("(a hard link)"), "{text}");
        assert!(text.contains("choose another --results file"), "{text}");
        assert!(
            text.contains("in.csv") && text.contains("results.csv"),
            "{text}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_an_existing_file_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        let results = dir.path().join("results.csv");
        std::fs::write(&input, "a\n").unwrap();
        std::os::unix::fs::symlink("in.csv", &results).unwrap();
        let err = pair(&input, &results).unwrap_err();
        assert!(err.to_string().contains("(a symlink)"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_is_the_file_it_would_create() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        let creds = dir.path().join("creds.csv");
        std::os::unix::fs::symlink("results.csv", &creds).unwrap();
        let err = refuse_same_files(&[
            ("--results", Some(results.as_path())),
            ("--credentials-out", Some(creds.as_path())),
        ])
        .unwrap_err();
        assert_eq!(err.second_role, "--credentials-out");
        assert!(err.to_string().contains("(a symlink)"), "{err}");
    }

    #[test]
    fn the_same_new_path_spelt_two_ways_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let plain = dir.path().join("out.csv");
        let roundabout = dir.path().join("sub/.././out.csv");
        let err = refuse_same_files(&[
            ("--results", Some(plain.as_path())),
            ("--credentials-out", Some(roundabout.as_path())),
        ])
        .unwrap_err();
        assert_eq!(err.how, "", "the same name, no link");
        assert_eq!(err.first, plain);
        assert_eq!(err.second, roundabout);
    }

    #[test]
    fn the_same_existing_path_spelt_two_ways_is_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "a\n").unwrap();
        let err = pair(&input, &dir.path().join("./in.csv")).unwrap_err();
        assert_eq!(err.how, "");
    }

    #[test]
    fn every_pair_is_compared_and_the_later_file_is_named_to_change() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "a\n").unwrap();
        let results = dir.path().join("results.csv");
        let creds = dir.path().join("creds.csv");
        let summary = dir.path().join("./results.csv");
        let err = refuse_same_files(&[
            ("the input", Some(input.as_path())),
            ("--results", Some(results.as_path())),
            ("--credentials-out", Some(creds.as_path())),
            ("--summary-json", None),
            ("--summary-json", Some(summary.as_path())),
        ])
        .unwrap_err();
        assert_eq!(
            (err.first_role.as_str(), err.second_role.as_str()),
            ("--results", "--summary-json")
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_compared() {
        let null = Path::new("/dev/null");
        refuse_same_files(&[("--results", Some(null)), ("--credentials-out", Some(null))]).unwrap();
    }

    #[test]
    fn a_path_in_a_missing_directory_is_left_to_fail_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("nope/a.csv");
        let b = dir.path().join("nope/b.csv");
        pair(&a, &b).unwrap();
        assert!(pair(&a, &dir.path().join("nope/./a.csv")).is_err());
    }
}
