//! `pc-onboard template FILE`: write the file to start from and say what
//! to do next.

use crate::logging::{Console, Level};
use crate::template::{Rows, write_template};

use super::ExitStatus;
use crate::settings::InputSettings;

/// Write the template `file` (`--force`: replace it), its rows from
/// `from` or an example row.
pub(super) fn template(
    file: &std::path::Path,
    force: bool,
    from: Option<&InputSettings>,
) -> anyhow::Result<ExitStatus> {
    let rows = match from {
        Some(input) => Rows::From(input.path().to_owned(), input.options()),
        None => Rows::Example,
    };
    let report = write_template(file, &rows, force)?;
    let quoted = crate::cli::command_line::shell_quote(file.as_os_str());
    let (what, next) = match from {
        Some(input) => (
            format!("{} rows of {}", report.rows, input.path().display()),
            "check it with",
        ),
        None => (
            "an example row (overwrite it or delete it)".to_owned(),
            "fill it in, then check it with",
        ),
    };
    Console::get().line(
        Level::Info,
        &format!(
            "wrote {}: {} columns, {what}; {next}: {} validate {quoted}",
            file.display(),
            report.columns,
            crate::cli::command_line::program(),
        ),
    );
    Ok(ExitStatus::Success)
}
