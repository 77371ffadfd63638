//! The enhanced MCA attestation (docs/partner-center.md, "Microsoft
//! Customer Agreement: the enhanced attestation"): every guess pc-onboard
//! makes about what Microsoft has not published lives here, and nowhere
//! else, with the tolerant readers of the answers.
//!
//! Published (Microsoft's "Confirm customer acceptance and create agreement
//! for MCA using APIs"): `POST /v1/attestations/enhanced`, app-only; the
//! body's `country`, `language`, `companyName`, `signatoryFirstName`,
//! `signatoryLastName`; the customer accepts on a Microsoft page built from
//! the attestation; the agreement is then created with the attestation id
//! (`POST /v1/customers/{id}/agreements`); `600061` for a repeated one.
//!
//! Guessed (each one a constant or a reader below, named in the docs):
//! - [`SIGNATORY_EMAIL`], [`SIGNATORY_PHONE`]: the names of the e-mail and
//!   phone fields the page's prerequisites ask for;
//! - the answer's attestation id under one of [`ID_FIELDS`] and its
//!   acceptance link under one of [`LINK_FIELDS`] (an http(s) URL), at the
//!   top level or in a nested object;
//! - the attestation's state under one of [`STATE_FIELDS`], one of
//!   [`STATE_WORDS`] (vendors' tools show required, pending, expired, ready);
//! - [`state_segments`]: reading one attestation's state with `GET
//!   /v1/attestations/enhanced/{id}`;
//! - [`AGREEMENT_ATTESTATION_ID`]: the agreement body's field for the id.
//!
//! A wrong guess ends as an [`ApiError::Unrecognised`] that quotes what
//! Partner Center answered (one line, cut to [`QUOTED_CHARS`], secrets
//! scrubbed): the row's `mca_status` is then `failed: ...`, never a crash
//! and never a silent success.

use serde_json::{Map, Value, json};

use super::auth::one_line;
use super::error::ApiError;

/// `POST /v1/attestations/enhanced` (published).
pub(crate) const ATTESTATION_SEGMENTS: [&str; 3] = ["v1", "attestations", "enhanced"];

/// The body's fields Microsoft documents (all required).
pub(crate) const COUNTRY: &str = "country";
/// ISO 639-1 language of the agreement shown.
pub(crate) const LANGUAGE: &str = "language";
/// The customer's company name.
pub(crate) const COMPANY_NAME: &str = "companyName";
/// The signatory's first name.
pub(crate) const SIGNATORY_FIRST_NAME: &str = "signatoryFirstName";
/// The signatory's last name.
pub(crate) const SIGNATORY_LAST_NAME: &str = "signatoryLastName";
/// Guess: the signatory's e-mail (the page's prerequisites name it).
pub(crate) const SIGNATORY_EMAIL: &str = "signatoryEmail";
/// Guess: the signatory's phone number (optional, in the prerequisites).
pub(crate) const SIGNATORY_PHONE: &str = "signatoryPhoneNumber";

/// Guess: where the attestation id is, in the order tried (names compared
/// without case; vendors' tools call it the attestation id).
pub(crate) const ID_FIELDS: [&str; 4] = [
    "id",
    "attestationId",
    "attestation_id",
    "enhancedAttestationId",
];

/// Guess: where the acceptance link is, in the order tried.
pub(crate) const LINK_FIELDS: [&str; 10] = [
    "url",
    "link",
    "acceptanceUrl",
    "acceptanceLink",
    "attestationUrl",
    "attestationLink",
    "agreementUrl",
    "agreementLink",
    "uri",
    "href",
];

/// Guess: where the attestation's state is, in the order tried.
pub(crate) const STATE_FIELDS: [&str; 5] = [
    "status",
    "state",
    "attestationStatus",
    "attestationState",
    "acceptanceStatus",
];

/// Guess: the states, compared without case, spaces, `_` and `-`.
pub(crate) const STATE_WORDS: [(&str, AttestationState); 8] = [
    ("required", AttestationState::Pending),
    ("pending", AttestationState::Pending),
    ("created", AttestationState::Pending),
    ("expired", AttestationState::Expired),
    ("ready", AttestationState::Ready),
    ("accepted", AttestationState::Ready),
    ("completed", AttestationState::Ready),
    ("finalized", AttestationState::Ready),
];

/// Guess: the agreement body's field that carries the attestation id.
pub(crate) const AGREEMENT_ATTESTATION_ID: &str = "attestationId";

/// How many characters of an unexpected answer a message quotes.
pub(crate) const QUOTED_CHARS: usize = 300;

/// How deep the readers look into nested objects (1: the top level only).
const DEPTH: usize = 3;

/// Guess: `GET /v1/attestations/enhanced/{id}` reads one attestation.
pub(crate) fn state_segments(id: &str) -> [&str; 4] {
    let [v1, attestations, enhanced] = ATTESTATION_SEGMENTS;
    [v1, attestations, enhanced, id]
}

/// Where an attestation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttestationState {
    /// The customer has not accepted yet (`required`, `pending`).
    Pending,
    /// The link expired unaccepted.
    Expired,
    /// The customer accepted: the agreement can be created (`ready`, `accepted`).
    Ready,
}

impl AttestationState {
    /// The state a word names, if any (case, spaces, `_`, `-` ignored).
    pub(crate) fn of_word(word: &str) -> Option<AttestationState> {
        let key: String = word
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect();
        STATE_WORDS
            .iter()
            .find(|(w, _)| *w == key)
            .map(|(_, state)| *state)
    }
}

/// Who accepts, and for which company: the body of `POST
/// /v1/attestations/enhanced`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignatoryRequest {
    /// ISO 3166-1 alpha-2.
    pub(crate) country: String,
    /// ISO 639-1.
    pub(crate) language: String,
    /// The customer's company name.
    pub(crate) company_name: String,
    /// Signatory first name.
    pub(crate) first_name: String,
    /// Signatory last name.
    pub(crate) last_name: String,
    /// Signatory e-mail.
    pub(crate) email: String,
    /// Signatory phone, if known.
    pub(crate) phone: Option<String>,
}

impl SignatoryRequest {
    /// The body as sent: canonical JSON (keys sorted, no whitespace).
    pub(crate) fn body(&self) -> String {
        let mut body = Map::new();
        for (key, value) in [
            (COUNTRY, &self.country),
            (LANGUAGE, &self.language),
            (COMPANY_NAME, &self.company_name),
            (SIGNATORY_FIRST_NAME, &self.first_name),
            (SIGNATORY_LAST_NAME, &self.last_name),
            (SIGNATORY_EMAIL, &self.email),
        ] {
            body.insert(key.to_owned(), Value::String(value.trim().to_owned()));
        }
        if let Some(phone) = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            body.insert(SIGNATORY_PHONE.to_owned(), Value::String(phone.to_owned()));
        }
        Value::Object(body).to_string()
    }
}

/// The body of `POST /v1/customers/{id}/agreements` for an accepted
/// attestation: its id ([`AGREEMENT_ATTESTATION_ID`]), the type and the
/// signatory as the documented `primaryContact`.
pub(crate) fn agreement_body(
    attestation_id: &str,
    agreement_type: &str,
    who: &SignatoryRequest,
) -> String {
    let mut contact = json!({
        "firstName": who.first_name.trim(),
        "lastName": who.last_name.trim(),
        "email": who.email.trim(),
    });
    if let (Some(phone), Some(obj)) = (who.phone.as_deref(), contact.as_object_mut()) {
        obj.insert(
            "phoneNumber".to_owned(),
            Value::String(phone.trim().to_owned()),
        );
    }
    let mut body = Map::new();
    body.insert(
        AGREEMENT_ATTESTATION_ID.to_owned(),
        Value::String(attestation_id.to_owned()),
    );
    body.insert("primaryContact".to_owned(), contact);
    body.insert("type".to_owned(), Value::String(agreement_type.to_owned()));
    Value::Object(body).to_string()
}

/// What the answer to the creation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreatedAttestation {
    /// Partner Center's id of the attestation.
    pub(crate) id: String,
    /// The link the customer opens to accept, when the answer has one.
    pub(crate) link: Option<String>,
    /// The state, when the answer names one pc-onboard knows (a replayed
    /// creation answers the attestation as it is now: `Ready` once accepted).
    pub(crate) state: Option<AttestationState>,
}

/// Read the answer to `POST /v1/attestations/enhanced` (a 2xx `body`): the
/// id is required (without it the attestation cannot be finished); a
/// missing link is the caller's to judge (the id is still worth keeping).
pub(crate) fn read_created(status: u16, body: &[u8]) -> Result<CreatedAttestation, ApiError> {
    let value = json_of(status, body, "an attestation")?;
    let Some(id) = find(&value, &ID_FIELDS, DEPTH).and_then(text_of) else {
        return Err(unrecognised(
            status,
            body,
            &format!("no attestation id (looked for {})", ID_FIELDS.join(", ")),
        ));
    };
    let state = find(&value, &STATE_FIELDS, DEPTH).and_then(text_of);
    Ok(CreatedAttestation {
        id,
        link: link_in(&value),
        state: state.as_deref().and_then(AttestationState::of_word),
    })
}

/// The error of a created attestation whose answer has no acceptance link.
pub(crate) fn no_link(status: u16, body: &[u8]) -> ApiError {
    unrecognised(
        status,
        body,
        &format!(
            "no acceptance link (looked for an http(s) URL under {})",
            LINK_FIELDS.join(", ")
        ),
    )
}

/// Read the answer to the state read (a 2xx `body`): its state, which must
/// be one of [`STATE_WORDS`], and a link if it carries one.
pub(crate) fn read_state(
    status: u16,
    body: &[u8],
) -> Result<(AttestationState, Option<String>), ApiError> {
    let value = json_of(status, body, "an attestation's state")?;
    let word = find(&value, &STATE_FIELDS, DEPTH).and_then(text_of);
    match word.as_deref().and_then(AttestationState::of_word) {
        Some(state) => Ok((state, link_in(&value))),
        None => {
            let what = match word {
                Some(word) => format!(
                    "an attestation state {word:?} pc-onboard does not know (knows {})",
                    STATE_WORDS.map(|(w, _)| w).join(", ")
                ),
                None => format!(
                    "no attestation state (looked for {})",
                    STATE_FIELDS.join(", ")
                ),
            };
            Err(unrecognised(status, body, &what))
        }
    }
}

/// What Partner Center answered, for a message: one line, at most
/// [`QUOTED_CHARS`] characters (`...` when cut), secrets scrubbed.
pub(crate) fn quote(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(crate::bom::strip_bom(body));
    let line = one_line(crate::secrets::scrub(&text));
    if line.is_empty() {
        return "(an empty body)".to_owned();
    }
    let mut quoted: String = line.chars().take(QUOTED_CHARS).collect();
    if quoted.len() < line.len() {
        quoted.push_str("...");
    }
    quoted
}

/// The error of an answer pc-onboard's guesses do not fit: `what` is
/// missing, and what Partner Center answered, quoted.
pub(crate) fn unrecognised(status: u16, body: &[u8], what: &str) -> ApiError {
    ApiError::Unrecognised {
        status,
        message: format!("{what}; Partner Center answered: {}", quote(body)),
    }
}

fn json_of(status: u16, body: &[u8], what: &str) -> Result<Value, ApiError> {
    match super::resources::parse_json::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(unrecognised(status, body, &format!("not {what} in JSON"))),
    }
}

/// The first http(s) URL under one of [`LINK_FIELDS`].
fn link_in(value: &Value) -> Option<String> {
    let link = find(value, &LINK_FIELDS, DEPTH).and_then(text_of)?;
    let url = reqwest::Url::parse(&link).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(link)
}

/// A string or number value, trimmed; `None` when empty.
fn text_of(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// The value of the first of `names` (case-insensitive) that holds a
/// string or number, looking at `value`'s own keys before its nested
/// objects (breadth first, `depth` levels).
fn find<'v>(value: &'v Value, names: &[&str], depth: usize) -> Option<&'v Value> {
    let mut level: Vec<&Map<String, Value>> = value.as_object().into_iter().collect();
    for _ in 0..depth {
        for object in &level {
            for name in names {
                let hit = object
                    .iter()
                    .find(|(k, v)| k.eq_ignore_ascii_case(name) && text_of(v).is_some());
                if let Some((_, v)) = hit {
                    return Some(v);
                }
            }
        }
        level = level
            .iter()
            .flat_map(|o| o.values())
            .filter_map(|v| match v {
                Value::Array(items) => items.first().and_then(Value::as_object),
                other => other.as_object(),
            })
            .collect();
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn created(body: &str) -> Result<CreatedAttestation, ApiError> {
        read_created(201, body.as_bytes())
    }

    #[test]
    fn the_id_and_the_link_are_found_under_the_names_vendors_use() {
        for body in [
            r#"{"id":"a-1","url":"https://mca.example/a-1","status":"Pending"}"#,
            r#"{"attestationId":"a-1","acceptanceUrl":"https://mca.example/a-1"}"#,
            r#"{"AttestationID":"a-1","Link":"https://mca.example/a-1","extra":{"x":1}}"#,
            r#"{"attestation":{"attestationId":"a-1"},"links":{"acceptance":{"uri":"https://mca.example/a-1"}}}"#,
            "\u{feff}{\"items\":[{\"id\":\"a-1\",\"attestationLink\":\"https://mca.example/a-1\"}]}",
        ] {
            let found = created(body).unwrap();
            assert_eq!(found.id, "a-1", "{body}");
            assert_eq!(
                found.link.as_deref(),
                Some("https://mca.example/a-1"),
                "{body}"
            );
        }
    }

    #[test]
    fn an_answer_without_an_id_is_a_wrong_guess_quoting_the_answer() {
        let err = created(r#"{"reference":"r-9","message":"created"}"#).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ApiError::Unrecognised { status: 201, .. }));
        assert!(
            text.contains("no attestation id (looked for id, attestationId"),
            "{text}"
        );
        assert!(
            text.contains(r#"{"reference":"r-9","message":"created"}"#),
            "{text}"
        );
        for body in ["<html>ok</html>", "", "[1,2]", "\"a-1\""] {
            let err = created(body).unwrap_err().to_string();
            assert!(err.contains("not an attestation in JSON"), "{err}");
        }
        assert!(
            created("")
                .unwrap_err()
                .to_string()
                .contains("(an empty body)")
        );
    }

    #[test]
    fn a_link_that_is_not_an_http_url_is_no_link() {
        let found =
            created(r#"{"id":"a-1","url":"javascript:alert(1)","link":"/relative"}"#).unwrap();
        assert_eq!(found.link, None);
        let err = no_link(201, br#"{"id":"a-1"}"#).to_string();
        assert!(
            err.contains("no acceptance link") && err.contains(r#"{"id":"a-1"}"#),
            "{err}"
        );
    }

    #[test]
    fn states_are_read_without_case_and_unknown_ones_are_quoted() {
        for (word, state) in [
            ("Required", AttestationState::Pending),
            ("PENDING", AttestationState::Pending),
            ("expired", AttestationState::Expired),
            ("Ready", AttestationState::Ready),
            ("accepted", AttestationState::Ready),
        ] {
            let body = format!(r#"{{"id":"a","attestationStatus":"{word}"}}"#);
            assert_eq!(read_state(200, body.as_bytes()).unwrap().0, state, "{word}");
        }
        let err = read_state(200, br#"{"status":"Withdrawn"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"Withdrawn\"") && err.contains("does not know"),
            "{err}"
        );
        let err = read_state(200, br#"{"id":"a"}"#).unwrap_err().to_string();
        assert!(err.contains("no attestation state"), "{err}");
    }

    #[test]
    fn a_quote_is_one_line_cut_and_scrubbed() {
        crate::secrets::register("quoted-secret-value-1234");
        let long = format!(
            "{{\"token\":\"quoted-secret-value-1234\",\n\"pad\":\"{}\"}}",
            "x".repeat(500)
        );
        let quoted = quote(long.as_bytes());
        assert!(!quoted.contains("quoted-secret-value-1234"), "{quoted}");
        assert!(
            !quoted.contains('\n') && quoted.ends_with("..."),
            "{quoted}"
        );
        assert!(quoted.chars().count() <= QUOTED_CHARS + 3);
    }

    #[test]
    fn the_bodies_carry_the_documented_and_the_guessed_fields_in_canonical_json() {
        let who = SignatoryRequest {
            country: "US".into(),
            language: "en".into(),
            company_name: "Contoso Ltd".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: "ann@contoso.example".into(),
            phone: Some("+1 425 555 0100".into()),
        };
        assert_eq!(
            who.body(),
            r#"{"companyName":"Contoso Ltd","country":"US","language":"en","signatoryEmail":"ann@contoso.example","signatoryFirstName":"Ann","signatoryLastName":"Lee","signatoryPhoneNumber":"+1 425 555 0100"}"#
        );
        let agreement = agreement_body("a-1", "MicrosoftCustomerAgreement", &who);
        let json: Value = serde_json::from_str(&agreement).unwrap();
        assert_eq!(json[AGREEMENT_ATTESTATION_ID], "a-1");
        assert_eq!(json["primaryContact"]["email"], "ann@contoso.example");
        assert_eq!(
            state_segments("a-1"),
            ["v1", "attestations", "enhanced", "a-1"]
        );
    }
}
