//! `--credentials-out FILE`: the only place initial admin passwords are kept.
//! Created with mode 0600 before the first call; never overwritten without `--force`.

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
    /// Create `path` with mode 0600 (refusing an existing file unless `force`).
    pub fn create(path: &Path, force: bool) -> Result<Self, CredentialsFileError> {
        let mut options = OpenOptions::new();
        options.write(true);
        if force {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::AlreadyExists {
                CredentialsFileError::Exists(path.to_path_buf())
            } else {
                CredentialsFileError::Io {
                    path: path.to_path_buf(),
                    error,
                }
            }
        })?;
        #[cfg(unix)]
        {
            // An existing file overwritten with --force keeps its old mode: tighten it.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|error| CredentialsFileError::Io {
                    path: path.to_path_buf(),
                    error,
                })?;
        }
        let mut writer = csv::Writer::from_writer(file);
        writer
            .write_record(["domain", "customer_id", "admin_user", "password"])
            .and_then(|()| writer.flush().map_err(csv::Error::from))
            .map_err(|e| CredentialsFileError::Io {
                path: path.to_path_buf(),
                error: std::io::Error::other(e),
            })?;
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
}
