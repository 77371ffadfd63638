//! Render a results CSV (the journal) as a results workbook, as `run` and
//! `validate` do at the end with `--results out.xlsx`. Used by
//! `benches/xlsx.sh`; handy to look at a workbook without a run. A journal
//! named `X.journal.csv` is rendered with the problems file `X.problems.jsonl`
//! beside it when there is one (the cell notes of the invalid rows).
//!
//! `cargo run --release --example render_workbook -- JOURNAL.csv OUT.xlsx [--sheet NAME]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use pc_onboard::files::{JOURNAL_SUFFIX, PROBLEMS_SUFFIX};
use pc_onboard::results::{WorkbookOptions, render_workbook};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(journal), Some(workbook)) = (args.first(), args.get(1)) else {
        eprintln!("usage: render_workbook JOURNAL.csv OUT.xlsx [--sheet NAME]");
        return ExitCode::from(64);
    };
    let sheet = args
        .iter()
        .position(|a| a == "--sheet")
        .and_then(|i| args.get(i + 1));
    let mut options = WorkbookOptions::new(sheet.map(String::as_str));
    options.facts.input = Some(PathBuf::from(journal));
    options.facts.started = Some(SystemTime::now());
    options.facts.mode = "render_workbook example".to_owned();
    options.problems = journal
        .strip_suffix(JOURNAL_SUFFIX)
        .map(|workbook| PathBuf::from(format!("{workbook}{PROBLEMS_SUFFIX}")));
    match render_workbook(journal.as_ref(), workbook.as_ref(), &options) {
        Ok(report) => {
            let tally = &report.summary;
            eprintln!(
                "{}: {} rows on sheet {}, {} cells flagged, {} error codes",
                report.path.display(),
                tally.rows,
                report.sheet,
                tally.flagged_cells,
                tally.codes.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
