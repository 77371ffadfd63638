//! Measuring one process: the binaries, generated inputs, a run under
//! `/usr/bin/time` and the figures read from it and from the run's summary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::Sandbox;

pub(crate) const TIME: &str = "/usr/bin/time";

pub(crate) fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pc-onboard"))
}

pub(crate) fn gen_bin() -> PathBuf {
    bin()
        .parent()
        .expect("target dir")
        .join("examples/gen_customers")
}

/// Generate `rows` customers (examples/gen_customers) into `path`.
pub(crate) fn generate(path: &Path, rows: u64, invalid_percent: u32) {
    let out = std::fs::File::create(path).expect("create input");
    let status = Command::new(gen_bin())
        .arg(rows.to_string())
        .args(["--invalid-percent", &invalid_percent.to_string()])
        .stdout(out)
        .status()
        .expect("run gen_customers");
    assert!(status.success(), "gen_customers failed");
}

/// One measured process: wall and CPU seconds, peak RSS.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measured {
    pub(crate) wall: f64,
    pub(crate) user: f64,
    pub(crate) sys: f64,
    pub(crate) rss_mib: f64,
    pub(crate) code: i32,
    pub(crate) stderr: String,
}

impl Measured {
    pub(crate) fn cpu(&self) -> f64 {
        self.user + self.sys
    }
}

/// Run `program args` under `/usr/bin/time`; stdout is discarded.
pub(crate) fn timed(
    work: &Path,
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
) -> Measured {
    let times = work.join("time.txt");
    let mut cmd = Command::new(TIME);
    cmd.args(["-f", "%e %U %S %M", "-o"])
        .arg(&times)
        .arg(program)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run under /usr/bin/time");
    let text = std::fs::read_to_string(&times).unwrap_or_default();
    // GNU time writes "Command exited with non-zero status N" first when it did.
    let last = text.lines().last().unwrap_or_default();
    let f: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(f.len(), 4, "cannot read {TIME} output {text:?}");
    Measured {
        wall: f[0],
        user: f[1],
        sys: f[2],
        rss_mib: f[3] / 1024.0,
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `pc-onboard run INPUT --results ... --summary-json ... EXTRA` against `sb`.
pub(crate) fn run(work: &Path, sb: &Sandbox, input: &Path, extra: &[&str]) -> (Measured, Value) {
    let results = work.join("results.csv");
    let summary = work.join("summary.json");
    let _ = std::fs::remove_file(&results);
    let _ = std::fs::remove_file(&summary);
    let mut args: Vec<String> = vec![
        "run".into(),
        input.display().to_string(),
        "--results".into(),
        results.display().to_string(),
        "--summary-json".into(),
        summary.display().to_string(),
        "--no-progress".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let env = [
        ("PC_ENDPOINT", sb.url.as_str()),
        ("PC_AUTHORITY", sb.url.as_str()),
        ("PC_TENANT_ID", "bench-partner.onmicrosoft.com"),
        ("PC_CLIENT_ID", "bench-app"),
        ("PC_CLIENT_SECRET", "bench-secret"),
    ];
    let m = timed(work, &bin(), &args, &env);
    let summary: Value = std::fs::read(&summary)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    if m.code != 0 {
        eprintln!("run exited {}:\n{}", m.code, m.stderr);
    }
    (m, summary)
}

pub(crate) fn u(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

pub(crate) fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

pub(crate) fn created(summary: &Value) -> u64 {
    summary["counts"]["created"].as_u64().unwrap_or(0)
}

pub(crate) fn median(mut xs: Vec<Measured>) -> Measured {
    xs.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    let peak = xs.iter().map(|m| m.rss_mib).fold(0.0, f64::max);
    let mut m = xs[xs.len() / 2].clone();
    m.rss_mib = peak;
    m
}
