//! The settings of one command: [`RunSettings`] and [`ValidateSettings`].

use std::path::{Path, PathBuf};

use super::{ConnectSettings, Given, InputSettings, Source, Sourced};
use crate::pipeline::McaFlow;
use crate::validate::DefaultGdap;

/// `run`'s own flags, as given (the input and connection settings are
/// resolved apart).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RunFlags {
    /// `--results FILE`.
    pub(crate) results: PathBuf,
    /// `--dry-run`.
    pub(crate) dry_run: bool,
    /// `--resume`.
    pub(crate) resume: bool,
    /// `--credentials-out FILE`.
    pub(crate) credentials_out: Option<PathBuf>,
    /// `--force` (overwrite the credentials file).
    pub(crate) force: bool,
    /// `--summary-json FILE`.
    pub(crate) summary_json: Option<PathBuf>,
    /// `--no-progress`.
    pub(crate) no_progress: bool,
}

/// Everything `run` does, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSettings {
    input: InputSettings,
    connect: ConnectSettings,
    flags: RunFlags,
    config_file: Option<PathBuf>,
    default_gdap: Sourced<DefaultGdap>,
    mca_flow: Sourced<McaFlow>,
}

/// What a command printed after a run changes from it (everything else,
/// the connection, `--dry-run` and the config file, stays).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Again {
    /// The input: the results file (a re-run) or the same input (a resume).
    pub(crate) input: InputSettings,
    /// The results file.
    pub(crate) results: PathBuf,
    /// Whether it resumes.
    pub(crate) resume: bool,
    /// Where initial passwords go (a new file: an existing one is never
    /// overwritten).
    pub(crate) credentials_out: Option<PathBuf>,
    /// Where the summary goes.
    pub(crate) summary_json: Option<PathBuf>,
}

impl RunSettings {
    /// `run` on `input`, connected by `connect`, with `flags`; the config
    /// file they were read with, if any.
    pub(crate) fn new(
        input: InputSettings,
        connect: ConnectSettings,
        flags: RunFlags,
        config_file: Option<PathBuf>,
    ) -> Self {
        RunSettings {
            input,
            connect,
            flags,
            config_file,
            default_gdap: Sourced::new(DefaultGdap::On, Source::Default),
            mca_flow: Sourced::new(McaFlow::Enhanced, Source::Default),
        }
    }

    /// The same settings with Default GDAP `default_gdap` (resolved from
    /// the layers: flag, then config file, then on).
    #[must_use]
    pub(crate) fn with_default_gdap(mut self, default_gdap: Sourced<DefaultGdap>) -> Self {
        self.default_gdap = default_gdap;
        self
    }

    /// Default GDAP for rows whose `default_gdap` column is empty, and
    /// where the setting came from.
    pub(crate) fn default_gdap(&self) -> &Sourced<DefaultGdap> {
        &self.default_gdap
    }

    /// The same settings with the MCA flow `mca_flow` (resolved from the
    /// layers: flag, then config file, then enhanced).
    #[must_use]
    pub(crate) fn with_mca_flow(mut self, mca_flow: Sourced<McaFlow>) -> Self {
        self.mca_flow = mca_flow;
        self
    }

    /// How the MCA is recorded, and where the setting came from.
    pub(crate) fn mca_flow(&self) -> &Sourced<McaFlow> {
        &self.mca_flow
    }

    /// `run`'s own settings given by the command line, as text: what a
    /// printed command repeats (`--default-gdap`, `--mca-flow`).
    pub(crate) fn given(&self) -> Vec<Given> {
        let mut given = Vec::new();
        if self.default_gdap.source().is_given() {
            given.push(("default_gdap", self.default_gdap.value().to_string()));
        }
        if self.mca_flow.source().is_given() {
            given.push(("mca_flow", self.mca_flow.value().to_string()));
        }
        given
    }

    /// The same run, changed as `again` says; never `--force`.
    pub(crate) fn again(&self, again: Again) -> Self {
        let flags = RunFlags {
            results: again.results,
            resume: again.resume,
            credentials_out: again.credentials_out,
            force: false,
            summary_json: again.summary_json,
            ..self.flags.clone()
        };
        RunSettings {
            input: again.input,
            flags,
            ..self.clone()
        }
    }

    /// The input and how to read it.
    pub(crate) fn input(&self) -> &InputSettings {
        &self.input
    }

    /// Where to connect.
    pub(crate) fn connect(&self) -> &ConnectSettings {
        &self.connect
    }

    /// The results file asked for (CSV, or a workbook rendered at the end).
    pub(crate) fn results(&self) -> &Path {
        &self.flags.results
    }

    /// Validate and plan only.
    pub(crate) fn dry_run(&self) -> bool {
        self.flags.dry_run
    }

    /// Finish an interrupted run.
    pub(crate) fn resume(&self) -> bool {
        self.flags.resume
    }

    /// The credentials file asked for.
    pub(crate) fn credentials_out(&self) -> Option<&Path> {
        self.flags.credentials_out.as_deref()
    }

    /// Whether an existing credentials file may be replaced.
    pub(crate) fn force(&self) -> bool {
        self.flags.force
    }

    /// The summary JSON file asked for.
    pub(crate) fn summary_json(&self) -> Option<&Path> {
        self.flags.summary_json.as_deref()
    }

    /// Whether the progress bar may show (`--no-progress` not given).
    pub(crate) fn progress(&self) -> bool {
        !self.flags.no_progress
    }

    /// The config file the settings were read with.
    pub(crate) fn config_file(&self) -> Option<&Path> {
        self.config_file.as_deref()
    }
}

/// `validate`'s own flags, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ValidateFlags {
    /// `--results FILE`.
    pub(crate) results: Option<PathBuf>,
    /// `--json`.
    pub(crate) json: bool,
    /// `--online`.
    pub(crate) online: bool,
}

/// Everything `validate` does, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateSettings {
    input: InputSettings,
    connect: ConnectSettings,
    flags: ValidateFlags,
}

impl ValidateSettings {
    /// `validate` of `input` with `flags`; online checks connect by `connect`.
    pub(crate) fn new(
        input: InputSettings,
        connect: ConnectSettings,
        flags: ValidateFlags,
    ) -> Self {
        ValidateSettings {
            input,
            connect,
            flags,
        }
    }

    /// The input and how to read it.
    pub(crate) fn input(&self) -> &InputSettings {
        &self.input
    }

    /// Where online checks connect.
    pub(crate) fn connect(&self) -> &ConnectSettings {
        &self.connect
    }

    /// The results file asked for.
    pub(crate) fn results(&self) -> Option<&Path> {
        self.flags.results.as_deref()
    }

    /// One JSON object per row on stdout.
    pub(crate) fn json(&self) -> bool {
        self.flags.json
    }

    /// Whether rows are checked online (`--online`, or `--sandbox`).
    pub(crate) fn online(&self) -> bool {
        self.flags.online || self.connect.sandbox()
    }
}
