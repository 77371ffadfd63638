//! Conformance with Microsoft's published payloads: every
//! documented response the client parses goes through the client's models
//! (or `ApiError::from_response`, or the client itself where only it reads
//! the answer), every documented request through the sandbox.
//!
//! The payloads are not in the repository: they are read at test time from
//! `$PC_REAL_PAYLOADS` (default `../shared/data/real-payloads` next to the
//! crate). Without that directory the tests say so on one line and pass; with
//! it they are strict: [`PAYLOADS`] names every file and what it is, and a
//! file it does not name fails the test.
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

mod requests;
mod responses;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// What a payload file is, and how the tests treat it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// A `Customer` answer (create or get), with its status.
    Customer(u16),
    /// `Collection<Customer>` (searches), with its item count.
    Customers(usize),
    /// A `Collection` of invoice line items: the only documented next link.
    LineItems {
        /// The page has a next link.
        next: bool,
    },
    /// A collection the client does not read (indirect resellers): the
    /// envelope is checked as `Collection<Value>`.
    OtherCollection,
    /// `CountryValidationRules`, as `LiveRules` compile them.
    CountryRules,
    /// `AddressValidationResponse`.
    AddressAnswer,
    /// The legacy address-validation `400`: through the client.
    LegacyAddressError,
    /// `Collection<AgreementMetadata>`.
    AgreementTemplates,
    /// `CustomerAgreement` (the `201` of an attestation).
    CustomerAgreement,
    /// `Collection<CustomerAgreement>`.
    CustomerAgreements,
    /// An error via `ApiError::from_response`: HTTP status (as documented,
    /// or the client's usual one where none is) and the code read.
    Error(u16, &'static str),
    /// The 429 body (not the envelope), with its transcript's `Retry-After`.
    Throttled,
    /// A `TokenResponse`.
    Token,
    /// A create-customer request for the sandbox.
    CreateRequest,
    /// An address-validation request for the sandbox.
    AddressRequest,
    /// An MCA attestation request for the sandbox.
    AgreementRequest,
    /// A token form for the sandbox's token endpoint.
    TokenForm,
    /// Not parsed: the published text is not JSON (asserted), for this reason.
    NotJson(&'static str),
    /// Not a payload.
    Index(&'static str),
}

use Kind::*;

/// Every file of the payload directory (`http/` transcripts are checked
/// against `manifest.json`, see [`the_list_names_every_payload_file_and_agrees_with_the_manifest`]).
pub(crate) const PAYLOADS: &[(&str, Kind)] = &[
    ("01a-create-customer.request.json", CreateRequest),
    (
        "01a-create-customer.request.raw.txt",
        NotJson("trailing commas (the .json is the fixed twin)"),
    ),
    ("01b-create-customer.response-201.json", Customer(201)),
    (
        "01c-create-customer-indirect-reseller.request.json",
        CreateRequest,
    ),
    (
        "01d-create-customer-indirect-reseller.response-201.json",
        Customer(201),
    ),
    ("02a-get-customers.response-200.json", Customers(2)),
    (
        "02b-get-customers-filter-companyname.response-200.json",
        Customers(3),
    ),
    (
        "02c-get-customers-filter-indirectreseller.response-200.json",
        Customers(2),
    ),
    (
        "02c-get-customers-filter-indirectreseller.response-200.raw.txt",
        NotJson("a trailing comma after the last item"),
    ),
    (
        "02d-paged-collection-links-next.response-200.json",
        LineItems { next: true },
    ),
    (
        "02f-paged-collection-last-page.response-200.json",
        LineItems { next: false },
    ),
    ("03b-get-customer-by-id.response-200.json", Customer(200)),
    (
        "05b-countryvalidationrules-US.doc.response-200.json",
        CountryRules,
    ),
    (
        "05b-countryvalidationrules-US.doc.response-200.raw.txt",
        NotJson("postalCodeRegex broken across lines, unescaped \\( in phoneNumberRegex"),
    ),
    (
        "05c-countryvalidationrules-US.recorded-2019.response-200.json",
        CountryRules,
    ),
    (
        "05d-countryvalidationrules-US.fixture-2018.response-200.json",
        CountryRules,
    ),
    (
        "05e-countryvalidationrules-CN.fixture-2018.response-200.json",
        CountryRules,
    ),
    (
        "05f-countryvalidationrules-DE.fixture-2018.response-200.json",
        CountryRules,
    ),
    (
        "05g-countryvalidationrules-GB.fixture-2018.response-200.json",
        CountryRules,
    ),
    (
        "06a-validate-address.request.VerifiedShippable.json",
        AddressRequest,
    ),
    (
        "06b-validate-address.request.StreetPartial.json",
        AddressRequest,
    ),
    (
        "06c-validate-address.response-200.VerifiedShippable.json",
        AddressAnswer,
    ),
    (
        "06d-validate-address.response-200.StreetPartial.json",
        AddressAnswer,
    ),
    ("06e-validate-address.legacy.request.json", AddressRequest),
    (
        "06g-validate-address.legacy.response-400.json",
        LegacyAddressError,
    ),
    (
        "07a-get-agreements-mca.response-200.json",
        AgreementTemplates,
    ),
    (
        "07b-get-agreements-default.response-200.json",
        AgreementTemplates,
    ),
    (
        "07c-create-customer-agreement.request.json",
        AgreementRequest,
    ),
    (
        "07d-create-customer-agreement.response-201.json",
        CustomerAgreement,
    ),
    (
        "07e-get-customer-agreements.response-200.json",
        CustomerAgreements,
    ),
    (
        "07e-get-customer-agreements.response-200.raw.txt",
        NotJson("missing commas after \"email\" values, a broken \"phoneNumber key"),
    ),
    // Status undocumented: the sandbox (and the client's handling) use 409.
    (
        "07f-create-customer-agreement.error-600061.json",
        Error(409, "600061"),
    ),
    (
        "07g-get-agreements.recorded-2019.response-200.json",
        AgreementTemplates,
    ),
    ("08a-error-429-throttled.json", Throttled),
    ("08b-error-404-code3000.json", Error(404, "3000")),
    (
        "08c-error-400-code60012-data-strings.json",
        Error(400, "60012"),
    ),
    (
        "08d-error-400-code2000-other-source.json",
        Error(400, "2000"),
    ),
    ("08e-error-400-code2200-data-url.json", Error(400, "2200")),
    // Status undocumented: read as a 400.
    ("08f-error-code800090-no-status.json", Error(400, "800090")),
    (
        "08g-error-envelope-template.raw.txt",
        NotJson("a schema template with <string> placeholders and a header line"),
    ),
    // Status not quoted (error-codes.md gives 403 for 20002).
    (
        "08h-error-code20002.observed-2018.json",
        Error(403, "20002"),
    ),
    // Status not quoted: read as a 400.
    ("08i-error-code2000.observed-2025.json", Error(400, "2000")),
    ("09a-token-app-only.request.form.txt", TokenForm),
    ("09b-token-app-only.response-200.json", Token),
    ("09c-token-authcode.request.form.txt", TokenForm),
    ("09d-token-authcode.response-200.json", Token),
    (
        "09d-token-authcode.response-200.raw.txt",
        NotJson("the documentation truncates it inside access_token"),
    ),
    ("09e-token-refresh.request.form.txt", TokenForm),
    ("09f-token-refresh.response-200.json", Token),
    ("09g-token-app-only.request.2025.form.txt", TokenForm),
    (
        "10a-get-indirect-resellers.fixture-2018.response-200.json",
        OtherCollection,
    ),
    ("INDEX.md", Index("the corpus's description")),
    (
        "manifest.json",
        Index("the corpus's machine-readable list, checked against this one"),
    ),
];

/// Transcripts whose example has no body file: what they are.
pub(crate) const TRANSCRIPT_ONLY: &[(&str, &str)] = &[
    ("02a-get-customers.request", "GET without a body"),
    (
        "02b-get-customers-filter-companyname.request",
        "GET without a body",
    ),
    (
        "02c-get-customers-filter-indirectreseller.request",
        "GET without a body",
    ),
    (
        "02e-paged-collection-next-page.request",
        "GET without a body",
    ),
    ("03a-get-customer-by-id.request", "GET without a body"),
    ("04a-domain-availability.request", "HEAD without a body"),
    (
        "04b-domain-availability.taken.response-200",
        "empty 200: through the client",
    ),
    (
        "04c-domain-availability.available.response-404",
        "empty 404: through the client",
    ),
    ("05a-countryvalidationrules.request", "GET without a body"),
    (
        "06f-validate-address.legacy.response-200-empty",
        "empty 200: through the client",
    ),
    ("07a-get-agreements-mca.request", "GET without a body"),
    ("07e-get-customer-agreements.request", "GET without a body"),
];

/// The payload directory, or `None` (after one line saying why) when absent.
pub(crate) fn payload_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PC_REAL_PAYLOADS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real-payloads")
        });
    if dir.is_dir() {
        return Some(dir);
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        println!(
            "conformance skipped: no payload directory at {} (set PC_REAL_PAYLOADS to Microsoft's real-payloads corpus)",
            dir.display()
        );
    });
    None
}

/// A file's bytes.
pub(crate) fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The files listed with `kind` (matched by the variant).
pub(crate) fn listed(matches: impl Fn(&Kind) -> bool) -> Vec<(&'static str, Kind)> {
    PAYLOADS
        .iter()
        .filter(|(_, kind)| matches(kind))
        .copied()
        .collect()
}

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
    let Some(dir) = payload_dir() else { return };
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
