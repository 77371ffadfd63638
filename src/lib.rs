//! pc-onboard: bulk customer onboarding for Microsoft Partner Center.
//!
//! The modules follow the data flow: [`input`] reads rows, [`validate`] turns
//! them into `validate::NewCustomer` values or problems, [`pipeline`] sends
//! them through [`partner_center`] under a rate limit, and [`results`] writes
//! one results row per input row. [`files`] holds the files a run owns
//! (results, journal, lock, credentials, resume, the same-file rule).
//! [`sandbox`] emulates Partner Center. `settings` holds a command's
//! settings, resolved once from flags, environment and config file.
//! [`cli`] and [`commands`] are the edge: the command line and the config
//! file (resolved into `settings`), and one function per subcommand
//! taking them; the library never imports them.
//! `template` writes the file a user starts from (`pc-onboard template`).
//! [`logging`] sets up stderr logs.

// Library code neither unwraps nor prints to stdout (tests may unwrap).
#![warn(clippy::unwrap_used, clippy::print_stdout)]
// Crate-internal items are `pub(crate)`, not `pub`: only what `main.rs`,
// tests/, benches/ and examples/ use is public, so that rustc's `dead_code`
// sees the rest (`cargo fix --lib` turns a stray `pub` into `pub(crate)`).
#![warn(unreachable_pub)]

pub(crate) mod bom;
pub mod cli;
pub mod commands;
pub mod files;
pub mod input;
pub mod logging;
pub(crate) mod login;
pub mod partner_center;
pub mod pipeline;
pub mod results;
pub mod sandbox;
pub(crate) mod secrets;
pub(crate) mod settings;
pub(crate) mod template;
pub mod validate;
