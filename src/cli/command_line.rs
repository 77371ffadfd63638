//! A run's settings written back as a command line, for the commands the
//! summary prints (re-run the results, `--resume`): the files, `--sandbox`,
//! `--dry-run`, `--resume`, `--config` (the `[columns]` mapping and the
//! other defaults are read from it again) and every setting the command
//! line or the environment gave (`PC_ENDPOINT` becomes `--endpoint`), each
//! word quoted for a POSIX shell. Parsed and resolved again, it gives the
//! same settings (tested below).

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::sync::OnceLock;

use crate::settings::RunSettings;

/// The program name printed commands start with.
pub(crate) const PROGRAM: &str = "pc-onboard";

/// The arguments (without the program name) of a `run` that does what
/// `settings` say.
pub(crate) fn run_args(settings: &RunSettings) -> Vec<OsString> {
    let mut args = vec![OsString::from("run"), positional(settings.input().path())];
    flag(&mut args, "--results", settings.results().as_os_str());
    for (on, switch) in [
        (settings.resume(), "--resume"),
        (settings.dry_run(), "--dry-run"),
        (settings.connect().sandbox(), "--sandbox"),
    ] {
        if on {
            args.push(switch.into());
        }
    }
    for (name, path) in [
        ("--config", settings.config_file()),
        ("--credentials-out", settings.credentials_out()),
        ("--summary-json", settings.summary_json()),
    ] {
        if let Some(path) = path {
            flag(&mut args, name, path.as_os_str());
        }
    }
    if settings.force() {
        args.push("--force".into());
    }
    let given = settings.input().given().into_iter();
    let given = given.chain(settings.connect().given());
    for (key, value) in given.chain(settings.given()) {
        let name = format!("--{}", key.replace('_', "-"));
        flag(&mut args, &name, OsStr::new(&value));
    }
    args
}

/// How a printed command calls this program, so that it works as printed:
/// `pc-onboard` when that name on the `PATH` is this executable (installed),
/// else this executable's path, quoted (a `cargo run` build, or another
/// version first on the `PATH`). A process not named `pc-onboard` (a test
/// binary) prints `pc-onboard`.
pub(crate) fn program() -> String {
    static CALL: OnceLock<String> = OnceLock::new();
    CALL.get_or_init(|| {
        let name = format!("{PROGRAM}{}", std::env::consts::EXE_SUFFIX);
        let exe = std::env::current_exe().and_then(|p| p.canonicalize());
        let Ok(exe) = exe else {
            return PROGRAM.to_owned();
        };
        if exe.file_name() != Some(OsStr::new(&name)) {
            return PROGRAM.to_owned();
        }
        let paths = std::env::var_os("PATH").unwrap_or_default();
        let first = std::env::split_paths(&paths)
            .map(|dir| dir.join(&name))
            .find(|candidate| candidate.is_file());
        match first.and_then(|found| found.canonicalize().ok()) {
            Some(found) if found == exe => PROGRAM.to_owned(),
            _ => shell_quote(exe.as_os_str()),
        }
    })
    .clone()
}

/// The program ([`program`]) and `args`, each word quoted for a POSIX shell.
pub(crate) fn shell_command(args: &[OsString]) -> String {
    let mut line = program();
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    line
}

/// `--name VALUE`, or `--name=VALUE` when the value starts with `-` (so it
/// is not taken for a flag).
fn flag(args: &mut Vec<OsString>, name: &str, value: &OsStr) {
    if value.as_encoded_bytes().starts_with(b"-") {
        let mut joined = OsString::from(format!("{name}="));
        joined.push(value);
        args.push(joined);
    } else {
        args.push(name.into());
        args.push(value.to_owned());
    }
}

/// A path given as a positional argument: `-x.csv` becomes `./-x.csv`.
fn positional(path: &Path) -> OsString {
    if path.as_os_str().as_encoded_bytes().starts_with(b"-") {
        Path::new(".").join(path).into_os_string()
    } else {
        path.as_os_str().to_owned()
    }
}

/// Whether no POSIX shell treats `byte` specially anywhere in a word.
fn plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&byte)
}

/// `arg` as one word of a POSIX shell: as it is when every character is
/// plain, else in single quotes (a quote in it as `'\''`); bytes that are
/// not UTF-8 as `"$(printf '\ooo')"`, octal escapes a POSIX `printf` turns
/// back into those bytes.
pub(crate) fn shell_quote(arg: &OsStr) -> String {
    let bytes = arg.as_encoded_bytes();
    if !bytes.is_empty() && bytes.iter().all(|b| plain(*b)) {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut word = String::new();
    for chunk in bytes.utf8_chunks() {
        let text = chunk.valid();
        if !text.is_empty() || chunk.invalid().is_empty() {
            word.push('\'');
            word.push_str(&text.replace('\'', r"'\''"));
            word.push('\'');
        }
        if !chunk.invalid().is_empty() {
            let octal: String = chunk
                .invalid()
                .iter()
                .map(|b| format!("\\{b:03o}"))
                .collect();
            word.push_str(&format!("\"$(printf '{octal}')\""));
        }
    }
    if word.is_empty() {
        word.push_str("''");
    }
    word
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::cli::Invocation;
    use crate::cli::config::Config;
    use crate::cli::resolve::resolve_with;

    fn settings(args: &[OsString], config: Option<&Config>) -> RunSettings {
        let mut all = vec![OsString::from(PROGRAM)];
        all.extend(args.iter().cloned());
        let (cli, matches) = crate::cli::parse_from(all).unwrap();
        match resolve_with(cli, &matches, config.cloned()).unwrap() {
            Invocation::Run(run) => run,
            _ => panic!("not run"),
        }
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_run_written_back_and_parsed_again_gives_the_same_settings() {
        let config = Config::parse(
            Path::new("my jobs/pc-onboard.toml"),
            "rate = 7\n[columns]\ncompany_name = \"Klantnaam\"\n",
        )
        .unwrap();
        let given = os(&[
            "run",
            "in put.csv",
            "--results",
            "r 1;touch PWNED;.csv",
            "--sandbox",
            "--dry-run",
            "--credentials-out=-creds.csv",
            "--encoding",
            "latin1",
            "--concurrency",
            "3",
            "--timeout",
            "90",
            "--create-timeout",
            "30",
        ]);
        let first = settings(&given, Some(&config));
        let written = run_args(&first);
        let again = settings(&written, Some(&config));
        assert_eq!(again, first, "{written:?}");
        assert_eq!(run_args(&again), written);
        assert_eq!(again.connect().rate().get(), 7, "from the config file");
        let line = shell_command(&written);
        assert_eq!(
            line,
            "pc-onboard run 'in put.csv' --results 'r 1;touch PWNED;.csv' --dry-run --sandbox \
             --config 'my jobs/pc-onboard.toml' --credentials-out=-creds.csv \
             --encoding windows-1252 --concurrency 3 --timeout 90 --create-timeout 90"
        );
    }

    #[test]
    fn defaults_and_the_config_files_values_are_not_repeated() {
        let plain = settings(&os(&["run", "in.csv", "--results", "out.csv"]), None);
        assert_eq!(
            shell_command(&run_args(&plain)),
            "pc-onboard run in.csv --results out.csv"
        );
        assert_eq!(positional(Path::new("-in.csv")), "./-in.csv");
    }

    #[test]
    fn quoting_keeps_every_byte_as_one_word() {
        assert_eq!(shell_quote(OsStr::new("results-2.csv")), "results-2.csv");
        assert_eq!(shell_quote(OsStr::new("")), "''");
        assert_eq!(shell_quote(OsStr::new("it's")), r"'it'\''s'");
        assert_eq!(shell_quote(OsStr::new("$(x)`y`")), "'$(x)`y`'");
    }

    #[cfg(unix)]
    #[test]
    fn a_shell_reads_each_quoted_word_back_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let words: [&[u8]; 6] = [
            b"r 1;touch PWNED;.csv",
            b"it's \"quoted\" $HOME `id` \\ *",
            b"line\nbreak\ttab",
            b"caf\xc3\xa9 \xe9t\xe9.csv",
            b"\xff",
            b"-dash",
        ];
        for word in words {
            let quoted = shell_quote(OsStr::from_bytes(word));
            let out = std::process::Command::new("sh")
                .args(["-c", &format!("printf '%s' {quoted}")])
                .output()
                .unwrap();
            assert_eq!(out.stdout, word, "{quoted}");
        }
    }
}
