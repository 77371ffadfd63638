//! `pc-onboard`: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use pc_onboard::{cli::Cli, commands};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // Usage errors exit 1 (interface.md); --help and --version exit 0.
            return ExitCode::from(if err.use_stderr() { 1 } else { 0 });
        }
    };
    match commands::execute(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            eprintln!("{}", commands::render_error(&err));
            ExitCode::from(1)
        }
    }
}
