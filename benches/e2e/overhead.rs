//! Suite 4: the client's CPU per created row, and its offline part.

use std::fmt::Write as _;
use std::path::Path;

use super::{Measured, Report, Sandbox, bin, created, generate, run, timed};

pub(crate) fn overhead(work: &Path, quick: bool, report: &mut Report) {
    println!("## 4. Client overhead per created row\n");
    let (small, big): (u64, u64) = if quick { (200, 1000) } else { (5000, 25000) };
    println!(
        "Sandbox `--quota 0 --latency 0` in its own process; `run --rate 1000000 --concurrency 16`. CPU is the tool's user + system time (`/usr/bin/time`); the marginal cost is (CPU({big}) − CPU({small})) ÷ {} rows, which removes start-up. The offline `--dry-run` line is the same file with no network: validation, planning, request IDs and the results file.\n",
        big - small
    );
    println!("| case | rows | wall s | rows/s | CPU s | CPU µs/row | peak RSS MiB |");
    println!("|---|---|---|---|---|---|---|");
    let mut cpu = Vec::new();
    for rows in [small, big] {
        let input = work.join(format!("overhead-{rows}.csv"));
        generate(&input, rows, 0);
        let sb = Sandbox::start(&["--quota", "0"]);
        let (m, s) = run(
            work,
            &sb,
            &input,
            &["--rate", "1000000", "--concurrency", "16"],
        );
        drop(sb);
        assert_eq!(created(&s), rows, "{}", m.stderr);
        print_line("create", rows, &m);
        cpu.push(m.cpu());
    }
    let marginal = (cpu[1] - cpu[0]) * 1e6 / (big - small) as f64;
    let input = work.join(format!("overhead-{big}.csv"));
    let dry = timed(
        work,
        &bin(),
        &[
            "run".into(),
            input.display().to_string(),
            "--results".into(),
            work.join("dry.csv").display().to_string(),
            "--dry-run".into(),
            "--no-progress".into(),
        ],
        &[],
    );
    print_line("offline `--dry-run`", big, &dry);
    println!();
    let mut text = String::new();
    let _ = write!(
        text,
        "client CPU per created row (marginal, zero latency, unlimited rate): {marginal:.1} µs; offline part {:.1} µs",
        dry.cpu() * 1e6 / big as f64
    );
    println!("Marginal client CPU per created row: **{marginal:.1} µs**.\n");
    // No target is set for this figure: the number is here so regressions show.
    report.target(true, text);
}

/// The table line of `case`: `rows` rows measured as `m`.
fn print_line(case: &str, rows: u64, m: &Measured) {
    println!(
        "| {case} | {rows} | {:.2} | {:.0} | {:.2} | {:.1} | {:.1} |",
        m.wall,
        rows as f64 / m.wall,
        m.cpu(),
        m.cpu() * 1e6 / rows as f64,
        m.rss_mib
    );
}
