//! A printed command names the program so that it works as printed: a
//! `cargo run` build, not on the `PATH`, prints its own path; installed (the
//! first `pc-onboard` on the `PATH`), it prints `pc-onboard`.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::*;

fn template_with_path(file: &Path, path: &str) -> Output {
    Command::new(bin())
        .args(["template", file.to_str().unwrap()])
        .env_clear()
        .env("PATH", path)
        .output()
        .unwrap()
}

fn printed(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let at = err.find("check it with: ").expect("the next command") + "check it with: ".len();
    err[at..].lines().next().unwrap().to_owned()
}

#[test]
fn not_on_the_path_the_printed_command_names_the_binary_and_runs_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customers.csv");
    let out = template_with_path(&file, "/usr/bin:/bin");
    assert_eq!(code(&out), 0, "{}", text(&out));
    let command = printed(&out);
    let exe = std::fs::canonicalize(bin()).unwrap();
    assert!(
        command.starts_with(&format!("{} validate ", exe.display())),
        "{command}"
    );
    let pasted = Command::new("sh")
        .args(["-c", &command])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(code(&pasted), 0, "{command}: {}", text(&pasted));
}

#[test]
fn first_on_the_path_the_printed_command_says_pc_onboard() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customers.csv");
    let bin_dir = Path::new(bin())
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let out = template_with_path(&file, &format!("{bin_dir}:/usr/bin:/bin"));
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        printed(&out).starts_with("pc-onboard validate "),
        "{}",
        printed(&out)
    );
}
