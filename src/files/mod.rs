//! The files a run owns, and how they are opened safely.
//!
//! - `refuse_same_files`, `same_file()` (module `same_file`):
//!   the one rule for "these two paths are one file" (device and inode; a
//!   name not created yet by its canonical directory and name). The input, the results, the journal,
//!   the credentials and the summary JSON must be different files.
//! - [`ResultsWriter`] (`results_file`): the results CSV, the input's
//!   columns byte for byte in its dialect, then the result columns; flushed
//!   row by row for `run`, each row checked to be still in the file its
//!   path names; `customers_written` (`written_back`) reads the rows
//!   back through the open file when it is not.
//! - `results_format`, [`journal_path`], `problems_path` (`journal`):
//!   whether `--results` is a workbook, and where its CSV journal and its
//!   problems file (the typed problems of the invalid rows) go.
//! - [`prepare_resume`] (`resume`): where an interrupted run's results
//!   end, a torn last line cut.
//! - `ResultsLock` (`lock`): one run at a time per results file.
//! - `CredentialsFile` (`credentials`): `--credentials-out`, mode 0600,
//!   added to on a re-run; `--force` replaces a regular file only.
//! - `still_names` (`identity`): whether a file kept open is still the
//!   one its path names (device and inode).
//! - `write_summary_json` (`summary_json`): `--summary-json`.
//! - `temporaries::remove_stale`: the temporary files a killed run left
//!   beside a file it replaces whole (only its pattern, only dead pids).

pub(crate) mod credentials;
pub(crate) mod identity;
pub(crate) mod journal;
pub(crate) mod lock;
pub(crate) mod results_file;
pub(crate) mod resume;
pub(crate) mod same_file;
pub(crate) mod summary_json;
pub(crate) mod temporaries;
pub(crate) mod written_back;

pub use crate::results::FlushPolicy;
pub(crate) use credentials::CredentialsFile;
pub use journal::{JOURNAL_SUFFIX, PROBLEMS_SUFFIX, journal_path};
pub(crate) use journal::{ResultsFormat, problems_path, results_format};
pub(crate) use lock::ResultsLock;
pub use results_file::ResultsWriter;
pub use resume::prepare_resume;
pub(crate) use resume::{CutRows, ResumePoint};
pub(crate) use same_file::refuse_same_files;
pub(crate) use summary_json::write_summary_json;
pub(crate) use written_back::customers_written;
