#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

use super::*;

fn password(text: &str) -> SecretString {
    SecretString::from(text)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_file_is_private_in_the_delimiter_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.csv");
    let mut file = CredentialsFile::open(&path, false, b';').unwrap();
    file.store("x.onmicrosoft.com", "c1", "admin@x", &password("p=;*"))
        .unwrap();
    drop(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "domain;customer_id;admin_user;password\nx.onmicrosoft.com;c1;admin@x;\"p=;*\"\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn an_existing_credentials_file_is_added_to_once_per_customer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.csv");
    // A tab file, cut by a kill in the middle of its last row.
    std::fs::write(
        &path,
        "domain\tcustomer_id\tadmin_user\tpassword\na\tc1\tadmin@a\tpw1\nb\tc2\tadm",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut file = CredentialsFile::open(&path, false, b',').unwrap();
    assert_eq!(file.earlier_rows(), 2);
    file.store("a", "c1", "admin@a", &password("pw1")).unwrap();
    file.store("c", "c3", "admin@c", &password("pw3")).unwrap();
    file.store("c", "c3", "admin@c", &password("pw3")).unwrap();
    assert_eq!(file.stored(), 1);
    drop(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "domain\tcustomer_id\tadmin_user\tpassword\na\tc1\tadmin@a\tpw1\nb\tc2\tadm\nc\tc3\tadmin@c\tpw3\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_file_that_is_not_a_credentials_file_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.csv");
    std::fs::write(&path, "old notes\n").unwrap();
    let err = CredentialsFile::open(&path, false, b',').unwrap_err();
    assert!(matches!(err, CredentialsFileError::Exists(_)), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old notes\n");
    let file = CredentialsFile::open(&path, true, b',').unwrap();
    assert_eq!(file.path(), path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, "domain,customer_id,admin_user,password\n");
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 1, "no temporary file left");
}

#[test]
fn an_empty_file_gets_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.csv");
    std::fs::write(&path, "").unwrap();
    drop(CredentialsFile::open(&path, false, b'\t').unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, "domain\tcustomer_id\tadmin_user\tpassword\n");
}

#[cfg(unix)]
#[test]
fn a_symlink_is_refused_with_or_without_force_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("precious.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.csv"), &dangling).unwrap();
    let path = dir.path().join("creds.csv");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    for (link, force) in [(&path, true), (&path, false), (&dangling, true)] {
        let err = CredentialsFile::open(link, force, b',').unwrap_err();
        assert!(
            matches!(
                err,
                CredentialsFileError::NotRegular {
                    kind: "a symlink",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    assert!(!dir.path().join("elsewhere.csv").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn a_file_removed_under_the_run_stops_the_next_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("creds.csv");
    let mut file = CredentialsFile::open(&path, false, b',').unwrap();
    file.store("a", "c1", "admin@a", &password("pw1")).unwrap();
    std::fs::remove_file(&path).unwrap();
    let err = file
        .store("b", "c2", "admin@b", &password("pw2"))
        .unwrap_err();
    assert!(err.to_string().contains("removed or replaced"), "{err}");
}

#[test]
fn force_into_a_missing_directory_fails_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope/creds.csv");
    let err = CredentialsFile::open(&path, true, b',').unwrap_err();
    assert!(err.to_string().contains("nope/creds.csv"), "{err}");
}
