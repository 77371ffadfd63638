//! Whether the input file changed while it is read: an export rewritten in
//! place (the reader would go on at its offset in other content), or
//! another file moved over it. What the file was when it was opened (size,
//! modification time, device and inode) is compared with what its path
//! names now, at most every [`CHECK_EVERY`] and at the end of the file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::error::InputError;

/// How often (at most) the file is looked at while rows are read.
pub(crate) const CHECK_EVERY: Duration = Duration::from_millis(100);

/// Rows read between two looks at the clock.
const ROWS_PER_CLOCK: u32 = 64;

/// What a file is, as far as a change goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    len: u64,
    modified: Option<SystemTime>,
    identity: (u64, u64),
}

impl Snapshot {
    fn of(path: &Path) -> std::io::Result<Snapshot> {
        let meta = std::fs::metadata(path)?;
        Ok(Snapshot {
            len: meta.len(),
            modified: meta.modified().ok(),
            identity: identity(&meta),
        })
    }

    /// What differs from `earlier`, in words.
    fn change_from(&self, earlier: &Snapshot) -> Option<String> {
        if self.identity != earlier.identity {
            Some("another file was put in its place".to_owned())
        } else if self.len != earlier.len {
            Some(format!(
                "its size went from {} to {} bytes",
                earlier.len, self.len
            ))
        } else if self.modified != earlier.modified {
            Some("it was written to".to_owned())
        } else {
            None
        }
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Watches one input file; inert for what is not a regular file (a pipe).
#[derive(Debug)]
pub(crate) struct InputWatch {
    path: PathBuf,
    opened: Option<Snapshot>,
    next_check: Instant,
    rows: u32,
}

impl InputWatch {
    /// Remember what `path` is now (call before reading it).
    pub(crate) fn new(path: &Path) -> Self {
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        InputWatch {
            path: path.to_owned(),
            opened: regular.then(|| Snapshot::of(path).ok()).flatten(),
            next_check: Instant::now() + CHECK_EVERY,
            rows: 0,
        }
    }

    /// After a row was read: look at the file when it is time to.
    pub(crate) fn row_read(&mut self) -> Result<(), InputError> {
        self.rows += 1;
        if self.rows < ROWS_PER_CLOCK {
            return Ok(());
        }
        self.rows = 0;
        let now = Instant::now();
        if now < self.next_check {
            return Ok(());
        }
        self.next_check = now + CHECK_EVERY;
        self.check()
    }

    /// `Err(InputError::Changed)` when the file is not what it was.
    pub(crate) fn check(&self) -> Result<(), InputError> {
        let Some(opened) = &self.opened else {
            return Ok(());
        };
        let what = match Snapshot::of(&self.path) {
            Ok(now) => now.change_from(opened),
            Err(error) => Some(format!("it can no longer be read ({error})")),
        };
        match what {
            None => Ok(()),
            Some(what) => Err(InputError::Changed {
                path: self.path.clone(),
                what,
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_a_replacement_and_a_removal_are_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let watch = InputWatch::new(&path);
        watch.check().unwrap();
        std::fs::write(&path, "a,b\n").unwrap();
        let err = watch.check().unwrap_err().to_string();
        assert!(err.contains("its size went from 8 to 4 bytes"), "{err}");

        let watch = InputWatch::new(&path);
        let other = dir.path().join("other.csv");
        std::fs::write(&other, "a,b\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        let err = watch.check().unwrap_err().to_string();
        assert!(err.contains("another file was put in its place"), "{err}");

        let watch = InputWatch::new(&path);
        std::fs::remove_file(&path).unwrap();
        assert!(watch.check().is_err());
    }

    #[test]
    fn a_pipe_is_not_watched() {
        let watch = InputWatch::new(Path::new("/dev/null"));
        watch.check().unwrap();
    }
}
