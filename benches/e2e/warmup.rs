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
         `after token` is from the first API call's arrival at the sandbox to the last create's \
         answer (the sandbox's request log). Ideal = (calls − 1) × 60 s / 400 + latency, the rate \
         gate's schedule plus the last call's latency: `creates` counts the creates only, as the \
         target was first stated; `all calls` also counts the other API calls the run makes \
         through the same gate (the country rules it reads for the states list).\n"
    );
    println!(
        "| latency ms | rows | created | other calls | wall s | token s | after token s | ideal (creates) s | ÷ | ideal (all calls) s | ÷ |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
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
        let calls = api_calls(&log);
        let first = calls.iter().map(|c| c.arrived).fold(f64::MAX, f64::min);
        let last = calls
            .iter()
            .filter(|c| c.create)
            .map(|c| c.answered)
            .fold(0.0, f64::max);
        let span = last - first;
        let creates = calls.iter().filter(|c| c.create).count();
        let schedule =
            |n: usize| n.saturating_sub(1) as f64 * 60.0 / RATE + latency_ms as f64 / 1000.0;
        let (ideal_creates, ideal_all) = (schedule(creates), schedule(calls.len()));
        println!(
            "| {latency_ms} | {rows} | {} | {} | {:.2} | {:.2} | {span:.2} | {ideal_creates:.2} | {:.4} | {ideal_all:.2} | {:.4} |",
            created(&s),
            calls.len() - creates,
            m.wall,
            token_secs(&log),
            span / ideal_creates,
            span / ideal_all,
        );
        report.target(
            m.code == 0 && created(&s) == rows && span <= 1.01 * ideal_all,
            format!(
                "{latency_ms} ms latency, default settings, {rows} rows: {span:.2} s after the token, ideal {ideal_all:.2} s for its {} API calls, {:.4} (≤ 1.01); creates alone {:.4}",
                calls.len(),
                span / ideal_all,
                span / ideal_creates
            ),
        );
    }
    println!();
}

/// One API call in the sandbox's log.
struct Call {
    arrived: f64,
    answered: f64,
    create: bool,
}

/// Every `/v1` call in the sandbox's log: each line is written when the
/// answer goes out and ends with the time the call took (`... 3001ms`).
fn api_calls(log: &[(Duration, String)]) -> Vec<Call> {
    log.iter()
        .filter_map(|(t, line)| {
            let mut parts = line.split_whitespace();
            let (method, path) = (parts.next()?, parts.next()?);
            if !path.starts_with("/v1/") {
                return None;
            }
            let took: f64 = parts.last()?.strip_suffix("ms")?.parse().ok()?;
            let answered = t.as_secs_f64();
            Some(Call {
                arrived: answered - took / 1000.0,
                answered,
                create: method == "POST" && path.trim_end_matches('/') == "/v1/customers",
            })
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
