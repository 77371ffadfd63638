//! Log output on stderr: `-v`/`-q`, `--log-format text|json`, `RUST_LOG`.
//!
//! | flags | pc-onboard's own events | other crates |
//! |---|---|---|
//! | `-q` | errors | errors |
//! | none | warnings | warnings |
//! | `-v` | info: settings, config, input | warnings |
//! | `-vv` | debug: every HTTP call with headers and bodies, secrets masked | warnings |
//! | `-vvv` | trace | info |
//!
//! `RUST_LOG`, when set, replaces the table (e.g. `RUST_LOG=pc_onboard=debug`).
//! Without `-v` and `RUST_LOG`, text events are written as the console's
//! lines are (`warning: ...`, no timestamp: `plain`).
//!
//! Lines for people (summaries, hints, errors) go through the `Console`,
//! which follows `-q` and `--log-format` too.

mod console;
mod plain;

use std::io::{IsTerminal, Write};

pub(crate) use console::Console;
pub use console::{Level, json_line};

use tracing_subscriber::EnvFilter;

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
    pub(crate) fn from_name(name: &str) -> LogFormat {
        if name.eq_ignore_ascii_case("json") {
            LogFormat::Json
        } else {
            LogFormat::Text
        }
    }
}

/// The filter directives for `-v` given `verbose` times, or `-q`.
pub(crate) fn directives(verbose: u8, quiet: bool) -> &'static str {
    if quiet {
        return "error";
    }
    match verbose {
        0 => "warn",
        1 => "warn,pc_onboard=info",
        2 => "warn,pc_onboard=debug",
        _ => "info,pc_onboard=trace",
    }
}

/// The filter: `RUST_LOG` when set and valid, else `directives`.
pub(crate) fn filter(verbose: u8, quiet: bool, rust_log: Option<&str>) -> EnvFilter {
    rust_log
        .filter(|value| !value.trim().is_empty())
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new(directives(verbose, quiet)))
}

/// Install the global subscriber: stderr (coloured on a terminal unless
/// `NO_COLOR` is set), `format`, the level from the flags or `RUST_LOG`.
/// Does nothing if one is installed already.
pub fn init(verbose: u8, quiet: bool, format: LogFormat) {
    Console::new(quiet, format).install();
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter = filter(verbose, quiet, rust_log.as_deref());
    // Colours only on a terminal, and never with NO_COLOR set (no-color.org).
    let ansi = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| ScrubbedStderr(Vec::new()))
        .with_ansi(ansi)
        .with_target(false);
    let plain = verbose == 0 && rust_log.as_deref().is_none_or(|v| v.trim().is_empty());
    let _ = match format {
        LogFormat::Text if plain => builder.event_format(plain::Plain).try_init(),
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}

/// One log event on its way to stderr: collected, then written at once
/// with every secret the process holds scrubbed (`crate::secrets`), so
/// no event, the `-vv` trace included, can carry one out.
struct ScrubbedStderr(Vec<u8>);

impl Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.0).into_owned();
        self.0.clear();
        std::io::stderr()
            .lock()
            .write_all(crate::secrets::scrub(&text).as_bytes())
    }
}

impl Drop for ScrubbedStderr {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbosity_maps_to_levels() {
        assert_eq!(directives(0, true), "error");
        assert_eq!(directives(3, true), "error");
        assert_eq!(directives(0, false), "warn");
        assert_eq!(directives(1, false), "warn,pc_onboard=info");
        assert_eq!(directives(2, false), "warn,pc_onboard=debug");
        assert_eq!(directives(5, false), "info,pc_onboard=trace");
    }

    #[test]
    fn rust_log_overrides_the_flags_unless_empty_or_invalid() {
        assert_eq!(
            filter(0, false, Some("pc_onboard=trace")).to_string(),
            "pc_onboard=trace"
        );
        assert_eq!(
            filter(1, false, Some("  ")).to_string(),
            "pc_onboard=info,warn"
        );
        assert_eq!(
            filter(2, false, Some("not[a filter")).to_string(),
            "pc_onboard=debug,warn"
        );
        assert_eq!(filter(0, true, None).to_string(), "error");
    }
}
