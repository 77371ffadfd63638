//! Which file a path names, by device and inode: whether a file a run
//! keeps open is still the one its path names (not removed, its directory
//! not deleted, not replaced), and what kind of node a path is.

use std::fs::{File, Metadata};
use std::path::Path;

/// Whether `path` (symlinks followed) still names the open `file`: same
/// device and inode. `false` when the path is gone. Devices and pipes
/// (`/dev/null`) always do: nothing there can be removed under a run.
pub(crate) fn still_names(path: &Path, file: &File) -> bool {
    let Ok(open) = file.metadata() else {
        return true;
    };
    if !open.is_file() {
        return true;
    }
    match std::fs::metadata(path) {
        Ok(named) => same_inode(&named, &open),
        Err(_) => false,
    }
}

/// Whether `path` itself (a symlink not followed) names the open `file`.
pub(crate) fn names_exactly(path: &Path, file: &File) -> bool {
    match (std::fs::symlink_metadata(path), file.metadata()) {
        (Ok(named), Ok(open)) => same_inode(&named, &open),
        _ => false,
    }
}

/// Whether two metadata are of one file.
#[cfg(unix)]
pub(crate) fn same_inode(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Whether two metadata are of one file: elsewhere an open file cannot be
/// removed or replaced, so by size and times.
#[cfg(not(unix))]
pub(crate) fn same_inode(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// What a node that is not a regular file is, for messages: `a symlink`,
/// `a FIFO`, `a character device`, `a directory` ... (from
/// `symlink_metadata`, so a symlink is one).
pub(crate) fn kind_of(meta: &Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return "a symlink";
    }
    if kind.is_dir() {
        return "a directory";
    }
    if kind.is_file() {
        return "a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Whether `path` (symlinks followed) is a FIFO no process has open for
/// reading: opening it to write would wait for a reader for ever, and what
/// a read-write open wrote would be lost in its buffer. Asked without
/// waiting (a non-blocking open fails with `ENXIO`); needs a tokio runtime.
#[cfg(unix)]
pub(crate) fn is_unread_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    if !std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
        return false;
    }
    if tokio::runtime::Handle::try_current().is_err() {
        return false;
    }
    match tokio::net::unix::pipe::OpenOptions::new().open_sender(path) {
        // Kept open to the end of the process: closed now, the last writer
        // gone, the reader would see the end of its input and leave.
        Ok(sender) => {
            if let Ok(fd) = sender.into_blocking_fd() {
                std::mem::forget(fd);
            }
            false
        }
        // ENXIO: "No such device or address", the same number on Linux and BSDs.
        Err(e) => e.raw_os_error() == Some(6),
    }
}

/// Elsewhere no FIFO is named by a path.
#[cfg(not(unix))]
pub(crate) fn is_unread_fifo(_path: &Path) -> bool {
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn a_removed_or_replaced_file_is_no_longer_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let file = File::create(&path).unwrap();
        assert!(still_names(&path, &file));
        assert!(names_exactly(&path, &file));
        std::fs::remove_file(&path).unwrap();
        assert!(!still_names(&path, &file), "removed");
        std::fs::write(&path, "new").unwrap();
        assert!(!still_names(&path, &file), "replaced by another file");
        drop(file);
        let file = File::open(&path).unwrap();
        let gone = dir.path().to_owned();
        drop(dir);
        assert!(
            !still_names(&gone.join("r.csv"), &file),
            "directory deleted"
        );
    }

    #[cfg(unix)]
    #[test]
    fn kinds_are_named_and_dev_null_is_a_character_device() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        let kind = |p: &Path| kind_of(&std::fs::symlink_metadata(p).unwrap());
        assert_eq!(kind(&link), "a symlink");
        assert_eq!(kind(dir.path()), "a directory");
        // Only its metadata is read.
        assert_eq!(kind(Path::new("/dev/null")), "a character device");
        let null = File::open("/dev/null").unwrap();
        assert!(still_names(Path::new("/dev/null"), &null));
    }
}
