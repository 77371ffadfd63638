//! An exclusive lock on a results file, so two scheduled runs cannot write
//! it at once. The lock is an OS file lock (`flock`) on `<results>.lock`,
//! released by the OS when the process ends, even on `kill -9`; the file
//! holds the holder's pid and start time for the second run's message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
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

/// Held for the whole run; dropping it releases the lock.
#[derive(Debug)]
pub struct ResultsLock {
    file: File,
    path: PathBuf,
}

impl ResultsLock {
    /// The lock file for `results`.
    pub fn lock_path(results: &Path) -> PathBuf {
        let mut name = results.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        results.with_file_name(name)
    }

    /// Take the lock on `results` without waiting.
    pub fn acquire(results: &Path) -> Result<ResultsLock, LockError> {
        let path = Self::lock_path(results);
        let io = |error| LockError::Io {
            path: path.clone(),
            error,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
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
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let started = humantime::format_rfc3339_seconds(SystemTime::now());
        let note = format!("pid {} started {started}", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(note.as_bytes()))
            .and_then(|()| file.flush())
            .map_err(io)?;
        Ok(ResultsLock { file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
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
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
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
}
