//! Command-line interface. The doc comments here are the `--help` text.

use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::str::FromStr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::input::{Field, InputOptions};

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

/// How log lines are written (`--log-format text|json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// `json` is [`LogFormat::Json`]; anything else is [`LogFormat::Text`].
    pub fn from_name(name: &str) -> LogFormat {
        if name.eq_ignore_ascii_case("json") {
            LogFormat::Json
        } else {
            LogFormat::Text
        }
    }
}

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

/// Arguments of `pc-onboard completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The help heading of `validate`'s online options.
const ONLINE: &str = "Online checks";

/// Arguments of `pc-onboard validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Input file: CSV (`,` `;` or tab, UTF-8 with or without BOM) or .xlsx.
    pub input: PathBuf,
    /// Write the results CSV here (status `valid` or `invalid`, `error` lists every problem).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Worksheet of an .xlsx input (default: the first visible one).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Header mapping from the config file's `[columns]` (not a flag).
    #[arg(skip)]
    pub columns: Vec<(Field, String)>,
    /// Print one JSON object per row on stdout.
    #[arg(long)]
    pub json: bool,
    /// Also ask Partner Center about each valid row: domain taken, address
    /// verified, the country's live rules (needs credentials or --sandbox).
    #[arg(long, help_heading = ONLINE)]
    pub online: bool,
    /// Check online against the built-in Partner Center emulator (implies --online).
    #[arg(long, help_heading = ONLINE)]
    pub sandbox: bool,
    /// API base URL for --online (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_ENDPOINT", hide_env_values = true, help_heading = ONLINE)]
    pub endpoint: Option<String>,
    /// Token authority URL for --online (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_AUTHORITY", hide_env_values = true, help_heading = ONLINE)]
    pub authority: Option<String>,
    /// Partner Center cloud for --online: sets the endpoint and the authority.
    #[arg(long, value_enum, default_value_t = Cloud::Global, help_heading = ONLINE)]
    pub cloud: Cloud,
    /// --online: API calls per minute across all workers.
    #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(400).expect("non-zero"), help_heading = ONLINE)]
    pub rate: NonZeroU32,
    /// --online: calls in flight, a number or `auto` (latency x rate, capped at 64).
    #[arg(long, value_name = "N|auto", default_value_t = Concurrency::Auto, help_heading = ONLINE)]
    pub concurrency: Concurrency,
    /// --online: timeout of one HTTP call, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60, help_heading = ONLINE)]
    pub timeout: u64,
}

impl ValidateArgs {
    /// Whether rows are checked online (`--online`, or `--sandbox`).
    pub fn is_online(&self) -> bool {
        self.online || self.sandbox
    }
}

/// Arguments of `pc-onboard run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input file: CSV or .xlsx, or a results file of an earlier run (finished rows are copied, not sent).
    pub input: PathBuf,
    /// Write the results CSV here (one row per input row, in input order, flushed row by row).
    #[arg(long, value_name = "FILE")]
    pub results: PathBuf,
    /// Worksheet of an .xlsx input (default: the first visible one).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Header mapping from the config file's `[columns]` (not a flag).
    #[arg(skip)]
    pub columns: Vec<(Field, String)>,
    /// Start the built-in Partner Center emulator in-process and run against it (no credentials needed).
    #[arg(long)]
    pub sandbox: bool,
    /// API base URL (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_ENDPOINT", hide_env_values = true)]
    pub endpoint: Option<String>,
    /// Token authority URL (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_AUTHORITY", hide_env_values = true)]
    pub authority: Option<String>,
    /// Partner Center cloud: sets the endpoint and the authority.
    #[arg(long, value_enum, default_value_t = Cloud::Global)]
    pub cloud: Cloud,
    /// API calls per minute across all workers (Partner Center allows about 500).
    #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(400).expect("non-zero"))]
    pub rate: NonZeroU32,
    /// Calls in flight: a number, or `auto` to size it from observed latency x rate (capped at 64).
    #[arg(long, value_name = "N|auto", default_value_t = Concurrency::Auto)]
    pub concurrency: Concurrency,
    /// Create attempts per row before it is marked `failed` (429 answers do not count).
    #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(5).expect("non-zero"))]
    pub max_attempts: NonZeroU32,
    /// Timeout of one HTTP call, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Validate and plan only: results carry `would_create` and the request ID a real run would use.
    #[arg(long)]
    pub dry_run: bool,
    /// Finish an interrupted run: keep the finished rows of the results file, process the rest, append.
    #[arg(long)]
    pub resume: bool,
    /// Write each created customer's admin user and initial password to FILE (mode 0600).
    #[arg(long, value_name = "FILE")]
    pub credentials_out: Option<PathBuf>,
    /// Allow --credentials-out to overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Write counts, attempts, 429s, duration, correlation ID and throughput as JSON.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Do not show the progress bar (it is hidden anyway when stderr is not a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

impl ValidateArgs {
    /// How to read the input: `--sheet` and the config's `[columns]`.
    pub fn input_options(&self) -> InputOptions {
        InputOptions {
            sheet: self.sheet.clone(),
            columns: self.columns.clone(),
        }
    }
}

impl RunArgs {
    /// How to read the input: `--sheet` and the config's `[columns]`.
    pub fn input_options(&self) -> InputOptions {
        InputOptions {
            sheet: self.sheet.clone(),
            columns: self.columns.clone(),
        }
    }
}

/// Arguments of `pc-onboard sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,
    /// Requests per minute per token before answering 429.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub quota: u32,
    /// Delay added to every call, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Fraction of calls answered 503 or dropped (half of those after creating the customer).
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Seed for reproducible faults.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Keep customers and request-id records in FILE (JSON, rewritten atomically after each change).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3599)]
    pub token_ttl: u64,
    /// Refuse creations past N customers with error 800018, like an integration sandbox.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
}

/// Partner Center clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cloud {
    /// Public cloud (api.partnercenter.microsoft.com).
    Global,
    /// Partner Center operated by 21Vianet.
    China,
    /// Microsoft Cloud for US Government.
    Usgov,
}

/// How many calls may be in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// Sized from observed latency x rate (Little's law), capped at 64.
    Auto,
    /// A fixed number.
    Fixed(NonZeroU32),
}

impl FromStr for Concurrency {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Concurrency::Auto);
        }
        s.parse::<NonZeroU32>()
            .map(Concurrency::Fixed)
            .map_err(|_| format!("expected a positive number or `auto`, got `{s}`"))
    }
}

impl fmt::Display for Concurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concurrency::Auto => f.write_str("auto"),
            Concurrency::Fixed(n) => write!(f, "{n}"),
        }
    }
}

/// `--sandbox` runs against the built-in emulator. An endpoint or authority
/// given on the command line with it is a usage error; one that comes from
/// the environment (`PC_ENDPOINT`, `PC_AUTHORITY`, e.g. left exported by a
/// real job) is ignored, so `--sandbox` works in any shell.
pub fn reconcile_sandbox(cli: &mut Cli, matches: &clap::ArgMatches) -> Result<(), String> {
    let (sub, endpoint, authority) = match &mut cli.command {
        Command::Run(a) if a.sandbox => ("run", &mut a.endpoint, &mut a.authority),
        Command::Validate(a) if a.sandbox => ("validate", &mut a.endpoint, &mut a.authority),
        _ => return Ok(()),
    };
    let m = matches.subcommand_matches(sub);
    for (id, value) in [("endpoint", endpoint), ("authority", authority)] {
        match m.and_then(|m| m.value_source(id)) {
            Some(clap::parser::ValueSource::CommandLine) => {
                return Err(format!(
                    "--sandbox runs against the built-in emulator: drop --{id}"
                ));
            }
            Some(_) => *value = None,
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn concurrency_parses_auto_and_numbers() {
        assert_eq!("auto".parse::<Concurrency>(), Ok(Concurrency::Auto));
        assert_eq!("AUTO".parse::<Concurrency>(), Ok(Concurrency::Auto));
        assert_eq!(
            "8".parse::<Concurrency>(),
            Ok(Concurrency::Fixed(NonZeroU32::new(8).unwrap()))
        );
        assert!("0".parse::<Concurrency>().is_err());
        assert!("many".parse::<Concurrency>().is_err());
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
        let matches = Cli::command().try_get_matches_from(args).unwrap();
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
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
        assert_eq!(args.endpoint, None);
    }
}
