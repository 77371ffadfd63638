//! `--credentials-out FILE`: the only place initial admin passwords are kept.
//!
//! Opened before the first call, with mode 0600, in the input's delimiter:
//! - a new file is created (never through a dangling symlink);
//! - an existing credentials file (a re-run, a `--resume`) is added to: a
//!   customer already in it gets no second row, and its mode is set to 0600
//!   again;
//! - with `--force` an existing regular file is replaced (a new file renamed
//!   into place, so the old file's mode and owner do not carry over);
//! - anything else is refused, `--force` or not: an existing file that is
//!   not a credentials file (without `--force`), and whatever is not a
//!   regular file (a symlink, a FIFO, a device, a directory), which
//!   `--force` never replaces.
//!
//! Every password stored is flushed at once, and the file is checked to be
//! still the one its path names: a file removed under the run (its
//! directory deleted) stops the run instead of taking passwords nobody can
//! read.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::identity::{kind_of, names_exactly, still_names};

/// The header of a credentials file (in its delimiter).
pub(crate) const CREDENTIALS_HEADER: [&str; 4] =
    ["domain", "customer_id", "admin_user", "password"];

/// Why the credentials file could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CredentialsFileError {
    /// It exists, is not a credentials file, and `--force` was not given.
    #[error(
        "{} already exists and is not a pc-onboard credentials file (its first line is not `domain,customer_id,admin_user,password`): choose another --credentials-out file, or pass --force to replace it",
        .0.display()
    )]
    Exists(PathBuf),
    /// It is not a regular file: never written to nor replaced.
    #[error(
        "--credentials-out {} is {kind}, not a regular file: initial admin passwords go to a regular file only (--force replaces a regular file, nothing else); choose another --credentials-out file",
        .path.display()
    )]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What it is (`a symlink`, `a FIFO`, `a character device` ...).
        kind: &'static str,
    },
    /// The OS refused.
    #[error("cannot create {}: {}", .path.display(), crate::input::io_reason(.error))]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error (in the message, so not repeated as a `source()`).
        error: std::io::Error,
    },
}

/// The open credentials file (CSV: domain, customer_id, admin_user, password).
pub(crate) struct CredentialsFile {
    writer: csv::Writer<File>,
    path: PathBuf,
    stored: u64,
    /// Rows the file held when it was opened (0 for a new file).
    earlier: u64,
    /// Customers with a row in the file: never a second one.
    customers: HashSet<String>,
}

impl std::fmt::Debug for CredentialsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsFile")
            .field("path", &self.path)
            .field("stored", &self.stored)
            .field("earlier", &self.earlier)
            .finish_non_exhaustive()
    }
}

impl CredentialsFile {
    /// Open `path` for the run: create it (a new file with its header, in
    /// `delimiter`), add to it when it is a credentials file already, or
    /// with `force` replace a regular file. Anything that is not a regular
    /// file is refused (see the module's documentation).
    pub(crate) fn open(
        path: &Path,
        force: bool,
        delimiter: u8,
    ) -> Result<Self, CredentialsFileError> {
        let io = |error| CredentialsFileError::Io {
            path: path.to_path_buf(),
            error,
        };
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let file = create_private(path).map_err(|error| {
                    if error.kind() == std::io::ErrorKind::AlreadyExists {
                        CredentialsFileError::Exists(path.to_path_buf())
                    } else {
                        io(error)
                    }
                })?;
                Self::start(file, path, delimiter, None).map_err(io)
            }
            Err(error) => Err(io(error)),
            Ok(meta) if !meta.is_file() => Err(CredentialsFileError::NotRegular {
                path: path.to_path_buf(),
                kind: kind_of(&meta),
            }),
            Ok(_) if force => {
                let (file, temp) = create_temp_beside(path).map_err(io)?;
                Self::start(file, path, delimiter, Some(&temp)).map_err(io)
            }
            Ok(_) => Self::add_to(path, delimiter),
        }
    }

    /// A new file: write the header, then rename `temp` (if any) over `path`.
    fn start(file: File, path: &Path, delimiter: u8, temp: Option<&Path>) -> std::io::Result<Self> {
        let mut writer = csv_writer(file, delimiter);
        let written = writer
            .write_record(CREDENTIALS_HEADER)
            .map_err(std::io::Error::other)
            .and_then(|()| writer.flush())
            .and_then(|()| temp.map_or(Ok(()), |temp| std::fs::rename(temp, path)));
        if let Err(error) = written {
            if let Some(temp) = temp {
                let _ = std::fs::remove_file(temp);
            }
            return Err(error);
        }
        Ok(Self::with(writer, path, 0, HashSet::new()))
    }

    /// Add to the existing regular file `path`: it must be a credentials
    /// file (or empty); its customers are read so none gets a second row.
    fn add_to(path: &Path, delimiter: u8) -> Result<Self, CredentialsFileError> {
        let io = |error| CredentialsFileError::Io {
            path: path.to_path_buf(),
            error,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        // Replaced by a symlink or another node since it was looked at.
        let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
        if !regular || !names_exactly(path, &file) {
            return Err(CredentialsFileError::Exists(path.to_path_buf()));
        }
        if file.metadata().map_err(io)?.len() == 0 {
            make_private(&file).map_err(io)?;
            return Self::start(file, path, delimiter, None).map_err(io);
        }
        let Some(delimiter) = header_delimiter(&mut file).map_err(io)? else {
            // Not ours: never appended to.
            return Err(CredentialsFileError::Exists(path.to_path_buf()));
        };
        let (customers, earlier) = read_customers(&mut file, delimiter).map_err(io)?;
        make_private(&file).map_err(io)?;
        end_with_line_break(&mut file).map_err(io)?;
        let writer = csv_writer(file, delimiter);
        Ok(Self::with(writer, path, earlier, customers))
    }

    fn with(
        writer: csv::Writer<File>,
        path: &Path,
        earlier: u64,
        customers: HashSet<String>,
    ) -> Self {
        CredentialsFile {
            writer,
            path: path.to_path_buf(),
            stored: 0,
            earlier,
            customers,
        }
    }

    /// Passwords stored so far by this run.
    pub(crate) fn stored(&self) -> u64 {
        self.stored
    }

    /// Rows the file held before this run (it was added to).
    pub(crate) fn earlier_rows(&self) -> u64 {
        self.earlier
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Store one customer's initial credentials, flushed at once; a
    /// customer already in the file is not written again. Fails when the
    /// file cannot be written, or no longer is the file its path names
    /// (removed or replaced under the run: what it holds is lost).
    pub(crate) fn store(
        &mut self,
        domain: &str,
        customer_id: &str,
        admin_user: &str,
        password: &SecretString,
    ) -> std::io::Result<()> {
        if !customer_id.is_empty() && self.customers.contains(customer_id) {
            return self.check_still_there();
        }
        self.writer
            .write_record([domain, customer_id, admin_user, password.expose_secret()])
            .map_err(std::io::Error::other)?;
        self.writer.flush()?;
        self.customers.insert(customer_id.to_owned());
        self.stored += 1;
        self.check_still_there()
    }

    /// `Err` when the path no longer names the open file.
    pub(crate) fn check_still_there(&self) -> std::io::Result<()> {
        if still_names(&self.path, self.writer.get_ref()) {
            return Ok(());
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "it was removed or replaced during the run (its directory deleted?): the passwords it held are lost",
        ))
    }
}

fn csv_writer(file: File, delimiter: u8) -> csv::Writer<File> {
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(file)
}

/// The delimiter of the credentials header on the first line of `file`
/// (a BOM tolerated), or `None` when the first line is not one.
fn header_delimiter(file: &mut File) -> std::io::Result<Option<u8>> {
    file.seek(SeekFrom::Start(0))?;
    let mut first = Vec::new();
    BufReader::new(Read::take(&mut *file, 4096)).read_until(b'\n', &mut first)?;
    let line = crate::bom::strip_bom(&first);
    let line = String::from_utf8_lossy(line);
    let line = line.trim_end_matches(['\r', '\n']);
    Ok([b',', b';', b'\t'].into_iter().find(|&d| {
        let names: Vec<String> = line
            .split(char::from(d))
            .map(|n| n.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        names == CREDENTIALS_HEADER
    }))
}

/// The customer ids in `file` (a credentials file in `delimiter`) and its
/// row count.
fn read_customers(file: &mut File, delimiter: u8) -> std::io::Result<(HashSet<String>, u64)> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(BufReader::new(&mut *file));
    let mut customers = HashSet::new();
    let mut rows = 0;
    let mut record = csv::ByteRecord::new();
    // A torn last row (a kill mid-write) is read as far as it goes.
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        rows += 1;
        if let Some(id) = record.get(1).and_then(|id| std::str::from_utf8(id).ok()) {
            customers.insert(id.trim().to_owned());
        }
    }
    Ok((customers, rows))
}

/// Add a line break when the file does not end with one (cut by a kill).
fn end_with_line_break(file: &mut File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(len.saturating_sub(1)))?;
    file.read_exact(&mut last)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")?;
    }
    Ok(())
}

/// Mode 0600 on the open file.
fn make_private(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
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
    // The umask could have taken the owner's bits: set 0600 exactly.
    make_private(&file)?;
    Ok(file)
}

/// A new private file in `path`'s directory (`.<name>.<pid>.<n>.tmp`), to be
/// renamed over `path`: a rename within one directory replaces the name
/// atomically.
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
#[path = "credentials_tests.rs"]
mod tests;
