//! The commands the summary prints (the re-run hint, the `--resume` hint)
//! do what they say when pasted into a POSIX shell: each is run here
//! through `sh -c`, from a folder with a space in its name, on files whose
//! names hold spaces and `;touch PWNED;`. They repeat `--config` (the
//! `[columns]` mapping is needed to read the file again), keep initial admin
//! passwords (the same `--credentials-out` file, added to) and the
//! connection flags.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::support::*;

/// A results file name a shell would run `touch` on, unquoted.
const RESULTS: &str = "r 1;touch PWNED;.csv";
/// The credentials file, with a space.
const CREDENTIALS: &str = "creds 1.csv";
/// The config file, with a space.
const CONFIG: &str = "pc onboard.toml";

/// A batch folder (with a space) holding `rows` customers whose company-name
/// and postal-code headers only the config's `[columns]` knows.
fn batch(rows: usize, tag: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("my batch");
    std::fs::create_dir(&batch).unwrap();
    let input = batch.join("klanten.csv");
    write_customers(&input, rows, tag);
    let text = std::fs::read_to_string(&input).unwrap();
    let text =
        text.replacen("company_name", "Klantnaam", 1)
            .replacen("postal_code", "Post code", 1);
    std::fs::write(&input, text).unwrap();
    std::fs::write(
        batch.join(CONFIG),
        "[columns]\ncompany_name = \"Klantnaam\"\npostal_code = \"Post code\"\n",
    )
    .unwrap();
    (dir, batch)
}

/// `run klanten.csv --results RESULTS --config CONFIG --credentials-out CREDENTIALS EXTRA`.
fn run_in_batch(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "klanten.csv",
        "--results",
        RESULTS,
        "--config",
        CONFIG,
        "--credentials-out",
        CREDENTIALS,
        "--no-progress",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// The first row's postal code made invalid (`9805`).
fn break_a_postal_code(input: &Path) {
    let text = std::fs::read_to_string(input).unwrap();
    std::fs::write(input, text.replacen(",98052,US\n", ",9805,US\n", 1)).unwrap();
}

/// What the operator does before pasting the printed command: the postal
/// code fixed in the results file.
fn fix_the_postal_code(results: &Path) {
    let text = std::fs::read_to_string(results).unwrap();
    std::fs::write(results, text.replacen(",9805,US,", ",98052,US,", 1)).unwrap();
}

/// `pc-onboard ARGS` in `dir` with no credentials (`--sandbox` runs).
async fn run_sandboxed_in(dir: &Path, args: &[String]) -> Output {
    tokio::process::Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .await
        .unwrap()
}

/// The command printed after `marker` on a line of the run's stderr.
fn printed_command(out: &Output, marker: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker:?}: {}", text(out)));
    let at = line.find(marker).unwrap() + marker.len();
    let command = line[at..].trim().to_owned();
    let program = printed_program();
    assert!(command.starts_with(&format!("{program} run ")), "{line}");
    command
}

/// Run `command` with `sh -c` in `dir`, `pc-onboard` on the PATH, and only
/// the environment `env` (credentials, never the endpoint); awaited, so a
/// sandbox served by the test keeps answering.
async fn sh(command: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    let bin_dir = Path::new(bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    tokio::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .envs(env.iter().copied())
        .output()
        .await
        .expect("run sh")
}

/// The environment a run against `sb` gets credentials from.
const CREDENTIALS_ENV: [(&str, &str); 3] = [
    ("PC_TENANT_ID", "partner.onmicrosoft.com"),
    ("PC_CLIENT_ID", "test-app"),
    ("PC_CLIENT_SECRET", TEST_CLIENT_SECRET),
];

/// Files of `dir` whose names start with `prefix`, sorted.
fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    found.sort();
    found
}

/// Customer ids of every credentials file in `dir`, each with a password.
fn stored_customer_ids(dir: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    for file in files_starting(dir, "creds 1") {
        let creds = Results::read(&file);
        assert!(creds.column("password").iter().all(|p| !p.is_empty()));
        ids.extend(creds.column("customer_id"));
    }
    ids.sort();
    ids
}

fn assert_nothing_injected(dir: &Path, out: &Output) {
    assert!(
        !dir.join("PWNED").exists(),
        "the pasted command ran `touch`: {}",
        text(out)
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_resume_hint_after_ctrl_c_finishes_the_same_results_and_keeps_every_password() {
    let (_dir, batch) = batch(30, "resumehint");
    let args = run_in_batch(&["--sandbox", "--rate", "1200"]);
    let mut child = tokio::process::Command::new(bin())
        .args(&args)
        .current_dir(&batch)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    wait_for_lines_of(&mut child, &batch.join(RESULTS), 5).await;
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out));
    let command = printed_command(&out, "finish with: ");

    let resumed = sh(&command, &batch, &[]).await;
    assert_nothing_injected(&batch, &resumed);
    assert_eq!(code(&resumed), 0, "{command}\n{}", text(&resumed));
    let results = Results::read(&batch.join(RESULTS));
    assert_eq!(results.header[1], "Klantnaam", "the same results file");
    assert_eq!(results.rows.len(), 30);
    assert_eq!(
        results.count("created"),
        30,
        "{:?}",
        results.column("status")
    );
    let mut created = results.column("customer_id");
    created.sort();
    assert_eq!(
        stored_customer_ids(&batch),
        created,
        "every initial admin password is in a credentials file"
    );
    assert_eq!(
        files_starting(&batch, "creds 1"),
        vec![batch.join(CREDENTIALS)],
        "one credentials file: the resume adds to it"
    );
}

#[tokio::test]
async fn the_rerun_hint_re_runs_the_results_with_the_config_endpoint_and_adds_to_the_credentials_file()
 {
    let (_dir, batch) = batch(3, "rerunhint");
    let sb = sandbox(quiet()).await;
    sb.state().reserve_domain("rerunhintcust1.onmicrosoft.com");
    let out = command_against(&sb, &run_in_batch(&["--rate", "6000"]))
        .current_dir(&batch)
        .output()
        .await
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out));
    let command = printed_command(&out, "re-run them with: ");

    sb.state().release_domain("rerunhintcust1.onmicrosoft.com");
    let again = sh(&command, &batch, &CREDENTIALS_ENV).await;
    assert_nothing_injected(&batch, &again);
    assert_eq!(code(&again), 0, "{command}\n{}", text(&again));
    let written = files_starting(&batch, "r 1;touch PWNED;");
    assert_eq!(written.len(), 2, "a new results file: {written:?}");
    let next = written.iter().find(|p| !p.ends_with(RESULTS)).unwrap();
    let results = Results::read(next);
    assert_eq!(
        results.count("created"),
        3,
        "{:?}",
        results.column("status")
    );
    assert_eq!(sb.state().stats().customers, 3);
    let mut created = results.column("customer_id");
    created.sort();
    assert_eq!(stored_customer_ids(&batch), created);
    assert_eq!(
        files_starting(&batch, "creds 1"),
        vec![batch.join(CREDENTIALS)],
        "one credentials file: the re-run adds to it"
    );
}

#[tokio::test]
async fn the_sandbox_rerun_hint_after_fixing_an_invalid_row_creates_it() {
    let (_dir, batch) = batch(3, "fixhint");
    break_a_postal_code(&batch.join("klanten.csv"));
    let out = run_sandboxed_in(&batch, &run_in_batch(&["--sandbox", "--rate", "6000"])).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let command = printed_command(&out, "(see `error`), then: ");

    // The operator fixes the postal code in the results file, then pastes.
    fix_the_postal_code(&batch.join(RESULTS));
    let again = sh(&command, &batch, &[]).await;
    assert_nothing_injected(&batch, &again);
    assert_eq!(code(&again), 0, "{command}\n{}", text(&again));
    let written = files_starting(&batch, "r 1;touch PWNED;");
    let next = written.iter().find(|p| !p.ends_with(RESULTS)).unwrap();
    assert_eq!(Results::read(next).count("created"), 3);
    assert_eq!(stored_customer_ids(&batch).len(), 3);
}

#[tokio::test]
async fn quiet_still_warns_that_initial_admin_passwords_were_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "quietpw");
    let results = dir.path().join("r.csv");
    let args = run_args(&input, &results, &["--sandbox", "--rate", "6000", "-q"]);
    let out = run_plain(&args);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 initial admin passwords were discarded"),
        "-q hides an irreversible loss: {}",
        text(&out)
    );
    assert_eq!(stderr.lines().count(), 1, "only that: {stderr}");
}

/// `klanten.xlsx` in `batch`: a `Notes` sheet first, then `Klanten` with
/// the rows of `klanten.csv`, every cell text.
fn workbook_of_the_csv(batch: &Path) {
    let csv = std::fs::read_to_string(batch.join("klanten.csv")).unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "read me").unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Klanten").unwrap();
    for (row, line) in csv.lines().enumerate() {
        for (col, cell) in line.split(',').enumerate() {
            sheet.write_string(row as u32, col as u16, cell).unwrap();
        }
    }
    workbook.save(batch.join("klanten.xlsx")).unwrap();
}

#[tokio::test]
async fn the_rerun_hint_of_a_workbook_job_reads_its_csv_results_under_a_config_naming_the_sheet() {
    let (_dir, batch) = batch(2, "sheethint");
    break_a_postal_code(&batch.join("klanten.csv"));
    workbook_of_the_csv(&batch);
    let config = std::fs::read_to_string(batch.join(CONFIG)).unwrap();
    std::fs::write(batch.join(CONFIG), format!("sheet = \"Klanten\"\n{config}")).unwrap();
    let mut args = run_in_batch(&["--sandbox", "--rate", "6000"]);
    args[1] = "klanten.xlsx".to_owned();
    let out = run_sandboxed_in(&batch, &args).await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let command = printed_command(&out, "(see `error`), then: ");

    fix_the_postal_code(&batch.join(RESULTS));
    let again = sh(&command, &batch, &[]).await;
    assert_eq!(
        code(&again),
        0,
        "the config's sheet is for workbooks: {command}\n{}",
        text(&again)
    );
    let written = files_starting(&batch, "r 1;touch PWNED;");
    let next = written.iter().find(|p| !p.ends_with(RESULTS)).unwrap();
    assert_eq!(Results::read(next).count("created"), 2);
}
