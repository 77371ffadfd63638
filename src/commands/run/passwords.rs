//! What the credentials file got from a run, for the summary.

use crate::files::CredentialsFile;

/// The initial admin passwords the credentials file got from this run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PasswordsKept {
    /// Stored by this run.
    pub(crate) stored: u64,
    /// Rows the file held before (a re-run or `--resume` adds to it).
    pub(crate) earlier: u64,
}

impl PasswordsKept {
    /// What `file` got (nothing without one).
    pub(super) fn of(file: Option<&CredentialsFile>) -> Self {
        file.map(|file| PasswordsKept {
            stored: file.stored(),
            earlier: file.earlier_rows(),
        })
        .unwrap_or_default()
    }

    /// `3 stored by this run, added to the 5 it held`.
    pub(super) fn describe(self) -> String {
        let stored = match self.stored {
            0 => "none new from this run".to_owned(),
            n => format!("{n} stored by this run"),
        };
        match self.earlier {
            0 => stored,
            n => format!("{stored}, added to the {n} it held"),
        }
    }
}
