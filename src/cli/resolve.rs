//! From parsed arguments to the settings the commands take, once: the
//! flags and the environment variables clap read become one [`Layer`]
//! each (clap's `value_source` tells them apart; its defaults are no
//! layer's), the config file is the third, and `crate::settings` resolves
//! them ([`Invocation`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::config::{Config, ConfigError};
use super::{Cli, Command, ConnectArgs, InputArgs, LoginArgs};
use crate::sandbox::SandboxConfig;
use crate::settings::{
    ConnectSettings, InputSettings, Layer, Layers, LoginSettings, RunFlags, RunSettings,
    SettingsError, ValidateFlags, ValidateSettings,
};

/// What to do, with every setting resolved.
#[derive(Debug)]
pub enum Invocation {
    /// `validate`.
    Validate(ValidateSettings),
    /// `run`.
    Run(RunSettings),
    /// `sandbox`: serve the emulator.
    Sandbox {
        /// The address to listen on.
        listen: SocketAddr,
        /// The emulator's configuration.
        config: Box<SandboxConfig>,
    },
    /// `completions`: print the script for this shell.
    Completions(clap_complete::Shell),
    /// `template`: write the file to start from.
    Template {
        /// The file to write.
        file: PathBuf,
        /// Replace it if it exists.
        force: bool,
        /// The input whose rows fill it (else an example row).
        from: Option<InputSettings>,
    },
    /// `login`: sign in, or say who is signed in.
    Login(LoginSettings),
    /// `logout`: remove the login cache.
    Logout,
}

/// Why the command line cannot be resolved into settings.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The config file cannot be read or is not valid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The settings do not go together.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// Resolve the parsed command line (`matches` say where each value came
/// from), reading the config file it names, if any.
pub fn resolve(cli: Cli, matches: &ArgMatches) -> Result<Invocation, ResolveError> {
    let config = cli.config.as_deref().map(Config::load).transpose()?;
    if let Some(config) = &config {
        tracing::info!(path = %config.path.display(), "config file loaded");
    }
    resolve_with(cli, matches, config)
}

/// Resolve the parsed command line with `config`, the config file read.
pub(crate) fn resolve_with(
    cli: Cli,
    matches: &ArgMatches,
    config: Option<Config>,
) -> Result<Invocation, ResolveError> {
    let m = matches.subcommand_matches(cli.command.name());
    let (config_file, config_layer) = match config {
        Some(config) => (Some(config.path), config.layer),
        None => (None, Layer::default()),
    };
    Ok(match cli.command {
        Command::Validate(args) => {
            let layers = layers_of(&args.connect, &args.input_args, m, config_layer);
            let (input, connect) = input_and_connect(args.input, args.connect.sandbox, &layers)?;
            let flags = ValidateFlags {
                results: args.results,
                json: args.json,
                online: args.online,
            };
            Invocation::Validate(ValidateSettings::new(input, connect, flags))
        }
        Command::Run(args) => {
            let mut layers = layers_of(&args.connect, &args.input_args, m, config_layer);
            if let Some(layer) = layer_for(m, "default_gdap", &mut layers) {
                layer.default_gdap = args.default_gdap;
            }
            if let Some(layer) = layer_for(m, "mca_flow", &mut layers) {
                layer.mca_flow = args.mca_flow;
            }
            let (input, connect) = input_and_connect(args.input, args.connect.sandbox, &layers)?;
            let flags = RunFlags {
                results: args.results,
                dry_run: args.dry_run,
                resume: args.resume,
                credentials_out: args.credentials_out,
                force: args.force,
                summary_json: args.summary_json,
                no_progress: args.no_progress,
            };
            let default_gdap = layers.default_gdap();
            Invocation::Run(
                RunSettings::new(input, connect, flags, config_file)
                    .with_default_gdap(default_gdap)
                    .with_mca_flow(layers.mca_flow()),
            )
        }
        Command::Sandbox(args) => Invocation::Sandbox {
            listen: args.listen,
            config: Box::new(SandboxConfig::from(&args)),
        },
        Command::Completions(args) => Invocation::Completions(args.shell),
        Command::Template(args) => {
            let from = args
                .from
                .map(|path| template_input(path, &args.input_args, m, config_layer));
            Invocation::Template {
                file: args.file,
                force: args.force,
                from,
            }
        }
        Command::Login(args) => {
            let layers = login_layers(&args, m, config_layer);
            Invocation::Login(LoginSettings::resolve(args.status, &layers))
        }
        Command::Logout => Invocation::Logout,
    })
}

/// The input and connection settings of `layers` (connection checked first).
fn input_and_connect(
    input: PathBuf,
    sandbox: bool,
    layers: &Layers,
) -> Result<(InputSettings, ConnectSettings), SettingsError> {
    let connect = ConnectSettings::resolve(sandbox, layers)?;
    Ok((InputSettings::resolve(input, layers), connect))
}

/// The layer argument `id` came from: the command line's or the
/// environment's (a default, or an argument not given, is none).
fn layer_for<'a>(
    m: Option<&ArgMatches>,
    id: &str,
    layers: &'a mut Layers,
) -> Option<&'a mut Layer> {
    match m?.value_source(id)? {
        ValueSource::CommandLine => Some(&mut layers.command_line),
        ValueSource::EnvVariable => Some(&mut layers.environment),
        _ => None,
    }
}

// Put `$value` in field `$field` of the layer argument `$field` came from.
macro_rules! place {
    ($m:expr, $layers:expr, $field:ident, $value:expr) => {
        if let Some(layer) = layer_for($m, stringify!($field), $layers) {
            layer.$field = $value;
        }
    };
}

/// The flag and environment layers of the connection and input arguments,
/// with the config file's.
fn layers_of(
    connect: &ConnectArgs,
    input: &InputArgs,
    m: Option<&ArgMatches>,
    config_file: Layer,
) -> Layers {
    let mut layers = Layers {
        config_file,
        ..Layers::default()
    };
    let l = &mut layers;
    let c = connect;
    place!(m, l, cloud, Some(c.cloud));
    place!(m, l, endpoint, c.endpoint.clone());
    place!(m, l, authority, c.authority.clone());
    place!(m, l, rate, Some(c.rate));
    place!(m, l, concurrency, Some(c.concurrency));
    place!(m, l, max_attempts, Some(c.max_attempts));
    place!(m, l, timeout, Some(Duration::from_secs(c.timeout)));
    place!(
        m,
        l,
        create_timeout,
        Some(Duration::from_secs(c.create_timeout))
    );
    place!(
        m,
        l,
        max_retry_wait,
        Some(Duration::from_secs(c.max_retry_wait))
    );
    place!(m, l, sheet, input.sheet.clone());
    place!(m, l, encoding, input.encoding);
    layers
}

/// The flag and environment layers of `login`'s cloud and authority, with
/// the config file's.
fn login_layers(args: &LoginArgs, m: Option<&ArgMatches>, config_file: Layer) -> Layers {
    let mut layers = Layers {
        config_file,
        ..Layers::default()
    };
    let l = &mut layers;
    place!(m, l, cloud, Some(args.cloud));
    place!(m, l, authority, args.authority.clone());
    layers
}

/// The input settings of `template --from`: its flags and the config
/// file's (`[columns]`, `sheet`, `encoding`).
fn template_input(
    path: PathBuf,
    input: &InputArgs,
    m: Option<&ArgMatches>,
    config_file: Layer,
) -> InputSettings {
    let mut layers = Layers {
        config_file,
        ..Layers::default()
    };
    let l = &mut layers;
    place!(m, l, sheet, input.sheet.clone());
    place!(m, l, encoding, input.encoding);
    InputSettings::resolve(path, &layers)
}
