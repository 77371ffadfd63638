//! `pc-onboard`: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use pc_onboard::{cli::Cli, commands};

fn main() -> ExitCode {
    init_logging();
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

/// Logs go to stderr; `RUST_LOG` (e.g. `pc_onboard=debug`) sets the level, default `warn`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
