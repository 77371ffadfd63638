//! Where `run` puts each finished row: the initial password into the
//! `--credentials-out` file, then the row into the results file (flushed),
//! then the progress bar. A row that cannot be recorded is reported on
//! stderr (domain, customer id, tenant id; never a password).

use crate::files::{CredentialsFile, ResultsWriter};
use crate::input::Layout;
use crate::logging::Console;
use crate::pipeline::{Finished, NewCredentials, RowNote, RowSink};
use crate::results::Status;
use crate::validate::Field;

use super::progress::Progress;

/// The results writer, the credentials file and the progress bar of a run.
pub(super) struct RunSink {
    pub writer: ResultsWriter,
    pub credentials: Option<CredentialsFile>,
    pub progress: Progress,
    pub layout: Layout,
    /// Passwords received and not stored anywhere (no `--credentials-out`).
    pub passwords_discarded: u64,
    /// Rows finished but not recorded.
    pub unrecorded: u64,
}

impl RunSink {
    fn store_password(
        &mut self,
        credentials: &NewCredentials,
        customer_id: &str,
    ) -> Result<(), String> {
        let Some(file) = self.credentials.as_mut() else {
            self.passwords_discarded += 1;
            return Ok(());
        };
        file.store(
            &credentials.domain,
            customer_id,
            &credentials.admin_user,
            &credentials.password,
        )
        .map_err(|e| {
            format!(
                "cannot write the credentials file {}: {e}",
                file.path().display()
            )
        })
    }

    /// Say on stderr what happened to a row that reached Partner Center but
    /// is not in the results file (rows never sent need nothing: a re-run
    /// sends them).
    fn report(&mut self, finished: &Finished<RowNote>) {
        let r = &finished.result;
        if r.status == Status::Cancelled || r.attempts.is_none() && r.customer_id.is_empty() {
            return;
        }
        self.unrecorded += 1;
        let (fields, _) = finished.row.fields(&self.layout);
        Console::get().error(&format!(
            "not recorded: row {}: {} domain={} customer_id={} tenant_id={}{}",
            finished.row.number,
            r.status,
            fields.get(Field::Domain),
            r.customer_id,
            r.tenant_id,
            if finished.extra.credentials.is_some() {
                " (its initial admin password is lost: reset it in the portal)"
            } else {
                ""
            }
        ));
    }
}

impl RowSink<RowNote> for RunSink {
    fn record(&mut self, finished: Finished<RowNote>) -> Result<(), String> {
        if let Some(credentials) = &finished.extra.credentials
            && let Err(reason) = self.store_password(credentials, &finished.result.customer_id)
        {
            self.report(&finished);
            return Err(reason);
        }
        if let Err(e) = self.writer.write(&finished.row, &finished.result) {
            self.report(&finished);
            return Err(e.to_string());
        }
        self.progress
            .row_written(&finished.result, finished.extra.copied);
        Ok(())
    }

    fn unrecorded(&mut self, finished: Finished<RowNote>) {
        self.report(&finished);
    }
}
