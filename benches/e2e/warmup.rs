//! Suite `warmup`: the default settings against a slow, strict server. The
//! first latency of the run is where `--concurrency auto` has no answer yet
//! to size the pool by; a pool that lags the rate then shows as time lost
//! against the ideal schedule.

use std::path::Path;
use std::time::Duration;

use super::{Report, Sandbox, created, generate, run};

/// Sandbox flags, the rate the run uses by default (`--rate 400`), the latency.
const SANDBOX: [&str; 4] = ["--quota", "500", "--latency", "3000"];
const RATE: f64 = 400.0;
const LATENCY_SECS: f64 = 3.0;

pub fn warmup(work: &Path, quick: bool, report: &mut Report) {
    println!("## 1b. Warm-up at 3 s latency, default settings\n");
    let rows: u64 = if quick { 60 } else { 300 };
    let input = work.join("warmup.csv");
    generate(&input, rows, 0);
    println!(
        "Sandbox `{}`, `run` with the default `--rate 400 --concurrency auto`, {rows} rows. \
         `after token` is from the first create's arrival at the sandbox to its last answer \
         (the sandbox's request log); ideal = (rows − 1) × 60 s / 400 + 3 s, the rate \
         gate's schedule plus the last call's latency.\n",
        SANDBOX.join(" ")
    );
    println!("| rows | created | wall s | token s | after token s | ideal s | ÷ ideal |");
    println!("|---|---|---|---|---|---|---|");
    let sb = Sandbox::start(&SANDBOX);
    let (m, s) = run(work, &sb, &input, &[]);
    let log = sb.log();
    drop(sb);
    let creates = create_calls(&log);
    let ideal = (rows - 1) as f64 * 60.0 / RATE + LATENCY_SECS;
    let (first, last) = (
        creates.iter().map(|c| c.0).fold(f64::MAX, f64::min),
        creates.iter().map(|c| c.1).fold(0.0, f64::max),
    );
    let token = token_secs(&log);
    let span = last - first;
    println!(
        "| {rows} | {} | {:.2} | {token:.2} | {span:.2} | {ideal:.2} | {:.4} |\n",
        created(&s),
        m.wall,
        span / ideal
    );
    report.target(
        m.code == 0 && created(&s) == rows && span <= 1.01 * ideal,
        format!(
            "3 s latency, default settings, {rows} rows: {span:.2} s after the token, ideal {ideal:.2} s, {:.4} (≤ 1.01)",
            span / ideal
        ),
    );
}

/// (arrival, answer) in seconds of every `POST /v1/customers` in the
/// sandbox's log: each line is written when the answer goes out and ends
/// with the time the call took (`... 3001ms`).
fn create_calls(log: &[(Duration, String)]) -> Vec<(f64, f64)> {
    log.iter()
        .filter_map(|(t, line)| {
            let mut parts = line.split_whitespace();
            let (method, path) = (parts.next()?, parts.next()?);
            if method != "POST" || path.trim_end_matches('/') != "/v1/customers" {
                return None;
            }
            let took: f64 = parts.last()?.strip_suffix("ms")?.parse().ok()?;
            let answered = t.as_secs_f64();
            Some((answered - took / 1000.0, answered))
        })
        .collect()
}

/// How long the token call took (the first line for `/oauth2/token`).
fn token_secs(log: &[(Duration, String)]) -> f64 {
    log.iter()
        .find(|(_, line)| line.contains("/oauth2/token"))
        .and_then(|(_, line)| {
            line.split_whitespace()
                .last()?
                .strip_suffix("ms")?
                .parse()
                .ok()
        })
        .map_or(0.0, |ms: f64| ms / 1000.0)
}
