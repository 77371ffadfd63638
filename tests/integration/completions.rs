//! Shell completion scripts, run by the shells themselves: the bash script
//! is sourced and its completion function called as bash calls it on <TAB>
//! (`COMP_WORDS`, `COMP_CWORD`); zsh and fish scripts are parsed when those
//! shells are installed (`tools`: bash is required, a missing zsh or fish
//! is reported). (`cli_options.rs` snapshots the bash script.)

use crate::{support, tools};

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

/// `pc-onboard completions SHELL`, written to a file in `dir`.
fn script(shell: &str, dir: &Path) -> PathBuf {
    let out = run_plain(&["completions", shell]);
    assert_eq!(code(&out), 0, "{shell}: {}", text(&out));
    let path = dir.join(format!("pc-onboard.{shell}"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// Source the bash script, then run `body` (the words are `$@`).
fn bash(script: &Path, body: &str, words: &[&str]) -> String {
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("source \"$0\" || exit 9\n{body}"))
        .arg(script)
        .args(words)
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// What bash offers for `words` (the last one is being completed): the
/// function `complete -p pc-onboard` names, called with the command, the
/// current word and the previous one, as bash calls it.
fn complete(script: &Path, words: &[&str]) -> Vec<String> {
    let body = r#"
spec=$(complete -p pc-onboard) || exit 8
fn=$(sed -E 's/.*-F ([^ ]+).*/\1/' <<<"$spec")
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    bash(script, body, words)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_registers_a_completion_function_for_pc_onboard() {
    if !tools::available("bash", "the bash completion script was not run") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = script("bash", dir.path());
    let spec = bash(&script, "complete -p pc-onboard", &[]);
    assert!(spec.contains("-F "), "{spec}");
    assert!(spec.trim_end().ends_with(" pc-onboard"), "{spec}");
}

#[test]
fn bash_completes_subcommand_names() {
    if !tools::available("bash", "the bash completion script was not run") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = script("bash", dir.path());
    assert_eq!(complete(&script, &["pc-onboard", "r"]), ["run"]);
    assert_eq!(complete(&script, &["pc-onboard", "v"]), ["validate"]);
}

#[test]
fn bash_completes_the_options_of_a_subcommand() {
    if !tools::available("bash", "the bash completion script was not run") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = script("bash", dir.path());
    let offered = complete(&script, &["pc-onboard", "run", "--re"]);
    assert!(offered.contains(&"--resume".to_owned()), "{offered:?}");
    assert!(offered.contains(&"--results".to_owned()), "{offered:?}");
    assert!(offered.iter().all(|o| o.starts_with("--re")), "{offered:?}");
    let offered = complete(&script, &["pc-onboard", "run", "in.csv", "--cloud", ""]);
    assert_eq!(offered, ["global", "china", "usgov"]);
    let offered = complete(&script, &["pc-onboard", "validate", "--onl"]);
    assert_eq!(offered, ["--online"]);
}

#[test]
fn bash_completes_options_for_every_subcommand() {
    if !tools::available("bash", "the bash completion script was not run") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = script("bash", dir.path());
    for sub in ["validate", "run", "sandbox", "completions"] {
        let offered = complete(&script, &["pc-onboard", sub, "--"]);
        assert!(offered.contains(&"--help".to_owned()), "{sub}: {offered:?}");
        assert!(
            offered.contains(&"--config".to_owned()),
            "{sub}: {offered:?}"
        );
    }
}

/// Parse `script` with `shell` and `flag` (no command run), or say why not
/// (`tools`: visibly, and only for the optional shells).
fn parses_with(shell: &str, flag: &str, script: &Path) {
    if !tools::available(shell, "its completion script was not parsed") {
        return;
    }
    let out = Command::new(shell).arg(flag).arg(script).output();
    let out = out.unwrap_or_else(|e| panic!("{shell}: {e}"));
    assert!(out.status.success(), "{shell}: {}", text(&out));
}

#[test]
fn zsh_and_fish_scripts_parse_where_those_shells_exist() {
    let dir = tempfile::tempdir().unwrap();
    parses_with("zsh", "-n", &script("zsh", dir.path()));
    parses_with("fish", "--no-execute", &script("fish", dir.path()));
    parses_with("bash", "-n", &script("bash", dir.path()));
}
