//! `pc-onboard`: parse arguments, resolve them into settings, run, map the
//! outcome to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use pc_onboard::cli::{self, Cli};
use pc_onboard::logging::Level;
use pc_onboard::{commands, logging};

fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(err) if err.use_stderr() && json_asked() => {
            // Usage errors exit 1 (README.md, "Exit codes"), as JSON when asked.
            let text = err.to_string();
            let first = text.lines().next().unwrap_or_default();
            let message = first.trim_start_matches("error: ").to_owned();
            eprintln!(
                "{}",
                logging::json_line(Level::Error, &message, Default::default())
            );
            return ExitCode::from(1);
        }
        Err(err) => {
            let _ = err.print();
            // Usage errors exit 1 (README.md, "Exit codes"); --help and --version exit 0.
            return ExitCode::from(if err.use_stderr() { 1 } else { 0 });
        }
    };
    logging::init(cli.verbose, cli.quiet, cli.log_format);
    // Flags, environment and config file, resolved once into the settings.
    let outcome = cli::resolve(cli, &matches)
        .map_err(anyhow::Error::from)
        .and_then(commands::execute);
    match outcome {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            commands::report_error(&err);
            ExitCode::from(1)
        }
    }
}

/// `--log-format json` on the command line (read before clap could parse it).
fn json_asked() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .any(|w| w[0] == "--log-format" && w[1].eq_ignore_ascii_case("json"))
        || args
            .iter()
            .any(|a| a.eq_ignore_ascii_case("--log-format=json"))
}

/// The reader of stdout went away (`| head`): a quiet end, as ripgrep does.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}
