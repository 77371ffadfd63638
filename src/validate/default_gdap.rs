//! Default GDAP: whether a customer this tool creates gives the partner the
//! Default GDAP relationship (`enableGDAPByDefault` in the create body,
//! `docs/partner-center.md`, "Default GDAP"). The run's setting
//! (`--default-gdap`, the config's `default_gdap`) and the optional input
//! column `default_gdap`, which wins for its row when it is not empty.

use std::fmt;
use std::str::FromStr;

use super::field::Field;
use super::problem::{Problem, ProblemKind};
use super::text::quote;

/// Default GDAP for a new customer: what `enableGDAPByDefault` says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefaultGdap {
    /// `true`: Partner Center creates a Default GDAP relationship (its
    /// behaviour when the field is absent, hence the default).
    #[default]
    On,
    /// `false`: reseller relationship only, no GDAP.
    Off,
}

/// The words the `default_gdap` column takes, for messages.
const WORDS: &str = "on, off, yes, no, true, false, 1 or 0";

impl DefaultGdap {
    /// The value of `enableGDAPByDefault`.
    pub(crate) const fn enabled(self) -> bool {
        matches!(self, DefaultGdap::On)
    }

    /// `on` or `off`: the `default_gdap_sent` cell, the flag's value.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            DefaultGdap::On => "on",
            DefaultGdap::Off => "off",
        }
    }

    /// A cell of the `default_gdap` column: `on`, `off`, `yes`, `no`,
    /// `true`, `false`, `1`, `0`, any case, surrounding space ignored.
    pub(crate) fn parse(text: &str) -> Result<DefaultGdap, String> {
        match text.trim().to_lowercase().as_str() {
            "on" | "yes" | "true" | "1" => Ok(DefaultGdap::On),
            "off" | "no" | "false" | "0" => Ok(DefaultGdap::Off),
            _ => Err(format!("is not one of {WORDS}")),
        }
    }

    /// The `default_gdap` value of a row (`typed` as the user wrote it,
    /// `value` as it is validated): `None` when empty (the run's setting
    /// applies), else the choice or a problem with a hint.
    pub(super) fn of_row(typed: &str, value: &str) -> Result<Option<DefaultGdap>, Problem> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        DefaultGdap::parse(value).map(Some).map_err(|reason| {
            let field = Field::DefaultGdap;
            Problem::new(
                field,
                ProblemKind::Invalid,
                format!("{field} {} {reason}", quote(typed)),
            )
            .with_hint(
                "type on (the partner gets Default GDAP: eleven Entra roles in the new \
                 customer's tenant) or off (no GDAP, reseller relationship only), or leave it \
                 empty for the run's --default-gdap",
            )
        })
    }
}

impl fmt::Display for DefaultGdap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DefaultGdap {
    type Err = String;

    /// As `DefaultGdap::parse`, the message naming what is accepted.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DefaultGdap::parse(text).map_err(|reason| format!("{} {reason}", quote(text)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn the_column_takes_on_off_yes_no_true_false_1_0_in_any_case() {
        for word in ["on", "ON", " Yes ", "true", "TRUE", "1"] {
            assert_eq!(DefaultGdap::parse(word), Ok(DefaultGdap::On), "{word}");
        }
        for word in ["off", "Off", "no", "NO", "false", "0"] {
            assert_eq!(DefaultGdap::parse(word), Ok(DefaultGdap::Off), "{word}");
        }
        for word in ["", "maybe", "2", "y", "enabled"] {
            assert!(DefaultGdap::parse(word).is_err(), "{word}");
        }
        assert_eq!("Off".parse::<DefaultGdap>(), Ok(DefaultGdap::Off));
    }

    #[test]
    fn an_empty_cell_is_the_runs_setting_and_anything_else_a_problem_with_a_hint() {
        assert_eq!(DefaultGdap::of_row("", ""), Ok(None));
        assert_eq!(DefaultGdap::of_row("no", "no"), Ok(Some(DefaultGdap::Off)));
        let problem = DefaultGdap::of_row("peut-être", "peut-être").unwrap_err();
        assert_eq!(problem.field, Field::DefaultGdap);
        assert_eq!(problem.kind, ProblemKind::Invalid);
        assert_eq!(
            problem.message,
            "default_gdap \"peut-être\" is not one of on, off, yes, no, true, false, 1 or 0"
        );
        assert!(problem.hint.unwrap().contains("--default-gdap"));
    }

    #[test]
    fn on_is_what_partner_center_does_without_the_field() {
        assert_eq!(DefaultGdap::default(), DefaultGdap::On);
        assert!(DefaultGdap::On.enabled() && !DefaultGdap::Off.enabled());
        assert_eq!(DefaultGdap::Off.to_string(), "off");
    }
}
