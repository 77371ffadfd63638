//! The lines pc-onboard writes on stderr for people (summaries, hints,
//! notices, errors), as opposed to `tracing`'s log events. One [`Console`]
//! per process, set by [`super::init`]: `-q` keeps errors only (and a
//! warning of a loss that cannot be undone), and with
//! `--log-format json` every line is one JSON object in the shape of the
//! log events (`timestamp`, `level`, `message`, and the event's fields), so
//! a log collector reads stderr whole.

use std::io::Write;
use std::sync::OnceLock;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::LogFormat;

/// How serious a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Summaries, hints, notices: shown unless `-q`.
    Info,
    /// Something the user should look at: shown unless `-q`.
    Warn,
    /// A failure: always shown.
    Error,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

/// Where people-facing lines go and how they look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Console {
    /// `-q`: errors only.
    pub(crate) quiet: bool,
    /// `--log-format json`.
    pub(crate) json: bool,
}

static CONSOLE: OnceLock<Console> = OnceLock::new();

impl Console {
    /// The console of `-q` and `--log-format`.
    pub(crate) fn new(quiet: bool, format: LogFormat) -> Self {
        Console {
            quiet,
            json: format == LogFormat::Json,
        }
    }

    /// Make `self` the process's console (the first call wins).
    pub(crate) fn install(self) {
        let _ = CONSOLE.set(self);
    }

    /// The process's console (plain text, not quiet, until one is installed).
    pub(crate) fn get() -> Console {
        CONSOLE.get().copied().unwrap_or_default()
    }

    /// Whether a line of `level` is shown.
    pub(crate) fn shows(&self, level: Level) -> bool {
        level == Level::Error || !self.quiet
    }

    /// A line: `message` as is (text), or a JSON object.
    pub(crate) fn line(&self, level: Level, message: &str) {
        self.event(level, message, Map::new());
    }

    /// A line with fields: the text form is `message` alone; the JSON form
    /// carries the fields too (an event such as the run's summary).
    pub(crate) fn event(&self, level: Level, message: &str, fields: Map<String, Value>) {
        if let Some(text) = self.format(level, message, fields) {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
    }

    /// The line [`Console::event`] would write (without its line break), or
    /// `None` when `level` is not shown: for callers that write elsewhere.
    pub(crate) fn format(
        &self,
        level: Level,
        message: &str,
        fields: Map<String, Value>,
    ) -> Option<String> {
        if !self.shows(level) {
            return None;
        }
        let line = if self.json {
            json_line(level, message, fields)
        } else {
            message.to_owned()
        };
        Some(crate::secrets::scrubbed(&line))
    }

    /// `warning: <message>` (or a JSON object at level WARN), unless `-q`.
    pub(crate) fn warn(&self, message: &str) {
        if self.shows(Level::Warn) {
            self.warn_even_if_quiet(message);
        }
    }

    /// [`Console::warn`] even with `-q`: for a loss that cannot be undone
    /// (initial admin passwords discarded), which a quiet scheduled job
    /// must still report.
    pub(crate) fn warn_even_if_quiet(&self, message: &str) {
        let text = if self.json {
            json_line(Level::Warn, message, Map::new())
        } else {
            format!("warning: {message}")
        };
        let text = crate::secrets::scrub(&text);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    /// A line shown even with `-q`: what a command cannot work without
    /// (the code `pc-onboard login` asks the user to enter).
    pub(crate) fn always(&self, level: Level, message: &str, fields: Map<String, Value>) {
        Console {
            quiet: false,
            json: self.json,
        }
        .event(level, message, fields);
    }

    /// An error line, shown even with `-q`.
    pub(crate) fn error(&self, message: &str) {
        self.line(Level::Error, message);
    }
}

/// One JSON log line: timestamp, level, message, then the fields.
pub fn json_line(level: Level, message: &str, fields: Map<String, Value>) -> String {
    let mut object = Map::new();
    object.insert(
        "timestamp".to_owned(),
        Value::String(humantime::format_rfc3339_micros(SystemTime::now()).to_string()),
    );
    object.insert("level".to_owned(), Value::String(level.name().to_owned()));
    object.insert("message".to_owned(), Value::String(message.to_owned()));
    for (key, value) in fields {
        object.entry(key).or_insert(value);
    }
    Value::Object(object).to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn quiet_shows_errors_only() {
        let quiet = Console::new(true, LogFormat::Text);
        assert!(quiet.shows(Level::Error));
        assert!(!quiet.shows(Level::Warn) && !quiet.shows(Level::Info));
        let normal = Console::new(false, LogFormat::Json);
        assert!(normal.shows(Level::Info) && normal.json);
    }

    #[test]
    fn json_lines_carry_level_message_and_fields() {
        let mut fields = Map::new();
        fields.insert("event".into(), Value::String("summary".into()));
        fields.insert("message".into(), Value::String("not this one".into()));
        let line: Value = serde_json::from_str(&json_line(Level::Warn, "hello", fields)).unwrap();
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["message"], "hello");
        assert_eq!(line["event"], "summary");
        assert!(line["timestamp"].as_str().unwrap().ends_with('Z'));
    }
}
