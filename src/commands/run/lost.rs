//! Files removed under a run (`rm -rf` of the directory holding them):
//! the results file (or a workbook's journal) and the credentials file are
//! still open, so writing them "succeeds", into files no one can read. At
//! the end the run says so: every customer the lost results file held is
//! listed on stderr (domain, customer and tenant ids; never a password),
//! with what became of the passwords and how to get a results file back.

use std::path::{Path, PathBuf};

use crate::files::{CredentialsFile, ResultsWriter, customers_written};
use crate::input::Layout;
use crate::logging::Console;

/// Which of the run's files are gone.
pub(super) struct LostFiles {
    /// The results CSV (or journal), when it is gone.
    results: Option<PathBuf>,
    /// The credentials file, and whether it is gone.
    credentials: Option<(PathBuf, bool)>,
    /// Customers listed from the lost results file.
    listed: usize,
}

impl LostFiles {
    /// `Some` when the results file or the credentials file is no longer
    /// the file its path names.
    pub(super) fn find(
        writer: &ResultsWriter,
        credentials: Option<&CredentialsFile>,
    ) -> Option<Self> {
        let results = writer
            .check_still_there()
            .is_err()
            .then(|| writer.path().to_owned());
        let credentials =
            credentials.map(|c| (c.path().to_owned(), c.check_still_there().is_err()));
        let creds_gone = credentials.as_ref().is_some_and(|(_, gone)| *gone);
        (results.is_some() || creds_gone).then_some(LostFiles {
            results,
            credentials,
            listed: 0,
        })
    }

    /// List on stderr the customers the lost results file held.
    pub(super) fn list(&mut self, writer: &mut ResultsWriter, layout: &Layout) {
        let Some(path) = &self.results else {
            return;
        };
        let console = Console::get();
        let customers = match customers_written(writer, layout) {
            Ok(customers) => customers,
            Err(error) => {
                console.error(&format!(
                    "cannot read back what {} held: {error}",
                    path.display()
                ));
                return;
            }
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for c in &customers {
            console.error(&format!(
                "lost with {name}: {} domain={} customer_id={} tenant_id={}",
                c.status, c.domain, c.customer_id, c.tenant_id
            ));
        }
        self.listed = customers.len();
    }

    /// The run's error: what is gone, what was listed, what to do.
    pub(super) fn error(&self, results: &Path, not_recorded: u64) -> anyhow::Error {
        let Some(journal) = &self.results else {
            let passwords = self.passwords_text("");
            return anyhow::anyhow!(
                "{passwords}; nothing more was sent (calls already on the wire finished); the customers are in {}",
                results.display()
            );
        };
        let workbook = if journal.as_path() == results {
            String::new()
        } else {
            format!(
                " (the journal of {}, which was not written)",
                results.display()
            )
        };
        let passwords = self.passwords_text(" too");
        let more = match not_recorded {
            0 => String::new(),
            n => format!(" and {n} more that reached Partner Center"),
        };
        anyhow::anyhow!(
            "{}{workbook} was removed or replaced during the run (its directory deleted?): nothing more was sent (calls already on the wire finished); the {} customers it held{more} are listed above (domain, customer and tenant ids); {passwords}; to have a results file again, run the input again with a new --results file: it sends the same request ids, which Partner Center answers with the customers already created",
            journal.display(),
            self.listed,
        )
    }

    /// What became of the initial admin passwords.
    fn passwords_text(&self, too: &str) -> String {
        const RESET: &str = "reset each admin's password in the Partner Center portal (Customers, the customer, Users and licenses, Reset password)";
        match &self.credentials {
            Some((path, true)) => format!(
                "{} was removed or replaced during the run{too}: the initial admin passwords it held are lost; {RESET}",
                path.display()
            ),
            Some((path, false)) => {
                format!("their initial admin passwords are in {}", path.display())
            }
            None => format!(
                "their initial admin passwords were not kept (no --credentials-out); {RESET}"
            ),
        }
    }
}
