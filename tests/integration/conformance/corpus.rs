//! The corpus as a whole: [`PAYLOADS`] names every file of the payload
//! directory and says what it is, agreeing with `manifest.json`; every
//! transcript belongs to a listed body or is listed as transcript-only.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use super::Kind::*;
use super::{PAYLOADS, TRANSCRIPT_ONLY, payload_dir, read};

/// The names of the files directly under `dir`, and of those under `dir/http`.
fn files(dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let names = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    (names(dir), names(&dir.join("http")))
}

#[test]
fn the_list_names_every_payload_file_and_agrees_with_the_manifest() {
    let dir = payload_dir();
    let (top, http) = files(&dir);
    let listed: BTreeSet<String> = PAYLOADS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(listed.len(), PAYLOADS.len(), "a file is listed twice");
    let unlisted: Vec<&String> = top.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "payload files without a decision in PAYLOADS: {unlisted:?}"
    );
    let missing: Vec<&String> = listed.difference(&top).collect();
    assert!(missing.is_empty(), "listed but absent: {missing:?}");
    // Every transcript is that of a listed body, or listed as transcript-only.
    for transcript in &http {
        let stem = transcript
            .strip_suffix(".http.txt")
            .unwrap_or_else(|| panic!("{transcript}"));
        let has_body = [".json", ".form.txt", ".raw.txt"]
            .iter()
            .any(|ext| listed.contains(&format!("{stem}{ext}")));
        let only = TRANSCRIPT_ONLY.iter().any(|(s, _)| *s == stem);
        assert!(
            has_body ^ only,
            "http/{transcript}: list its body or add it to TRANSCRIPT_ONLY"
        );
    }
    // The manifest's files are ours, and its statuses agree with the list.
    let manifest: Vec<Value> = serde_json::from_slice(&read(&dir, "manifest.json")).unwrap();
    for entry in &manifest {
        for key in ["file", "raw_file"] {
            if let Some(file) = entry[key].as_str() {
                assert!(listed.contains(file), "manifest {key} {file} is not listed");
            }
        }
        if let Some(raw) = entry["raw_file"].as_str() {
            let kind = PAYLOADS.iter().find(|(n, _)| *n == raw).map(|(_, k)| *k);
            assert!(
                matches!(kind, Some(NotJson(_))),
                "{raw} is published text kept as is"
            );
        }
        if let Some(transcript) = entry["http_transcript"].as_str() {
            let name = transcript.trim_start_matches("http/");
            assert!(
                http.contains(name),
                "manifest transcript {transcript} is absent"
            );
        }
        let (Some(file), Some(status)) = (entry["file"].as_str(), entry["http_status"].as_u64())
        else {
            continue;
        };
        let kind = PAYLOADS.iter().find(|(n, _)| *n == file).map(|(_, k)| *k);
        match kind {
            Some(Customer(s) | Error(s, _)) => assert_eq!(u64::from(s), status, "{file}"),
            Some(LegacyAddressError) => assert_eq!(status, 400, "{file}"),
            Some(Throttled) => assert_eq!(status, 429, "{file}"),
            _ => {}
        }
    }
    // What the list calls not JSON is not JSON; the index files are there.
    for (name, kind) in PAYLOADS {
        match kind {
            NotJson(reason) => {
                let parsed = serde_json::from_slice::<Value>(&read(&dir, name));
                assert!(
                    parsed.is_err(),
                    "{name} parses as JSON, yet the list says: {reason}"
                );
            }
            Index(what) => assert!(!read(&dir, name).is_empty(), "{name}: {what}"),
            _ => {}
        }
    }
}
