//! Suite 1: rate adherence against a quota, at low and high latency, and
//! a rate above the quota (the Retry-After audit in `schedule`).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::schedule::{audit_retry_after, ideal_secs};
use super::{Measured, Report, Sandbox, created, f, generate, run, u};

pub(crate) fn rate(work: &Path, quick: bool, report: &mut Report) {
    println!("## 1. Rate adherence\n");
    let rows: u64 = if quick { 100 } else { 1000 };
    let rows_c8: u64 = if quick { 40 } else { 300 };
    let input = work.join("rate.csv");
    generate(&input, rows, 0);
    let input_c8 = work.join("rate-c8.csv");
    generate(&input_c8, rows_c8, 0);

    println!(
        "| sandbox | run | rows | created | wall s | created/min | ÷ rate | 429s (tool / sandbox) | duplicates |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    under_quota(work, &input, rows, report);
    high_latency(work, &input, &input_c8, rows, report);
    over_quota(work, &input, rows, report);
    println!();
}

/// One run against a fresh sandbox: the run's figures and summary, the
/// sandbox's stats and request log.
struct Case {
    m: Measured,
    s: Value,
    st: Value,
    log: Vec<(Duration, String)>,
}

impl Case {
    fn measure(work: &Path, sandbox: &[&str], input: &Path, flags: &[&str]) -> Case {
        let sb = Sandbox::start(sandbox);
        let (m, s) = run(work, &sb, input, flags);
        let st = sb.stats();
        let log = sb.log();
        Case { m, s, st, log }
    }

    /// Print the case's table line; created/min ÷ `target`.
    fn line(&self, sb_flags: &str, run_flags: &str, target: f64) -> f64 {
        let (s, m, st) = (&self.s, &self.m, &self.st);
        let per_min = f(s, "created_per_minute");
        let dup = u(st, "domain_conflicts")
            + u(st, "request_id_mismatches")
            + u(st, "customers").saturating_sub(created(s));
        println!(
            "| `{sb_flags}` | `{run_flags}` | {} | {} | {:.1} | {:.1} | {:.3} | {} / {} | {dup} |",
            u(s, "rows"),
            created(s),
            m.wall,
            per_min,
            per_min / target,
            u(s, "throttled"),
            u(st, "throttled"),
        );
        per_min / target
    }
}

/// 1a. Quota 500, 50 ms, --rate 450.
fn under_quota(work: &Path, input: &Path, rows: u64, report: &mut Report) {
    let case = Case::measure(
        work,
        &["--quota", "500", "--latency", "50"],
        input,
        &["--rate", "450"],
    );
    let ratio_a = case.line("--quota 500 --latency 50", "--rate 450", 450.0);
    let (m, s, st) = (&case.m, &case.s, &case.st);
    let ok_a = m.code == 0 && created(s) == rows;
    report.target(
        ok_a && ratio_a >= 0.97 && u(st, "throttled") == 0,
        format!(
            "rate adherence, quota 500, 50 ms: {:.1}/min ÷ 450 = {ratio_a:.3} (≥ 0.97), {} answers 429 (0)",
            f(s, "created_per_minute"),
            u(st, "throttled")
        ),
    );
}

/// 1b. 3 s latency: auto concurrency, then fixed 8.
fn high_latency(work: &Path, input: &Path, input_c8: &Path, rows: u64, report: &mut Report) {
    let case = Case::measure(work, &["--latency", "3000"], input, &["--rate", "450"]);
    let ratio_b = case.line("--latency 3000", "--rate 450 (--concurrency auto)", 450.0);
    let (m, s) = (&case.m, &case.s);
    report.target(
        m.code == 0 && created(s) == rows && ratio_b >= 0.95,
        format!(
            "3 s latency, --concurrency auto: {:.1}/min ÷ 450 = {ratio_b:.3} (≥ 0.95); smoothed latency {} ms",
            f(s, "created_per_minute"),
            u(s, "latency_ms")
        ),
    );
    let case = Case::measure(
        work,
        &["--latency", "3000"],
        input_c8,
        &["--rate", "450", "--concurrency", "8"],
    );
    let ratio_c8 = case.line("--latency 3000", "--rate 450 --concurrency 8", 450.0);
    report.target(
        true,
        format!(
            "3 s latency, --concurrency 8 (for comparison, no target): {ratio_c8:.3} of 450/min; Little's law bound 8 / 3 s = 160/min = 0.356"
        ),
    );
}

/// 1c. --rate 3000 against --quota 500.
fn over_quota(work: &Path, input: &Path, rows: u64, report: &mut Report) {
    let case = Case::measure(
        work,
        &["--quota", "500", "--latency", "50"],
        input,
        &["--rate", "3000"],
    );
    let ratio_c = case.line("--quota 500 --latency 50", "--rate 3000", 500.0);
    let (m, s, st) = (&case.m, &case.s, &case.st);
    let audit = audit_retry_after(&case.log, 500, Duration::from_millis(50));
    let ideal = ideal_secs(rows, 3000.0, 500, 0.05);
    let duplicates = u(st, "domain_conflicts")
        + u(st, "request_id_mismatches")
        + u(st, "customers").saturating_sub(rows);
    println!();
    println!(
        "`--rate 3000` against `--quota 500`: {} answers 429 in {} throttle episodes; calls made inside a Retry-After pause: {}; \
         {:.1} s against {:.1} s for the best schedule any client could keep under this sliding window at 50 calls/s (efficiency {:.3}); \
         {:.1} created/min = {:.3} of the quota's 500/min.",
        audit.throttled,
        audit.episodes,
        audit.violations,
        f(s, "duration_secs"),
        ideal,
        ideal / f(s, "duration_secs").max(1e-9),
        f(s, "created_per_minute"),
        ratio_c,
    );
    report.target(
        m.code == 0
            && created(s) == rows
            && duplicates == 0
            && audit.violations == 0
            && u(s, "throttled") == u(st, "throttled"),
        format!(
            "--rate 3000 vs --quota 500: finished (exit {}), {} created, {duplicates} duplicates, {} calls inside a Retry-After pause, 429s tool {} = sandbox {}; ran at {:.3} of the quota rate, {:.3} of the ideal schedule",
            m.code,
            created(s),
            audit.violations,
            u(s, "throttled"),
            u(st, "throttled"),
            ratio_c,
            ideal / f(s, "duration_secs").max(1e-9),
        ),
    );
}
