//! The settings of a command, resolved once.
//!
//! Each source of settings says what it says in a [`Layer`] (every setting
//! optional): the command line, the environment (`PC_ENDPOINT`,
//! `PC_AUTHORITY`) and the config file. [`Layers`] picks, per setting, the
//! first source that has it (flag > environment > config file) or the
//! default, remembering where each value came from ([`Source`]); the
//! resolved values (`ConnectSettings`, `InputSettings`, `RunSettings`,
//! `ValidateSettings`) have private fields, are checked once when they
//! are built (conflicts, ranges, the create timeout never shorter than the
//! call timeout) and hand the library its own types ([`InputOptions`],
//! [`RetryPolicy`], [`CloudEndpoints`] ...).
//!
//! The command line builds the layers (`cli`); the commands take the
//! resolved values and never see a flag. This module knows no flag syntax
//! beyond the names of the settings (the config file's keys, which are the
//! flags' names with `_` for `-`).
//!
//! [`InputOptions`]: crate::input::InputOptions
//! [`RetryPolicy`]: crate::pipeline::RetryPolicy
//! [`CloudEndpoints`]: crate::partner_center::cloud::CloudEndpoints

mod command;
mod connect;
mod input;
mod login;

use std::fmt::Debug;
use std::num::NonZeroU32;
use std::time::Duration;

pub(crate) use command::{Again, RunFlags, RunSettings, ValidateFlags, ValidateSettings};
pub(crate) use connect::{
    ConnectSettings, DEFAULT_CREATE_TIMEOUT_SECS, DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_WAIT_SECS, DEFAULT_RATE, DEFAULT_TIMEOUT_SECS,
};
pub(crate) use input::InputSettings;
pub(crate) use login::LoginSettings;

use crate::input::TextEncoding;
use crate::partner_center::cloud::Cloud;
use crate::pipeline::{Concurrency, McaFlow};
use crate::validate::{DefaultGdap, Field};

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Nothing said it: the built-in default.
    Default,
    /// The config file (`--config`, `PC_ONBOARD_CONFIG`).
    ConfigFile,
    /// An environment variable (`PC_ENDPOINT`, `PC_AUTHORITY`).
    Environment,
    /// A flag on the command line.
    CommandLine,
}

impl Source {
    /// Given by the command line or the environment: what a printed
    /// command must repeat (the config file is named by `--config`, a
    /// default needs nothing).
    pub(crate) fn is_given(self) -> bool {
        matches!(self, Source::CommandLine | Source::Environment)
    }
}

/// A setting's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sourced<T> {
    value: T,
    source: Source,
}

impl<T> Sourced<T> {
    /// `value`, from `source`.
    pub(crate) fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }

    /// The value.
    pub(crate) fn value(&self) -> &T {
        &self.value
    }

    /// Where it came from.
    pub(crate) fn source(&self) -> Source {
        self.source
    }
}

/// A setting a printed command repeats: its key (the config file's key;
/// the flag is `--` and the key with `-` for `_`) and its value as text.
pub(crate) type Given = (&'static str, String);

/// What one source says. Every setting is optional; the command line, the
/// environment and the config file each give one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layer {
    /// `cloud`.
    pub(crate) cloud: Option<Cloud>,
    /// `endpoint`: the API base URL.
    pub(crate) endpoint: Option<String>,
    /// `authority`: the token authority URL.
    pub(crate) authority: Option<String>,
    /// `rate`: API calls per minute.
    pub(crate) rate: Option<NonZeroU32>,
    /// `concurrency`.
    pub(crate) concurrency: Option<Concurrency>,
    /// `max_attempts`.
    pub(crate) max_attempts: Option<NonZeroU32>,
    /// `timeout` of one call.
    pub(crate) timeout: Option<Duration>,
    /// `create_timeout` of one create call.
    pub(crate) create_timeout: Option<Duration>,
    /// `max_retry_wait`.
    pub(crate) max_retry_wait: Option<Duration>,
    /// `sheet`: the worksheet of `.xlsx` inputs.
    pub(crate) sheet: Option<String>,
    /// `encoding` of CSV inputs.
    pub(crate) encoding: Option<TextEncoding>,
    /// `[columns]`: field → the header that holds it (empty: none).
    pub(crate) columns: Vec<(Field, String)>,
    /// `partner_domains`: the partner's own e-mail domains (config file only).
    pub(crate) partner_domains: Vec<String>,
    /// `default_gdap` (`run`): Default GDAP for rows whose `default_gdap`
    /// column is empty.
    pub(crate) default_gdap: Option<DefaultGdap>,
    /// `mca_flow` (`run`): how the MCA is recorded.
    pub(crate) mca_flow: Option<McaFlow>,
}

/// Every source's layer, in precedence order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layers {
    /// Flags.
    pub(crate) command_line: Layer,
    /// Environment variables that stand in for flags.
    pub(crate) environment: Layer,
    /// The config file.
    pub(crate) config_file: Layer,
}

impl Layers {
    /// The value of setting `key` from the first layer that has it, with
    /// its source; `None` when no layer has it.
    fn pick<T: Debug>(
        &self,
        key: &'static str,
        get: impl Fn(&Layer) -> Option<T>,
    ) -> Option<Sourced<T>> {
        let sources = [
            (Source::CommandLine, &self.command_line),
            (Source::Environment, &self.environment),
            (Source::ConfigFile, &self.config_file),
        ];
        sources.into_iter().find_map(|(source, layer)| {
            let value = get(layer)?;
            if source == Source::ConfigFile {
                tracing::info!(setting = key, value = ?value, "from the config file");
            }
            Some(Sourced::new(value, source))
        })
    }

    /// `default_gdap`: the first layer's, else on (what Partner Center
    /// does when the create body does not say).
    pub(crate) fn default_gdap(&self) -> Sourced<DefaultGdap> {
        self.pick_or("default_gdap", DefaultGdap::On, |l| l.default_gdap)
    }

    /// `mca_flow`: the first layer's, else the enhanced attestation.
    pub(crate) fn mca_flow(&self) -> Sourced<McaFlow> {
        self.pick_or("mca_flow", McaFlow::Enhanced, |l| l.mca_flow)
    }

    /// The value of setting `key`, else `default`.
    fn pick_or<T: Debug>(
        &self,
        key: &'static str,
        default: T,
        get: impl Fn(&Layer) -> Option<T>,
    ) -> Sourced<T> {
        self.pick(key, get)
            .unwrap_or_else(|| Sourced::new(default, Source::Default))
    }
}

/// Why the settings cannot be used. The sources check their own syntax
/// first (clap for flags, the config file's parser); this is what only the
/// settings together can tell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// `--sandbox` with an endpoint or authority given on the command line.
    #[error("--sandbox runs against the built-in emulator: drop --{0}")]
    SandboxWith(&'static str),
    /// A timeout of zero (a layer not built by the command line or the
    /// config file, which refuse it with their own message).
    #[error("`{0}` must be at least 1 second")]
    ZeroTimeout(&'static str),
}
