//! The command line: clap definitions (their doc comments are the `--help`
//! text) and the config file. This is the edge: the library never imports
//! it; [`ConnectArgs`] and [`InputArgs`] are declared once, flattened into
//! every subcommand that takes them, and turned into library types here.

mod args;
pub mod config;

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Parser, Subcommand};

pub use args::{CompletionsArgs, ConnectArgs, InputArgs, RunArgs, SandboxArgs, ValidateArgs};

use crate::logging::LogFormat;

const AFTER_HELP: &str = "\
Credentials (environment only, never flags):
  PC_TENANT_ID, PC_CLIENT_ID, PC_CLIENT_SECRET   app-only token (client credentials)
  PC_REFRESH_TOKEN with PC_CLIENT_ID             App+User token (indirect resellers, MCA)
  PC_ACCESS_TOKEN                                a ready bearer token
  PC_ENDPOINT, PC_AUTHORITY                      stand in for --endpoint, --authority

Other environment:
  PC_ONBOARD_CONFIG   stands in for --config
  RUST_LOG            overrides -v/-q, e.g. RUST_LOG=pc_onboard=debug

Settings come from the flag, else its environment variable, else the config
file, else the default.

Exit codes:
  0    every row created, exists, valid or would_create
  2    finished, but some rows are invalid, rejected, failed or cancelled,
       or an MCA attestation failed (mca_status)
  1    fatal: bad arguments, unreadable input, missing columns, auth failure,
       results file not writable or locked by another run
  130  interrupted (Ctrl-C): in-flight calls finished, remaining rows cancelled";

/// Bulk-onboard customers into Microsoft Partner Center.
///
/// Reads customer rows from CSV or .xlsx, validates every row offline, creates the
/// customers concurrently under a rate limit with deterministic request IDs
/// (every retry, in this run or a later one, is idempotent) and writes a
/// results CSV that is itself a valid input for re-running what did not go
/// through.
#[derive(Debug, Parser)]
#[command(name = "pc-onboard", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Defaults from a TOML file: cloud, rate, concurrency, sheet, `[columns]` header mapping.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "PC_ONBOARD_CONFIG",
        hide_env_values = true,
        help_heading = GLOBAL
    )]
    pub config: Option<PathBuf>,
    /// More log output on stderr: -v settings and progress notes, -vv a redacted HTTP trace.
    #[arg(
        short,
        long,
        global = true,
        action = ArgAction::Count,
        conflicts_with = "quiet",
        help_heading = GLOBAL
    )]
    pub verbose: u8,
    /// Log errors only.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// Log line format on stderr.
    #[arg(
        long,
        global = true,
        value_name = "FORMAT",
        default_value = "text",
        value_parser = PossibleValuesParser::new(["text", "json"]).map(|s| LogFormat::from_name(&s)),
        help_heading = GLOBAL
    )]
    pub log_format: LogFormat,
}

/// The help heading of the options every subcommand takes.
const GLOBAL: &str = "Global options";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every row offline and report all problems of all rows in one pass.
    Validate(ValidateArgs),
    /// Validate, then create the customers under the rate limit and write results.
    Run(RunArgs),
    /// Serve the built-in Partner Center emulator.
    Sandbox(SandboxArgs),
    /// Print a shell completion script to stdout.
    ///
    /// bash: `pc-onboard completions bash > ~/.local/share/bash-completion/completions/pc-onboard`;
    /// zsh: `pc-onboard completions zsh > "${fpath[1]}/_pc-onboard"`;
    /// fish: `pc-onboard completions fish > ~/.config/fish/completions/pc-onboard.fish`;
    /// PowerShell: `pc-onboard completions powershell >> $PROFILE`.
    Completions(CompletionsArgs),
}

impl Command {
    /// The connection flags of the subcommand, if it takes them.
    pub fn connect_mut(&mut self) -> Option<&mut ConnectArgs> {
        match self {
            Command::Validate(a) => Some(&mut a.connect),
            Command::Run(a) => Some(&mut a.connect),
            _ => None,
        }
    }

    /// The input flags of the subcommand, if it takes them.
    pub fn input_mut(&mut self) -> Option<&mut InputArgs> {
        match self {
            Command::Validate(a) => Some(&mut a.input_args),
            Command::Run(a) => Some(&mut a.input_args),
            _ => None,
        }
    }

    /// The subcommand's name on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::Run(_) => "run",
            Command::Sandbox(_) => "sandbox",
            Command::Completions(_) => "completions",
        }
    }
}

/// Parse `args`: clap's parsing, then `--sandbox` reconciled with the
/// endpoint settings and the config file applied. The matches say where
/// each value came from (flag, environment, default).
pub fn parse_from<I, T>(args: I) -> Result<(Cli, clap::ArgMatches), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    Ok((cli, matches))
}

/// `--sandbox` runs against the built-in emulator. An endpoint or authority
/// given on the command line with it is a usage error; one that comes from
/// the environment (`PC_ENDPOINT`, `PC_AUTHORITY`, e.g. left exported by a
/// real job) is ignored, so `--sandbox` works in any shell.
pub fn reconcile_sandbox(cli: &mut Cli, matches: &clap::ArgMatches) -> Result<(), String> {
    let name = cli.command.name();
    let Some(connect) = cli.command.connect_mut() else {
        return Ok(());
    };
    connect.reconcile_sandbox(matches.subcommand_matches(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_requires_results() {
        let err = Cli::try_parse_from(["pc-onboard", "run", "in.csv"]).unwrap_err();
        assert!(err.to_string().contains("--results"));
    }

    #[test]
    fn sandbox_and_endpoint_conflict_on_the_command_line() {
        let args = [
            "pc-onboard",
            "run",
            "in.csv",
            "--results",
            "r.csv",
            "--sandbox",
            "--endpoint",
            "http://x",
        ];
        let (mut cli, matches) = parse_from(args).unwrap();
        let err = reconcile_sandbox(&mut cli, &matches).unwrap_err();
        assert!(err.contains("--endpoint"), "{err}");
    }

    #[test]
    fn sandbox_ignores_an_endpoint_from_the_environment() {
        let matches = Cli::command()
            .mut_subcommand("run", |c| {
                c.mut_arg("endpoint", |a| a.default_value("http://from-env"))
            })
            .try_get_matches_from([
                "pc-onboard",
                "run",
                "in.csv",
                "--results",
                "r.csv",
                "--sandbox",
            ])
            .unwrap();
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        reconcile_sandbox(&mut cli, &matches).unwrap();
        let Command::Run(args) = &cli.command else {
            panic!("not run")
        };
        assert_eq!(args.connect.endpoint, None);
    }
}
