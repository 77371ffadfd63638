//! An exclusive lock on a results file, so two scheduled runs cannot write
//! it at once. The lock is an OS file lock (`flock`) on `<results>.lock`
//! (next to the file the results path leads to, symlinks followed),
//! released by the OS when the process ends, even on `kill -9`; the file
//! holds the holder's pid and start time for the second run's message.
//!
//! The lock file is removed when the run ends, by the holder only, while it
//! still holds the lock. A process that opened the file just before it was
//! removed can then lock the removed file, so taking the lock is: open
//! (creating), lock, then check that the path still names the file locked
//! (same device and inode); if not, unlock and start again. The one file the
//! path names is thus locked by at most one process, and a file is removed
//! only by the process holding its lock.
//!
//! The lock file is named after the results path, so two names of one file
//! (hard links) would take two lock files: the file written (the results
//! CSV, or a workbook's journal) is locked too, by its device and inode
//! (`flock` on the file itself), so a second run through another name of it
//! is refused before it truncates anything. When that file does not exist
//! yet it is created empty for the lock (and removed again if the run
//! writes nothing to it).
//!
//! Results written to a device or a pipe (`/dev/null`, `/dev/stdout`) take no
//! lock and leave no lock file: nothing there can be overwritten by a
//! second run.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LockError {
    /// Another process holds it.
    #[error(
        "{results} is being written by another pc-onboard run ({holder}); wait for it to finish or use another --results file"
    )]
    Held {
        /// The results file.
        results: PathBuf,
        /// What the lock file says about the holder.
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {path}: {}", crate::input::io_reason(.error))]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The OS error (in the message, so not repeated as a `source()`).
        error: std::io::Error,
    },
}

/// Held for the whole run; dropping it releases the lock and removes the
/// lock file.
#[derive(Debug)]
pub(crate) struct ResultsLock {
    held: Option<Held>,
    written: Option<Written>,
}

/// The file the run writes, locked by its identity.
#[derive(Debug)]
struct Written {
    file: File,
    path: PathBuf,
    /// Created for the lock: removed again if still empty at the end.
    created: bool,
}

/// The locked lock file.
#[derive(Debug)]
struct Held {
    file: File,
    path: PathBuf,
}

/// Attempts to lock a lock file that keeps being removed under us.
const ATTEMPTS: usize = 100;

impl ResultsLock {
    /// The lock file for `results`.
    pub(crate) fn lock_path(results: &Path) -> PathBuf {
        let mut name = results.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        results.with_file_name(name)
    }

    /// The lock file of `results` (where [`ResultsLock::acquire`] puts it:
    /// beside the file the path leads to), `None` for a device or a pipe.
    pub(crate) fn lock_file_of(results: &Path) -> Option<PathBuf> {
        (!is_stream(results)).then(|| Self::lock_path(&resolve(results)))
    }

    /// Take the lock on `results` without waiting: [`ResultsLock::acquire_with`]
    /// when `results` is the file written.
    #[cfg(test)]
    pub(crate) fn acquire(results: &Path) -> Result<ResultsLock, LockError> {
        Self::acquire_with(results, results, true)
    }

    /// Take the lock on `results`, whose rows are written to `written` (the
    /// results CSV itself, or a workbook's journal), without waiting: the
    /// lock file, then `written` itself by its identity (created empty when
    /// missing if `create`; else a missing file is not locked: `--resume`
    /// says it is missing). Results that go to a device or a pipe take no
    /// lock.
    pub(crate) fn acquire_with(
        results: &Path,
        written: &Path,
        create: bool,
    ) -> Result<ResultsLock, LockError> {
        if is_stream(results) {
            return Ok(ResultsLock {
                held: None,
                written: None,
            });
        }
        let mut lock = ResultsLock {
            held: Some(lock_file(results)?),
            written: None,
        };
        if !is_stream(written) && (create || written.exists()) {
            lock.written = Some(lock_written(results, written)?);
        }
        Ok(lock)
    }

    /// The lock file's path; `None` when no lock was needed (a device).
    #[cfg(test)]
    pub(crate) fn path(&self) -> Option<&Path> {
        self.held.as_ref().map(|held| held.path.as_path())
    }
}

/// Create (or open) and lock the lock file of `results`, with the holder's note.
fn lock_file(results: &Path) -> Result<Held, LockError> {
    let path = ResultsLock::lock_path(&resolve(results));
    let io = |error| LockError::Io {
        path: path.clone(),
        error,
    };
    for _ in 0..ATTEMPTS {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let Some(mut file) = lock_opened(results, &path, file)? else {
            continue;
        };
        let started = humantime::format_rfc3339_seconds(SystemTime::now());
        let note = format!("pid {} started {started}", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(note.as_bytes()))
            .and_then(|()| file.flush())
            .map_err(io)?;
        return Ok(Held { file, path });
    }
    Err(io(std::io::Error::other(
        "the lock file kept being removed by other runs as it was locked",
    )))
}

/// Lock the file `written` itself (created empty when missing): another run
/// writing it through another name (a hard link) holds it.
fn lock_written(results: &Path, written: &Path) -> Result<Written, LockError> {
    let io = |error| LockError::Io {
        path: written.to_path_buf(),
        error,
    };
    let existed = std::fs::metadata(written).is_ok();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(written)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(Written {
            file,
            path: written.to_path_buf(),
            created: !existed,
        }),
        Err(TryLockError::WouldBlock) => Err(LockError::Held {
            results: results.to_path_buf(),
            holder: format!(
                "it writes {}, reached through another name (a hard link) or after its lock file was removed",
                written.display()
            ),
        }),
        Err(TryLockError::Error(error)) => Err(io(error)),
    }
}

/// Lock the opened lock `file` without waiting: `Some` when it is locked
/// and `path` still names it, `None` when it was removed (or replaced)
/// between the open and the lock (open it again).
fn lock_opened(results: &Path, path: &Path, mut file: File) -> Result<Option<File>, LockError> {
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = read_holder(&mut file);
            return Err(LockError::Held {
                results: results.to_path_buf(),
                holder: if holder.is_empty() {
                    "holder unknown".to_owned()
                } else {
                    holder
                },
            });
        }
        Err(TryLockError::Error(error)) => {
            return Err(LockError::Io {
                path: path.to_path_buf(),
                error,
            });
        }
    }
    Ok(names(path, &file).then_some(file))
}

/// Whether `path` names the open `file` (same device and inode).
fn names(path: &Path, file: &File) -> bool {
    super::identity::names_exactly(path, file)
}

/// Whether `results` is a device, a pipe or a socket (after symlinks).
fn is_stream(results: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(results).is_ok_and(|m| {
            let kind = m.file_type();
            kind.is_char_device() || kind.is_block_device() || kind.is_fifo() || kind.is_socket()
        })
    }
    #[cfg(not(unix))]
    {
        let _ = results;
        false
    }
}

/// The file `results` leads to, so that every spelling of it (a symlink,
/// `./`) takes the one lock: the canonical path when it exists, else its
/// canonical directory and its name, else as given.
fn resolve(results: &Path) -> PathBuf {
    if let Ok(path) = std::fs::canonicalize(results) {
        return path;
    }
    let dir = match results.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), results.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => results.to_path_buf(),
    }
}

/// What the lock file says about its holder. A run that has just taken the
/// lock writes its note a moment later (two runs started together meet in
/// that moment: tests/integration/reliability_lock.rs), so an empty note is read again
/// for up to 200 ms.
fn read_holder(file: &mut File) -> String {
    for _ in 0..20 {
        let mut holder = String::new();
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut holder));
        let holder = holder.trim();
        if !holder.is_empty() {
            return holder.to_owned();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    String::new()
}

impl Drop for ResultsLock {
    fn drop(&mut self) {
        if let Some(written) = self.written.take() {
            let empty = written.file.metadata().is_ok_and(|m| m.len() == 0);
            if written.created && empty && names(&written.path, &written.file) {
                let _ = std::fs::remove_file(&written.path);
            }
            let _ = written.file.unlock();
        }
        let Some(held) = self.held.take() else {
            return;
        };
        // Still holding the lock: no other process holds this file, and
        // one that opened it meanwhile finds it gone once it locks it.
        let _ = held.file.set_len(0);
        if names(&held.path, &held.file) {
            let _ = std::fs::remove_file(&held.path);
        }
        let _ = held.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        let first = ResultsLock::acquire(&results).unwrap();
        let err = ResultsLock::acquire(&results).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("results.csv"), "{text}");
        drop(first);
        ResultsLock::acquire(&results).unwrap();
    }

    #[test]
    fn lock_file_sits_next_to_the_results() {
        assert_eq!(
            ResultsLock::lock_path(Path::new("out/r.csv")),
            PathBuf::from("out/r.csv.lock")
        );
    }

    #[test]
    fn lock_file_is_removed_when_the_lock_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        let lock = ResultsLock::acquire(&results).unwrap();
        let path = lock.path().unwrap().to_path_buf();
        assert!(path.exists(), "held: {}", path.display());
        assert_eq!(path.file_name().unwrap(), "results.csv.lock");
        let refused = ResultsLock::acquire(&results);
        assert!(refused.is_err());
        drop(refused);
        assert!(path.exists(), "a refused run leaves the holder's lock file");
        drop(lock);
        assert!(!path.exists(), "released: {}", path.display());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn results_to_a_character_device_take_no_lock() {
        let null = Path::new("/dev/null");
        let first = ResultsLock::acquire(null).unwrap();
        let second = ResultsLock::acquire(null).unwrap();
        assert_eq!(first.path(), None);
        assert_eq!(second.path(), None);
        drop((first, second));
    }

    #[cfg(unix)]
    #[test]
    fn every_spelling_of_the_results_takes_the_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        std::fs::write(&results, "").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("results.csv", &link).unwrap();
        let held = ResultsLock::acquire(&results).unwrap();
        assert!(ResultsLock::acquire(&link).is_err(), "through a symlink");
        assert!(ResultsLock::acquire(&dir.path().join("./results.csv")).is_err());
        drop(held);
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_taken_on_a_removed_lock_file_is_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        let first = ResultsLock::acquire(&results).unwrap();
        let path = first.path().unwrap().to_path_buf();
        // A second run opens the lock file now, then the first run ends.
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        drop(first);
        let stale = lock_opened(&results, &path, opened).unwrap();
        assert!(
            stale.is_none(),
            "the file locked is no longer the lock file"
        );
        let second = ResultsLock::acquire(&results).unwrap();
        assert!(second.path().unwrap().exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_another_run_holds_is_never_removed() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        let first = ResultsLock::acquire(&results).unwrap();
        let path = first.path().unwrap().to_path_buf();
        // Someone removes the lock file: the results file itself is still
        // locked, and a second run's lock file is its own.
        std::fs::remove_file(&path).unwrap();
        let err = ResultsLock::acquire(&results).unwrap_err();
        assert!(
            err.to_string().contains("its lock file was removed"),
            "{err}"
        );
        assert!(!path.exists(), "the refused run removed its own lock file");
        drop(first);
        let second = ResultsLock::acquire(&results).unwrap();
        assert!(path.exists());
        drop(second);
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_of_the_file_written_take_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("results.csv");
        std::fs::write(&results, "rows\n").unwrap();
        let link = dir.path().join("link.csv");
        std::fs::hard_link(&results, &link).unwrap();
        let held = ResultsLock::acquire(&results).unwrap();
        let err = ResultsLock::acquire(&link).unwrap_err();
        assert!(err.to_string().contains("a hard link"), "{err}");
        // A workbook's journal, hard-linked under another workbook's name.
        let journal = dir.path().join("b.xlsx.journal.csv");
        std::fs::hard_link(&results, &journal).unwrap();
        let workbook = dir.path().join("b.xlsx");
        assert!(ResultsLock::acquire_with(&workbook, &journal, false).is_err());
        drop(held);
        ResultsLock::acquire(&link).unwrap();
        assert_eq!(std::fs::read_to_string(&results).unwrap(), "rows\n");
    }

    #[test]
    fn a_file_created_for_the_lock_and_never_written_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let workbook = dir.path().join("out.xlsx");
        let journal = dir.path().join("out.xlsx.journal.csv");
        let lock = ResultsLock::acquire_with(&workbook, &journal, true).unwrap();
        assert!(journal.exists(), "created to be locked");
        assert_eq!(
            ResultsLock::lock_file_of(&workbook).unwrap(),
            dir.path().canonicalize().unwrap().join("out.xlsx.lock")
        );
        drop(lock);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(names.is_empty(), "{names:?}");
    }
}
