//! The arguments of each subcommand, as clap parses them (the low-level
//! arguments: `super::resolve` turns them into the settings the commands
//! take). Flag groups that several subcommands take are one struct each
//! ([`ConnectArgs`], [`InputArgs`]), flattened where they are used, so a
//! flag is declared and documented once; its default is the settings'.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};

use crate::input::TextEncoding;
use crate::partner_center::cloud::Cloud;
use crate::pipeline::{Concurrency, McaFlow};
use crate::sandbox::{
    AcceptedCredentials, AttestationNames, DEFAULT_ATTESTATION_TTL, DeviceOutcome, DeviceScript,
    Endpoint, EndpointList, FaultList, LegacyMca, Paging, SandboxConfig,
};
use crate::settings::{
    DEFAULT_CREATE_TIMEOUT_SECS, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_WAIT_SECS, DEFAULT_RATE,
    DEFAULT_TIMEOUT_SECS,
};
use crate::validate::DefaultGdap;

/// Where to connect and how hard to push: `run`, and `validate --online`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ConnectArgs {
    /// Use the built-in Partner Center emulator, started in-process (no credentials needed).
    #[arg(long)]
    pub(crate) sandbox: bool,
    /// API base URL (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_ENDPOINT", hide_env_values = true)]
    pub(crate) endpoint: Option<String>,
    /// Token authority URL (default: the cloud's).
    #[arg(long, value_name = "URL", env = "PC_AUTHORITY", hide_env_values = true)]
    pub(crate) authority: Option<String>,
    /// Partner Center cloud: sets the endpoint and the authority.
    #[arg(long, value_enum, default_value_t = Cloud::Global)]
    pub(crate) cloud: Cloud,
    /// API calls per minute across all workers (Partner Center allows about 500).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RATE)]
    pub(crate) rate: NonZeroU32,
    /// Calls in flight: a number, or `auto` to size it from observed latency x rate (capped at 64).
    #[arg(long, value_name = "N|auto", default_value_t = Concurrency::Auto)]
    pub(crate) concurrency: Concurrency,
    /// Attempts per call before giving up (the row is then `failed`; 429 answers do not count).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ATTEMPTS)]
    pub(crate) max_attempts: NonZeroU32,
    /// Timeout of one HTTP call, in seconds (creates: see --create-timeout).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) timeout: u64,
    /// Timeout of one create call, in seconds: creating a tenant is slow (a timed-out create is replayed, never duplicated).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_CREATE_TIMEOUT_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) create_timeout: u64,
    /// Longest wait a Retry-After may ask for, in seconds; a longer one ends the run (rows left `failed`).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_MAX_RETRY_WAIT_SECS)]
    pub(crate) max_retry_wait: u64,
}

/// How to read the input file.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct InputArgs {
    /// Worksheet of an .xlsx input (default: the first visible one).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    /// Encoding of a CSV input: utf-8, windows-1252, utf-16le, utf-16be or
    /// another WHATWG label (default: the byte order mark's, else UTF-8 if
    /// the whole file is valid UTF-8, else Windows-1252, with a warning).
    #[arg(long, value_name = "LABEL")]
    pub(crate) encoding: Option<TextEncoding>,
}

/// The help heading of `validate`'s online options.
const ONLINE: &str = "Online checks";

/// Arguments of `pc-onboard validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Input file: CSV (`,` `;` or tab; UTF-8, UTF-16 or Windows-1252) or .xlsx.
    pub(crate) input: PathBuf,
    /// Write the results CSV here (status `valid` or `invalid`, `error` lists every problem).
    #[arg(long, value_name = "FILE")]
    pub(crate) results: Option<PathBuf>,
    /// How to read the input.
    #[command(flatten)]
    pub(crate) input_args: InputArgs,
    /// Print one JSON object per row on stdout.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also ask Partner Center about each valid row: domain taken, address
    /// verified, the country's live rules (needs credentials or --sandbox,
    /// which implies --online).
    #[arg(long, help_heading = ONLINE)]
    pub(crate) online: bool,
    /// Where to check online.
    #[command(flatten, next_help_heading = ONLINE)]
    pub(crate) connect: ConnectArgs,
}

/// Arguments of `pc-onboard run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Input file: CSV or .xlsx, or a results file of an earlier run (finished rows are copied, not sent).
    pub(crate) input: PathBuf,
    /// Write the results CSV here (one row per input row, in input order, flushed row by row).
    #[arg(long, value_name = "FILE")]
    pub(crate) results: PathBuf,
    /// How to read the input.
    #[command(flatten)]
    pub(crate) input_args: InputArgs,
    /// Where to connect and how hard to push.
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// Validate and plan only: results carry `would_create` and the request ID a real run would use.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Finish an interrupted run: keep the finished rows of the results file, process the rest, append.
    #[arg(long)]
    pub(crate) resume: bool,
    /// Write each created customer's admin user and initial password to FILE (mode 0600).
    #[arg(long, value_name = "FILE")]
    pub(crate) credentials_out: Option<PathBuf>,
    /// Allow --credentials-out to overwrite an existing file.
    #[arg(long)]
    pub(crate) force: bool,
    /// Write counts, attempts, 429s, duration, correlation ID and throughput as JSON.
    #[arg(long, value_name = "FILE")]
    pub(crate) summary_json: Option<PathBuf>,
    /// Do not show the progress bar (it is hidden anyway when stderr is not a terminal).
    #[arg(long)]
    pub(crate) no_progress: bool,
    /// Default GDAP for the customers created (`enableGDAPByDefault`, sent in every create body): on (Partner Center's default: eleven Entra roles for your organisation in each new tenant) or off (reseller relationship only). A row's `default_gdap` column wins. Default: on, or the config file's `default_gdap`.
    #[arg(long, value_name = "on|off", ignore_case = true, value_parser = on_or_off())]
    pub(crate) default_gdap: Option<DefaultGdap>,
    /// How rows with `mca_*` values record the Microsoft Customer Agreement: enhanced (the customer accepts at a link in `customer_link`; `mca_status` pending until a re-run of the results file finds it accepted; app-only credentials) or legacy (the 2023 template-id attestation, App+User; retired by Microsoft for most partners on 5 January 2026). Default: enhanced, or the config file's `mca_flow`.
    #[arg(long, value_name = "enhanced|legacy", ignore_case = true, value_parser = mca_flows())]
    pub(crate) mca_flow: Option<McaFlow>,
}

/// `--mca-flow`: `enhanced` or `legacy` (completed by the shells).
fn mca_flows() -> impl clap::builder::TypedValueParser<Value = McaFlow> {
    use clap::builder::TypedValueParser;
    let words = McaFlow::ALL.map(McaFlow::as_str);
    clap::builder::PossibleValuesParser::new(words)
        .map(|word| McaFlow::parse(&word).unwrap_or_default())
}

/// `--default-gdap`: `on` or `off` (completed by the shells).
fn on_or_off() -> impl clap::builder::TypedValueParser<Value = DefaultGdap> {
    use clap::builder::TypedValueParser;
    let words = [DefaultGdap::On, DefaultGdap::Off].map(DefaultGdap::as_str);
    clap::builder::PossibleValuesParser::new(words)
        .map(|word| DefaultGdap::parse(&word).unwrap_or_default())
}

/// Arguments of `pc-onboard sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
    pub(crate) listen: SocketAddr,
    /// Requests per minute per token before answering 429.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub(crate) quota: u32,
    /// Delay added to every call, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub(crate) latency: u64,
    /// Fraction of calls (to the --fail-on endpoints) that get a random fault (1: a dead service).
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub(crate) fail_rate: f64,
    /// Endpoints --fail-rate hits: create, search, customer, domains, rules, address, agreements, attest, invitation, attestation, token; api (every /v1 endpoint, the default) or all.
    #[arg(long, value_name = "LIST")]
    pub(crate) fail_on: Option<EndpointList>,
    /// Faults --fail-rate throws, evenly: 503, 500, drop, 429, redirect, 302, html, empty, not_json, wrong_shape, no_id, truncated (default: half 503, a quarter 500 after the work, a quarter dropped after it).
    #[arg(long, value_name = "LIST")]
    pub(crate) fail_with: Option<FaultList>,
    /// Seed for reproducible faults.
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Keep customers and request-id records in FILE (JSON, rewritten atomically after each change).
    #[arg(long, value_name = "FILE")]
    pub(crate) state: Option<PathBuf>,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3599)]
    pub(crate) token_ttl: u64,
    /// Refuse creations past N customers with error 800018, like an integration sandbox.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<u32>,
    /// How a customer search announces its next page: headers (links.next.headers), uri (token in links.next.uri) or token (top-level continuationToken).
    #[arg(long, value_name = "SHAPE", default_value = "headers")]
    pub(crate) paging: Paging,
    /// Largest page a customer search serves, whatever size it asks (1-500).
    #[arg(long, value_name = "N", default_value_t = crate::sandbox::MAX_PAGE_SIZE)]
    pub(crate) max_page_size: usize,
    /// Do not start success bodies with a UTF-8 BOM (the live service does).
    #[arg(long)]
    pub(crate) no_bom: bool,
    /// Refuse a registration number for a country that takes none (600002) instead of ignoring it.
    #[arg(long)]
    pub(crate) strict_registration: bool,
    /// The partner's own e-mail domain (repeatable): a customer e-mail there is refused (27017).
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) partner_domain: Vec<String>,
    /// Countries (comma-separated, e.g. JP) whose country rules list states by name (Osaka), not by code.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) states_as_names: Vec<String>,
    /// Issue App+User tokens without MFA and answer every App+User call 401 code 900421 (Partner Center since April 2026).
    #[arg(long)]
    pub(crate) no_mfa: bool,
    /// Issue opaque access tokens instead of (unsigned) JWTs: clients cannot check them for MFA.
    #[arg(long)]
    pub(crate) opaque_tokens: bool,
    /// How `pc-onboard login` against the sandbox ends: approve (after a pending poll), slow_down (first), declined or expired.
    #[arg(long, value_name = "HOW", default_value = "approve")]
    pub(crate) device_flow: DeviceOutcome,
    /// The polling interval a device-code sign-in is asked to keep, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub(crate) device_poll: u64,
    /// A domain (`contoso` or `contoso.onmicrosoft.com`) owned by a Microsoft tenant that is not one of the partner's customers: taken for HEAD /v1/domains, 409 on create, not found by the customer search (repeat the flag, or separate with commas).
    #[arg(long, value_name = "DOMAIN", value_delimiter = ',')]
    pub(crate) foreign_domain: Vec<String>,
    /// Seconds an enhanced MCA attestation's acceptance link lives (0: expired at once).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_ATTESTATION_TTL.as_secs())]
    pub(crate) attestation_ttl: u64,
    /// Field names of the enhanced attestation answers: plain (id, status, url) or alternate (attestationId, attestationStatus, links.acceptance.uri).
    #[arg(long, value_name = "NAMES", default_value = "plain")]
    pub(crate) attestation_names: AttestationNames,
    /// How the legacy MCA calls (GET /v1/agreements, an agreement with a template id) answer: live, or retired (410, and 403 code 13605).
    #[arg(long, value_name = "HOW", default_value = "live")]
    pub(crate) legacy_mca: LegacyMca,
}

impl From<&SandboxArgs> for SandboxConfig {
    /// The configuration of `pc-onboard sandbox`: flags, plus accepted
    /// credentials from the environment; requests are logged.
    fn from(args: &SandboxArgs) -> Self {
        SandboxConfig {
            quota: args.quota,
            latency: Duration::from_millis(args.latency),
            fail_rate: args.fail_rate,
            seed: args.seed,
            token_ttl: Duration::from_secs(args.token_ttl),
            credentials: AcceptedCredentials::from_env(),
            customer_limit: args.limit.map(|n| n as usize),
            state_file: args.state.clone(),
            log_requests: true,
            fail_on: args
                .fail_on
                .as_ref()
                .map_or_else(|| Endpoint::API.to_vec(), |list| list.0.clone()),
            fail_with: args
                .fail_with
                .as_ref()
                .map(|list| list.0.clone())
                .unwrap_or_default(),
            paging: args.paging,
            max_page_size: args.max_page_size,
            bom: !args.no_bom,
            strict_registration: args.strict_registration,
            partner_domains: args.partner_domain.clone(),
            state_names: args
                .states_as_names
                .iter()
                .map(|c| c.trim().to_uppercase())
                .collect(),
            app_user_mfa: !args.no_mfa,
            opaque_tokens: args.opaque_tokens,
            device: DeviceScript {
                outcome: args.device_flow,
                interval_secs: args.device_poll,
                ..DeviceScript::default()
            },
            foreign_domains: args.foreign_domain.clone(),
            attestation_ttl: Duration::from_secs(args.attestation_ttl),
            attestation_names: args.attestation_names,
            legacy_mca: args.legacy_mca,
        }
    }
}

/// Arguments of `pc-onboard template`.
#[derive(Debug, Args)]
pub(crate) struct TemplateArgs {
    /// The file to write: .xlsx (notes, drop-down lists, instructions) or .csv.
    pub(crate) file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub(crate) force: bool,
    /// Fill the template with the rows of this input (CSV or .xlsx) instead of an example row.
    #[arg(long, value_name = "INPUT")]
    pub(crate) from: Option<PathBuf>,
    /// How to read --from.
    #[command(flatten)]
    pub(crate) input_args: InputArgs,
}

/// Arguments of `pc-onboard login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Partner Center cloud: the authority to sign in at and the API the sign-in is for.
    #[arg(long, value_enum, default_value_t = Cloud::Global)]
    pub(crate) cloud: Cloud,
    /// Token authority URL (default: the cloud's), e.g. a sandbox's.
    #[arg(long, value_name = "URL", env = "PC_AUTHORITY", hide_env_values = true)]
    pub(crate) authority: Option<String>,
    /// Say who is signed in (user, tenant, cloud, when, MFA) and exit 0, or exit 1 when nobody is.
    #[arg(long)]
    pub(crate) status: bool,
}

/// Arguments of `pc-onboard completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

impl ValueEnum for Cloud {
    fn value_variants<'a>() -> &'a [Self] {
        &Cloud::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Cloud::Global => "Public cloud (api.partnercenter.microsoft.com)",
            Cloud::China => "Partner Center operated by 21Vianet",
            Cloud::Usgov => "Microsoft Cloud for US Government",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::tests::invocation;
    use crate::cli::{Command, Invocation, parse_from};
    use crate::partner_center::cloud::{
        CHINA_API, CHINA_AUTHORITY, CloudEndpoints, GLOBAL_API, GLOBAL_AUTHORITY, USGOV_AUTHORITY,
    };
    use crate::settings::ConnectSettings;

    /// The connection settings of a command line (flags only: the binary
    /// tests cover `PC_ENDPOINT` / `PC_AUTHORITY`).
    fn connect(args: &[&str]) -> ConnectSettings {
        match invocation(args).unwrap() {
            Invocation::Run(s) => s.connect().clone(),
            Invocation::Validate(s) => s.connect().clone(),
            _ => panic!("no connection settings"),
        }
    }

    fn run(extra: &[&str]) -> CloudEndpoints {
        let mut args = vec!["pc-onboard", "run", "in.csv", "--results", "r.csv"];
        args.extend(extra);
        connect(&args).endpoints()
    }

    #[test]
    fn cloud_flags_set_endpoint_authority_and_resource() {
        let global = run(&[]);
        assert_eq!(
            (
                global.api.as_str(),
                global.authority.as_str(),
                global.resource.as_str()
            ),
            (GLOBAL_API, GLOBAL_AUTHORITY, GLOBAL_API)
        );
        let china = run(&["--cloud", "china"]);
        assert_eq!(china.api, CHINA_API);
        assert_eq!(china.authority, CHINA_AUTHORITY);
        assert_eq!(
            china.resource,
            "https://partner.partnercenterapi.microsoftonline.cn"
        );
        assert_eq!(
            china.token_url("contoso.partner.onmschina.cn"),
            "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/token"
        );
        let usgov = run(&["--cloud", "usgov"]);
        assert_eq!(usgov.api, GLOBAL_API);
        assert_eq!(usgov.authority, USGOV_AUTHORITY);
        assert_eq!(usgov.resource, GLOBAL_API);
    }

    #[test]
    fn endpoint_and_authority_flags_override_the_cloud_but_not_its_resource() {
        let c = run(&[
            "--cloud",
            "china",
            "--endpoint",
            "https://proxy.example/pc/",
            "--authority",
            "https://login.proxy.example",
        ]);
        assert_eq!(c.api, "https://proxy.example/pc");
        assert_eq!(c.authority, "https://login.proxy.example");
        assert_eq!(c.resource, CHINA_API);
        let only_authority = run(&["--cloud", "usgov", "--authority", "https://login.example"]);
        assert_eq!(only_authority.api, GLOBAL_API);
        assert_eq!(only_authority.authority, "https://login.example");
    }

    #[test]
    fn validate_online_takes_the_same_connection_flags() {
        let o = connect(&[
            "pc-onboard",
            "validate",
            "in.csv",
            "--online",
            "--cloud",
            "china",
            "--rate",
            "120",
            "--concurrency",
            "4",
            "--timeout",
            "9",
            "--max-attempts",
            "2",
        ]);
        assert_eq!(o.endpoints().api, CHINA_API);
        assert_eq!(o.rate().get(), 120);
        assert_eq!(
            o.concurrency(),
            Concurrency::Fixed(NonZeroU32::new(4).unwrap())
        );
        assert_eq!(o.timeout(), Duration::from_secs(9));
        assert_eq!(o.retry_policy().max_attempts, 2);
        assert!(!o.sandbox());
        let Invocation::Validate(sandboxed) =
            invocation(&["pc-onboard", "validate", "in.csv", "--sandbox"]).unwrap()
        else {
            panic!("validate")
        };
        assert!(sandboxed.online(), "--sandbox implies --online");
        let both = [
            "pc-onboard",
            "validate",
            "in.csv",
            "--sandbox",
            "--endpoint",
            "http://x",
        ];
        let error = invocation(&both).err().unwrap().to_string();
        assert!(error.contains("drop --endpoint"), "{error}");
    }

    fn sandbox_config(args: &[&str]) -> Result<SandboxConfig, String> {
        let mut all = vec!["pc-onboard", "sandbox"];
        all.extend(args);
        let (cli, _) = parse_from(all).map_err(|e| e.to_string())?;
        let Command::Sandbox(args) = cli.command else {
            panic!("sandbox")
        };
        Ok(SandboxConfig::from(&args))
    }

    #[test]
    fn sandbox_flags_set_faults_paging_bom_and_registration() {
        let c = sandbox_config(&[
            "--fail-rate",
            "0.2",
            "--fail-on",
            "create,token",
            "--fail-with",
            "503,html,429",
            "--paging",
            "uri",
            "--max-page-size",
            "3",
            "--no-bom",
            "--strict-registration",
        ])
        .unwrap();
        assert_eq!(c.fail_on, vec![Endpoint::Create, Endpoint::Token]);
        assert_eq!(c.fail_with.len(), 3);
        assert_eq!(c.paging, Paging::Uri);
        assert_eq!(c.max_page_size, 3);
        assert!(!c.bom && c.strict_registration);
        let d = sandbox_config(&[]).unwrap();
        assert_eq!(d.fail_on, Endpoint::API.to_vec());
        assert!(d.fail_with.is_empty());
        assert_eq!(d.paging, Paging::Headers);
        assert_eq!(d.max_page_size, crate::sandbox::MAX_PAGE_SIZE);
        assert!(d.bom && !d.strict_registration);
        for bad in [
            ["--fail-on", "orders"],
            ["--fail-with", "teapot"],
            ["--paging", "pages"],
        ] {
            let err = sandbox_config(&bad).unwrap_err();
            assert!(err.contains(bad[1]), "{err}");
        }
    }

    #[test]
    fn clouds_parse_by_name() {
        for cloud in Cloud::ALL {
            assert_eq!(cloud.name().parse::<Cloud>(), Ok(cloud));
            assert_eq!(Cloud::from_str(cloud.name(), true), Ok(cloud));
        }
        assert!("mars".parse::<Cloud>().is_err());
    }
}
