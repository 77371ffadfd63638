//! `--summary-json FILE`: the run's summary for scripts, one JSON object.

use std::path::{Path, PathBuf};

use crate::input::io_reason;

/// The summary JSON file cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {}", .path.display(), io_reason(.error))]
pub(crate) struct SummaryJsonError {
    /// The `--summary-json` file.
    pub(crate) path: PathBuf,
    /// The OS error (in the message, so not repeated as a `source()`).
    pub(crate) error: std::io::Error,
}

/// Write `summary` to `path`, pretty-printed, ending with a line break.
pub(crate) fn write_summary_json(
    path: &Path,
    summary: &serde_json::Value,
) -> Result<(), SummaryJsonError> {
    let error = |error| SummaryJsonError {
        path: path.to_owned(),
        error,
    };
    let text = serde_json::to_string_pretty(summary).map_err(|e| error(e.into()))?;
    // The summary may quote an error text: never a secret the process holds.
    let text = crate::secrets::scrubbed(&text);
    // Its reader may have gone during the run: never wait for another.
    if super::identity::is_unread_fifo(path) {
        let gone = std::io::Error::other("a FIFO nobody reads any more");
        return Err(error(gone));
    }
    std::fs::write(path, text + "\n").map_err(error)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    #[test]
    fn the_summary_is_one_pretty_json_object_and_a_line_break() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        write_summary_json(&path, &serde_json::json!({"rows": 3})).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\n  \"rows\": 3\n}\n"
        );
    }

    #[test]
    fn an_unwritable_summary_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/summary.json");
        let err = write_summary_json(&path, &serde_json::json!({})).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("cannot write "), "{text}");
        assert!(text.contains("nope/summary.json: "), "{text}");
    }
}
