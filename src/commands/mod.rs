//! Subcommand implementations: each turns its resolved settings
//! (`crate::settings`, via `Invocation`) into an [`ExitStatus`].

mod closed_pipe;
mod connect;
mod login;
mod notices;
mod results_target;
mod run;
mod template;
mod validate;

use std::io::Write;

use crate::cli::{Cli, Invocation};
use crate::results::Tally;

pub(crate) use run::run;
pub(crate) use validate::validate;

/// How a command that did not fail fatally ended (README.md, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every row `created`, `exists`, `valid` or `would_create`.
    Success,
    /// Finished, but some rows are `invalid`, `rejected`, `failed` or
    /// `cancelled`, or an MCA attestation `failed`, `cancelled` or
    /// `expired` (`pending` waits for the customer: not counted).
    RowsFailed,
    /// Interrupted (Ctrl-C).
    Interrupted,
    /// `login --status`: nobody is signed in (exit 1, not an error).
    NotSignedIn,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::RowsFailed => 2,
            ExitStatus::Interrupted => 130,
            ExitStatus::NotSignedIn => 1,
        }
    }

    /// `Success` unless some row counted needs attention (a status that is
    /// not a success, an MCA attestation failed, cancelled or expired):
    /// `RowsFailed`.
    pub(crate) fn from_tally(tally: &Tally) -> Self {
        if tally.needs_attention() {
            ExitStatus::RowsFailed
        } else {
            ExitStatus::Success
        }
    }
}

/// Run the resolved command line. Fatal errors come back as `Err` (exit 1).
pub fn execute(invocation: Invocation) -> anyhow::Result<ExitStatus> {
    match invocation {
        Invocation::Validate(settings) => {
            // With a results file, a reader that goes away (`| head`) ends
            // the output, not the job: the results file is written whole.
            let finish = settings.results().is_some();
            let stdout = closed_pipe::UntilClosed::new(std::io::stdout().lock(), finish);
            let mut out = std::io::BufWriter::new(stdout);
            let mut err = closed_pipe::UntilClosed::new(std::io::stderr(), finish);
            let status = validate(&settings, &mut out, &mut err)?;
            out.flush()?;
            Ok(status)
        }
        Invocation::Run(settings) => run(&settings),
        Invocation::Sandbox { listen, config } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(crate::sandbox::serve_until_ctrl_c(listen, *config))?;
            Ok(ExitStatus::Success)
        }
        Invocation::Template { file, force, from } => {
            template::template(&file, force, from.as_ref())
        }
        Invocation::Login(settings) => login::login(&settings),
        Invocation::Logout => login::logout(),
        Invocation::Completions(shell) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            completions(shell, &mut out)?;
            out.flush()?;
            Ok(ExitStatus::Success)
        }
    }
}

/// The name the completion scripts complete.
const BIN_NAME: &str = crate::cli::command_line::PROGRAM;

/// Write the completion script for `shell` to `out`.
pub(crate) fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, BIN_NAME, &mut buffer);
    if shell == clap_complete::Shell::Bash {
        buffer = mend_bash_case_labels(&String::from_utf8_lossy(&buffer), BIN_NAME).into_bytes();
    }
    out.write_all(&buffer)?;
    Ok(())
}

/// clap_complete's bash script (4.6.11, still open upstream:
/// <https://github.com/clap-rs/clap/issues/6421>) tracks the subcommand in
/// `cmd` by escaping the bin name and each subcommand apart
/// (`pc__onboard__subcmd__run`) but labels the cases that list each
/// subcommand's options by escaping the joined path, so the bin name's `-`
/// comes out as the subcommand separator (`pc__subcmd__onboard__subcmd__run`)
/// and no subcommand's options ever complete. Spell the labels as `cmd` is
/// spelt; a script without the faulty labels is left as it is.
fn mend_bash_case_labels(script: &str, bin_name: &str) -> String {
    const SEP: &str = "__subcmd__";
    let wrong = format!("{}{SEP}", bin_name.replace('-', SEP));
    let right = format!("{}{SEP}", bin_name.replace('-', "__"));
    script
        .lines()
        .map(|line| {
            let label = line.trim_start();
            if label.starts_with(&wrong) && label.ends_with(')') {
                line.replacen(&wrong, &right, 1)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A fatal error in one line: the error and each cause not already in
/// its text (a cause that is also shown by its wrapper is not repeated).
pub(crate) fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if part.is_empty() || text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// The hint for a fatal error, where one helps.
pub(crate) fn error_hint(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|cause| {
        cause
            .downcast_ref::<crate::input::InputError>()
            .and_then(|e| e.hint())
    })
}

/// The lines printed for a fatal error: `error: ...` and, where one helps, `hint: ...`.
pub(crate) fn render_error(err: &anyhow::Error) -> String {
    let mut text = format!("error: {}", error_text(err));
    if let Some(hint) = error_hint(err) {
        text.push_str("\nhint: ");
        text.push_str(&hint);
    }
    text
}

/// Report a fatal error on the console: `error:` and `hint:` lines, or one
/// JSON event at level ERROR with the hint as a field.
pub fn report_error(err: &anyhow::Error) {
    let console = crate::logging::Console::get();
    if console.json {
        let mut fields = serde_json::Map::new();
        if let Some(hint) = error_hint(err) {
            fields.insert("hint".to_owned(), serde_json::Value::String(hint));
        }
        console.event(crate::logging::Level::Error, &error_text(err), fields);
    } else {
        console.error(&render_error(err));
    }
}

/// Ctrl-C or SIGTERM stops a run (or online checks): no new call, the calls in flight
/// finish, the rest is `cancelled`. A second one exits at once.
pub(crate) async fn stop_on_signal(stop: crate::pipeline::Stop) {
    if stop_signal().await.is_ok() {
        stop.request(crate::pipeline::StopReason::Interrupted);
        crate::logging::Console::get().line(
            crate::logging::Level::Info,
            "interrupted: finishing the calls in flight, then writing the remaining rows as cancelled (Ctrl-C again to quit at once)",
        );
        if stop_signal().await.is_ok() {
            std::process::exit(130);
        }
    }
}

/// Ctrl-C, or SIGTERM (`kill`, `systemctl stop`, a Kubernetes pod being
/// stopped): both end the run the same way.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
