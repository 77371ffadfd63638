//! The command line: clap definitions (their doc comments are the `--help`
//! text), the config file, and their resolution into the settings the
//! commands take ([`resolve`] → `Invocation`, built on
//! `crate::settings`). This is the edge: the library never imports it;
//! `ConnectArgs` and `InputArgs` are declared once, flattened into every
//! subcommand that takes them, and read only by [`resolve`].
//! `command_line` writes a run's settings back as a command line, for the
//! commands the summary prints.

mod args;
pub(crate) mod command_line;
pub(crate) mod config;
mod resolve;

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Parser, Subcommand};

pub(crate) use args::{
    CompletionsArgs, ConnectArgs, InputArgs, LoginArgs, RunArgs, SandboxArgs, TemplateArgs,
    ValidateArgs,
};
pub(crate) use resolve::Invocation;
pub use resolve::resolve;

use crate::logging::LogFormat;

const AFTER_HELP: &str = "\
Credentials (environment only, never flags):
  PC_TENANT_ID, PC_CLIENT_ID, PC_CLIENT_SECRET   app-only token (client credentials)
  pc-onboard login (the login cache)             App+User token (indirect resellers, MCA)
  PC_REFRESH_TOKEN with PC_CLIENT_ID             App+User token instead of the login cache
  PC_ACCESS_TOKEN                                a ready bearer token
  PC_LOGIN_CLIENT_ID                             the app login signs in through (else PC_CLIENT_ID)
  PC_LOGIN_CACHE                                 where login keeps the sign-in (see login --help)
  PC_ENDPOINT, PC_AUTHORITY                      stand in for --endpoint, --authority

Other environment:
  PC_ONBOARD_CONFIG   stands in for --config
  RUST_LOG            overrides -v/-q, e.g. RUST_LOG=pc_onboard=debug

Settings come from the flag, else its environment variable, else the config
file, else the default.

Exit codes:
  0    every row created, exists, valid or would_create
  2    finished, but some rows are invalid, rejected, failed or cancelled,
       or an MCA attestation failed, was cancelled or expired (mca_status;
       pending, waiting for the customer, does not count)
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
    pub(crate) command: Command,
    /// Defaults from a TOML file: cloud, rate, concurrency, sheet, `[columns]` header mapping.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "PC_ONBOARD_CONFIG",
        hide_env_values = true,
        help_heading = GLOBAL
    )]
    pub(crate) config: Option<PathBuf>,
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
pub(crate) enum Command {
    /// Check every row offline and report all problems of all rows in one pass.
    Validate(ValidateArgs),
    /// Validate, then create the customers under the rate limit and write results.
    Run(RunArgs),
    /// Serve the built-in Partner Center emulator.
    Sandbox(SandboxArgs),
    /// Write a file to start from: every column, its rule, an example row.
    ///
    /// `pc-onboard template customers.xlsx`: a workbook whose header cells
    /// carry each column's rule as a note (required ones in blue), every
    /// cell formatted as Text, drop-down lists for country, language,
    /// culture and default_gdap, one example row that passes `validate` (never sent by
    /// `run`) and an Instructions sheet. `customers.csv`: the header and
    /// the example row. `--from FILE` fills it with the rows of FILE.
    Template(TemplateArgs),
    /// Sign a user in for App+User calls (device code), or say who is signed in (--status).
    ///
    /// Prints a URL and a code on stderr; open the URL, enter the code and
    /// sign in (with MFA: Partner Center refuses App+User calls without it).
    /// The sign-in is kept in the login cache ($PC_LOGIN_CACHE, else
    /// $XDG_CONFIG_HOME/pc-onboard/login.json, else
    /// ~/.config/pc-onboard/login.json; mode 0600) and used by later runs.
    Login(LoginArgs),
    /// Remove the login cache.
    Logout,
    /// Print a shell completion script to stdout.
    ///
    /// bash: `pc-onboard completions bash > ~/.local/share/bash-completion/completions/pc-onboard`;
    /// zsh: `pc-onboard completions zsh > "${fpath[1]}/_pc-onboard"`;
    /// fish: `pc-onboard completions fish > ~/.config/fish/completions/pc-onboard.fish`;
    /// PowerShell: `pc-onboard completions powershell >> $PROFILE`.
    Completions(CompletionsArgs),
}

impl Command {
    /// The subcommand's name on the command line.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::Run(_) => "run",
            Command::Sandbox(_) => "sandbox",
            Command::Template(_) => "template",
            Command::Login(_) => "login",
            Command::Logout => "logout",
            Command::Completions(_) => "completions",
        }
    }
}

/// For the tests: parse `args` (program name first) with clap into the
/// arguments and the matches that say where each value came from (flag,
/// environment, default), ready for `resolve::resolve_with`. `main` does not
/// call it: it parses the process's own arguments itself, to print a usage
/// error as JSON when `--log-format json` is asked.
#[cfg(test)]
pub(crate) fn parse_from<I, T>(args: I) -> Result<(Cli, clap::ArgMatches), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    Ok((cli, matches))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
pub(crate) mod tests {
    use super::resolve::{ResolveError, resolve_with};
    use super::*;
    use crate::settings::RunSettings;
    use clap::CommandFactory;

    /// `args` parsed and resolved without a config file.
    pub(crate) fn invocation(args: &[&str]) -> Result<Invocation, ResolveError> {
        let (cli, matches) = parse_from(args).unwrap();
        resolve_with(cli, &matches, None)
    }

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
        let err = invocation(&args).unwrap_err().to_string();
        assert_eq!(
            err,
            "--sandbox runs against the built-in emulator: drop --endpoint"
        );
    }

    /// `args` parsed with `--endpoint` read from `PATH` (set in every
    /// test process) in place of `PC_ENDPOINT`, and resolved.
    fn with_endpoint_from_the_environment(args: &[&str]) -> RunSettings {
        let matches = Cli::command()
            .mut_subcommand("run", |c| c.mut_arg("endpoint", |a| a.env("PATH")))
            .try_get_matches_from(args)
            .unwrap();
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap();
        let Invocation::Run(run) = resolve_with(cli, &matches, None).unwrap() else {
            panic!("not run")
        };
        run
    }

    #[test]
    fn an_endpoint_from_the_environment_is_used_and_dropped_by_the_sandbox() {
        let args = ["pc-onboard", "run", "in.csv", "--results", "r.csv"];
        let real = with_endpoint_from_the_environment(&args);
        let path = std::env::var("PATH").unwrap();
        assert_eq!(real.connect().endpoint(), Some(path.as_str()));
        assert_eq!(real.connect().given(), [("endpoint", path.clone())]);
        let sandboxed = with_endpoint_from_the_environment(&[&args[..], &["--sandbox"]].concat());
        assert_eq!(sandboxed.connect().endpoint(), None);
        assert!(sandboxed.connect().sandbox());
    }
}
