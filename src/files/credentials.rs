//! `--credentials-out FILE`: the only place initial admin passwords are kept.
//! Created with mode 0600 before the first call; never overwritten without
//! `--force`, and with it replaced (a new file renamed into place), never
//! written through a symlink.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

/// Why the credentials file could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsFileError {
    /// It exists and `--force` was not given.
    #[error(
        "{0} already exists: pass --force to overwrite it, or choose another --credentials-out file"
    )]
    Exists(PathBuf),
    /// The OS refused.
    #[error("cannot create {path}: {}", crate::input::io_reason(.error))]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error (in the message, so not repeated as a `source()`).
        error: std::io::Error,
    },
}

/// The open credentials file (CSV: domain, customer_id, admin_user, password).
pub struct CredentialsFile {
    writer: csv::Writer<File>,
    path: PathBuf,
    stored: u64,
}

impl std::fmt::Debug for CredentialsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsFile")
            .field("path", &self.path)
            .field("stored", &self.stored)
            .finish_non_exhaustive()
    }
}

impl CredentialsFile {
    /// Create `path` with mode 0600, its header written. An existing path
    /// (a symlink too, even a dangling one) is refused unless `force`; with
    /// `force` a new file is made next to it and renamed over it, so a
    /// symlink there is replaced, never followed, and the old file's mode
    /// and owner do not carry over.
    pub fn create(path: &Path, force: bool) -> Result<Self, CredentialsFileError> {
        let io = |error| CredentialsFileError::Io {
            path: path.to_path_buf(),
            error,
        };
        let (file, temp) = if force {
            let (file, temp) = create_temp_beside(path).map_err(io)?;
            (file, Some(temp))
        } else {
            let file = create_private(path).map_err(|error| {
                if error.kind() == std::io::ErrorKind::AlreadyExists {
                    CredentialsFileError::Exists(path.to_path_buf())
                } else {
                    io(error)
                }
            })?;
            (file, None)
        };
        let mut writer = csv::Writer::from_writer(file);
        let written = writer
            .write_record(["domain", "customer_id", "admin_user", "password"])
            .map_err(std::io::Error::other)
            .and_then(|()| writer.flush())
            .and_then(|()| match &temp {
                Some(temp) => std::fs::rename(temp, path),
                None => Ok(()),
            });
        if let Err(error) = written {
            if let Some(temp) = &temp {
                let _ = std::fs::remove_file(temp);
            }
            return Err(io(error));
        }
        Ok(CredentialsFile {
            writer,
            path: path.to_path_buf(),
            stored: 0,
        })
    }

    /// Passwords stored so far.
    pub fn stored(&self) -> u64 {
        self.stored
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl CredentialsFile {
    /// Store one customer's initial credentials, flushed at once.
    pub fn store(
        &mut self,
        domain: &str,
        customer_id: &str,
        admin_user: &str,
        password: &SecretString,
    ) -> std::io::Result<()> {
        self.writer
            .write_record([domain, customer_id, admin_user, password.expose_secret()])
            .map_err(std::io::Error::other)?;
        self.writer.flush()?;
        self.stored += 1;
        Ok(())
    }
}

/// A new file at `path` with mode 0600; fails if anything is there (a
/// dangling symlink too: `O_CREAT | O_EXCL` never follows one).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask could have taken the owner's bits: set 0600 exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// A new private file in `path`'s directory (`.<name>.<pid>.<n>.tmp`), to be
/// renamed over `path`: a rename within one directory replaces the name
/// atomically, whatever it named (a symlink is replaced, not followed).
fn create_temp_beside(path: &Path) -> std::io::Result<(File, PathBuf)> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut last = None;
    for n in 0..100 {
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        match create_private(&temp) {
            Ok(file) => return Ok((file, temp)),
            // Left by an earlier process with the same pid: try the next name.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_is_private_and_not_overwritten_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.csv");
        let mut file = CredentialsFile::create(&path, false).unwrap();
        file.store(
            "x.onmicrosoft.com",
            "c1",
            "admin@x.onmicrosoft.com",
            &SecretString::from("p=;*"),
        )
        .unwrap();
        drop(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("x.onmicrosoft.com,c1,admin@x.onmicrosoft.com,p=;*"),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(
            CredentialsFile::create(&path, false),
            Err(CredentialsFileError::Exists(_))
        ));
        CredentialsFile::create(&path, true).unwrap();
    }

    #[test]
    fn force_replaces_an_existing_file_with_a_new_private_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.csv");
        std::fs::write(&path, "old passwords\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let file = CredentialsFile::create(&path, true).unwrap();
        assert_eq!(file.path(), path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "domain,customer_id,admin_user,password\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 1, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn force_replaces_a_symlink_and_leaves_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "keep me\n").unwrap();
        let path = dir.path().join("creds.csv");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let mut file = CredentialsFile::create(&path, true).unwrap();
        file.store("d", "c", "a", &SecretString::from("pw"))
            .unwrap();
        drop(file);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.is_file(), "the symlink was replaced by a file");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .ends_with("d,c,a,pw\n")
        );
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 2, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn without_force_a_symlink_is_refused_even_a_dangling_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.csv");
        let path = dir.path().join("creds.csv");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = CredentialsFile::create(&path, false).unwrap_err();
        assert!(matches!(err, CredentialsFileError::Exists(_)), "{err}");
        assert!(!target.exists(), "nothing created through the symlink");
    }

    #[test]
    fn force_into_a_missing_directory_fails_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/creds.csv");
        let err = CredentialsFile::create(&path, true).unwrap_err();
        assert!(err.to_string().contains("nope/creds.csv"), "{err}");
    }
}
