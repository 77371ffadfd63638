//! The optional config file: defaults a scheduled job would otherwise repeat.
//!
//! ```toml
//! # pc-onboard.toml
//! cloud = "global"          # global | china | usgov
//! rate = 300                # API calls per minute
//! concurrency = "auto"      # or a number
//! max_attempts = 5
//! timeout = 60              # seconds per HTTP call
//! create_timeout = 180      # seconds per create call
//! max_retry_wait = 600      # longest Retry-After honoured, in seconds
//! # endpoint, authority: URLs; sheet: the worksheet of .xlsx inputs
//! # encoding: of CSV inputs, e.g. "windows-1252" (default: detected)
//! partner_domains = ["contoso.com"]  # the partner's own e-mail domains:
//!                           # a customer e-mail there is refused
//! default_gdap = "off"      # run: "on" (default) or "off"; true/false too
//! mca_flow = "enhanced"     # run: "enhanced" (default) or "legacy"
//!
//! [columns]                 # your header -> field, wins over the aliases
//! company_name = "Klantnaam"
//! postal_code = "Postcode"
//! ```
//!
//! Named by `--config FILE` or `PC_ONBOARD_CONFIG`. It is one layer of the
//! settings ([`Layer`]): per setting, the command-line flag wins, then the
//! environment variable (where the flag has one), then the config file,
//! then the built-in default (`crate::settings`). Credentials are never
//! read from it: they come from the environment only.

use std::io;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::input::{TextEncoding, io_reason};
use crate::partner_center::cloud::Cloud;
use crate::pipeline::{Concurrency, McaFlow};
use crate::settings::Layer;
use crate::validate::{DefaultGdap, Field, normalize_header};

/// A parsed and checked config file: what it says, as one layer of the
/// settings (every setting optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Config {
    /// The file it was read from.
    pub(crate) path: PathBuf,
    /// Its settings.
    pub(crate) layer: Layer,
}

/// Why the config file cannot be used. One line, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config file {}: {}", .path.display(), io_reason(.error))]
    Io {
        /// The config file.
        path: PathBuf,
        /// The operating system's error (in the message).
        error: io::Error,
    },
    /// The file is not valid TOML or holds a bad setting.
    #[error("config file {}{}: {message}", .path.display(), line_suffix(*.line))]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong and what is accepted.
        message: String,
    },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

/// The file as written: checked and converted into [`Config`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    cloud: Option<String>,
    endpoint: Option<String>,
    authority: Option<String>,
    rate: Option<u32>,
    concurrency: Option<RawConcurrency>,
    #[serde(alias = "max-attempts")]
    max_attempts: Option<u32>,
    timeout: Option<u64>,
    #[serde(alias = "create-timeout")]
    create_timeout: Option<u64>,
    #[serde(alias = "max-retry-wait")]
    max_retry_wait: Option<u64>,
    sheet: Option<String>,
    encoding: Option<String>,
    #[serde(alias = "partner-domains")]
    partner_domains: Option<RawDomains>,
    #[serde(alias = "default-gdap")]
    default_gdap: Option<toml::Value>,
    #[serde(alias = "mca-flow")]
    mca_flow: Option<String>,
    #[serde(default)]
    columns: toml::Table,
}

/// `partner_domains`: a list of domains, or one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDomains {
    One(String),
    List(Vec<String>),
}

/// Keys refused with a pointer to the environment variables.
const CREDENTIAL_KEYS: [&str; 6] = [
    "client_id",
    "client_secret",
    "tenant_id",
    "refresh_token",
    "access_token",
    "password",
];

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawConcurrency {
    Number(i64),
    Text(String),
}

impl Config {
    /// Read and check the config file at `path`.
    pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Io {
            path: path.to_owned(),
            error,
        })?;
        Config::parse(path, &text)
    }

    /// Check the TOML `text` of the config file `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let invalid = |line: Option<usize>, message: String| ConfigError::Invalid {
            path: path.to_owned(),
            line,
            message,
        };
        let toml_error = |e: toml::de::Error| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            invalid(line, e.message().trim().replace('\n', " "))
        };
        let table: toml::Table = toml::from_str(text).map_err(toml_error)?;
        refuse_credentials(&table).map_err(|m| invalid(None, m))?;
        let raw: RawConfig = toml::from_str(text).map_err(toml_error)?;
        raw.check(path).map_err(|m| invalid(None, m))
    }
}

impl RawConfig {
    /// Check every setting and convert it; the error is the message (no line).
    fn check(self, path: &Path) -> Result<Config, String> {
        let cloud = self.cloud.map(|c| parse_cloud(&c)).transpose()?;
        let rate = positive("rate", self.rate)?;
        let max_attempts = positive("max_attempts", self.max_attempts)?;
        let concurrency = self.concurrency.map(parse_concurrency).transpose()?;
        for (key, value) in [
            ("timeout", self.timeout),
            ("create_timeout", self.create_timeout),
        ] {
            if value == Some(0) {
                return Err(format!(
                    "`{key} = 0`: expected a number of seconds, at least 1"
                ));
            }
        }
        let encoding = self
            .encoding
            .filter(|e| !e.trim().is_empty())
            .map(|e| {
                e.parse::<TextEncoding>()
                    .map_err(|error| format!("`encoding`: {error}"))
            })
            .transpose()?;
        let columns = parse_columns(&self.columns)?;
        let partner_domains = parse_domains(self.partner_domains)?;
        let default_gdap = self.default_gdap.map(parse_default_gdap).transpose()?;
        let mca_flow = self
            .mca_flow
            .map(|f| McaFlow::parse(&f).map_err(|e| format!("`mca_flow = \"{f}\"`: {e}")))
            .transpose()?;
        let layer = Layer {
            cloud,
            endpoint: self.endpoint.filter(|e| !e.trim().is_empty()),
            authority: self.authority.filter(|a| !a.trim().is_empty()),
            rate,
            concurrency,
            max_attempts,
            timeout: self.timeout.map(Duration::from_secs),
            create_timeout: self.create_timeout.map(Duration::from_secs),
            max_retry_wait: self.max_retry_wait.map(Duration::from_secs),
            sheet: self.sheet.filter(|s| !s.trim().is_empty()),
            encoding,
            columns,
            partner_domains,
            default_gdap,
            mca_flow,
        };
        Ok(Config {
            path: path.to_owned(),
            layer,
        })
    }
}

/// Refuse a credential key (in any spelling), pointing to the environment variables.
fn refuse_credentials(table: &toml::Table) -> Result<(), String> {
    match table
        .keys()
        .find(|k| CREDENTIAL_KEYS.contains(&normalize_key(k).as_str()))
    {
        Some(key) => Err(format!(
            "`{key}`: credentials are read from the environment only (PC_TENANT_ID, \
             PC_CLIENT_ID, PC_CLIENT_SECRET, PC_REFRESH_TOKEN, PC_ACCESS_TOKEN), never \
             from a file; remove it"
        )),
        None => Ok(()),
    }
}

/// `cloud = "…"`: one of the clouds' names.
fn parse_cloud(text: &str) -> Result<Cloud, String> {
    text.trim()
        .parse::<Cloud>()
        .map_err(|_| format!("`cloud = \"{text}\"`: expected \"global\", \"china\" or \"usgov\""))
}

/// A setting that must be a positive number when present.
fn positive(key: &str, value: Option<u32>) -> Result<Option<NonZeroU32>, String> {
    value
        .map(|n| {
            NonZeroU32::new(n).ok_or_else(|| format!("`{key} = 0`: expected a positive number"))
        })
        .transpose()
}

/// `concurrency`: a number or a text such as `"auto"` or `"4"`.
fn parse_concurrency(raw: RawConcurrency) -> Result<Concurrency, String> {
    let text = match raw {
        RawConcurrency::Number(n) => n.to_string(),
        RawConcurrency::Text(t) => t,
    };
    text.trim()
        .parse::<Concurrency>()
        .map_err(|e| format!("`concurrency`: {e}"))
}

/// `partner_domains`: each a domain name (`contoso.com`; a leading `@` is
/// dropped), lower-cased.
fn parse_domains(raw: Option<RawDomains>) -> Result<Vec<String>, String> {
    let list = match raw {
        None => return Ok(Vec::new()),
        Some(RawDomains::One(domain)) => vec![domain],
        Some(RawDomains::List(list)) => list,
    };
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for text in list {
        let domain = text.trim().trim_start_matches('@').to_lowercase();
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok {
            return Err(format!(
                "`partner_domains`: \"{text}\" is not a domain name (e.g. partner_domains = [\"contoso.com\"])"
            ));
        }
        if !out.contains(&domain) {
            out.push(domain);
        }
    }
    Ok(out)
}

/// `default_gdap = "on" | "off"`, or `true` / `false`.
fn parse_default_gdap(value: toml::Value) -> Result<DefaultGdap, String> {
    let refused =
        || format!("`default_gdap = {value}`: expected \"on\" or \"off\" (or true / false)");
    match &value {
        toml::Value::Boolean(true) => Ok(DefaultGdap::On),
        toml::Value::Boolean(false) => Ok(DefaultGdap::Off),
        toml::Value::String(text) => match text.trim().to_lowercase().as_str() {
            "on" | "true" => Ok(DefaultGdap::On),
            "off" | "false" => Ok(DefaultGdap::Off),
            _ => Err(refused()),
        },
        _ => Err(refused()),
    }
}

/// `client-secret`, `Client_Secret` → `client_secret`.
fn normalize_key(key: &str) -> String {
    key.trim().to_lowercase().replace('-', "_")
}

/// `[columns]`: keys are field names (compared like headers), values the
/// header text; every field at most once, every header for one field.
fn parse_columns(table: &toml::Table) -> Result<Vec<(Field, String)>, String> {
    let mut columns: Vec<(Field, String)> = Vec::with_capacity(table.len());
    for (key, value) in table {
        let normalized = normalize_header(key);
        let Some(field) = Field::ALL
            .into_iter()
            .find(|f| normalize_header(f.name()) == normalized)
        else {
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            return Err(format!(
                "[columns] names an unknown field `{key}`; the fields are {}",
                names.join(", ")
            ));
        };
        let Some(header) = value.as_str() else {
            return Err(format!(
                "[columns] `{key}` must be the header text in quotes, e.g. {key} = \"Klantnaam\""
            ));
        };
        if header.trim().is_empty() {
            return Err(format!("[columns] `{key}` is empty"));
        }
        if let Some((other, _)) = columns.iter().find(|(f, _)| *f == field) {
            return Err(format!("[columns] maps `{other}` twice (`{key}`)"));
        }
        let key_of = normalize_header(header);
        if let Some((other, _)) = columns.iter().find(|(_, h)| normalize_header(h) == key_of) {
            return Err(format!(
                "[columns] maps the header \"{header}\" to both `{other}` and `{field}`"
            ));
        }
        columns.push((field, header.to_owned()));
    }
    columns.sort_by_key(|(field, _)| *field);
    Ok(columns)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::Invocation;
    use crate::cli::resolve::resolve_with;

    const EXAMPLE: &str = r#"
cloud = "usgov"
rate = 120
concurrency = 4
max_attempts = 7
timeout = 30
sheet = "Klanten"
encoding = "latin1"

[columns]
company_name = "Klantnaam"
PostalCode = "Postcode"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("pc-onboard.toml"), text)
    }

    /// The command line `args` resolved with the config file `config`.
    fn resolved(args: &[&str], config: &Config) -> Invocation {
        let (cli, matches) = crate::cli::parse_from(args).unwrap();
        resolve_with(cli, &matches, Some(config.clone())).unwrap()
    }

    #[test]
    fn reads_every_setting() {
        let config = parse(EXAMPLE).unwrap().layer;
        assert_eq!(config.cloud, Some(Cloud::Usgov));
        assert_eq!(config.rate, NonZeroU32::new(120));
        assert_eq!(
            config.concurrency,
            Some(Concurrency::Fixed(NonZeroU32::new(4).unwrap()))
        );
        assert_eq!(config.max_attempts, NonZeroU32::new(7));
        assert_eq!(config.timeout, Some(Duration::from_secs(30)));
        assert_eq!(config.sheet.as_deref(), Some("Klanten"));
        assert_eq!(config.encoding, Some(TextEncoding::WINDOWS_1252));
        assert_eq!(
            config.columns,
            [
                (Field::CompanyName, "Klantnaam".to_owned()),
                (Field::PostalCode, "Postcode".to_owned())
            ]
        );
        assert_eq!(
            parse("").unwrap(),
            Config {
                path: PathBuf::from("pc-onboard.toml"),
                ..Config::default()
            }
        );
        assert_eq!(
            parse("concurrency = \"auto\"").unwrap().layer.concurrency,
            Some(Concurrency::Auto)
        );
    }

    #[test]
    fn an_unknown_key_names_the_line_and_the_known_keys() {
        let error = parse("rate = 100\nspeed = 3\n").unwrap_err().to_string();
        assert!(
            error.starts_with("config file pc-onboard.toml line 2: unknown field `speed`"),
            "{error}"
        );
        assert!(error.contains("`concurrency`"), "{error}");
        assert!(!error.contains("secret"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn an_unknown_column_field_lists_the_fields() {
        let error = parse("[columns]\nklant = \"Klantnaam\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `klant`"), "{error}");
        assert!(
            error.contains("external_id, company_name, domain, email"),
            "{error}"
        );
    }

    #[test]
    fn bad_values_are_explained() {
        let cases = [
            (
                "cloud = \"mars\"",
                "expected \"global\", \"china\" or \"usgov\"",
            ),
            ("rate = 0", "`rate = 0`: expected a positive number"),
            (
                "concurrency = \"lots\"",
                "expected a positive number or `auto`",
            ),
            ("timeout = 0", "at least 1"),
            (
                "encoding = \"klingon\"",
                "`encoding`: unknown encoding `klingon`",
            ),
            ("[columns]\ncity = 3", "must be the header text in quotes"),
            (
                "[columns]\ncity = \"Plaats\"\nstate = \"plaats\"",
                "maps the header \"plaats\" to both `city` and `state`",
            ),
            ("rate = \"fast\"", "line 1"),
        ];
        for (text, expected) in cases {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    /// `run in.csv --results r.csv EXTRA` with `config`, resolved.
    fn run_with(config: &Config, extra: &[&str]) -> crate::settings::RunSettings {
        let mut args = vec!["pc-onboard", "run", "in.csv", "--results", "r.csv"];
        args.extend(extra);
        match resolved(&args, config) {
            Invocation::Run(run) => run,
            _ => panic!("not run"),
        }
    }

    #[test]
    fn default_gdap_reads_on_off_and_booleans_and_the_flag_wins() {
        for (text, expected) in [
            ("default_gdap = \"off\"", DefaultGdap::Off),
            ("default_gdap = \"On\"", DefaultGdap::On),
            ("default_gdap = false", DefaultGdap::Off),
            ("default-gdap = true", DefaultGdap::On),
        ] {
            assert_eq!(
                parse(text).unwrap().layer.default_gdap,
                Some(expected),
                "{text}"
            );
        }
        for text in ["default_gdap = \"maybe\"", "default_gdap = 1"] {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains("expected \"on\" or \"off\""), "{error}");
        }
        let config = parse("default_gdap = \"off\"").unwrap();
        let run = |extra: &[&str]| run_with(&config, extra);
        let from_config = run(&[]);
        assert_eq!(*from_config.default_gdap().value(), DefaultGdap::Off);
        assert!(from_config.given().is_empty(), "--config repeats it");
        let flag = run(&["--default-gdap", "ON"]);
        assert_eq!(
            *flag.default_gdap().value(),
            DefaultGdap::On,
            "the flag wins"
        );
        assert_eq!(flag.given(), [("default_gdap", "on".to_owned())]);
    }

    #[test]
    fn mca_flow_reads_enhanced_or_legacy_and_a_printed_command_repeats_the_flags() {
        for (text, expected) in [
            ("mca_flow = \"legacy\"", McaFlow::Legacy),
            ("mca-flow = \" Enhanced \"", McaFlow::Enhanced),
        ] {
            assert_eq!(
                parse(text).unwrap().layer.mca_flow,
                Some(expected),
                "{text}"
            );
        }
        let error = parse("mca_flow = \"2023\"").unwrap_err().to_string();
        assert!(
            error.contains("`mca_flow = \"2023\"`: expected \"enhanced\" or \"legacy\""),
            "{error}"
        );
        let config = parse("mca_flow = \"legacy\"").unwrap();
        let run = |extra: &[&str]| run_with(&config, extra);
        let from_config = run(&[]);
        assert_eq!(*from_config.mca_flow().value(), McaFlow::Legacy);
        assert!(from_config.given().is_empty(), "--config repeats it");
        let flag = run(&["--mca-flow", "ENHANCED"]);
        assert_eq!(*flag.mca_flow().value(), McaFlow::Enhanced, "the flag wins");
        assert_eq!(flag.given(), [("mca_flow", "enhanced".to_owned())]);
        let line =
            crate::cli::command_line::shell_command(&crate::cli::command_line::run_args(&flag));
        assert!(line.ends_with("--mca-flow enhanced"), "{line}");
        let both = run(&["--default-gdap", "off", "--mca-flow", "legacy"]);
        assert_eq!(
            both.given(),
            [
                ("default_gdap", "off".to_owned()),
                ("mca_flow", "legacy".to_owned())
            ]
        );
    }

    #[test]
    fn credentials_are_refused() {
        let error = parse("Client-Secret = \"x\"").unwrap_err().to_string();
        assert!(
            error.contains("credentials are read from the environment only"),
            "{error}"
        );
    }

    #[test]
    fn flags_win_over_the_config_which_wins_over_defaults() {
        let config = parse(EXAMPLE).unwrap();
        let args = [
            "pc-onboard",
            "run",
            "in.xlsx",
            "--results",
            "r.csv",
            "--rate",
            "50",
            "--sheet",
            "Customers",
            "--encoding",
            "utf-16le",
        ];
        let Invocation::Run(run) = resolved(&args, &config) else {
            panic!("not run")
        };
        let connect = run.connect();
        assert_eq!(connect.rate().get(), 50, "flag");
        assert_eq!(run.input().sheet(), Some("Customers"), "flag");
        assert_eq!(connect.cloud(), Cloud::Usgov, "config over the default");
        assert_eq!(connect.max_attempts().get(), 7, "config over the default");
        assert_eq!(connect.timeout(), Duration::from_secs(30), "config");
        assert_eq!(run.input().columns(), config.layer.columns);
        assert_eq!(run.config_file(), Some(Path::new("pc-onboard.toml")));
        let options = run.input().options();
        assert_eq!(options.sheet.as_deref(), Some("Customers"));
        assert_eq!(options.encoding, Some(TextEncoding::UTF_16LE), "flag");
    }

    #[test]
    fn validate_takes_the_input_and_online_settings() {
        let config = parse(EXAMPLE).unwrap();
        let args = ["pc-onboard", "validate", "in.xlsx", "--timeout", "9"];
        let Invocation::Validate(validate) = resolved(&args, &config) else {
            panic!("not validate")
        };
        let input = validate.input();
        assert_eq!(input.sheet(), Some("Klanten"));
        assert_eq!(input.options().encoding, Some(TextEncoding::WINDOWS_1252));
        assert_eq!(input.columns(), config.layer.columns);
        let connect = validate.connect();
        assert_eq!(connect.rate().get(), 120);
        assert_eq!(connect.cloud(), Cloud::Usgov);
        assert_eq!(connect.max_attempts().get(), 7);
        assert_eq!(connect.timeout(), Duration::from_secs(9), "flag");
    }

    #[test]
    fn an_empty_config_changes_nothing() {
        let config = parse("").unwrap();
        let Invocation::Validate(validate) =
            resolved(&["pc-onboard", "validate", "in.csv"], &config)
        else {
            panic!("not validate")
        };
        assert_eq!(
            validate.input().options(),
            crate::input::InputOptions::default()
        );
    }

    #[test]
    fn partner_domains_reach_the_row_check_and_bad_ones_are_explained() {
        let config = parse("partner_domains = [\"Contoso.com\", \"@contoso.de\"]\n").unwrap();
        assert_eq!(config.layer.partner_domains, ["contoso.com", "contoso.de"]);
        let Invocation::Validate(validate) =
            resolved(&["pc-onboard", "validate", "in.csv"], &config)
        else {
            panic!("not validate")
        };
        let context = validate.input().check_context();
        assert_eq!(context.partner_domains(), ["contoso.com", "contoso.de"]);
        let one = parse("partner_domains = \"contoso.com\"\n").unwrap();
        assert_eq!(one.layer.partner_domains, ["contoso.com"]);
        let error = parse("partner_domains = [\"contoso\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"contoso\" is not a domain name"),
            "{error}"
        );
        let empty = parse("").unwrap();
        assert!(empty.layer.partner_domains.is_empty());
    }
}
