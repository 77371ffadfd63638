//! Helpers for tests that run the `pc-onboard` binary, against a sandbox
//! served by the test process on a free loopback port.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use pc_onboard::sandbox::{self, RunningSandbox, SandboxConfig, SandboxState};

/// A wall-clock bound: asserted only when `PC_TIMING_BOUNDS` is set
/// (`scripts/reliability.sh` sets it, on a quiet machine); the default
/// `cargo test` prints the figure and never fails on a busy machine.
pub fn timing_bound(took: std::time::Duration, bound: std::time::Duration, what: &str) {
    eprintln!("{what}: {took:?} (bound {bound:?})");
    if std::env::var_os("PC_TIMING_BOUNDS").is_some() {
        assert!(took < bound, "{what}: {took:?}, over the bound {bound:?}");
    }
}

/// An API address that refuses every connection, without a race for a
/// freed port: nothing can listen on port 0.
pub const REFUSING: &str = "http://127.0.0.1:0";

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pc-onboard")
}

/// How the binary names itself in the commands it prints when run with
/// the tests' `PATH`: `pc-onboard` if that is the first `pc-onboard` on it,
/// else its own path (so a printed command works as printed).
pub fn printed_program() -> String {
    let exe = std::fs::canonicalize(bin()).unwrap();
    let paths = std::env::var_os("PATH").unwrap_or_default();
    let first = std::env::split_paths(&paths)
        .map(|dir| dir.join("pc-onboard"))
        .find(|candidate| candidate.is_file())
        .and_then(|found| std::fs::canonicalize(found).ok());
    match first {
        Some(found) if found == exe => "pc-onboard".to_owned(),
        _ => exe.to_str().unwrap().to_owned(),
    }
}

/// The repository's sample input.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/customers.csv")
}

/// Valid rows in the sample (40 rows, 6 broken on purpose).
pub const SAMPLE_VALID_ROWS: usize = 34;

/// A sandbox on 127.0.0.1:0 with `config` (quota off unless set).
pub async fn sandbox(config: SandboxConfig) -> RunningSandbox {
    let state = SandboxState::new(config).expect("sandbox state");
    sandbox::spawn_with_state(state).await.expect("sandbox")
}

/// A sandbox config with throttling off, `latency_ms` per call, no faults.
pub fn slow(latency_ms: u64) -> SandboxConfig {
    SandboxConfig {
        quota: 0,
        latency: std::time::Duration::from_millis(latency_ms),
        ..SandboxConfig::default()
    }
}

/// A run stopped by a signal part-way through.
pub struct Stopped {
    /// The stopped process's exit status and output.
    pub out: Output,
    /// The sandbox it ran against.
    pub sb: RunningSandbox,
    /// Its input.
    pub input: PathBuf,
    /// Its results file.
    pub results: PathBuf,
    /// Holds the files.
    pub dir: tempfile::TempDir,
}

/// Run 200 generated rows (50 ms calls, 4 in flight) and send `signal`
/// (`-INT`, `-TERM`) once more than 10 results rows are on disk.
#[cfg(unix)]
pub async fn stop_run_midway(signal: &str, tag: &str) -> Stopped {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.csv");
    let results = dir.path().join("results.csv");
    write_customers(&input, 200, tag);
    let sb = sandbox(slow(50)).await;
    let args = run_args(&input, &results, &["--rate", "60000", "--concurrency", "4"]);
    let mut child = command_against(&sb, &args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the run");
    let pid = child.id().expect("pid");
    wait_for_lines_of(&mut child, &results, 10).await;
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().await.expect("wait for the run");
    Stopped {
        out,
        sb,
        input,
        results,
        dir,
    }
}

/// A sandbox config with throttling off, no latency, no faults.
pub fn quiet() -> SandboxConfig {
    SandboxConfig {
        quota: 0,
        ..SandboxConfig::default()
    }
}

/// The client secret every test run uses (tests check it never leaks).
pub const TEST_CLIENT_SECRET: &str = "test-secret-value-123";

/// `pc-onboard ARGS` (not started) with only credentials and endpoints
/// pointing at `sb` in its environment.
pub fn command_against<S: AsRef<std::ffi::OsStr>>(
    sb: &RunningSandbox,
    args: &[S],
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args);
    with_sandbox_env(cmd, sb)
}

/// [`command_against`], every file the run writes capped at `kib` KiB
/// (`ulimit -f`): the write that would pass it fails (`File too large`),
/// at the same byte in every run, like a disk that is full.
#[cfg(unix)]
pub fn command_with_file_limit<S: AsRef<std::ffi::OsStr>>(
    sb: &RunningSandbox,
    args: &[S],
    kib: u32,
) -> tokio::process::Command {
    let cmd = behind_shell("bash", &format!("trap '' XFSZ; ulimit -f {kib}"), args);
    with_sandbox_env(cmd, sb)
}

/// `pc-onboard ARGS` (not started) exec'd by `shell` after `setup` (a
/// `ulimit`, a `trap`), so the limits hold for the binary itself.
#[cfg(unix)]
pub fn behind_shell<S: AsRef<std::ffi::OsStr>>(
    shell: &str,
    setup: &str,
    args: &[S],
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(shell);
    cmd.arg("-c")
        .arg(format!(r#"{setup}; exec "$0" "$@""#))
        .arg(bin())
        .args(args);
    cmd
}

/// `cmd` with only credentials and endpoints pointing at `sb` in its
/// environment.
fn with_sandbox_env(
    mut cmd: tokio::process::Command,
    sb: &RunningSandbox,
) -> tokio::process::Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PC_TENANT_ID", "partner.onmicrosoft.com")
        .env("PC_CLIENT_ID", "test-app")
        .env("PC_CLIENT_SECRET", TEST_CLIENT_SECRET)
        .env("PC_ENDPOINT", sb.base_url())
        .env("PC_AUTHORITY", sb.base_url());
    cmd
}

/// Run `pc-onboard ARGS` against `sb` to the end.
pub async fn run_against<S: AsRef<std::ffi::OsStr>>(sb: &RunningSandbox, args: &[S]) -> Output {
    command_against(sb, args)
        .output()
        .await
        .expect("run the binary")
}

/// `run INPUT --results RESULTS --no-progress EXTRA...`.
pub fn run_args(input: &Path, results: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "run".to_owned(),
        input.to_str().expect("utf-8 path").to_owned(),
        "--results".to_owned(),
        results.to_str().expect("utf-8 path").to_owned(),
        "--no-progress".to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// How many lines `path` holds (0 when it does not exist yet).
fn lines_in(path: &Path) -> usize {
    std::fs::read(path)
        .map(|b| b.iter().filter(|c| **c == b'\n').count())
        .unwrap_or(0)
}

/// A hang guard for [`wait_for_lines_of`], not a speed bound.
const WAIT_GUARD: std::time::Duration = std::time::Duration::from_secs(120);

/// Wait until `path` holds more than `lines` lines while `child` runs. If
/// the child ends first, or the wait outlasts the hang guard, panic with
/// what it said on stderr (when piped).
pub async fn wait_for_lines_of(child: &mut tokio::process::Child, path: &Path, lines: usize) {
    let deadline = std::time::Instant::now() + WAIT_GUARD;
    loop {
        if lines_in(path) > lines {
            return;
        }
        let status = child.try_wait().expect("the run's status");
        if status.is_some() || std::time::Instant::now() >= deadline {
            if status.is_none() {
                child.start_kill().expect("kill the run");
            }
            let status = child.wait().await.expect("the run's status");
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                use tokio::io::AsyncReadExt;
                pipe.read_to_string(&mut stderr).await.ok();
            }
            panic!(
                "{} has {} lines, not more than {lines}; the run ended ({status}) stderr:\n{stderr}",
                path.display(),
                lines_in(path)
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// `pc-onboard ARGS` without any credentials in the environment.
pub fn run_plain<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    std::process::Command::new(bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("run the binary")
}

/// Every line of `stdout` (`--json`: UTF-8) read as JSON.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    std::str::from_utf8(stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Exit code of a finished process.
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// stdout and stderr as text, for messages.
pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A parsed results file: header and rows as strings.
pub struct Results {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Results {
    /// Read a results file (comma or `;`, with or without BOM).
    pub fn read(path: &Path) -> Results {
        let bytes = std::fs::read(path).expect("results file");
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
        let delimiter = if first_line.contains(&b';') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(body);
        let header = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect();
        Results { header, rows }
    }

    /// Read a results file that may end in a torn row (a write cut short):
    /// only complete rows.
    pub fn read_lossy(path: &Path) -> Results {
        let bytes = std::fs::read(path).expect("results file");
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| r.len() == header.len())
            .map(|r| r.iter().map(str::to_owned).collect())
            .collect();
        Results { header, rows }
    }

    /// The index of column `name`.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// Column `name` of every row.
    pub fn column(&self, name: &str) -> Vec<String> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    /// Rows with `status`.
    pub fn count(&self, status: &str) -> usize {
        self.column("status")
            .iter()
            .filter(|s| *s == status)
            .count()
    }
}

/// Write `rows` generated customers (unique domains, US addresses) to `path`.
pub fn write_customers(path: &Path, rows: usize, tag: &str) {
    let mut out = String::from(
        "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country\n",
    );
    for i in 0..rows {
        out.push_str(&format!(
            "{tag}-{i},Customer {i} Inc,{tag}cust{i},ap{i}@example.com,en-US,en,Ann,Lee,425 555 0100,{n} Main St,Redmond,WA,98052,US\n",
            n = i + 1
        ));
    }
    std::fs::write(path, out).expect("write input");
}
