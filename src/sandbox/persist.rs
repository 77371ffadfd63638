//! The `--state` file: the [`Tenant`] as JSON, loaded at start and rewritten
//! atomically (temporary file in the same directory, then rename) after each
//! change. It holds the initial admin passwords so that replays can hand them
//! out again: it is created with mode 0600 on Unix.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::SandboxError;
use super::tenant::Tenant;

/// Makes temporary names unique among the sandboxes of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Load the tenant from `path`; a missing file is an empty tenant.
pub(crate) fn load(path: &Path) -> Result<Tenant, SandboxError> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Tenant::new()),
        Err(err) => {
            return Err(SandboxError::ReadState {
                path: path.to_owned(),
                source: err,
            });
        }
    };
    let mut tenant: Tenant =
        serde_json::from_slice(&text).map_err(|source| SandboxError::StateFormat {
            path: path.to_owned(),
            source,
        })?;
    if tenant.version() > 1 {
        return Err(SandboxError::StateVersion {
            path: path.to_owned(),
            version: tenant.version(),
        });
    }
    tenant.reindex();
    Ok(tenant)
}

/// Write the tenant to `path` atomically.
pub(crate) fn save(path: &Path, tenant: &Tenant) -> io::Result<()> {
    let body = serde_json::to_vec(tenant)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let unique = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.{}-{unique}.tmp", std::process::id()));
    let result = write_new(&temp, &body).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_new(path: &Path, body: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(body)?;
    file.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::partner_center::resources::Customer;

    #[test]
    fn missing_file_is_an_empty_tenant() {
        let dir = tempfile::tempdir().unwrap();
        let tenant = load(&dir.path().join("none.json")).unwrap();
        assert_eq!(tenant.len(), 0);
    }

    #[test]
    fn saved_tenant_loads_with_its_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut tenant = Tenant::new();
        let mut c = Customer {
            id: "A-1".into(),
            ..Customer::default()
        };
        c.company_profile.domain = "Contoso.onmicrosoft.com".into();
        tenant.insert(c);
        save(&path, &tenant).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.customer("a-1").map(|c| c.id.as_str()), Some("A-1"));
        assert!(back.by_domain("contoso.ONMICROSOFT.com").is_some());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn garbage_state_file_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "not json").unwrap();
        let err = load(&path).unwrap_err();
        assert!(format!("{err:#}").contains("state.json"));
    }
}
