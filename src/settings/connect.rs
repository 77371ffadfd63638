//! [`ConnectSettings`]: where to connect and how hard to push (`run`,
//! `validate --online`).

use std::num::NonZeroU32;
use std::time::Duration;

use super::{Given, Layers, SettingsError, Source, Sourced};
use crate::partner_center::client::{DEFAULT_CREATE_TIMEOUT, DEFAULT_TIMEOUT};
use crate::partner_center::cloud::{Cloud, CloudEndpoints};
use crate::pipeline::{Concurrency, DEFAULT_MAX_RETRY_WAIT, RetryPolicy};

/// Default `rate`: API calls per minute, under Partner Center's 500.
pub(crate) const DEFAULT_RATE: NonZeroU32 = NonZeroU32::new(400).expect("non-zero");
/// Default `max_attempts` per call.
pub(crate) const DEFAULT_MAX_ATTEMPTS: NonZeroU32 = NonZeroU32::new(5).expect("non-zero");
/// Default `timeout` of one call, in seconds.
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = DEFAULT_TIMEOUT.as_secs();
/// Default `create_timeout` of one create call, in seconds.
pub(crate) const DEFAULT_CREATE_TIMEOUT_SECS: u64 = DEFAULT_CREATE_TIMEOUT.as_secs();
/// Default `max_retry_wait`, in seconds.
pub(crate) const DEFAULT_MAX_RETRY_WAIT_SECS: u64 = DEFAULT_MAX_RETRY_WAIT.as_secs();

/// Where to connect and how hard to push, resolved and checked: with
/// `--sandbox` there is no endpoint or authority; both timeouts are at
/// least a second and a create's is never shorter than a call's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectSettings {
    sandbox: bool,
    cloud: Sourced<Cloud>,
    endpoint: Option<Sourced<String>>,
    authority: Option<Sourced<String>>,
    rate: Sourced<NonZeroU32>,
    concurrency: Sourced<Concurrency>,
    max_attempts: Sourced<NonZeroU32>,
    timeout: Sourced<Duration>,
    create_timeout: Sourced<Duration>,
    max_retry_wait: Sourced<Duration>,
}

impl ConnectSettings {
    /// Resolve the connection settings of `layers`, against the built-in
    /// sandbox when `sandbox`: an endpoint or authority given on the
    /// command line with it is an error, one from the environment or the
    /// config file (e.g. left exported by a real job) is dropped, so
    /// `--sandbox` works in any shell.
    pub(crate) fn resolve(sandbox: bool, layers: &Layers) -> Result<Self, SettingsError> {
        let mut endpoint = layers.pick("endpoint", |l| l.endpoint.clone());
        let mut authority = layers.pick("authority", |l| l.authority.clone());
        if sandbox {
            for (key, value) in [("endpoint", &mut endpoint), ("authority", &mut authority)] {
                if value.as_ref().map(Sourced::source) == Some(Source::CommandLine) {
                    return Err(SettingsError::SandboxWith(key));
                }
                *value = None;
            }
        }
        let secs = |key, default, get: fn(&super::Layer) -> Option<Duration>| {
            layers.pick_or(key, Duration::from_secs(default), get)
        };
        let timeout = secs("timeout", DEFAULT_TIMEOUT_SECS, |l| l.timeout);
        let mut create_timeout = secs("create_timeout", DEFAULT_CREATE_TIMEOUT_SECS, |l| {
            l.create_timeout
        });
        for (key, value) in [("timeout", &timeout), ("create_timeout", &create_timeout)] {
            if value.value().is_zero() {
                return Err(SettingsError::ZeroTimeout(key));
            }
        }
        // The one clamp: a create waits at least as long as any call.
        if create_timeout.value() < timeout.value() {
            tracing::info!(
                create_timeout_secs = create_timeout.value().as_secs(),
                timeout_secs = timeout.value().as_secs(),
                "the create timeout is raised to the call timeout"
            );
            create_timeout = Sourced::new(*timeout.value(), create_timeout.source());
        }
        Ok(ConnectSettings {
            sandbox,
            cloud: layers.pick_or("cloud", Cloud::Global, |l| l.cloud),
            endpoint,
            authority,
            rate: layers.pick_or("rate", DEFAULT_RATE, |l| l.rate),
            concurrency: layers.pick_or("concurrency", Concurrency::Auto, |l| l.concurrency),
            max_attempts: layers.pick_or("max_attempts", DEFAULT_MAX_ATTEMPTS, |l| l.max_attempts),
            timeout,
            create_timeout,
            max_retry_wait: secs("max_retry_wait", DEFAULT_MAX_RETRY_WAIT_SECS, |l| {
                l.max_retry_wait
            }),
        })
    }

    /// Against the built-in sandbox, started in-process.
    pub(crate) fn sandbox(&self) -> bool {
        self.sandbox
    }

    /// The Partner Center cloud.
    pub(crate) fn cloud(&self) -> Cloud {
        *self.cloud.value()
    }

    /// The API base URL replacing the cloud's, if any (never with the sandbox).
    pub(crate) fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_ref().map(|e| e.value().as_str())
    }

    /// The token authority replacing the cloud's, if any (never with the sandbox).
    pub(crate) fn authority(&self) -> Option<&str> {
        self.authority.as_ref().map(|a| a.value().as_str())
    }

    /// The cloud's API base URL, authority and token resource, with the
    /// endpoint and authority settings replacing the first two.
    pub(crate) fn endpoints(&self) -> CloudEndpoints {
        CloudEndpoints::for_cloud(self.cloud()).with_overrides(self.endpoint(), self.authority())
    }

    /// API calls per minute across all workers.
    pub(crate) fn rate(&self) -> NonZeroU32 {
        *self.rate.value()
    }

    /// Calls in flight.
    pub(crate) fn concurrency(&self) -> Concurrency {
        *self.concurrency.value()
    }

    /// Attempts per call.
    pub(crate) fn max_attempts(&self) -> NonZeroU32 {
        *self.max_attempts.value()
    }

    /// The per-call retry policy: `max_attempts`, default backoff.
    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts().get(),
            ..RetryPolicy::default()
        }
    }

    /// Timeout of one call (at least a second).
    pub(crate) fn timeout(&self) -> Duration {
        *self.timeout.value()
    }

    /// Timeout of one create call, never shorter than [`Self::timeout`].
    pub(crate) fn create_timeout(&self) -> Duration {
        *self.create_timeout.value()
    }

    /// The longest Retry-After honoured.
    pub(crate) fn max_retry_wait(&self) -> Duration {
        *self.max_retry_wait.value()
    }

    /// The settings given by the command line or the environment, as text:
    /// what a printed command repeats.
    pub(crate) fn given(&self) -> Vec<Given> {
        let secs = |d: &Duration| d.as_secs().to_string();
        let mut out = Vec::new();
        let mut add = |key, source: Source, value: String| {
            if source.is_given() {
                out.push((key, value));
            }
        };
        add("cloud", self.cloud.source(), self.cloud().to_string());
        for (key, value) in [("endpoint", &self.endpoint), ("authority", &self.authority)] {
            if let Some(value) = value {
                add(key, value.source(), value.value().clone());
            }
        }
        add("rate", self.rate.source(), self.rate().to_string());
        add(
            "concurrency",
            self.concurrency.source(),
            self.concurrency().to_string(),
        );
        add(
            "max_attempts",
            self.max_attempts.source(),
            self.max_attempts().to_string(),
        );
        add("timeout", self.timeout.source(), secs(self.timeout.value()));
        add(
            "create_timeout",
            self.create_timeout.source(),
            secs(self.create_timeout.value()),
        );
        add(
            "max_retry_wait",
            self.max_retry_wait.source(),
            secs(self.max_retry_wait.value()),
        );
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::settings::Layer;

    fn layers(command_line: Layer, environment: Layer, config_file: Layer) -> Layers {
        Layers {
            command_line,
            environment,
            config_file,
        }
    }

    #[test]
    fn a_flag_wins_over_the_environment_which_wins_over_the_config_file() {
        let flag = Layer {
            rate: NonZeroU32::new(50),
            ..Layer::default()
        };
        let env = Layer {
            endpoint: Some("http://env".to_owned()),
            ..Layer::default()
        };
        let config = Layer {
            rate: NonZeroU32::new(7),
            endpoint: Some("http://config".to_owned()),
            cloud: Some(Cloud::Usgov),
            ..Layer::default()
        };
        let s = ConnectSettings::resolve(false, &layers(flag, env, config)).unwrap();
        assert_eq!(s.rate().get(), 50);
        assert_eq!(s.endpoint(), Some("http://env"));
        assert_eq!(s.cloud(), Cloud::Usgov);
        assert_eq!(s.max_attempts(), DEFAULT_MAX_ATTEMPTS);
        assert_eq!(s.timeout(), Duration::from_secs(60));
        assert_eq!(
            s.given(),
            [
                ("endpoint", "http://env".to_owned()),
                ("rate", "50".to_owned())
            ],
            "the config file's and the defaults are not repeated"
        );
    }

    #[test]
    fn the_sandbox_refuses_an_endpoint_flag_and_drops_one_from_elsewhere() {
        let endpoint = Layer {
            endpoint: Some("http://x".to_owned()),
            authority: Some("http://y".to_owned()),
            ..Layer::default()
        };
        let flag = layers(endpoint.clone(), Layer::default(), Layer::default());
        assert_eq!(
            ConnectSettings::resolve(true, &flag)
                .unwrap_err()
                .to_string(),
            "--sandbox runs against the built-in emulator: drop --endpoint"
        );
        for quiet in [
            layers(Layer::default(), endpoint.clone(), Layer::default()),
            layers(Layer::default(), Layer::default(), endpoint.clone()),
        ] {
            let s = ConnectSettings::resolve(true, &quiet).unwrap();
            assert_eq!((s.endpoint(), s.authority()), (None, None));
            assert!(s.sandbox() && s.given().is_empty());
        }
    }

    #[test]
    fn a_create_timeout_is_never_shorter_than_the_call_timeout() {
        let flag = Layer {
            timeout: Some(Duration::from_secs(90)),
            create_timeout: Some(Duration::from_secs(10)),
            ..Layer::default()
        };
        let s = ConnectSettings::resolve(false, &layers(flag, Layer::default(), Layer::default()))
            .unwrap();
        assert_eq!(s.create_timeout(), Duration::from_secs(90));
        let zero = Layer {
            timeout: Some(Duration::ZERO),
            ..Layer::default()
        };
        let error =
            ConnectSettings::resolve(false, &layers(zero, Layer::default(), Layer::default()));
        assert_eq!(error, Err(SettingsError::ZeroTimeout("timeout")));
    }
}
