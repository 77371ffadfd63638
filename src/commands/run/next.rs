//! The commands the summary prints, built from the run's settings (written
//! back by `cli::command_line`, so they repeat `--config`, the connection
//! and every flag given, quoted for a POSIX shell): re-run the results
//! file into a new one, or finish this run with `--resume`. The results
//! and summary files they write are new ones (the next free `-2`, `-3` ...
//! name); the initial passwords go to the same `--credentials-out` file,
//! which a run adds to (never with `--force`): a pasted command never
//! overwrites results, initial passwords or a summary, and the passwords of
//! one batch stay in one file.

use std::path::{Path, PathBuf};

use crate::cli::command_line::{run_args, shell_command};
use crate::files::{ResultsFormat, results_format};
use crate::input::Layout;
use crate::results::WorkbookOptions;
use crate::settings::{Again, RunSettings};

/// The printed commands of one run.
#[derive(Debug, Clone)]
pub(super) struct NextCommands {
    /// Runs the results file again into a new one.
    pub(crate) rerun: String,
    /// Finishes this run (`--resume`).
    pub(crate) resume: String,
}

impl NextCommands {
    /// The commands after a run with `settings` of an input laid out as `layout`.
    pub(super) fn new(settings: &RunSettings, layout: &Layout) -> Self {
        let results = settings.results();
        // A results workbook has its rows on the sheet named after the
        // input's: named as a flag, so no config file's `sheet` applies.
        let sheet = matches!(results_format(results), Ok(ResultsFormat::Workbook))
            .then(|| WorkbookOptions::new(layout.sheet.as_deref()).sheet);
        let new_files = |input, results, resume| Again {
            input,
            results,
            resume,
            credentials_out: settings.credentials_out().map(Path::to_path_buf),
            summary_json: settings.summary_json().map(next_free),
        };
        let rerun = settings.again(new_files(
            settings.input().for_file(results.to_owned(), sheet),
            next_free(results),
            false,
        ));
        let resume = settings.again(new_files(
            settings.input().clone(),
            results.to_owned(),
            true,
        ));
        NextCommands {
            rerun: shell_command(&run_args(&rerun)),
            resume: shell_command(&run_args(&resume)),
        }
    }
}

/// The first name after `path` (`results-2.csv`, `results-3.csv` ...) that
/// names no file.
fn next_free(path: &Path) -> PathBuf {
    let mut next = next_name(path);
    for _ in 0..1000 {
        if !next.exists() {
            break;
        }
        next = next_name(&next);
    }
    next
}

/// `results.csv` → `results-2.csv`, `results-2.xlsx` → `results-3.xlsx`.
fn next_name(results: &Path) -> PathBuf {
    let stem = results
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".to_owned());
    let ext = results
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let (base, n) = match stem.rsplit_once('-') {
        Some((base, n)) if n.parse::<u32>().is_ok() => {
            (base.to_owned(), n.parse::<u32>().unwrap_or(1) + 1)
        }
        _ => (stem, 2),
    };
    results.with_file_name(format!("{base}-{n}{ext}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::Invocation;
    use crate::cli::tests::invocation;
    use crate::input::Dialect;

    /// The commands after `pc-onboard ARGS` on an input whose sheet is `sheet`.
    fn commands(args: &[&str], sheet: Option<&str>) -> NextCommands {
        let Invocation::Run(settings) = invocation(args).unwrap() else {
            panic!("not run")
        };
        let header = "company_name,domain,email,culture,language,first_name,last_name,\
                      address_line1,city,postal_code,country";
        let headers = csv::ByteRecord::from(header.split(',').collect::<Vec<_>>());
        let mut layout =
            Layout::from_headers(settings.input().path(), headers, Dialect::default()).unwrap();
        layout.sheet = sheet.map(str::to_owned);
        NextCommands::new(&settings, &layout)
    }

    #[test]
    fn a_results_workbook_is_re_run_on_its_results_sheet_and_a_resume_keeps_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let (input, results, creds) = (path("in.xlsx"), path("out.xlsx"), path("c.csv"));
        std::fs::write(&creds, "").unwrap();
        let args = [
            "pc-onboard",
            "run",
            &input,
            "--results",
            &results,
            "--sheet",
            "Klanten",
            "--credentials-out",
            &creds,
            "--force",
            "--rate",
            "90",
        ];
        let next = commands(&args, Some("Klanten"));
        let out2 = path("out-2.xlsx");
        assert_eq!(
            next.rerun,
            format!(
                "pc-onboard run {results} --results {out2} --credentials-out {creds} \
                 --sheet Klanten --rate 90"
            ),
            "never --force: the credentials file is added to"
        );
        assert_eq!(
            next.resume,
            format!(
                "pc-onboard run {input} --results {results} --resume --credentials-out {creds} \
                 --sheet Klanten --rate 90"
            )
        );
        let from_csv = commands(
            &["pc-onboard", "run", "in.csv", "--results", "out.xlsx"],
            None,
        );
        assert_eq!(
            from_csv.rerun,
            "pc-onboard run out.xlsx --results out-2.xlsx --sheet Results"
        );
    }

    #[test]
    fn the_next_results_file_counts_up() {
        assert_eq!(
            next_name(Path::new("results.csv")),
            Path::new("results-2.csv")
        );
        assert_eq!(
            next_name(Path::new("out/results-2.xlsx")),
            Path::new("out/results-3.xlsx")
        );
        assert_eq!(
            next_name(Path::new("run-final.csv")),
            Path::new("run-final-2.csv")
        );
    }

    #[test]
    fn the_next_free_name_skips_files_that_exist() {
        let dir = tempfile::tempdir().unwrap();
        let results = dir.path().join("r.csv");
        assert_eq!(next_free(&results), dir.path().join("r-2.csv"));
        std::fs::write(dir.path().join("r-2.csv"), "").unwrap();
        assert_eq!(next_free(&results), dir.path().join("r-3.csv"));
    }
}
