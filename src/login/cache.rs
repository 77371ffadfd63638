//! [`LoginCache`]: the file, where it is, reading it, and replacing it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use secrecy::SecretString;

use super::{CACHE_VERSION, ENV_LOGIN_CACHE, SignIn};
use crate::partner_center::auth::RotationHook;

/// Why the login cache cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LoginCacheError {
    /// Nowhere to put it: no `PC_LOGIN_CACHE`, `XDG_CONFIG_HOME` or home.
    #[error(
        "there is no place for the login cache: set PC_LOGIN_CACHE (or HOME, or XDG_CONFIG_HOME)"
    )]
    NoPlace,
    /// The path is a symlink, a directory, a device...
    #[error(
        "the login cache {} is not a regular file ({what}): pc-onboard never writes through a symlink; remove it, or set PC_LOGIN_CACHE to another path",
        path.display()
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// It cannot be read as a sign-in.
    #[error("the login cache {} cannot be read ({reason}): run `pc-onboard login` again", path.display())]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why (never its content).
        reason: String,
    },
    /// The OS refused.
    #[error("cannot {action} the login cache {}: {error}", path.display())]
    Io {
        /// read, write, remove.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
}

/// The login cache file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoginCache {
    path: PathBuf,
}

impl LoginCache {
    /// The cache at `path`.
    pub(crate) fn at(path: impl Into<PathBuf>) -> Self {
        LoginCache { path: path.into() }
    }

    /// The cache of the process environment.
    pub(crate) fn locate() -> Result<Self, LoginCacheError> {
        Self::locate_with(|name| std::env::var(name).ok())
    }

    /// The cache where `lookup` (a variable name → value function) says:
    /// `PC_LOGIN_CACHE`, else `XDG_CONFIG_HOME/pc-onboard/login.json`,
    /// else the platform's config directory under the home.
    pub(crate) fn locate_with(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LoginCacheError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(path) = var(ENV_LOGIN_CACHE) {
            return Ok(Self::at(path));
        }
        let config_dir = if let Some(xdg) = var("XDG_CONFIG_HOME") {
            PathBuf::from(xdg)
        } else if cfg!(windows) {
            PathBuf::from(var("APPDATA").ok_or(LoginCacheError::NoPlace)?)
        } else {
            let home = PathBuf::from(var("HOME").ok_or(LoginCacheError::NoPlace)?);
            if cfg!(target_os = "macos") {
                home.join("Library").join("Application Support")
            } else {
                home.join(".config")
            }
        };
        Ok(Self::at(config_dir.join("pc-onboard").join("login.json")))
    }

    /// Refuse a path that exists and is not a regular file (a symlink, a
    /// directory, a device), before a sign-in that could not be kept.
    pub(crate) fn check_path(&self) -> Result<(), LoginCacheError> {
        self.check_regular().map(|_| ())
    }

    /// Where the cache is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The sign-in, or `None` when there is no cache file.
    pub(crate) fn load(&self) -> Result<Option<SignIn>, LoginCacheError> {
        if !self.check_regular()? {
            return Ok(None);
        }
        let text = std::fs::read(&self.path).map_err(|error| self.io("read", error))?;
        warn_if_others_can_read(&self.path);
        let unreadable = |reason: String| LoginCacheError::Unreadable {
            path: self.path.clone(),
            reason,
        };
        let sign_in: SignIn = serde_json::from_slice(&text)
            .map_err(|e| unreadable(crate::partner_center::error::describe_json_error(&e)))?;
        if sign_in.version != CACHE_VERSION {
            return Err(unreadable(format!("format version {}", sign_in.version)));
        }
        Ok(Some(sign_in))
    }

    /// Replace the cache with `sign_in`: a new private file beside it
    /// (mode 0600), renamed over it. A path that exists and is not a
    /// regular file is refused.
    pub(crate) fn save(&self, sign_in: &SignIn) -> Result<(), LoginCacheError> {
        self.check_regular()?;
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        create_private_dir(&dir).map_err(|error| self.io("write", error))?;
        let text = serde_json::to_vec_pretty(sign_in).map_err(|e| self.io("write", e.into()))?;
        let write = || -> std::io::Result<()> {
            let mut file = tempfile::Builder::new()
                .prefix(".login.json.")
                .suffix(".tmp")
                .tempfile_in(&dir)?;
            file.write_all(&text)?;
            file.write_all(b"\n")?;
            file.as_file().sync_all()?;
            file.persist(&self.path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|error| self.io("write", error))
    }

    /// Remove the cache; `false` when there was none.
    pub(crate) fn remove(&self) -> Result<bool, LoginCacheError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(self.io("remove", error)),
        }
    }

    /// Write `refresh_token`, rotated in by the authority, back to the cache.
    pub(crate) fn renew(&self, refresh_token: &SecretString) -> Result<(), LoginCacheError> {
        let Some(mut sign_in) = self.load()? else {
            return Ok(());
        };
        sign_in.renewed(refresh_token.clone(), SystemTime::now());
        self.save(&sign_in)
    }

    /// A hook that writes each rotated refresh token back (a failure is a
    /// warning: the run goes on with the new token in memory).
    pub(crate) fn rotation_hook(&self) -> RotationHook {
        let cache = self.clone();
        RotationHook::new(move |refresh_token| match cache.renew(refresh_token) {
            Ok(()) => tracing::debug!(path = %cache.path.display(), "rotated refresh token saved"),
            Err(e) => tracing::warn!("the rotated refresh token could not be saved: {e}"),
        })
    }

    /// Whether the path exists as a regular file (never following a
    /// symlink); an error when it exists as anything else.
    fn check_regular(&self) -> Result<bool, LoginCacheError> {
        let meta = match std::fs::symlink_metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(error) => return Err(self.io("read", error)),
        };
        let kind = meta.file_type();
        let what = if kind.is_file() {
            return Ok(true);
        } else if kind.is_symlink() {
            "a symlink"
        } else if kind.is_dir() {
            "a directory"
        } else {
            "a device, socket or pipe"
        };
        Err(LoginCacheError::NotAFile {
            path: self.path.clone(),
            what,
        })
    }

    fn io(&self, action: &'static str, error: std::io::Error) -> LoginCacheError {
        LoginCacheError::Io {
            action,
            path: self.path.clone(),
            error,
        }
    }
}

/// Create `dir` (and its parents) if missing; a new directory is 0700.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{:o}", meta.permissions().mode() & 0o777),
            "the login cache can be read by other users: chmod 600 it (pc-onboard writes it 0600)"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
