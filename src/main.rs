//! `pc-onboard`: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use pc_onboard::cli::{Cli, config};
use pc_onboard::{commands, logging};

fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => {
            let _ = err.print();
            // Usage errors exit 1 (README.md, "Exit codes"); --help and --version exit 0.
            return ExitCode::from(if err.use_stderr() { 1 } else { 0 });
        }
    };
    if let Err(usage) = pc_onboard::cli::reconcile_sandbox(&mut cli, &matches) {
        eprintln!("error: {usage}");
        return ExitCode::from(1);
    }
    logging::init(cli.verbose, cli.quiet, cli.log_format);
    let outcome = config::apply(&mut cli, &matches)
        .map_err(anyhow::Error::from)
        .and_then(|_| commands::execute(cli));
    match outcome {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            eprintln!("{}", commands::render_error(&err));
            ExitCode::from(1)
        }
    }
}
