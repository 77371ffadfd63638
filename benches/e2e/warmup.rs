//! Suite `warmup`: the default settings against a strict server, slow and
//! fast. The first latency of the run is where `--concurrency auto` has no
//! answer yet to size the pool by; a pool that lags the rate shows as time
//! lost against the rate gate's schedule.

use std::path::Path;
use std::time::Duration;

use super::{Report, Sandbox, created, generate, run};

/// The rate the run uses by default (`--rate 400`).
const RATE: f64 = 400.0;

pub fn warmup(work: &Path, quick: bool, report: &mut Report) {
    println!("## 1b. Warm-up, default settings\n");
    println!(
        "Sandbox `--quota 500 --latency MS`, `run` with the default `--rate 400 --concurrency auto`. \
         `after token` is from the first create's arrival at the sandbox to its last answer \
         (the sandbox's request log); ideal = (rows − 1) × 60 s / 400 + latency: the rate \
         gate's schedule plus the last call's latency.\n"
    );
    println!(
        "| latency ms | rows | created | wall s | token s | after token s | ideal s | ÷ ideal |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let cases: &[(u64, u64)] = if quick {
        &[(60, 3000), (30, 50)]
    } else {
        &[(300, 3000), (100, 3000), (300, 50)]
    };
    for &(rows, latency_ms) in cases {
        let input = work.join(format!("warmup-{rows}.csv"));
        generate(&input, rows, 0);
        let latency = latency_ms.to_string();
        let sb = Sandbox::start(&["--quota", "500", "--latency", &latency]);
        let (m, s) = run(work, &sb, &input, &[]);
        let log = sb.log();
        drop(sb);
        let creates = create_calls(&log);
        let first = creates.iter().map(|c| c.0).fold(f64::MAX, f64::min);
        let last = creates.iter().map(|c| c.1).fold(0.0, f64::max);
        let span = last - first;
        let ideal = (rows - 1) as f64 * 60.0 / RATE + latency_ms as f64 / 1000.0;
        println!(
            "| {latency_ms} | {rows} | {} | {:.2} | {:.2} | {span:.2} | {ideal:.2} | {:.4} |",
            created(&s),
            m.wall,
            token_secs(&log),
            span / ideal
        );
        report.target(
            m.code == 0 && created(&s) == rows && span <= 1.01 * ideal,
            format!(
                "{latency_ms} ms latency, default settings, {rows} rows: {span:.2} s after the token, ideal {ideal:.2} s, {:.4} (≤ 1.01)",
                span / ideal
            ),
        );
    }
    println!();
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
