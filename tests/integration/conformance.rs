//! Conformance with Microsoft's published payloads: every
//! documented response the client parses goes through the client's models
//! (or `ApiError::from_response`, or the client itself where only it reads
//! the answer), every documented request through the sandbox.
//!
//! The payloads are in the repository, byte for byte as published, with
//! their sources and licences (`tests/data/real-payloads/INDEX.md`); setting
//! `$PC_REAL_PAYLOADS` reads another copy of the corpus instead (a newer
//! one, say). A missing directory fails every test of the suite: it never
//! passes without its payloads. The tests are strict: [`PAYLOADS`] names
//! every file and what it is, and a file it does not name fails the test
//! (`corpus`).
#![allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)

mod client;
mod corpus;
mod requests;
mod responses;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

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
    // Status not quoted (Microsoft's error-codes page gives 403 for 20002).
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

/// The payload directory: `$PC_REAL_PAYLOADS` when set, else the
/// repository's copy. A test that reads it fails when it is missing.
pub(crate) fn payload_dir() -> PathBuf {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-payloads");
    payload_dir_from(std::env::var_os("PC_REAL_PAYLOADS"), repository)
        .unwrap_or_else(|missing| panic!("{missing}"))
}

/// The directory `env` names, else `repository`; an error naming it when it
/// holds no corpus (no `manifest.json`).
fn payload_dir_from(env: Option<OsString>, repository: PathBuf) -> Result<PathBuf, String> {
    let from_env = env.is_some();
    let dir = env.map_or(repository, PathBuf::from);
    if dir.join("manifest.json").is_file() {
        return Ok(dir);
    }
    Err(if from_env {
        format!(
            "PC_REAL_PAYLOADS names {}, which holds no payload corpus (no manifest.json): unset it to use the repository's copy",
            dir.display()
        )
    } else {
        format!(
            "no payload corpus at {}: the conformance suite does not pass without it (restore it from git)",
            dir.display()
        )
    })
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

#[test]
fn a_missing_payload_directory_fails_the_suite_instead_of_skipping_it() {
    let nowhere = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/no-such-corpus");
    let missing = payload_dir_from(None, nowhere.clone()).unwrap_err();
    assert!(missing.contains("no-such-corpus"), "{missing}");
    let missing = payload_dir_from(Some(nowhere.clone().into()), PathBuf::new()).unwrap_err();
    assert!(missing.contains("PC_REAL_PAYLOADS"), "{missing}");
    // The repository's copy is there; the suite reads it unless told otherwise.
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-payloads");
    assert_eq!(payload_dir_from(None, repository.clone()), Ok(repository));
    assert!(payload_dir().join("INDEX.md").is_file());
}
