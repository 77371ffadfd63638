//! Where `run` puts each finished row: the initial password into the
//! `--credentials-out` file, then the row into the results file (flushed),
//! then the progress bar. A row that cannot be recorded is reported on
//! stderr (domain, customer id, tenant id; never a password), and its
//! password is still kept in the credentials file when that can be written.

use std::path::PathBuf;

use crate::files::{CredentialsFile, ResultsWriter};
use crate::input::Layout;
use crate::logging::Console;
use crate::pipeline::{Finished, NewCredentials, RecordError, RowNote, RowSink};
use crate::results::{Notices, RowFacts, Status};
use crate::validate::Field;

use super::progress::Progress;

/// The results writer, the credentials file and the progress bar of a run.
pub(super) struct RunSink {
    pub(crate) writer: ResultsWriter,
    pub(crate) credentials: Option<CredentialsFile>,
    pub(crate) progress: Progress,
    pub(crate) layout: Layout,
    /// Passwords received and not stored anywhere (no `--credentials-out`),
    /// of rows recorded or not.
    pub(crate) passwords_discarded: u64,
    /// Rows that reached Partner Center but are not in the results file.
    pub(crate) unrecorded: Unrecorded,
    /// Default GDAP, other tenants' domains, `exists` of another company.
    pub(crate) notices: Notices,
}

/// Rows that reached Partner Center but are not in the results file
/// (listed on stderr as they come).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Unrecorded {
    /// Such rows.
    pub(crate) rows: u64,
    /// Of them, customers this run created.
    pub(crate) created: u64,
}

/// What became of a created customer's initial password.
enum Password {
    /// The row created no customer (or none with a password).
    None,
    /// Stored in the credentials file.
    Stored(PathBuf),
    /// No `--credentials-out`: not stored anywhere.
    Discarded,
    /// The credentials file could not be written.
    Lost,
}

impl RunSink {
    /// Keep the row's initial password if it has one: in the credentials
    /// file, else counted as discarded. `Err` when the file cannot be written.
    fn keep_password(&mut self, finished: &Finished<RowNote>) -> Result<Password, RecordError> {
        let Some(credentials) = &finished.extra.credentials else {
            return Ok(Password::None);
        };
        let Some(file) = self.credentials.as_mut() else {
            self.passwords_discarded += 1;
            return Ok(Password::Discarded);
        };
        store(file, credentials, &finished.result.customer_id)?;
        Ok(Password::Stored(file.path().to_owned()))
    }

    /// Say on stderr what happened to a row that reached Partner Center but
    /// is not in the results file (rows never sent need nothing: a re-run
    /// sends them).
    fn report(&mut self, finished: &Finished<RowNote>, password: &Password) {
        let r = &finished.result;
        if r.status == Status::Cancelled || r.attempts.is_none() && r.customer_id.is_empty() {
            return;
        }
        self.unrecorded.rows += 1;
        if r.status == Status::Created && !finished.extra.copied {
            self.unrecorded.created += 1;
        }
        let (fields, _) = finished.row.fields(&self.layout);
        let password = match password {
            Password::None => String::new(),
            Password::Stored(path) => {
                format!(" (its initial admin password is in {})", path.display())
            }
            Password::Discarded | Password::Lost => {
                " (its initial admin password is lost: reset it in the portal)".to_owned()
            }
        };
        Console::get().error(&format!(
            "not recorded: row {}: {} domain={} customer_id={} tenant_id={}{password}",
            finished.row.number,
            r.status,
            fields.get(Field::Domain),
            r.customer_id,
            r.tenant_id,
        ));
    }
}

/// Store one customer's initial credentials in `file`.
fn store(
    file: &mut CredentialsFile,
    credentials: &NewCredentials,
    customer_id: &str,
) -> Result<(), RecordError> {
    file.store(
        &credentials.domain,
        customer_id,
        &credentials.admin_user,
        &credentials.password,
    )
    .map_err(|error| RecordError::Credentials {
        path: file.path().to_owned(),
        error,
    })
}

impl RowSink<RowNote> for RunSink {
    fn record(&mut self, finished: Finished<RowNote>) -> Result<(), RecordError> {
        let password = match self.keep_password(&finished) {
            Ok(password) => password,
            Err(error) => {
                self.report(&finished, &Password::Lost);
                return Err(error);
            }
        };
        if let Err(error) = self.writer.write(&finished.row, &finished.result) {
            self.report(&finished, &password);
            return Err(error.into());
        }
        self.progress
            .row_written(finished.row.number, &finished.result, finished.extra.copied);
        let facts = RowFacts::of(&finished.row, &self.layout, &finished.result);
        self.notices.add(&facts);
        Ok(())
    }

    fn unrecorded(&mut self, finished: Finished<RowNote>) {
        let password = self.keep_password(&finished).unwrap_or(Password::Lost);
        self.report(&finished, &password);
    }
}
