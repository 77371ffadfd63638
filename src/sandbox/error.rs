//! What can go wrong starting or running the sandbox: a setting out of
//! range, its state file, its socket.

use std::io;
use std::path::PathBuf;

/// Why the sandbox cannot start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A setting (a `pc-onboard sandbox` flag) is out of range; the message
    /// names the flag and what it takes.
    #[error("{0}")]
    Setting(String),
    /// The `--state` file cannot be read.
    #[error("cannot read sandbox state {}", path.display())]
    ReadState {
        /// The state file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The `--state` file is not a state file.
    #[error("sandbox state {} is not a sandbox state file (JSON)", path.display())]
    StateFormat {
        /// The state file.
        path: PathBuf,
        /// What the JSON parser said.
        #[source]
        source: serde_json::Error,
    },
    /// The `--state` file was written by a newer build.
    #[error("sandbox state {} has format version {version}, this build reads version 1", path.display())]
    StateVersion {
        /// The state file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// The socket cannot be bound.
    #[error("cannot listen on {address}")]
    Listen {
        /// The address asked for (`127.0.0.1:0` for a free loopback port).
        address: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Serving failed, or the banner could not be written.
    #[error("the sandbox server failed")]
    Serve(#[source] io::Error),
    /// The server's task panicked or was cancelled.
    #[error("the sandbox server task failed")]
    Task(#[source] tokio::task::JoinError),
}
