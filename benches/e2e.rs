//! End-to-end benchmarks of `pc-onboard`: the release binary
//! against `pc-onboard sandbox` processes on loopback, timed with
//! `/usr/bin/time`. Every figure is measured in this run; each suite prints a
//! Markdown table (ratios, so noisy machines stay comparable) and a list of
//! the targets met or missed.
//!
//! ```sh
//! benches/run.sh                      # everything (about 17 minutes)
//! benches/run.sh rate baseline        # some suites
//! benches/run.sh --quick              # small sizes: a smoke test, not a measurement
//! ```
//!
//! `benches/run.sh` builds the binary and `examples/gen_customers` first,
//! then runs `cargo bench --bench e2e -- SUITES`. Suites: `rate`, `warmup`,
//! `baseline`, `validate`, `overhead`. The exit code is 3 when a target was missed.

#![allow(missing_docs, clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "e2e/baseline.rs"]
mod baseline;
#[path = "e2e/measure.rs"]
mod measure;
#[path = "e2e/overhead.rs"]
mod overhead;
#[path = "e2e/rate.rs"]
mod rate;
#[path = "e2e/report.rs"]
mod report;
#[path = "e2e/sandbox.rs"]
mod sandbox;
#[path = "e2e/schedule.rs"]
mod schedule;
#[path = "e2e/validate.rs"]
mod validate;
#[path = "e2e/warmup.rs"]
mod warmup;

use measure::{Measured, TIME, bin, created, f, gen_bin, generate, median, run, timed, u};
use report::{Report, machine};
use sandbox::Sandbox;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Re-executed as the plain-csv floor of the validation suite.
    if args.first().map(String::as_str) == Some("__csv_floor") {
        validate::csv_floor(Path::new(&args[1]));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let mut suites: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if suites.is_empty() || suites.contains(&"all") {
        suites = vec!["rate", "warmup", "baseline", "validate", "overhead"];
    }
    for needed in [bin(), gen_bin(), PathBuf::from(TIME)] {
        if !needed.exists() {
            eprintln!(
                "missing {}: run benches/run.sh (it builds the binary and examples/gen_customers; /usr/bin/time is GNU time)",
                needed.display()
            );
            std::process::exit(1);
        }
    }
    let work = tempfile::tempdir().expect("temporary directory");
    let mut report = Report::default();
    println!(
        "# pc-onboard benchmarks{}",
        if quick {
            " (--quick: smoke sizes, targets not judged)"
        } else {
            ""
        }
    );
    println!();
    println!("{}", machine());
    for suite in suites {
        let started = Instant::now();
        match suite {
            "rate" => rate::rate(work.path(), quick, &mut report),
            "warmup" => warmup::warmup(work.path(), quick, &mut report),
            "baseline" => baseline::baseline(work.path(), quick, &mut report),
            "validate" => validate::validate(work.path(), quick, &mut report),
            "overhead" => overhead::overhead(work.path(), quick, &mut report),
            other => {
                eprintln!("unknown suite {other}: rate, warmup, baseline, validate, overhead");
                std::process::exit(1);
            }
        }
        println!("({suite}: {:.0} s)\n", started.elapsed().as_secs_f64());
    }
    println!("## Targets\n");
    for line in &report.lines {
        println!("{line}");
    }
    if report.missed > 0 && !quick {
        println!("\n{} target(s) missed", report.missed);
        std::process::exit(3);
    }
}
